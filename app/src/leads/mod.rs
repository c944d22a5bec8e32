//! Leads: prospects as contact data, the heart of Leadline.

pub mod api;
#[cfg(feature = "ssr")]
pub mod demo;
pub mod fields;
pub mod model;
pub mod qualify;
pub mod sources;
#[cfg(feature = "ssr")]
pub mod store;
pub mod views;
