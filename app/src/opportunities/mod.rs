//! Opportunities: qualified leads on their way to a sale.

pub mod model;
#[cfg(feature = "ssr")]
pub mod store;
