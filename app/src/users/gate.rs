//! The one door every request walks through: it finds out who is asking,
//! refuses cross-site writes, and denies by default. Only the sign-in page,
//! static files and health checks are open; the Leads area disappears (404)
//! when switched off; the admin area answers 404 to non-admins. Server
//! functions check again (`auth::current_user` …) and scope their queries.

use axum::{
    body::Body,
    extract::{ConnectInfo, Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{header, HeaderMap, Method, StatusCode};

use crate::{
    error::AppError,
    state::AppState,
    users::{
        auth::{clear_cookie, cookie_token, token_hash, unix_now, RequestAuth},
        store,
    },
};

/// Which part of the site a path belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    /// Open to anyone: sign-in, static files, health checks.
    Public,
    /// Leads pages and endpoints, with the accounts, contacts and
    /// opportunities they become (404 when the Leads area is off).
    Leads,
    /// Admin pages and endpoints (admins only).
    Admin,
    /// Everything else: signed-in users.
    SignedIn,
}

/// The area of `path`. Anything not named is `SignedIn`: new routes are
/// closed until someone opens them here.
pub fn area_of(path: &str) -> Area {
    const PUBLIC: [&str; 7] = [
        "/sign-in",
        "/api/auth/session",
        "/api/auth/sign_in",
        "/api/auth/sign_out",
        "/healthz",
        "/readyz",
        "/favicon.svg",
    ];
    let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
    if PUBLIC.contains(&path) || path.starts_with("/pkg/") {
        Area::Public
    } else if ["/leads", "/accounts", "/contacts", "/opportunities"]
        .iter()
        .any(|area| under(area) || path.starts_with(&format!("/api{area}/")))
    {
        Area::Leads
    } else if under("/admin") || path.starts_with("/api/admin/") {
        Area::Admin
    } else {
        Area::SignedIn
    }
}

/// Whether `headers` show the request was made by a page of this site:
/// `Origin` (or, without it, `Referer`) names the host the request was
/// sent to. Browsers send `Origin` on every cross-site POST, so a forged
/// form or fetch from another site fails here.
pub fn same_origin(headers: &HeaderMap, trust_proxy: bool) -> bool {
    let host = trust_proxy
        .then(|| headers.get("x-forwarded-host"))
        .flatten()
        .or_else(|| headers.get(header::HOST))
        .and_then(|v| v.to_str().ok());
    let Some(host) = host else { return false };
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    match source.and_then(|s| url::Url::parse(s).ok()) {
        Some(url) => {
            let authority = match (url.host_str(), url.port()) {
                (Some(h), Some(p)) => format!("{h}:{p}"),
                (Some(h), None) => h.to_string(),
                _ => return false,
            };
            authority.eq_ignore_ascii_case(host)
        }
        None => false,
    }
}

fn is_secure(headers: &HeaderMap, trust_proxy: bool) -> bool {
    let forwarded = trust_proxy
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("https://"));
    forwarded || origin
}

