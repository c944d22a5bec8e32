//! Pages for signing in and for the admin area.

mod account;
mod admin_exports;
mod admin_nav;
mod admin_settings;
mod admin_sources;
mod admin_teams;
mod admin_user;
mod admin_users;
mod sign_in;

pub use account::AccountPage;
pub use admin_exports::AdminExportsPage;
pub use admin_settings::AdminSettingsPage;
pub use admin_sources::AdminSourcesPage;
pub use admin_teams::AdminTeamsPage;
pub use admin_user::AdminUserPage;
pub use admin_users::AdminUsersPage;
pub use sign_in::SignInPage;
