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

mod common;
use common::{admin_session, each_database, env_usize, fill, median};

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
    println!("| database | leads | export s (median) | rows/s | first byte ms | RSS growth MB | database's own CSV dump s | speed vs dump | file MB | with gzip s (size) |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    each_database(|kind, store, target| async move { run(kind, store, &target).await }).await;
}
