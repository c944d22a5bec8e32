//! The server's routes end to end, in process, on a real SQLite file.

mod support;

use app::users::model::Role;
use axum::{body::Body, http::Request};
use support::{call, get as get_as, TestApp, HOST, ORIGIN};

/// The app on a fresh SQLite file, with an admin signed in.
async fn app() -> Harness {
    let app = TestApp::sqlite().await;
    let (_, cookie) = app.signed_in("admin", Role::Admin, None).await;
    Harness { app, cookie }
}

/// The app and the admin's session cookie.
struct Harness {
    app: TestApp,
    cookie: String,
}

async fn send(h: &Harness, req: Request<Body>) -> (u16, String) {
    h.app.send(req).await
}

fn get_with(h: &Harness, path: &str) -> Request<Body> {
    get_as(path, Some(&h.cookie))
}

fn post_with(h: &Harness, path: &str, body: &str) -> Request<Body> {
    call(path, body, Some(&h.cookie))
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let router = app().await;
    assert_eq!(
        send(&router, get_with(&router, "/healthz")).await,
        (200, "ok".into())
    );
    assert_eq!(
        send(&router, get_with(&router, "/readyz")).await,
        (200, "ready".into())
    );
}

#[tokio::test]
async fn an_empty_list_is_rendered_on_the_server() {
    let router = app().await;
    let (status, html) = send(&router, get_with(&router, "/leads")).await;
    assert_eq!(status, 200);
    assert!(html.contains("No leads yet"), "{html}");
    assert!(
        html.contains("/pkg/leadline.js"),
        "the page loads the WASM app"
    );
}

