//! Users, teams and roles; signing in and out; who may see what.

pub mod api;
#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod gate;
pub mod model;
#[cfg(feature = "ssr")]
pub mod store;
pub mod views;
