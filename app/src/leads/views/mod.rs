//! Lead pages: the list, the lead page, and the create/edit form.

mod detail;
mod form;
mod form_fields;
mod form_repeaters;
mod list;
mod pages;

pub use detail::LeadDetailPage;
pub use list::LeadListPage;
pub use pages::{EditLeadPage, NewLeadPage};
