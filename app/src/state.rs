//! The state every request handler and server function reaches through
//! context: no globals, so tests hand in their own.

use axum::extract::FromRef;
use leptos::prelude::*;

use crate::{error::AppError, store::Store};

/// Everything the server shares between requests.
#[derive(Clone, Debug)]
pub struct AppState {
    /// Leptos rendering options (site root, address …).
    pub leptos_options: LeptosOptions,
    /// The database.
    pub store: Store,
    /// Whether a reverse proxy in front sets `X-Forwarded-For`, `-Host`
    /// and `-Proto` (only then are they believed).
    pub trust_proxy: bool,
    /// Where lead changes are published, for live lists and boards.
    pub events: crate::leads::live::EventBus,
    /// The most leads a browser is given to filter itself; a viewer who
    /// may see more filters on the server.
    pub browser_limit: usize,
}

/// The default of `AppState::browser_limit`.
pub const DEFAULT_BROWSER_LIMIT: usize = 200_000;

impl AppState {
    /// State for `store`, trusting no proxy headers.
    pub fn new(leptos_options: LeptosOptions, store: Store) -> Self {
        Self {
            leptos_options,
            events: crate::leads::live::EventBus::new(store.clone()),
            store,
            trust_proxy: false,
            browser_limit: DEFAULT_BROWSER_LIMIT,
        }
    }
}

/// The event bus, from the request's context.
pub fn events() -> Result<crate::leads::live::EventBus, AppError> {
    use_context::<AppState>()
        .map(|state| state.events)
        .ok_or_else(|| {
            tracing::error!("AppState missing from the request context");
            AppError::Internal
        })
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The store, from the request's context.
pub fn store() -> Result<Store, AppError> {
    use_context::<AppState>()
        .map(|state| state.store)
        .ok_or_else(|| {
            tracing::error!("AppState missing from the request context");
            AppError::Internal
        })
}

/// Whether the current request is a plain HTML form post (a browser
/// without JavaScript): such a request is answered with a redirect, never
/// with an error status, so the browser shows a page and not raw JSON.
pub fn is_plain_form_post() -> bool {
    use_context::<http::request::Parts>().is_some_and(|parts| {
        parts.method == http::Method::POST
            && parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"))
    })
}

/// Sets the HTTP status of the current response to fit `err`, and passes
/// it on. A plain form post keeps the redirect back to its form, which
/// carries the error in the URL.
pub fn respond_with(err: AppError) -> AppError {
    if !is_plain_form_post() {
        set_status(err.status_code());
    }
    err
}

/// Sets the HTTP status of the current response, if there is one.
pub fn set_status(code: u16) {
    if let (Some(res), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(code),
    ) {
        res.set_status(status);
    }
}

/// Runs a server function's body, setting the HTTP status from its error.
pub async fn run<T>(
    fut: impl std::future::Future<Output = Result<T, AppError>>,
) -> Result<T, AppError> {
    fut.await.map_err(respond_with)
}

/// After a plain HTML form post (no JavaScript), go to `target`.
pub fn redirect_plain_form(target: &str) {
    if is_plain_form_post() {
        leptos_axum::redirect(target);
    }
}

/// Tells every open list and board that these leads changed (after the
/// change is committed). Never fails the request: the change is saved.
pub async fn announce(ids: Vec<i64>) {
    match events() {
        Ok(bus) => bus.changed(ids).await,
        Err(_) => tracing::warn!("a lead change could not be announced"),
    }
}
