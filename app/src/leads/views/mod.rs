//! Lead pages: the list and the board, the lead page, and the create/edit
//! form.

mod activity;
mod board;
mod charts;
mod contact_fields;
mod detail;
mod form;
mod form_fields;
mod form_repeaters;
mod grid_table;
mod list;
mod list_filters;
mod list_tools;
mod live_data;
mod pages;
mod qualify;
mod qualify_steps;

pub use board::LeadBoardPage;
pub use contact_fields::ContactFields;
pub(crate) use contact_fields::ContactFormState;
pub use detail::LeadDetailPage;
pub use list::LeadListPage;
pub use live_data::{LiveLeads, LiveState};
pub use pages::{EditLeadPage, NewLeadPage};
pub use qualify::QualifyPage;