fn client_address(req: &Request, trust_proxy: bool) -> String {
    let forwarded = trust_proxy
        .then(|| req.headers().get("x-forwarded-for"))
        .flatten()
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .map(|v| v.trim().to_string());
    forwarded
        .or_else(|| {
            req.extensions()
                .get::<ConnectInfo<std::net::SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// Whether a browser without JavaScript sent this (it wants a page back).
fn wants_page(req: &Request) -> bool {
    !is_api(req.uri().path())
        || req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
}

fn json_error(err: &AppError) -> Response {
    let status = StatusCode::from_u16(err.status_code()).unwrap_or(StatusCode::BAD_REQUEST);
    let body = serde_json::to_string(err).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn to_sign_in(req: &Request, clear: Option<bool>) -> Response {
    let path_and_query = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let next = if is_api(req.uri().path()) || req.method() != Method::GET {
        "/".to_string()
    } else {
        path_and_query.to_string()
    };
    let target = format!(
        "/sign-in?next={}",
        url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
    );
    let mut res = Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header(header::LOCATION, target);
    if let Some(secure) = clear {
        res = res.header(header::SET_COOKIE, clear_cookie(secure));
    }
    res.body(Body::empty()).unwrap_or_default()
}

/// Answers as if the page or endpoint did not exist. Pages are rewritten
/// to a path no route matches, so the app draws its own 404 page.
async fn not_found(mut req: Request, next: Next) -> Response {
    if is_api(req.uri().path()) {
        if !wants_page(&req) {
            return json_error(&AppError::NotFound);
        }
        return Response::builder()
            .status(StatusCode::SEE_OTHER)
            .header(header::LOCATION, "/not-found")
            .body(Body::empty())
            .unwrap_or_default();
    }
    *req.uri_mut() = http::Uri::from_static("/not-found");
    *req.method_mut() = Method::GET;
    let mut res = next.run(req).await;
    *res.status_mut() = StatusCode::NOT_FOUND;
    res
}

/// The middleware. Layered once around every route of the app.
pub async fn gate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let trust_proxy = state.trust_proxy;
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && !same_origin(req.headers(), trust_proxy) {
        tracing::warn!(path = %req.uri().path(), "cross-site request refused");
        return (
            StatusCode::FORBIDDEN,
            "Cross-site request refused: this change must be made from a Leadline page.",
        )
            .into_response();
    }
    let area = area_of(req.uri().path());
    let token = cookie_token(req.headers());
    let hash = token.as_deref().map(token_hash);
    let (user, leads_enabled) =
        match store::load_session(&state.store, hash.as_deref(), unix_now()).await {
            Ok(found) => found,
            Err(_) if area == Area::Public => (None, true),
            Err(err) => return json_error(&err),
        };
    let secure = is_secure(req.headers(), trust_proxy);
    if user.is_some() && req.uri().path() == "/sign-in" && *req.method() == Method::GET {
        // Already signed in: straight on to the app.
        return Response::builder()
            .status(StatusCode::SEE_OTHER)
            .header(header::LOCATION, "/")
            .body(Body::empty())
            .unwrap_or_default();
    }
    let hidden = match &user {
        _ if area == Area::Public => false,
        None if wants_page(&req) => return to_sign_in(&req, token.is_some().then_some(secure)),
        None => return json_error(&AppError::Unauthenticated),
        Some(u) => {
            (area == Area::Admin && !u.is_admin()) || (area == Area::Leads && !leads_enabled)
        }
    };
    let auth = RequestAuth {
        user,
        leads_enabled,
        client: client_address(&req, trust_proxy),
        secure,
        token_hash: hash,
    };
    // The 404 page is drawn by the app, which needs to know who is asking.
    req.extensions_mut().insert(auth);
    if hidden {
        return not_found(req, next).await;
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unnamed_paths_need_a_signed_in_user() {
        assert_eq!(area_of("/sign-in"), Area::Public);
        assert_eq!(area_of("/pkg/leadline.wasm"), Area::Public);
        assert_eq!(area_of("/leads"), Area::Leads);
        assert_eq!(area_of("/leads/5/edit"), Area::Leads);
        assert_eq!(area_of("/leadsx"), Area::SignedIn);
        assert_eq!(area_of("/api/leads/get"), Area::Leads);
        assert_eq!(area_of("/opportunities/3"), Area::Leads);
        assert_eq!(area_of("/api/accounts/list"), Area::Leads);
        assert_eq!(area_of("/admin/users"), Area::Admin);
        assert_eq!(area_of("/api/admin/users"), Area::Admin);
        assert_eq!(area_of("/"), Area::SignedIn);
        assert_eq!(area_of("/api/something_new"), Area::SignedIn);
        assert_eq!(area_of("/sign-in/../leads"), Area::SignedIn);
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, v.parse().unwrap());
        }
        map
    }

    #[test]
    fn a_request_from_a_page_of_this_site_is_same_origin() {
        let h = headers(&[
            ("host", "crm.example:3000"),
            ("origin", "http://crm.example:3000"),
        ]);
        assert!(same_origin(&h, false));
        let h = headers(&[
            ("host", "crm.example"),
            ("referer", "https://crm.example/leads/new"),
        ]);
        assert!(same_origin(&h, false));
    }

    #[test]
    fn a_foreign_or_missing_origin_is_refused() {
        let h = headers(&[("host", "crm.example"), ("origin", "https://evil.example")]);
        assert!(!same_origin(&h, false));
        let h = headers(&[("host", "crm.example"), ("origin", "null")]);
        assert!(!same_origin(&h, false));
        assert!(!same_origin(&headers(&[("host", "crm.example")]), false));
        let h = headers(&[
            ("host", "internal:3000"),
            ("x-forwarded-host", "crm.example"),
            ("origin", "https://crm.example"),
        ]);
        assert!(!same_origin(&h, false));
        assert!(same_origin(&h, true));
    }
}
