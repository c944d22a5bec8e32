//! The Leadline server: configuration, the store, layers, routes and the
//! command line. Everything a user sees or a rule decides lives in `app`.

pub mod cli;
pub mod serve;
