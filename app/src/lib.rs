//! Leadline: everything a user sees or a rule decides.
//!
//! One module per domain noun; each has `model` (shared types that compile
//! to WASM), `api` (server functions), `views` (components) and, on the
//! server only, `store` (storage functions).

// Leptos view types nest deeply; the default limit (128) is too low for them.
#![recursion_limit = "256"]

pub mod accounts;
pub mod components;
pub mod contacts;
pub mod error;
pub mod leads;
pub mod opportunities;
mod routes;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(feature = "ssr")]
pub mod store;
pub mod users;

pub use error::{AppError, FieldError};
pub use routes::{shell, App};
