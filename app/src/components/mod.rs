//! UI pieces shared by every domain.

mod chrome;
mod feedback;

pub use chrome::{Header, NotFound};
pub use feedback::{ErrorNotice, StatusBadge};