#[tokio::test]
async fn a_created_lead_is_rendered_with_its_name_escaped() {
    let router = app().await;
    let name = "<script>alert('x')</script> Deal";
    let body = format!(
        "form[name]={}&form[emails][0][email]=ada%40acme.example&form[emails][0][primary]=true",
        url::form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>()
    );
    let (status, json) = send(&router, post_with(&router, "/api/leads/create", &body)).await;
    assert_eq!(status, 200, "{json}");
    let id = serde_json::from_str::<serde_json::Value>(&json).unwrap()["id"]
        .as_i64()
        .unwrap();

    let (status, html) = send(&router, get_with(&router, &format!("/leads/{id}"))).await;
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
    let router = app().await;
    let (status, json) = send(
        &router,
        post_with(
            &router,
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
        let (_, html) = send(&router, get_with(&router, &path)).await;
        assert!(!html.contains("<script>alert(1)"), "{path}: {html}");
        assert!(
            html.contains("<title>Edit &lt;/title&gt;") || html.contains("<title>&lt;/title&gt;"),
            "{path}: {html}"
        );
    }
}

#[tokio::test]
async fn invalid_input_is_422_with_field_errors_and_nothing_is_stored() {
    let router = app().await;
    let (status, json) = send(
        &router,
        post_with(
            &router,
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
    let (_, list) = send(&router, post_with(&router, "/api/leads/list", "")).await;
    assert!(list.contains("\"rows\":[]"), "{list}");
}

#[tokio::test]
async fn unknown_leads_are_404_on_pages_and_server_functions() {
    let router = app().await;
    assert_eq!(send(&router, get_with(&router, "/leads/77")).await.0, 404);
    assert_eq!(
        send(&router, get_with(&router, "/leads/77/edit")).await.0,
        404
    );
    assert_eq!(send(&router, get_with(&router, "/leads/abc")).await.0, 404);
    assert_eq!(
        send(&router, get_with(&router, "/no/such/page")).await.0,
        404
    );
    assert_eq!(
        send(&router, post_with(&router, "/api/leads/get", "id=77"))
            .await
            .0,
        404
    );
    assert_eq!(
        send(&router, post_with(&router, "/api/leads/delete", "id=77"))
            .await
            .0,
        404
    );
    let (status, _) = send(
        &router,
        post_with(&router, "/api/leads/update", "id=77&version=1&form[name]=x"),
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn malformed_arguments_are_rejected_not_crashed_on() {
    let router = app().await;
    let (status, _) = send(
        &router,
        post_with(&router, "/api/leads/get", "id=not-a-number"),
    )
    .await;
    assert_eq!(status, 400);
    let (status, body) = send(
        &router,
        post_with(&router, "/api/leads/list", "page[before][created_ms]=x"),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    // A malformed cursor in a page URL just shows the first page.
    assert_eq!(
        send(&router, get_with(&router, "/leads?before=garbage"))
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn a_plain_html_form_post_redirects_like_a_browser_expects() {
    let router = app().await;
    let req = Request::post("/api/leads/create")
        .header("host", HOST)
        .header("origin", ORIGIN)
        .header("cookie", &router.cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/html")
        .header("referer", format!("{ORIGIN}/leads/new"))
        .body(Body::from("form[name]=No+JS+lead&after=close"))
        .unwrap();
    let (status, headers, _) = router.app.send_full(req).await;
    assert_eq!(status, 302);
    let location = headers["location"].to_str().unwrap().to_string();
    assert!(
        location.starts_with("/leads/") && location[7..].parse::<i64>().is_ok(),
        "{location}"
    );
}

#[tokio::test]
async fn a_mass_action_names_at_most_100000_leads_by_id() {
    use app::leads::mass::{MassAction, MassRequest, MassSummary, MassTarget, MAX_IDS};
    use app::leads::model::LeadStatus;
    let h = app().await;
    let mass = |ids: Vec<i64>| {
        let request = MassRequest {
            target: MassTarget::Ids(ids),
            action: MassAction::SetStatus(LeadStatus::Canceled),
        };
        support::call_json(
            "/api/leads/mass",
            &serde_json::json!({ "request": request }).to_string(),
            Some(&h.cookie),
        )
    };
    // One more than the limit: refused as a whole, saying what to do.
    let (status, body) = send(&h, mass((1..=MAX_IDS as i64 + 1).collect())).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("At most 100000 leads at once by id"),
        "{body}"
    );
    assert!(body.contains("all matching"), "{body}");
    // The limit itself is accepted: every id (none exists) is refused,
    // the first ones listed.
    let (status, body) = send(&h, mass((1..=MAX_IDS as i64).collect())).await;
    assert_eq!(status, 200, "{body}");
    let summary: MassSummary = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (summary.asked, summary.refused, summary.changed),
        (MAX_IDS, MAX_IDS, 0)
    );
    assert_eq!(summary.refusals.len(), app::leads::mass::MAX_LISTED);
    // None selected is an error too.
    let (status, body) = send(&h, mass(Vec::new())).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("No leads are selected"), "{body}");
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_a_proxys_id_is_kept() {
    let h = app().await;
    let id_of = |headers: &http::HeaderMap| {
        headers
            .get("x-request-id")
            .expect("every response names its request")
            .to_str()
            .unwrap()
            .to_owned()
    };
    let (_, first, _) = h.app.send_full(get_with(&h, "/healthz")).await;
    let (_, second, _) = h.app.send_full(get_with(&h, "/leads")).await;
    assert_ne!(id_of(&first), id_of(&second));
    let mut req = get_with(&h, "/healthz");
    req.headers_mut()
        .insert("x-request-id", "from-the-balancer-42".parse().unwrap());
    let (_, kept, _) = h.app.send_full(req).await;
    assert_eq!(id_of(&kept), "from-the-balancer-42");
}

#[tokio::test]
async fn a_request_body_over_the_limit_is_refused_with_a_reason_and_nothing_stored() {
    let h = app().await;
    let big = format!("form[name]={}", "x".repeat(leadline::serve::BODY_LIMIT + 1));
    let mut req = post_with(&h, "/api/leads/create", &big);
    // As a browser sends it.
    req.headers_mut()
        .insert("content-length", big.len().to_string().parse().unwrap());
    let (status, body) = send(&h, req).await;
    assert_eq!(status, 413, "{body}");
    assert!(
        body.contains("too large") && body.contains("at most 4 MB"),
        "{body}"
    );
    assert!(body.contains("Nothing was changed"), "{body}");
    let (_, html) = send(&h, get_with(&h, "/leads")).await;
    assert!(html.contains("No leads yet"), "{html}");
}
