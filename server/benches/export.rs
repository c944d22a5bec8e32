//! `make bench-export`: exporting 1,000,000 leads as CSV through the full
//! router (the download a user starts), side by side in the same run with
//! the database's own CSV dump of the same query (`sqlite3 -csv`,
//! `psql \copy (…) TO … CSV`). Reports the median of `BENCH_RUNS` runs:
//! total time, time to first byte, and the growth of this process's
//! resident memory (the server runs in it) while the export streams.
//!
//! The leads are generated in SQL (a few seconds per million): realistic
//! values cycled from lists, one or two emails, a phone and an address
//! per lead, tags on some.
//!
//! Environment: `BENCH_LEADS` (default 1000000), `BENCH_RUNS` (3),
//! `BENCH_DATABASES` (`sqlite,postgres`), `TEST_POSTGRES_URL`.

use std::{
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use app::{state::AppState, store::Store};
use axum::{body::Body, http::Request, Router};
use futures::StreamExt as _;
use tower::ServiceExt;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

const FIRST: &str = "'Ada','Grace','Linus','Alan','Barbara','Ken','Dennis','Margaret','Jürgen','Siobhán','Zoë','François','Mei','Arjun'";
const LAST: &str = "'Lovelace','Hopper','Torvalds','Turing','Liskov','Thompson','Ritchie','Hamilton','Müller','O''Brien','Ångström','Weiß','Chen','Patel'";
const COMPANY: &str = "'Acme','Globex','Initech','Umbrella','Hooli','Stark','Wayne','Wonka','Cyberdyne','Soylent','Tyrell','Aperture','Vandelay'";
const CITY: &str =
    "'Berlin','Paris','London','New York','Austin','Tokyo','Sydney','Toronto','Madrid','Stockholm'";
const COUNTRY: &str = "'DE','FR','GB','US','US','JP','AU','CA','ES','SE'";

/// Fills `leads` and their children with `n` generated leads.
async fn fill(store: &Store, n: usize) {
    let started = Instant::now();
    // Element i (0-based, cycling) of a list, per backend.
    let (pick, series, ts): (fn(&str, &str) -> String, String, String) = match store {
        Store::Sqlite(_) => (
            |list, i| format!("json_extract(json_array({list}), '$[' || (({i}) % json_array_length(json_array({list}))) || ']')"),
            format!("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) SELECT i FROM s"),
            "strftime('%Y-%m-%dT%H:%M:%f+00:00', 1735689600 + i * 29, 'unixepoch')".into(),
        ),
        Store::Postgres(_) => (
            |list, i| format!("(ARRAY[{list}])[1 + (({i}) % cardinality(ARRAY[{list}]))]"),
            format!("SELECT i FROM generate_series(1, {n}) AS s(i)"),
            "to_timestamp(1735689600 + i * 29)".into(),
        ),
    };
    let first = pick(FIRST, "i");
    let last = pick(LAST, "i / 7");
    let company = pick(COMPANY, "i / 3");
    let leads = format!(
        "INSERT INTO leads (id, name, status, first_name, last_name, job_title, company_name, \
         website, number_of_employees, industry, source_id, owner_id, notes, created_at, \
         updated_at, version) \
         SELECT i, {company} || ' ' || (i % 101) || ' - inquiry ' || i, \
         CASE i % 9 WHEN 0 THEN 'canceled' WHEN 1 THEN 'qualified' WHEN 2 THEN 'qualified' ELSE 'new' END, \
         {first}, {last}, {title}, {company} || ' ' || (i % 101), \
         CASE WHEN i % 5 < 3 THEN 'https://' || lower({company}) || '.example' END, \
         CASE WHEN i % 10 < 7 THEN ((i % 50000) * 7919) % 50000 END, {industry}, \
         CASE WHEN i % 8 < 7 THEN 1 + i % 7 END, NULL, \
         CASE WHEN i % 5 = 0 THEN 'Met at the fair; wants a demo, \"soon\"' END, {ts}, {ts}, 1 \
         FROM ({series}) AS g",
        title = pick("'CEO','CTO','Buyer','Engineer','Manager'", "i"),
        industry = pick("'Software','Manufacturing','Energy','Retail','Finance'", "i"),
    );
    let emails = "INSERT INTO lead_emails (lead_id, position, email, is_primary) \
         SELECT id, 0, 'lead.' || id || '@' || lower(replace(company_name, ' ', '')) || '.example', TRUE FROM leads";
    let emails2 = "INSERT INTO lead_emails (lead_id, position, email, is_primary) \
         SELECT id, 1, 'alt.' || id || '@mail.example', FALSE FROM leads WHERE id % 3 = 0";
    let phones = "INSERT INTO lead_phones (lead_id, position, phone, phone_key, is_primary) \
         SELECT id, 0, '+1 555 ' || (1000000 + id), '+1555' || (1000000 + id), TRUE FROM leads";
    let addresses = format!(
        "INSERT INTO lead_addresses (lead_id, position, street, city, postal_code, country, is_primary) \
         SELECT id, 0, (id % 999) || ' Main St', {city}, '' || (10000 + id % 89999), {country}, TRUE FROM leads",
        city = pick(CITY, "id"),
        country = pick(COUNTRY, "id"),
    );
    let tags = "INSERT INTO lead_tags (lead_id, position, tag) \
         SELECT id, 0, 'trade show' FROM leads WHERE id % 4 = 0";
    for sql in [
        leads.as_str(),
        emails,
        emails2,
        phones,
        &addresses,
        tags,
        "ANALYZE",
    ] {
        match store {
            Store::Sqlite(pool) => {
                sqlx::query(sql).execute(pool).await.expect(sql);
            }
            Store::Postgres(pool) => {
                sqlx::query(sql).execute(pool).await.expect(sql);
            }
        }
    }
    if let Store::Postgres(pool) = store {
        sqlx::query(
            "SELECT setval(pg_get_serial_sequence('leads', 'id'), (SELECT max(id) FROM leads))",
        )
        .execute(pool)
        .await
        .expect("sequence");
        sqlx::query("VACUUM ANALYZE")
            .execute(pool)
            .await
            .expect("vacuum");
    }
    eprintln!(
        "({n} leads generated in {:.1} s)",
        started.elapsed().as_secs_f64()
    );
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

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

struct Run {
    total: Duration,
    first_byte: Duration,
    bytes: usize,
    rss_growth_kib: u64,
}

async fn export_once(router: &Router, cookie: &str, gzip: bool) -> Run {
    let before = rss_kib();
    let started = Instant::now();
    let mut req = Request::get("/leads/export.csv?all=1")
        .header("host", "bench.test")
        .header("cookie", cookie);
    if gzip {
        req = req.header("accept-encoding", "gzip");
    }
    let req = req.body(Body::empty()).unwrap();
    let res = router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), 200);
    let mut body = res.into_body().into_data_stream();
    let mut first_byte = None;
    let mut bytes = 0;
    let mut peak = before;
    let mut chunks = 0_u64;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.expect("chunk");
        first_byte.get_or_insert_with(|| started.elapsed());
        bytes += chunk.len();
        chunks += 1;
        if chunks.is_multiple_of(64) {
            peak = peak.max(rss_kib());
        }
    }
    Run {
        total: started.elapsed(),
        first_byte: first_byte.unwrap_or_default(),
        bytes,
        rss_growth_kib: peak.max(rss_kib()).saturating_sub(before),
    }
}

