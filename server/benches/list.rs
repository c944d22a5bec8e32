//! `make bench-list-server`: the lead list filtered on the server (the list
//! of a viewer who may see more leads than the browser is given) over
//! 1,000,000 leads, with 64 clients asking at once, on SQLite and on
//! PostgreSQL. Every request goes through the full router (the
//! `/api/leads/list` server function, its layers and storage) in this
//! process, as the browser calls it; only the network is left out.
//!
//! Three kinds of request, over a mix of the filters a manager uses
//! (text words, status, owner, source, country, date and size ranges,
//! combined, under several sorts):
//! - *first page*: 50 rows of a new filter, with the counts per status
//!   the list shows beside it (what a keystroke or a click costs);
//! - *page only*: the same 50 rows without the counts;
//! - *next page*: the 50 rows after a cursor (scrolling on).
//!
//! Environment: `BENCH_LEADS` (default 1000000), `BENCH_CLIENTS` (64),
//! `BENCH_REQUESTS` (requests per kind, 3200), `BENCH_DATABASES`
//! (`sqlite,postgres`), `TEST_POSTGRES_URL`.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use app::{state::AppState, store::Store};
use axum::{body::Body, http::Request, Router};
use tower::ServiceExt;

mod common;
use common::{
    admin_session, each_database, enc, env_usize, fill, fill_search, median, percentile,
    sort_params,
};

/// Owners the generated leads are spread over.
const OWNERS: i64 = 20;

/// The filters asked for (the list's URL parameters), with a sort.
fn filters(first_owner: i64) -> Vec<(String, &'static str)> {
    let owner = first_owner + 7;
    [
        ("", "-created"),
        ("status=new", "-created"),
        ("q=acme", "-created"),
        ("q=acme+ada", "-created"),
        ("q=globex&status=qualified&country=FR", "-created"),
        ("q=lead.4242", "-created"),
        ("q=5551234", "-created"),
        ("q=hopper", "name"),
        (&format!("owner={owner}"), "-created"),
        (&format!("owner={owner}&status=new"), "name"),
        ("country=DE", "-created"),
        ("source=3&status=new", "-updated"),
        ("created_from=2025-03-01&created_to=2025-03-31", "-created"),
        ("employees_min=100&employees_max=500", "-created"),
        ("status=new", "company"),
        ("q=initech", "last_name"),
    ]
    .into_iter()
    .map(|(f, s)| (f.to_string(), s))
    .collect()
}

/// One call of the list endpoint; the time and the JSON answer.
async fn call(router: &Router, cookie: &str, body: String) -> (Duration, serde_json::Value) {
    let request = Request::post("/api/leads/list")
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
        "{status}: {}",
        String::from_utf8_lossy(&bytes)
    );
    (
        elapsed,
        serde_json::from_slice(&bytes).expect("a JSON page"),
    )
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    First,
    PageOnly,
    Next,
}

/// The request bodies of one kind, one per filter.
async fn bodies(
    router: &Router,
    cookie: &str,
    kind: Kind,
    filters: &[(String, &str)],
) -> Vec<String> {
    let mut out = Vec::new();
    for (filter, sort) in filters {
        let base = format!(
            "page[limit]=50&{}&filter={}",
            sort_params(sort),
            enc(filter)
        );
        out.push(match kind {
            Kind::First => format!("{base}&page[with_counts]=true"),
            Kind::PageOnly => base,
            Kind::Next => {
                // The cursor after the first page of this filter.
                let (_, page) = call(router, cookie, base.clone()).await;
                match page["older"].as_object() {
                    Some(cursor) => {
                        let mut body = format!("{base}&page[before][id]={}", cursor["id"]);
                        if let Some(key) = cursor["key"].as_str() {
                            body.push_str(&format!("&page[before][key]={}", enc(key)));
                        }
                        body
                    }
                    None => base,
                }
            }
        });
    }
    out
}

struct Figures {
    median_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    per_second: f64,
}

