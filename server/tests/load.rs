//! `make load` in short: signed-in users creating, editing, qualifying,
//! filtering, opening and exporting leads against real server processes,
//! on SQLite (one instance) and on PostgreSQL (two instances, the second
//! restarted mid-run as an operator rolls out an upgrade: out of the
//! balancer's rotation, SIGTERM, started again). No request may fail.

#[path = "../benches/common/mod.rs"]
mod common;

use common::{
    each_database,
    load::{run, Report, Settings},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolling_restart_under_load_fails_no_request() {
    let settings = Settings {
        users: 30,
        seconds: 8,
        leads: 2_000,
        think_ms: 150,
        roll: true,
    };
    let reports = std::sync::Arc::new(std::sync::Mutex::new(Vec::<Report>::new()));
    each_database(|kind, store, target| {
        let (settings, reports) = (settings.clone(), reports.clone());
        async move {
            let report = run(kind, store, target, &settings).await;
            report.print();
            reports.lock().unwrap().push(report);
        }
    })
    .await;
    let reports = reports.lock().unwrap();
    assert_eq!(reports.len(), 2, "a run on SQLite and one on PostgreSQL");
    for report in reports.iter() {
        assert_eq!(report.errors(), 0, "{}: {:?}", report.setup, report.samples);
        assert_eq!(
            report.logged_errors, 0,
            "{}: errors in the log",
            report.setup
        );
        // Every kind of action was done, and often enough to count.
        assert!(
            report.rows.len() >= 7,
            "{}: {:?}",
            report.setup,
            report.rows
        );
        let requests: usize = report.rows.iter().map(|r| r.requests).sum();
        assert!(
            requests >= 300,
            "{}: only {requests} requests",
            report.setup
        );
    }
    let (_, _, out) = reports[1]
        .restart
        .expect("the second PostgreSQL instance was restarted");
    assert!(out.as_secs_f64() < 30.0);
}
