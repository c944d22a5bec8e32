//! Accounts: the companies opportunities belong to.

pub mod model;
pub mod views;
