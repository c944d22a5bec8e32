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

/// Sets the HTTP status of the current response to fit `err`, and passes it on.
pub fn respond_with(err: AppError) -> AppError {
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = http::StatusCode::from_u16(err.status_code()) {
            res.set_status(status);
        }
    }
    err
}
