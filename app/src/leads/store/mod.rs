//! Lead storage: plain async functions, one job each, over either backend.
//!
//! The queries live in `queries.rs`, included once per backend with its own
//! `Db` type, so the same SQL is compiled (and tested) for SQLite and
//! PostgreSQL without a lowest-common-denominator driver.

use chrono::{DateTime, SubsecRound, Utc};

use crate::{
    error::AppError,
    leads::model::{
        DuplicateLead, DuplicateProbe, Lead, LeadPage, LeadPageRequest, LeadSource, ValidLead,
    },
    store::{dispatch, Store},
    users::model::Scope,
};

/// The message a stale edit gets.
pub const STALE_MESSAGE: &str = "This lead was changed by someone else since you opened it. \
     Reload it to see their changes, then make yours again.";

/// The current time, truncated to milliseconds so that it survives both
/// databases and the URL cursor unchanged.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}

/// SQLite queries.
pub mod sqlite {
    use sqlx::Sqlite as Db;
    /// Writers take the write lock up front: a deferred transaction that
    /// reads first fails with SQLITE_BUSY (not waiting) when another
    /// writer commits in between.
    const BEGIN_WRITE: &str = "BEGIN IMMEDIATE";
    include!("queries.rs");
}

/// PostgreSQL queries.
pub mod postgres {
    use sqlx::Postgres as Db;
    const BEGIN_WRITE: &str = "BEGIN";
    include!("queries.rs");
}

/// Maps a constraint violation to the field it concerns; anything else is
/// logged and becomes `Internal`.
pub(crate) fn map_db_error(err: sqlx::Error) -> AppError {
    if let sqlx::Error::Database(db) = &err {
        // PostgreSQL names the constraint; SQLite puts it in the message.
        let text = format!("{} {}", db.constraint().unwrap_or_default(), db.message());
        const FIELDS: [(&str, &str, &str); 10] = [
            (
                "leads_name_check",
                "name",
                "Lead name is required and at most 255 characters",
            ),
            ("leads_status_check", "status", "Unknown status"),
            (
                "leads_number_of_employees_check",
                "number_of_employees",
                "Must be 0 or more",
            ),
            (
                "leads_source_id_fkey",
                "source_id",
                "This lead source does not exist",
            ),
            (
                "lead_emails_unique_key",
                "emails",
                "The same email is listed twice",
            ),
            (
                "lead_emails_primary_key",
                "emails",
                "Only one email can be primary",
            ),
            (
                "lead_phones_unique_key",
                "phones",
                "The same phone is listed twice",
            ),
            (
                "lead_phones_primary_key",
                "phones",
                "Only one phone can be primary",
            ),
            (
                "lead_addresses_primary_key",
                "addresses",
                "Only one address can be primary",
            ),
            ("lead_tags_pkey", "tags", "The same tag is listed twice"),
        ];
        if let Some((_, field, message)) = FIELDS.iter().find(|(name, _, _)| text.contains(name)) {
            return AppError::field(*field, *message);
        }
        // SQLite names the columns, not the index, of a plain unique index.
        // Longest first: the primary indexes are on `lead_id` alone.
        const COLUMNS: [(&str, &str, &str); 5] = [
            (
                "lead_phones.lead_id, lead_phones.phone_key",
                "phones",
                "The same phone is listed twice",
            ),
            (
                "lead_tags.lead_id, lead_tags.tag",
                "tags",
                "The same tag is listed twice",
            ),
            (
                "lead_emails.lead_id",
                "emails",
                "Only one email can be primary",
            ),
            (
                "lead_phones.lead_id",
                "phones",
                "Only one phone can be primary",
            ),
            (
                "lead_addresses.lead_id",
                "addresses",
                "Only one address can be primary",
            ),
        ];
        if let Some((_, field, message)) = COLUMNS.iter().find(|(cols, _, _)| text.contains(cols)) {
            return AppError::field(*field, *message);
        }
    }
    AppError::from(err)
}

