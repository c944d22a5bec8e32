//! The Leadline server: configuration, the store, layers, routes and the
//! command line. Everything a user sees or a rule decides lives in `app`.

// Leptos view types nest deeply; the default limit (128) is too low for them.
#![recursion_limit = "256"]

pub mod cli;
pub mod export;
pub mod serve;
pub mod users;