/// `total` requests from `clients` clients at once, each taking the next
/// body in turn.
async fn load(
    router: &Router,
    cookie: &str,
    bodies: Vec<String>,
    clients: usize,
    total: usize,
) -> Figures {
    let bodies = Arc::new(bodies);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (router, cookie, bodies, next) = (
            router.clone(),
            cookie.to_string(),
            bodies.clone(),
            next.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= total {
                    return times;
                }
                let body = bodies[i % bodies.len()].clone();
                let (t, _) = call(&router, &cookie, body).await;
                times.push(t.as_secs_f64() * 1000.0);
            }
        }));
    }
    let mut times = Vec::new();
    for task in tasks {
        times.extend(task.await.expect("client"));
    }
    let elapsed = started.elapsed().as_secs_f64();
    Figures {
        median_ms: median(times.clone()),
        p99_ms: percentile(times.clone(), 0.99),
        max_ms: percentile(times, 1.0),
        per_second: total as f64 / elapsed,
    }
}

async fn run(kind: &str, store: Store) -> Vec<String> {
    let leads = env_usize("BENCH_LEADS", 1_000_000);
    let clients = env_usize("BENCH_CLIENTS", 64);
    let total = env_usize("BENCH_REQUESTS", 3200);
    store.migrate().await.expect("migrate");
    fill(&store, leads).await;
    let mut owners = Vec::new();
    for i in 0..OWNERS {
        let rep = app::users::model::ValidUser::parse(&app::users::model::UserForm {
            username: format!("rep{i}"),
            display_name: format!("Rep {i}"),
            role: "rep".into(),
            ..Default::default()
        })
        .expect("valid user");
        owners.push(
            app::users::store::insert_user(&store, &rep, None)
                .await
                .expect("rep"),
        );
    }
    assert!(
        owners.windows(2).all(|w| w[1] == w[0] + 1),
        "the reps' ids follow each other"
    );
    fill_search(&store, owners[0], OWNERS).await;
    let router = leadline::serve::router(AppState::new(
        leptos::prelude::LeptosOptions::builder()
            .output_name(leadline::serve::SITE_NAME)
            .build(),
        store.clone(),
    ));
    let cookie = admin_session(&store).await;
    let filters = filters(owners[0]);
    for (label, kind_of) in [
        ("first page + counts", Kind::First),
        ("page only", Kind::PageOnly),
        ("next page", Kind::Next),
    ] {
        let bodies = bodies(&router, &cookie, kind_of, &filters).await;
        // Warm the caches once over every filter.
        for body in &bodies {
            call(&router, &cookie, body.clone()).await;
        }
        let f = load(&router, &cookie, bodies, clients, total).await;
        println!(
            "| {kind} | {leads} | {label} | {clients} | {total} | {:.1} | {:.1} | {:.1} | {:.0} |",
            f.median_ms, f.p99_ms, f.max_ms, f.per_second
        );
    }
    // Per filter, one client at a time: where the time goes.
    let mut lines = vec![
        format!("\n{kind}, one client at a time, median of 5:\n"),
        "| filter | sort | matching | first page + counts ms | page only ms |".into(),
        "|---|---|---:|---:|---:|".into(),
    ];
    for (filter, sort) in &filters {
        let body = format!(
            "page[limit]=50&{}&filter={}&page[with_counts]=true",
            sort_params(sort),
            enc(filter)
        );
        let page_only = body.replace("&page[with_counts]=true", "");
        let (mut times, mut page_times) = (Vec::new(), Vec::new());
        let mut matching = 0;
        for _ in 0..5 {
            let (t, page) = call(&router, &cookie, body.clone()).await;
            times.push(t.as_secs_f64() * 1000.0);
            matching = page["counts"]["total"].as_i64().unwrap_or(-1);
            let (t, _) = call(&router, &cookie, page_only.clone()).await;
            page_times.push(t.as_secs_f64() * 1000.0);
        }
        lines.push(format!(
            "| `{}` | {sort} | {matching} | {:.1} | {:.1} |",
            if filter.is_empty() { "(none)" } else { filter },
            median(times),
            median(page_times)
        ));
    }
    store.close().await;
    lines
}

#[tokio::main]
async fn main() {
    println!("| database | leads | request | clients | requests | median ms | p99 ms | max ms | requests/s |");
    println!("|---|---:|---|---:|---:|---:|---:|---:|---:|");
    let details = std::sync::Mutex::new(Vec::new());
    each_database(|kind, store, _| {
        let details = &details;
        async move {
            let lines = run(kind, store).await;
            details.lock().unwrap().extend(lines);
        }
    })
    .await;
    for line in details.into_inner().unwrap() {
        println!("{line}");
    }
}
