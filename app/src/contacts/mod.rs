//! Contacts: people at accounts.

pub mod model;
pub mod views;