/// Inserts a lead with its children in one transaction; returns its id.
#[tracing::instrument(skip_all)]
pub async fn insert_lead(
    store: &Store,
    owner_id: Option<i64>,
    lead: &ValidLead,
) -> Result<i64, AppError> {
    dispatch!(store, insert_lead(owner_id, lead))
}

/// Inserts many leads in one transaction, each with its own creation time
/// and owner.
#[tracing::instrument(skip_all, fields(count = leads.len()))]
pub async fn insert_leads(
    store: &Store,
    leads: &[(ValidLead, DateTime<Utc>, Option<i64>)],
) -> Result<Vec<i64>, AppError> {
    dispatch!(store, insert_leads(leads))
}

/// Saves an edit made from `version` of a lead `scope` may see; returns
/// the new version. `owner`: `None` keeps the owner, `Some(o)` sets it.
#[tracing::instrument(skip(store, lead))]
pub async fn update_lead(
    store: &Store,
    scope: Scope,
    id: i64,
    version: i64,
    lead: &ValidLead,
    owner: Option<Option<i64>>,
) -> Result<i64, AppError> {
    dispatch!(store, update_lead(scope, id, version, lead, owner))
}

/// Deletes a lead `scope` may see, with its children.
#[tracing::instrument(skip(store))]
pub async fn delete_lead(store: &Store, scope: Scope, id: i64) -> Result<(), AppError> {
    dispatch!(store, delete_lead(scope, id))
}

/// Loads one lead `scope` may see, with everything on it.
#[tracing::instrument(skip(store))]
pub async fn load_lead(store: &Store, scope: Scope, id: i64) -> Result<Lead, AppError> {
    dispatch!(store, load_lead(scope, id))
}

/// The owner of a lead `scope` may see (`NotFound` otherwise).
#[tracing::instrument(skip(store))]
pub async fn lead_owner(store: &Store, scope: Scope, id: i64) -> Result<Option<i64>, AppError> {
    dispatch!(store, lead_owner(scope, id))
}

/// One page of the newest-first list of the leads `scope` may see.
#[tracing::instrument(skip_all)]
pub async fn list_leads(
    store: &Store,
    scope: Scope,
    req: &LeadPageRequest,
) -> Result<LeadPage, AppError> {
    dispatch!(store, list_leads(scope, req))
}

/// Leads `scope` may see that share an email or phone with the probe.
#[tracing::instrument(skip_all)]
pub async fn find_duplicates(
    store: &Store,
    scope: Scope,
    probe: &DuplicateProbe,
) -> Result<Vec<DuplicateLead>, AppError> {
    dispatch!(store, find_duplicates(scope, probe))
}

/// The lead sources a user can pick.
#[tracing::instrument(skip_all)]
pub async fn list_sources(store: &Store) -> Result<Vec<LeadSource>, AppError> {
    dispatch!(store, list_sources())
}

/// How many leads `scope` may see.
pub async fn count_leads(store: &Store, scope: Scope) -> Result<i64, AppError> {
    dispatch!(store, count_leads(scope))
}

/// Every lead source (retired too), with its use.
pub async fn list_all_sources(
    store: &Store,
) -> Result<Vec<crate::leads::sources::SourceRow>, AppError> {
    dispatch!(store, list_all_sources())
}

/// Adds a lead source; returns its id.
pub async fn insert_source(store: &Store, name: &str) -> Result<i64, AppError> {
    dispatch!(store, insert_source(name))
}

/// Renames a lead source.
pub async fn rename_source(store: &Store, id: i64, name: &str) -> Result<(), AppError> {
    dispatch!(store, rename_source(id, name))
}

/// Retires a lead source, or brings it back.
pub async fn set_source_retired(store: &Store, id: i64, retired: bool) -> Result<(), AppError> {
    dispatch!(store, set_source_retired(id, retired))
}
