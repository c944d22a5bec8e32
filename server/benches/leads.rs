//! `make bench`: server latency of creating and loading a lead, over a
//! database that already holds 10,000 generated leads, on SQLite and on
//! PostgreSQL. Requests go through the full router (server functions,
//! layers, storage) in process, so the figures exclude only the network.
//!
//! Environment: `BENCH_LEADS` (default 10000), `BENCH_CREATES` (500),
//! `BENCH_LOADS` (2000), `TEST_POSTGRES_URL` (admin URL of the server;
//! default postgres://postgres@127.0.0.1:5432/postgres).

use std::time::{Duration, Instant};

use app::{state::AppState, store::Store};
use axum::{body::Body, http::Request, Router};
use rand::{rngs::SmallRng, Rng, SeedableRng};
use tower::ServiceExt;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn form_body(rng: &mut SmallRng, i: usize) -> String {
    let form = app::leads::demo::demo_lead(rng, 1_000_000 + i);
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    s.append_pair("form[name]", &form.name)
        .append_pair("form[status]", &form.status)
        .append_pair("form[company_name]", &form.company_name)
        .append_pair("form[source_id]", &form.source_id)
        .append_pair("form[first_name]", &form.first_name)
        .append_pair("form[last_name]", &form.last_name)
        .append_pair("form[job_title]", &form.job_title)
        .append_pair("form[website]", &form.website)
        .append_pair("form[number_of_employees]", &form.number_of_employees)
        .append_pair("form[industry]", &form.industry)
        .append_pair("form[tags]", &form.tags);
    for (n, e) in form.emails.iter().enumerate() {
        s.append_pair(&format!("form[emails][{n}][email]"), &e.email)
            .append_pair(
                &format!("form[emails][{n}][primary]"),
                &e.primary.to_string(),
            );
    }
    for (n, p) in form.phones.iter().enumerate() {
        s.append_pair(&format!("form[phones][{n}][phone]"), &p.phone)
            .append_pair(
                &format!("form[phones][{n}][primary]"),
                &p.primary.to_string(),
            );
    }
    for (n, a) in form.addresses.iter().enumerate() {
        s.append_pair(&format!("form[addresses][{n}][street]"), &a.street)
            .append_pair(&format!("form[addresses][{n}][city]"), &a.city)
            .append_pair(
                &format!("form[addresses][{n}][postal_code]"),
                &a.postal_code,
            )
            .append_pair(&format!("form[addresses][{n}][country]"), &a.country)
            .append_pair(&format!("form[addresses][{n}][primary]"), "true");
    }
    s.finish()
}

async fn post(router: &Router, cookie: &str, path: &str, body: String) -> Duration {
    let request = Request::post(path)
        .header("host", "leadline.bench")
        .header("origin", "http://leadline.bench")
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
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
    assert!(
        status.is_success(),
        "{path} answered {status}: {}",
        String::from_utf8_lossy(&bytes)
    );
    elapsed
}

fn summary(mut samples: Vec<Duration>) -> (f64, f64, f64) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = ms(samples[samples.len() / 2]);
    let p99 = ms(samples[(samples.len() * 99 / 100).min(samples.len() - 1)]);
    let mean = samples.iter().map(|d| ms(*d)).sum::<f64>() / samples.len() as f64;
    (median, p99, mean)
}

/// An admin (who sees every lead) and a session cookie for them: every
/// request pays for the session lookup, as in production.
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

async fn run(kind: &str, store: Store) {
    let leads = env_usize("BENCH_LEADS", 10_000);
    let creates = env_usize("BENCH_CREATES", 500);
    let loads = env_usize("BENCH_LOADS", 2_000);
    store.migrate().await.expect("migrate");
    let started = Instant::now();
    app::leads::demo::fill(&store, leads, 42)
        .await
        .expect("demo leads");
    let fill_secs = started.elapsed().as_secs_f64();
    let router = leadline::serve::router(AppState::new(
        leptos::prelude::LeptosOptions::builder()
            .output_name(leadline::serve::SITE_NAME)
            .build(),
        store.clone(),
    ));
    let cookie = admin_session(&store).await;
    let cookie = cookie.as_str();
    let mut rng = SmallRng::seed_from_u64(9);
    // Warm up connections and caches.
    for i in 0..20 {
        post(&router, cookie, "/api/leads/create", form_body(&mut rng, i)).await;
    }
    let mut create = Vec::with_capacity(creates);
    for i in 0..creates {
        let body = form_body(&mut rng, 100 + i);
        create.push(post(&router, cookie, "/api/leads/create", body).await);
    }
    let max_id = leads as i64;
    let mut load = Vec::with_capacity(loads);
    for _ in 0..loads {
        let id = rng.gen_range(1..=max_id);
        load.push(post(&router, cookie, "/api/leads/get", format!("id={id}")).await);
    }
    let (cm, cp, ca) = summary(create);
    let (lm, lp, la) = summary(load);
    println!("| {kind} | create lead | {creates} | {cm:.2} | {cp:.2} | {ca:.2} |");
    println!("| {kind} | load lead | {loads} | {lm:.2} | {lp:.2} | {la:.2} |");
    eprintln!("({kind}: {leads} demo leads generated and inserted in {fill_secs:.1} s)");
    store.close().await;
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    println!("| database | operation | requests | median ms | p99 ms | mean ms |");
    println!("|---|---|---:|---:|---:|---:|");
    run("SQLite", Store::connect(&url).await.expect("sqlite")).await;

    let admin = std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("leadline_bench_{}", std::process::id());
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
