//! The server's routes end to end, in process, on a real SQLite file.

use app::{state::AppState, store::Store};
use axum::{body::Body, http::Request, Router};
use tower::ServiceExt;

async fn app() -> (Router, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    let state = AppState {
        leptos_options: leptos::prelude::LeptosOptions::builder()
            .output_name(leadline::serve::SITE_NAME)
            .build(),
        store,
    };
    (leadline::serve::router(state), dir)
}

async fn send(router: &Router, req: Request<Body>) -> (u16, String) {
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status().as_u16();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).unwrap()
}

fn post(path: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let (router, _dir) = app().await;
    assert_eq!(send(&router, get("/healthz")).await, (200, "ok".into()));
    assert_eq!(send(&router, get("/readyz")).await, (200, "ready".into()));
}

#[tokio::test]
async fn an_empty_list_is_rendered_on_the_server() {
    let (router, _dir) = app().await;
    let (status, html) = send(&router, get("/leads")).await;
    assert_eq!(status, 200);
    assert!(html.contains("No leads yet"), "{html}");
    assert!(
        html.contains("/pkg/leadline.js"),
        "the page loads the WASM app"
    );
}

#[tokio::test]
async fn a_created_lead_is_rendered_with_its_name_escaped() {
    let (router, _dir) = app().await;
    let name = "<script>alert('x')</script> Deal";
    let body = format!(
        "form[name]={}&form[emails][0][email]=ada%40acme.example&form[emails][0][primary]=true",
        url::form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>()
    );
    let (status, json) = send(&router, post("/api/leads/create", &body)).await;
    assert_eq!(status, 200, "{json}");
    let id = serde_json::from_str::<serde_json::Value>(&json).unwrap()["id"]
        .as_i64()
        .unwrap();

    let (status, html) = send(&router, get(&format!("/leads/{id}"))).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Deal")
            || html.contains("&lt;script&gt;alert('x')&lt;/script&gt; Deal"),
        "{html}"
    );
    assert!(!html.contains("<script>alert('x')</script>"));
    assert!(html.contains("ada@acme.example"));
}

#[tokio::test]
async fn a_lead_name_cannot_break_out_of_the_page_title() {
    let (router, _dir) = app().await;
    let (status, json) = send(
        &router,
        post(
            "/api/leads/create",
            "form[name]=%3C%2Ftitle%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        ),
    )
    .await;
    assert_eq!(status, 200, "{json}");
    let id = serde_json::from_str::<serde_json::Value>(&json).unwrap()["id"]
        .as_i64()
        .unwrap();
    for path in [format!("/leads/{id}"), format!("/leads/{id}/edit")] {
        let (_, html) = send(&router, get(&path)).await;
        assert!(!html.contains("<script>alert(1)"), "{path}: {html}");
        assert!(
            html.contains("<title>Edit &lt;/title&gt;") || html.contains("<title>&lt;/title&gt;"),
            "{path}: {html}"
        );
    }
}

#[tokio::test]
async fn invalid_input_is_422_with_field_errors_and_nothing_is_stored() {
    let (router, _dir) = app().await;
    let (status, json) = send(
        &router,
        post(
            "/api/leads/create",
            "form[name]=&form[number_of_employees]=-1",
        ),
    )
    .await;
    assert_eq!(status, 422, "{json}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let fields: Vec<&str> = v["Validation"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name", "number_of_employees"]);
    let (_, list) = send(&router, post("/api/leads/list", "")).await;
    assert!(list.contains("\"total\":0"), "{list}");
}

#[tokio::test]
async fn unknown_leads_are_404_on_pages_and_server_functions() {
    let (router, _dir) = app().await;
    assert_eq!(send(&router, get("/leads/77")).await.0, 404);
    assert_eq!(send(&router, get("/leads/77/edit")).await.0, 404);
    assert_eq!(send(&router, get("/leads/abc")).await.0, 404);
    assert_eq!(send(&router, get("/no/such/page")).await.0, 404);
    assert_eq!(send(&router, post("/api/leads/get", "id=77")).await.0, 404);
    assert_eq!(
        send(&router, post("/api/leads/delete", "id=77")).await.0,
        404
    );
    let (status, _) = send(
        &router,
        post("/api/leads/update", "id=77&version=1&form[name]=x"),
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn malformed_arguments_are_rejected_not_crashed_on() {
    let (router, _dir) = app().await;
    let (status, _) = send(&router, post("/api/leads/get", "id=not-a-number")).await;
    assert_eq!(status, 400);
    let (status, body) = send(
        &router,
        post("/api/leads/list", "page[before][created_ms]=x"),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    // A malformed cursor in a page URL just shows the first page.
    assert_eq!(send(&router, get("/leads?before=garbage")).await.0, 200);
}

#[tokio::test]
async fn a_plain_html_form_post_redirects_like_a_browser_expects() {
    let (router, _dir) = app().await;
    let req = Request::post("/api/leads/create")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/html")
        .header("referer", "/leads/new")
        .body(Body::from("form[name]=No+JS+lead&after=close"))
        .unwrap();
    let res = router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status().as_u16(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.starts_with("/leads/") && location[7..].parse::<i64>().is_ok(),
        "{location}"
    );
}
