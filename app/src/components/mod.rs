//! UI pieces shared by every domain.

mod chrome;
mod feedback;

pub use chrome::{provide_session, use_session, Header, HomePage, NotFound};
pub use feedback::{ErrorNotice, StatusBadge};
