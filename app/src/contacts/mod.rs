//! Contacts: people at accounts.

pub mod model;
