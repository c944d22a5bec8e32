//! The HTTP server: routes, layers, health checks and graceful shutdown.

use std::{net::SocketAddr, time::Duration};

use anyhow::Context as _;
use app::{shell, state::AppState, store::Store, App};
use axum::{extract::State, http::StatusCode, routing::get, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tower_http::{
    compression::CompressionLayer,
    request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer},
    timeout::TimeoutLayer,
    trace::{DefaultOnResponse, TraceLayer},
};

/// The site name in `Cargo.toml` (`[[workspace.metadata.leptos]] name`):
/// the WASM and CSS files are `/pkg/leadline.*`.
pub const SITE_NAME: &str = "leadline";

/// Sets up logging: `RUST_LOG` filters (default `info`), text or JSON.
pub fn init_tracing(json: bool) {
    use tracing_subscriber::{fmt, EnvFilter};
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    // Logs go to standard error: standard output carries command output
    // (an export's CSV, a generated password).
    let builder = fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// The app's page routes, worked out once per process.
///
/// Leptos finds them by rendering the app with every resource load
/// suspended — through a process-wide flag, so a page rendered on another
/// thread at that moment would wait forever. Generating the list once,
/// before any router exists, keeps that from ever overlapping a request
/// (tests build many routers in one process).
pub fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The application router for `state`: pages, server functions, static
/// files and health checks. Tests build it directly.
pub fn router(state: AppState) -> Router {
    let routes = route_list();
    let options = state.leptos_options.clone();
    Router::new()
        .leptos_routes(&state, routes, move || shell(options.clone()))
        // Downloads stream plain CSV, outside the app's pages.
        .route(
            app::leads::export::EXPORT_PATH,
            get(app::leads::export::download),
        )
        .route(
            app::leads::export::TEMPLATE_PATH,
            get(app::leads::export::template),
        )
        // The leads a browser filters itself, and their changes, live.
        .route(app::leads::live::INDEX_PATH, get(app::leads::live::index))
        .route(app::leads::live::EVENTS_PATH, get(app::leads::live::events))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        // Every page, server function and file passes the gate (who is
        // asking, may they); the health checks below do not need it.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            app::users::gate::gate,
        ))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        // No request body is larger than this (the biggest is a mass
        // action naming 100,000 leads, under 1 MB); a declared larger one
        // is refused before it is read, with a page that says why.
        .layer(tower_http::limit::RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(axum::middleware::from_fn(refuse_large_bodies))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(CompressionLayer::new())
        // One log line per request, in a span that carries its id (the
        // path only: a query string may hold what a user typed).
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &axum::http::Request<_>| {
                    let id = req
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!(
                        "request",
                        id,
                        method = %req.method(),
                        path = req.uri().path(),
                    )
                })
                .on_response(
                    DefaultOnResponse::new()
                        .level(tracing::Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Micros),
                ),
        )
        // Every request gets an id (a proxy's X-Request-Id is kept), sent
        // back in the response so a user's report can be found in the log.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(RequestIds::default()))
        .with_state(state)
}

/// The largest request body accepted, in bytes.
pub const BODY_LIMIT: usize = 4 * 1024 * 1024;

/// Answers 413 with a readable page when a request declares a body over
/// `BODY_LIMIT` (one that does not declare its length is cut off at the
/// limit by `RequestBodyLimitLayer`).
async fn refuse_large_bodies(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    let declared = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(len) if len > BODY_LIMIT as u64 => (
            StatusCode::PAYLOAD_TOO_LARGE,
            [(
                axum::http::header::CONTENT_TYPE,
                "text/plain; charset=utf-8",
            )],
            format!(
                "This request is too large: {:.1} MB, and Leadline accepts at most {} MB \
                 in one request. Nothing was changed.",
                len as f64 / (1024.0 * 1024.0),
                BODY_LIMIT / (1024 * 1024)
            ),
        )
            .into_response(),
        _ => next.run(req).await,
    }
}

/// The request id header.
const REQUEST_ID: &str = "x-request-id";

/// Request ids: this process's random prefix and a counter, so ids from
/// several instances behind one balancer do not collide.
#[derive(Clone)]
struct RequestIds {
    prefix: std::sync::Arc<str>,
    next: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Default for RequestIds {
    fn default() -> Self {
        use rand::Rng as _;
        Self {
            prefix: format!("{:08x}", rand::thread_rng().gen::<u32>()).into(),
            next: Default::default(),
        }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        axum::http::HeaderValue::from_str(&format!("{}-{n}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

/// Ready when the database answers and has every migration applied.
async fn ready(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match state.store.is_migrated().await {
        Ok(true) => (StatusCode::OK, "ready"),
        Ok(false) => (StatusCode::SERVICE_UNAVAILABLE, "migrations pending"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unreachable"),
    }
}

/// How to serve.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Where to listen (default: the configured site address).
    pub addr: Option<SocketAddr>,
    /// Believe a reverse proxy's forwarding headers.
    pub trust_proxy: bool,
    /// The most leads a browser is given to filter itself.
    pub browser_limit: usize,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            addr: None,
            trust_proxy: false,
            browser_limit: app::state::DEFAULT_BROWSER_LIMIT,
        }
    }
}

/// Serves the app (see `ServeOptions`) until SIGINT/SIGTERM, then
/// finishes in-flight requests and closes the store.
pub async fn serve(store: Store, options: ServeOptions) -> anyhow::Result<()> {
    let ServeOptions {
        addr,
        trust_proxy,
        browser_limit,
    } = options;
    let conf = get_configuration(None).context("reading the Leptos configuration")?;
    let mut leptos_options = conf.leptos_options;
    // cargo-leptos bakes the site name into the binary; a plain `cargo
    // build` (or `cargo bench`) does not, and the page would then load
    // `/pkg/.js`. The name is fixed, so say it here.
    if leptos_options.output_name.is_empty() {
        leptos_options.output_name = SITE_NAME.into();
    }
    if let Some(addr) = addr {
        leptos_options.site_addr = addr;
    }
    let addr = leptos_options.site_addr;
    let state = AppState {
        trust_proxy,
        browser_limit,
        ..AppState::new(leptos_options, store.clone())
    };
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    tracing::info!("Leadline is serving at http://{addr}");
    let events = state.events.clone();
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        // Live event streams never end on their own.
        events.close();
    })
    .await?;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut sig) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            sig.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
