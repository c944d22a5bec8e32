//! Leads: prospects as contact data, the heart of Leadline.

pub mod api;
pub mod charts;
pub mod csv_file;
#[cfg(feature = "ssr")]
pub mod demo;
pub mod export;
pub mod fields;
pub mod filter;
pub mod grid;
pub mod history;
pub mod import;
pub mod index;
pub mod live;
pub mod mass;
pub mod model;
pub mod notes;
pub mod qualify;
pub mod saved_views;
pub mod search;
pub mod sources;
#[cfg(feature = "ssr")]
pub mod store;
pub mod views;
