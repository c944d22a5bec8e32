//! Storage of users, teams, sessions, sign-in failures and settings:
//! plain async functions over either backend, like the lead store.

use crate::{
    error::AppError,
    store::{dispatch, Store},
    users::model::{Assignee, CurrentUser, Role, Scope, Team, TeamName, UserRow, ValidUser},
};

/// SQLite queries.
pub mod sqlite {
    use sqlx::Sqlite as Db;
    const BEGIN_WRITE: &str = "BEGIN IMMEDIATE";
    include!("queries.rs");
}

/// PostgreSQL queries.
pub mod postgres {
    use sqlx::Postgres as Db;
    const BEGIN_WRITE: &str = "BEGIN";
    include!("queries.rs");
}

/// What sign-in needs to know about an account.
#[derive(Clone)]
pub struct Credentials {
    /// User id.
    pub id: i64,
    /// The Argon2id hash (PHC string), if a password is set.
    pub password_hash: Option<String>,
    /// Whether the user may sign in.
    pub active: bool,
}

/// Which rate-limit bucket a failed sign-in counts against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureScope {
    /// The username tried.
    Account,
    /// The client's network address.
    Address,
}

impl FailureScope {
    fn code(self) -> &'static str {
        match self {
            Self::Account => "account",
            Self::Address => "address",
        }
    }
}

/// Maps unique-key violations on users and teams to the field they concern.
fn map_user_error(err: sqlx::Error) -> AppError {
    if let sqlx::Error::Database(db) = &err {
        let text = format!("{} {}", db.constraint().unwrap_or_default(), db.message());
        if text.contains("users_username_key") || text.contains("users.username") {
            return AppError::field("username", "This username is taken");
        }
        if text.contains("teams_name_key") || text.contains("teams.name") {
            return AppError::field("name", "There is already a team with this name");
        }
        if text.contains("users_team_id_fkey") || text.contains("FOREIGN KEY") {
            return AppError::field("team_id", "This team does not exist");
        }
    }
    AppError::from(err)
}

/// The signed-in user behind a session token hash, if the session is
/// live and the user active; and the "Enable leads" setting.
#[tracing::instrument(skip_all)]
pub async fn load_session(
    store: &Store,
    token_hash: Option<&str>,
    now: i64,
) -> Result<(Option<CurrentUser>, bool), AppError> {
    dispatch!(store, load_session(token_hash, now))
}

/// Starts a session for `user_id` that ends at `expires_at` (Unix seconds).
pub async fn insert_session(
    store: &Store,
    token_hash: &str,
    user_id: i64,
    now: i64,
    expires_at: i64,
) -> Result<(), AppError> {
    dispatch!(store, insert_session(token_hash, user_id, now, expires_at))
}

/// Ends one session.
pub async fn delete_session(store: &Store, token_hash: &str) -> Result<(), AppError> {
    dispatch!(store, delete_session(token_hash))
}

/// The account behind a username (any case), for sign-in.
pub async fn load_credentials(
    store: &Store,
    username: &str,
) -> Result<Option<Credentials>, AppError> {
    dispatch!(store, load_credentials(username))
}

/// Records a failed sign-in against `subject`.
pub async fn record_failure(
    store: &Store,
    scope: FailureScope,
    subject: &str,
    now: i64,
) -> Result<(), AppError> {
    dispatch!(store, record_failure(scope.code(), subject, now))
}

/// How many sign-ins failed for `subject` since `since`, and when the
/// oldest of them was.
pub async fn count_failures(
    store: &Store,
    scope: FailureScope,
    subject: &str,
    since: i64,
) -> Result<(i64, Option<i64>), AppError> {
    dispatch!(store, count_failures(scope.code(), subject, since))
}

/// Forgets the failures of `subject` (after a successful sign-in), and
/// everything older than `before` for anyone.
pub async fn clear_failures(
    store: &Store,
    scope: FailureScope,
    subject: &str,
    before: i64,
) -> Result<(), AppError> {
    dispatch!(store, clear_failures(scope.code(), subject, before))
}

/// Adds a user with an optional password hash; returns the id.
#[tracing::instrument(skip_all)]
pub async fn insert_user(
    store: &Store,
    user: &ValidUser,
    password_hash: Option<&str>,
) -> Result<i64, AppError> {
    dispatch!(store, insert_user(user, password_hash))
}

/// Every user (active first, then by name), for the admin screen.
pub async fn list_users(store: &Store) -> Result<Vec<UserRow>, AppError> {
    dispatch!(store, list_users())
}

