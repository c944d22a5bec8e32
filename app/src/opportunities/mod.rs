//! Opportunities: qualified leads on their way to a sale.

pub mod api;
pub mod model;
#[cfg(feature = "ssr")]
pub mod store;
pub mod views;
