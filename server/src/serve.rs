//! The HTTP server: routes, layers, health checks and graceful shutdown.

use std::{net::SocketAddr, time::Duration};

use anyhow::Context as _;
use app::{shell, state::AppState, store::Store, App};
use axum::{extract::State, http::StatusCode, routing::get, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tower_http::{compression::CompressionLayer, timeout::TimeoutLayer, trace::TraceLayer};

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
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
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
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
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
