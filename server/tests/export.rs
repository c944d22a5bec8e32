//! The export download through the real router, and `leadline export` as
//! an operator runs it: the file streams (the first row is read while the
//! export is still running), bad links are explained, the template matches
//! the export's header, and the command line writes the same file.

mod support;

use std::process::Command;

use app::users::model::Role;
use axum::http::Request;
use futures::StreamExt as _;
use support::{get, scalar, TestApp, HOST};
use tower::ServiceExt as _;

fn csv_rows(text: &str) -> Vec<csv::StringRecord> {
    csv::ReaderBuilder::new()
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .map(Result::unwrap)
        .collect()
}

async fn streams_before_it_finishes(app: TestApp) {
    let (_, cookie) = app.signed_in("boss", Role::Admin, None).await;
    app::leads::demo::fill(&app.store, 4000, 3).await.unwrap();
    let res = app
        .router
        .clone()
        .oneshot(get("/leads/export.csv?all=1", Some(&cookie)))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let headers = res.headers().clone();
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"leads-all-"),
        "{disposition}"
    );
    let mut body = res.into_body().into_data_stream();
    let header = body.next().await.unwrap().unwrap();
    assert!(header.starts_with(b"Id,Lead name,Status Id,"));
    let first = body.next().await.unwrap().unwrap();
    assert_eq!(
        csv_rows(&format!(
            "{}{}",
            String::from_utf8_lossy(&header),
            String::from_utf8_lossy(&first)
        ))
        .len(),
        1
    );
    // The first row is here; the export is still running.
    let outcome = scalar(
        &app.store,
        "SELECT count(*) FROM lead_exports WHERE outcome = 'running'",
    )
    .await;
    assert_eq!(outcome, 1, "the export is still running");
    let mut text = String::from_utf8_lossy(&header).into_owned();
    text.push_str(&String::from_utf8_lossy(&first));
    while let Some(chunk) = body.next().await {
        text.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
    }
    assert_eq!(csv_rows(&text).len(), 4000);
    let done = scalar(
        &app.store,
        "SELECT row_count FROM lead_exports WHERE outcome = 'complete'",
    )
    .await;
    assert_eq!(done, 4000);
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_download_streams_on_sqlite() {
    streams_before_it_finishes(TestApp::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_download_streams_on_postgres() {
    streams_before_it_finishes(TestApp::postgres().await).await;
}

#[tokio::test]
async fn a_bad_export_link_names_each_problem() {
    let app = TestApp::sqlite().await;
    let (_, cookie) = app.signed_in("rep", Role::Rep, None).await;
    let (status, headers, body) = app
        .send_full(get(
            "/leads/export.csv?status=won&created_from=soon&bom=maybe",
            Some(&cookie),
        ))
        .await;
    assert_eq!(status, 400);
    assert_eq!(headers["content-type"], "text/plain; charset=utf-8");
    for part in ["status: Unknown status \"won\"", "created_from:", "bom:"] {
        assert!(body.contains(part), "{part} in {body}");
    }
    let exports = scalar(&app.store, "SELECT count(*) FROM lead_exports").await;
    assert_eq!(exports, 0, "a refused export is not recorded");
    app.finish().await;
}

#[tokio::test]
async fn the_template_is_the_export_header_with_an_example() {
    let app = TestApp::sqlite().await;
    let (_, cookie) = app.signed_in("rep", Role::Rep, None).await;
    let (status, _, template) = app
        .send_full(get("/leads/template.csv", Some(&cookie)))
        .await;
    assert_eq!(status, 200);
    let (status, _, export) = app
        .send_full(get("/leads/export.csv?all=1", Some(&cookie)))
        .await;
    assert_eq!(status, 200);
    assert_eq!(template.lines().next(), export.lines().next());
    assert_eq!(csv_rows(&template).len(), 1);
    app.finish().await;
}

#[tokio::test]
async fn a_compressed_download_ends_cleanly() {
    let app = TestApp::sqlite().await;
    let (_, cookie) = app.signed_in("boss", Role::Admin, None).await;
    app::leads::demo::fill(&app.store, 200, 8).await.unwrap();
    let req = Request::get("/leads/export.csv?all=1")
        .header("host", HOST)
        .header("cookie", cookie)
        .header("accept-encoding", "gzip")
        .body(axum::body::Body::empty())
        .unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-encoding"], "gzip");
    let body = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    assert!(body.len() > 100);
    app.finish().await;
}

#[tokio::test]
async fn an_excel_export_starts_with_a_byte_order_mark() {
    let app = TestApp::sqlite().await;
    let (_, cookie) = app.signed_in("rep", Role::Rep, None).await;
    let req = Request::get("/leads/export.csv?bom=1&status=new")
        .header("host", HOST)
        .header("cookie", cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    let (status, _, body) = app.send_full(req).await;
    assert_eq!(status, 200);
    assert!(body.starts_with("\u{feff}Id,Lead name,"), "{body}");
    app.finish().await;
}

fn leadline() -> Command {
    Command::new(env!("CARGO_BIN_EXE_leadline"))
}

#[test]
fn the_command_line_exports_to_a_file_or_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("x.db").display());
    let out = leadline()
        .args(["demo", "--leads", "120", "--database-url", &db])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let file = dir.path().join("new.csv");
    let out = leadline()
        .args(["export", "--status", "new", "--database-url", &db, "--out"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("Exported"));
    let text = std::fs::read_to_string(&file).unwrap();
    let rows = csv_rows(&text);
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| &r[2] == "new"), "only new leads");
    assert!(!dir.path().join("new.csv.partial").exists());

    // To standard output: the CSV alone (logs go to standard error).
    let out = leadline()
        .args(["export", "--database-url", &db])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("Id,Lead name,"),
        "{}",
        &text[..80.min(text.len())]
    );
    assert_eq!(csv_rows(&text).len(), 120);

    // A bad value is refused before anything is written.
    let out = leadline()
        .args(["export", "--status", "won", "--database-url", &db])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("won"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_the_download_stops_the_export() {
    let app = TestApp::sqlite().await;
    let (_, cookie) = app.signed_in("boss", Role::Admin, None).await;
    app::leads::demo::fill(&app.store, 3000, 4).await.unwrap();
    let res = app
        .router
        .clone()
        .oneshot(get("/leads/export.csv?all=1", Some(&cookie)))
        .await
        .unwrap();
    let mut body = res.into_body().into_data_stream();
    body.next().await.unwrap().unwrap();
    drop(body);
    // The export notices at its next chunk and records how it ended.
    let mut outcome = 0;
    for _ in 0..100 {
        outcome = scalar(
            &app.store,
            "SELECT count(*) FROM lead_exports WHERE outcome = 'cancelled' AND row_count < 3000",
        )
        .await;
        if outcome == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(outcome, 1, "the export was cancelled, not finished");
    app.finish().await;
}
