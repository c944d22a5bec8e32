//! `make bench-qualify`: latency of qualifying a lead (the wizard's start
//! and its confirm), through the full router in process, over a database
//! holding 1,000,000 generated leads and 100,000 accounts, on SQLite and
//! on PostgreSQL.
//!
//! Environment: `BENCH_LEADS` (default 1000000), `BENCH_ACCOUNTS` (100000),
//! `BENCH_QUALIFIES` (500), `BENCH_DATABASES` (`sqlite,postgres`),
//! `TEST_POSTGRES_URL` (admin URL; default
//! postgres://postgres@127.0.0.1:5432/postgres).

use std::time::{Duration, Instant};

use app::{leads::qualify::QualifyStart, state::AppState, store::Store};
use axum::{body::Body, http::Request, Router};
use rand::{rngs::SmallRng, Rng, SeedableRng};
use tower::ServiceExt;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn call(
    router: &Router,
    cookie: &str,
    path: &str,
    body: String,
    json: bool,
) -> (Duration, String) {
    let request = Request::post(path)
        .header("host", "leadline.bench")
        .header("origin", "http://leadline.bench")
        .header("cookie", cookie)
        .header(
            "content-type",
            if json {
                "application/json"
            } else {
                "application/x-www-form-urlencoded"
            },
        )
        .header("accept", "application/json")
        .body(Body::from(body))
        .expect("request");
    let started = Instant::now();
    let response = router.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    let elapsed = started.elapsed();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    assert!(status.is_success(), "{path} answered {status}: {text}");
    (elapsed, text)
}

fn summary(mut samples: Vec<Duration>) -> (f64, f64, f64) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = ms(samples[samples.len() / 2]);
    let p99 = ms(samples[(samples.len() * 99 / 100).min(samples.len() - 1)]);
    let mean = samples.iter().map(|d| ms(*d)).sum::<f64>() / samples.len() as f64;
    (median, p99, mean)
}

async fn admin_session(store: &Store) -> String {
    use app::users::{auth, model, store as users};
    let admin = model::ValidUser::parse(&model::UserForm {
        username: "bench-admin".into(),
        display_name: "Bench admin".into(),
        role: "admin".into(),
        ..Default::default()
    })
    .expect("valid user");
    let id = users::insert_user(store, &admin, None)
        .await
        .expect("admin");
    let (token, hash) = auth::new_session_token();
    let now = auth::unix_now();
    users::insert_session(store, &hash, id, now, now + auth::SESSION_SECONDS)
        .await
        .expect("session");
    format!("{}={token}", auth::COOKIE)
}

/// `count` accounts: every company name the generated leads use (so that
/// qualifying finds its account by name), then filler.
async fn fill_accounts(store: &Store, count: usize) {
    let at = chrono::Utc::now();
    let companies: Vec<String> = match store {
        Store::Sqlite(pool) => sqlx::query_scalar(
            "SELECT DISTINCT company_name FROM leads WHERE company_name IS NOT NULL",
        )
        .fetch_all(pool)
        .await
        .expect("companies"),
        Store::Postgres(pool) => sqlx::query_scalar(
            "SELECT DISTINCT company_name FROM leads WHERE company_name IS NOT NULL",
        )
        .fetch_all(pool)
        .await
        .expect("companies"),
    };
    let names: Vec<String> = companies
        .into_iter()
        .chain((0..).map(|i| format!("Prospect {i} Holdings")))
        .take(count)
        .collect();
    for chunk in names.chunks(1000) {
        macro_rules! insert {
            ($db:ty, $pool:expr) => {{
                let mut q = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO accounts (name, created_at, updated_at, version) ",
                );
                q.push_values(chunk, |mut b, name| {
                    b.push_bind(name.clone())
                        .push_bind(at)
                        .push_bind(at)
                        .push_bind(1_i64);
                });
                q.build().execute($pool).await.expect("accounts");
            }};
        }
        match store {
            Store::Sqlite(pool) => insert!(sqlx::Sqlite, pool),
            Store::Postgres(pool) => insert!(sqlx::Postgres, pool),
        }
    }
}

async fn run(kind: &str, store: Store) {
    let leads = env_usize("BENCH_LEADS", 1_000_000);
    let accounts = env_usize("BENCH_ACCOUNTS", 100_000);
    let qualifies = env_usize("BENCH_QUALIFIES", 500);
    store.migrate().await.expect("migrate");
    let started = Instant::now();
    app::leads::demo::fill(&store, leads, 42)
        .await
        .expect("demo leads");
    fill_accounts(&store, accounts).await;
    eprintln!(
        "({kind}: {leads} leads and {accounts} accounts generated in {:.0} s)",
        started.elapsed().as_secs_f64()
    );
    let router = leadline::serve::router(AppState::new(
        leptos::prelude::LeptosOptions::builder()
            .output_name(leadline::serve::SITE_NAME)
            .build(),
        store.clone(),
    ));
    let cookie = admin_session(&store).await;
    // Leads that can be qualified: new ones (the generator also makes
    // qualified and disqualified leads).
    let sql = "SELECT id FROM leads WHERE status = 'new' ORDER BY id";
    let open: Vec<i64> = match &store {
        Store::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await.expect("ids"),
        Store::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await.expect("ids"),
    };
    let mut rng = SmallRng::seed_from_u64(7);
    let mut ids: Vec<i64> = Vec::new();
    while ids.len() < (qualifies + 20).min(open.len()) {
        let id = open[rng.gen_range(0..open.len())];
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let (mut starts, mut confirms) = (Vec::new(), Vec::new());
    for (n, id) in ids.into_iter().enumerate() {
        let (took_start, body) = call(
            &router,
            &cookie,
            "/api/leads/qualify_start",
            format!("id={id}"),
            false,
        )
        .await;
        let start: QualifyStart = serde_json::from_str(&body).expect("qualify start");
        let request = serde_json::json!({ "request": start.initial_request() }).to_string();
        let (took, _) = call(&router, &cookie, "/api/leads/qualify", request, true).await;
        // The first 20 warm connections and caches.
        if n >= 20 {
            starts.push(took_start);
            confirms.push(took);
        }
    }
    let (sm, sp, sa) = summary(starts);
    let (cm, cp, ca) = summary(confirms);
    println!("| {kind} | open the wizard (lead, matching account, duplicates) | {qualifies} | {sm:.2} | {sp:.2} | {sa:.2} |");
    println!("| {kind} | qualify (one transaction) | {qualifies} | {cm:.2} | {cp:.2} | {ca:.2} |");
    store.close().await;
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    println!("| database | operation | requests | median ms | p99 ms | mean ms |");
    println!("|---|---|---:|---:|---:|---:|");
    let databases = std::env::var("BENCH_DATABASES").unwrap_or_else(|_| "sqlite,postgres".into());
    if databases.contains("sqlite") {
        run("SQLite", Store::connect(&url).await.expect("sqlite")).await;
    }
    if !databases.contains("postgres") {
        return;
    }

    let admin = std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("leadline_bench_q_{}", std::process::id());
    let admin_store = Store::connect(&admin)
        .await
        .expect("postgres admin connection");
    let Store::Postgres(admin_pool) = &admin_store else {
        panic!("TEST_POSTGRES_URL must be postgres://")
    };
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(admin_pool)
        .await
        .expect("create db");
    let db_url = match admin.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => panic!("TEST_POSTGRES_URL needs a database name"),
    };
    run(
        "PostgreSQL",
        Store::connect(&db_url).await.expect("postgres"),
    )
    .await;
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(admin_pool)
        .await
        .expect("drop db");
}
