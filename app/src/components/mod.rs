//! UI pieces shared by every domain.

mod chrome;
mod feedback;
pub mod perf;
mod search;

pub use chrome::{provide_session, use_session, Header, HomePage, NotFound};
pub use feedback::{field_label, ErrorNotice, StatusBadge};
pub use search::{use_search_text, SearchBox};