/// One user, for the admin screen.
pub async fn load_user(store: &Store, id: i64) -> Result<UserRow, AppError> {
    dispatch!(store, load_user(id))
}

/// Changes a user's profile, role and team. Refuses to leave Leadline
/// without an active admin.
#[tracing::instrument(skip(store, user))]
pub async fn update_user(store: &Store, id: i64, user: &ValidUser) -> Result<(), AppError> {
    dispatch!(store, update_user(id, user))
}

/// Activates or deactivates a user; deactivating ends their sessions at
/// once. Refuses to deactivate the last active admin.
#[tracing::instrument(skip(store))]
pub async fn set_user_active(store: &Store, id: i64, active: bool) -> Result<(), AppError> {
    dispatch!(store, set_user_active(id, active))
}

/// Sets a user's password hash and ends their sessions (all but
/// `keep_session`, the hash of the session making the change, if any).
#[tracing::instrument(skip_all, fields(id))]
pub async fn set_password(
    store: &Store,
    id: i64,
    password_hash: &str,
    keep_session: Option<&str>,
) -> Result<(), AppError> {
    dispatch!(store, set_password(id, password_hash, keep_session))
}

/// The user id behind a username (any case).
pub async fn find_user_id(store: &Store, username: &str) -> Result<Option<i64>, AppError> {
    dispatch!(store, find_user_id(username))
}

/// Whether any active admin with a password exists.
pub async fn has_admin(store: &Store) -> Result<bool, AppError> {
    dispatch!(store, has_admin())
}

/// The active users a lead may be assigned to within `scope`.
pub async fn list_assignees(store: &Store, scope: Scope) -> Result<Vec<Assignee>, AppError> {
    dispatch!(store, list_assignees(scope))
}

/// An active user's team (`NotFound` if there is no such active user).
pub async fn active_user_team(store: &Store, id: i64) -> Result<Option<i64>, AppError> {
    dispatch!(store, active_user_team(id))
}

/// Every team with its head count.
pub async fn list_teams(store: &Store) -> Result<Vec<Team>, AppError> {
    dispatch!(store, list_teams())
}

/// Adds a team; returns its id.
pub async fn insert_team(store: &Store, name: &TeamName) -> Result<i64, AppError> {
    dispatch!(store, insert_team(name))
}

/// Renames a team.
pub async fn rename_team(store: &Store, id: i64, name: &TeamName) -> Result<(), AppError> {
    dispatch!(store, rename_team(id, name))
}

/// Deletes a team that has no members.
pub async fn delete_team(store: &Store, id: i64) -> Result<(), AppError> {
    dispatch!(store, delete_team(id))
}

/// The "Enable leads" setting.
pub async fn leads_enabled(store: &Store) -> Result<bool, AppError> {
    dispatch!(store, leads_enabled())
}

/// Switches the Leads area on or off.
pub async fn set_leads_enabled(store: &Store, enabled: bool) -> Result<(), AppError> {
    dispatch!(store, set_leads_enabled(enabled))
}

/// Adds "the row `alias` (with an `owner_id` column) is visible within
/// `scope`" to a query: the authorization rule written into SQL, so a list
/// can never return what the user may not see. Leads, accounts, contacts
/// and opportunities all follow it.
pub(crate) fn push_scope<'a, DB>(q: &mut sqlx::QueryBuilder<'a, DB>, alias: &str, scope: Scope)
where
    DB: sqlx::Database,
    i64: 'a + sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    match scope {
        Scope::All => {
            q.push("1 = 1");
        }
        Scope::Own { user_id } => {
            q.push(format!("({alias}.owner_id IS NULL OR {alias}.owner_id = "))
                .push_bind(user_id)
                .push(")");
        }
        Scope::Team { user_id, team_id } => {
            q.push(format!("({alias}.owner_id IS NULL OR {alias}.owner_id = "))
                .push_bind(user_id)
                .push(format!(
                    " OR {alias}.owner_id IN (SELECT tu.id FROM users tu WHERE tu.team_id = "
                ))
                .push_bind(team_id)
                .push("))");
        }
    }
}

/// A role code read from the database.
fn role_of(code: &str) -> Result<Role, AppError> {
    Role::from_code(code).ok_or_else(|| {
        tracing::error!(code, "unknown role in the database");
        AppError::Internal
    })
}

/// The message when a change would leave no admin.
pub const LAST_ADMIN: &str =
    "Leadline needs at least one active admin: make someone else an admin first";
