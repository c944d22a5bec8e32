//! Shared test harness: the real router over a fresh SQLite file or a fresh
//! PostgreSQL database, users with sessions, and request helpers that act
//! like a browser on this site (cookie, Origin).

#![allow(dead_code)] // Each test file uses a different part of this.

use app::{
    state::AppState,
    store::Store,
    users::{
        auth::{new_session_token, unix_now, SESSION_SECONDS},
        model::{Role, TeamName, UserForm, ValidUser},
        store as users,
    },
};
use axum::{body::Body, http::Request, Router};
use tower::ServiceExt;

/// The host every test request is sent to.
pub const HOST: &str = "leadline.test";
/// The origin of this site's pages.
pub const ORIGIN: &str = "http://leadline.test";

/// A running app on a fresh database.
pub struct TestApp {
    pub router: Router,
    pub store: Store,
    url: String,
    cleanup: Option<(Store, String)>,
    _dir: Option<tempfile::TempDir>,
}

fn router_for(store: Store) -> Router {
    let options = leptos::prelude::LeptosOptions::builder()
        .output_name(leadline::serve::SITE_NAME)
        .build();
    leadline::serve::router(AppState::new(options, store))
}

impl TestApp {
    /// On a fresh SQLite file.
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let store = Store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        Self {
            router: router_for(store.clone()),
            store,
            url,
            cleanup: None,
            _dir: Some(dir),
        }
    }

    /// On a fresh PostgreSQL database (`TEST_POSTGRES_URL`), dropped by
    /// `finish`.
    pub async fn postgres() -> Self {
        let admin_url = std::env::var("TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let admin = Store::connect(&admin_url)
            .await
            .expect("cannot reach PostgreSQL; start it or set TEST_POSTGRES_URL");
        let Store::Postgres(pool) = &admin else {
            panic!("TEST_POSTGRES_URL must be postgres://")
        };
        let name = format!("leadline_http_{}", uuid::Uuid::new_v4().simple());
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(pool)
            .await
            .unwrap();
        let (base, _) = admin_url.rsplit_once('/').unwrap();
        let url = format!("{base}/{name}");
        let store = Store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        Self {
            router: router_for(store.clone()),
            store,
            url,
            cleanup: Some((admin, name)),
            _dir: None,
        }
    }

    /// Another handle on the same app (for a test body to own).
    pub fn clone_handle(&self) -> Self {
        Self {
            router: self.router.clone(),
            store: self.store.clone(),
            url: self.url.clone(),
            cleanup: None,
            _dir: None,
        }
    }

    /// A second app instance on the same database, with its own pool: what
    /// another server behind the same load balancer (or this one after a
    /// restart) would be.
    pub async fn second_instance(&self) -> Self {
        let store = Store::connect(&self.url).await.unwrap();
        Self {
            router: router_for(store.clone()),
            store,
            url: self.url.clone(),
            cleanup: None,
            _dir: None,
        }
    }

    /// Closes the store and drops a PostgreSQL database.
    pub async fn finish(self) {
        self.store.close().await;
        if let Some((admin, name)) = self.cleanup {
            if let Store::Postgres(pool) = &admin {
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(pool)
                    .await
                    .unwrap();
            }
            admin.close().await;
        }
    }

    /// The id of team `name`, created if missing.
    pub async fn team(&self, name: &str) -> i64 {
        let teams = users::list_teams(&self.store).await.unwrap();
        if let Some(t) = teams.iter().find(|t| t.name == name) {
            return t.id;
        }
        users::insert_team(&self.store, &TeamName::parse(name).unwrap())
            .await
            .unwrap()
    }

    /// Adds a user with `password_hash` (or none); returns the id.
    pub async fn user_with_hash(
        &self,
        username: &str,
        role: Role,
        team: Option<&str>,
        password_hash: Option<&str>,
    ) -> i64 {
        let team_id = match team {
            Some(t) => self.team(t).await.to_string(),
            None => String::new(),
        };
        let user = ValidUser::parse(&UserForm {
            username: username.into(),
            display_name: format!("{username} (test)"),
            role: role.code().into(),
            team_id,
            ..Default::default()
        })
        .unwrap();
        users::insert_user(&self.store, &user, password_hash)
            .await
            .unwrap()
    }

    /// Adds a user and signs them in; returns (id, session cookie).
    pub async fn signed_in(&self, username: &str, role: Role, team: Option<&str>) -> (i64, String) {
        let id = self.user_with_hash(username, role, team, None).await;
        (id, self.session(id).await)
    }

    /// A new session cookie for user `id`.
    pub async fn session(&self, id: i64) -> String {
        let (token, hash) = new_session_token();
        let now = unix_now();
        users::insert_session(&self.store, &hash, id, now, now + SESSION_SECONDS)
            .await
            .unwrap();
        format!("leadline_session={token}")
    }

    /// Sends a request; returns status, headers and body.
    pub async fn send_full(&self, req: Request<Body>) -> (u16, http::HeaderMap, String) {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let body = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, headers, String::from_utf8_lossy(&body).into_owned())
    }

    /// Sends a request; returns status and body.
    pub async fn send(&self, req: Request<Body>) -> (u16, String) {
        let (status, _, body) = self.send_full(req).await;
        (status, body)
    }
}

/// A browser's GET of `path` with an optional session cookie.
pub fn get(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut req = Request::get(path)
        .header("host", HOST)
        .header("accept", "text/html,application/xhtml+xml");
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    req.body(Body::empty()).unwrap()
}

/// A server-function call (form-encoded POST from a page of this site,
/// wanting JSON) with an optional session cookie.
pub fn call(path: &str, body: &str, cookie: Option<&str>) -> Request<Body> {
    let mut req = Request::post(path)
        .header("host", HOST)
        .header("origin", ORIGIN)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json");
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    req.body(Body::from(body.to_string())).unwrap()
}

/// The `id` field of a JSON answer.
pub fn json_id(json: &str) -> i64 {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|_| panic!("{json}"));
    v["id"]
        .as_i64()
        .or_else(|| v.as_i64())
        .unwrap_or_else(|| panic!("{json}"))
}

/// A server-function call with a JSON body (from a page of this site).
pub fn call_json(path: &str, body: &str, cookie: Option<&str>) -> Request<Body> {
    let mut req = Request::post(path)
        .header("host", HOST)
        .header("origin", ORIGIN)
        .header("content-type", "application/json")
        .header("accept", "application/json");
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    req.body(Body::from(body.to_string())).unwrap()
}

/// Runs a statement directly on the database (test set-up only).
pub async fn execute(store: &Store, sql: &str) {
    match store {
        Store::Sqlite(pool) => {
            sqlx::query(sql).execute(pool).await.unwrap();
        }
        Store::Postgres(pool) => {
            sqlx::query(sql).execute(pool).await.unwrap();
        }
    }
}

/// Reads one number directly from the database.
pub async fn scalar(store: &Store, sql: &str) -> i64 {
    match store {
        Store::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        Store::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}