/// The export query for an `sqlite3` older than 3.44 (Debian's), which
/// has no `ORDER BY` inside an aggregate: each
/// `(SELECT group_concat(X, S ORDER BY O) FROM T WHERE C)` becomes
/// `(SELECT group_concat(v, S) FROM (SELECT X AS v FROM T WHERE C ORDER BY O))`
/// — the same rows, read and sorted the same way.
fn for_old_sqlite(sql: &str) -> String {
    let mut out = String::new();
    let mut rest = sql;
    while let Some(at) = rest.find("(SELECT group_concat(") {
        out.push_str(&rest[..at]);
        let inner = &rest[at + "(SELECT group_concat(".len()..];
        // The aggregate's arguments end at its closing parenthesis.
        let mut depth = 1;
        let mut end = 0;
        for (i, c) in inner.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                end = i;
                break;
            }
        }
        let args = &inner[..end];
        let (head, order) = args
            .split_once(" ORDER BY ")
            .expect("ORDER BY in the aggregate");
        let (expr, sep) = head.rsplit_once(", ").expect("a separator");
        // Then ` FROM T alias WHERE cond)` up to the subquery's end.
        let after = &inner[end + 1..];
        let close = after.find(") AS ").expect("the subquery's alias");
        let from = after[..close].trim();
        out.push_str(&format!(
            "(SELECT group_concat(v, {sep}) FROM (SELECT {expr} AS v {from} ORDER BY {order}))"
        ));
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The database's own CSV dump of the export query, into /dev/null.
fn baseline_once(kind: &str, target: &str, sql: &str) -> Duration {
    let started = Instant::now();
    let status = if kind == "SQLite" {
        Command::new("sqlite3")
            .args(["-csv", target, sql])
            .stdout(Stdio::null())
            .status()
    } else {
        Command::new("psql")
            .args([
                "-q",
                target,
                "-c",
                &format!("\\copy ({sql}) TO '/dev/null' CSV"),
            ])
            .stdout(Stdio::null())
            .status()
    };
    assert!(
        status.expect("run the baseline").success(),
        "baseline failed"
    );
    started.elapsed()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

async fn run(kind: &str, store: Store, target: &str) {
    let leads = env_usize("BENCH_LEADS", 1_000_000);
    let runs = env_usize("BENCH_RUNS", 3).max(1);
    store.migrate().await.expect("migrate");
    fill(&store, leads).await;
    let router = leadline::serve::router(AppState::new(
        leptos::prelude::LeptosOptions::builder()
            .output_name(leadline::serve::SITE_NAME)
            .build(),
        store.clone(),
    ));
    let cookie = admin_session(&store).await;
    let sql = match kind {
        "SQLite" => for_old_sqlite(&app::leads::store::export_sql(&store)),
        _ => app::leads::store::export_sql(&store),
    };
    // Warm the caches for both sides alike.
    baseline_once(kind, target, &sql);
    let (mut ours, mut ttfb, mut rss, mut base) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut bytes = 0;
    for _ in 0..runs {
        let r = export_once(&router, &cookie, false).await;
        ours.push(r.total.as_secs_f64());
        ttfb.push(r.first_byte.as_secs_f64() * 1000.0);
        rss.push(r.rss_growth_kib as f64 / 1024.0);
        bytes = r.bytes;
        base.push(baseline_once(kind, target, &sql).as_secs_f64());
    }
    // A browser asks for gzip, and gets it (one run: the cost of it).
    let gzipped = export_once(&router, &cookie, true).await;
    let (ours, ttfb, rss, base) = (median(ours), median(ttfb), median(rss), median(base));
    println!(
        "| {kind} | {leads} | {ours:.2} | {:.0} | {ttfb:.1} | {rss:.1} | {base:.2} | {:.2}× | {:.0} | {:.2} ({:.0} MB) |",
        leads as f64 / ours,
        base / ours,
        bytes as f64 / 1_048_576.0,
        gzipped.total.as_secs_f64(),
        gzipped.bytes as f64 / 1_048_576.0,
    );
    store.close().await;
}

#[tokio::main]
async fn main() {
    let databases = std::env::var("BENCH_DATABASES").unwrap_or_else(|_| "sqlite,postgres".into());
    println!("| database | leads | export s (median) | rows/s | first byte ms | RSS growth MB | database's own CSV dump s | speed vs dump | file MB | with gzip s (size) |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    if databases.contains("sqlite") {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("bench.db");
        let url = format!("sqlite://{}", path.display());
        let store = Store::connect(&url).await.expect("sqlite");
        run("SQLite", store, &path.display().to_string()).await;
    }
    if databases.contains("postgres") {
        let admin = std::env::var("TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let name = format!("leadline_bench_{}", std::process::id());
        let admin_store = Store::connect(&admin).await.expect("postgres admin");
        let Store::Postgres(admin_pool) = &admin_store else {
            panic!("TEST_POSTGRES_URL must be postgres://")
        };
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(admin_pool)
            .await
            .expect("create db");
        let (base, _) = admin.rsplit_once('/').expect("URL with a database");
        let url = format!("{base}/{name}");
        run(
            "PostgreSQL",
            Store::connect(&url).await.expect("postgres"),
            &url,
        )
        .await;
        sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .execute(admin_pool)
            .await
            .expect("drop db");
    }
}
