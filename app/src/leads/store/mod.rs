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
    store::Store,
};

/// The message a stale edit gets.
pub const STALE_MESSAGE: &str = "This lead was changed by someone else since you opened it. \
     Reload it to see their changes, then make yours again.";

/// The built-in user that owns new leads until sign-in exists.
pub const DEFAULT_OWNER_ID: i64 = 1;

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

macro_rules! dispatch {
    ($store:expr, $fun:ident ( $($arg:expr),* )) => {
        match $store {
            Store::Sqlite(pool) => sqlite::$fun(pool, $($arg),*).await,
            Store::Postgres(pool) => postgres::$fun(pool, $($arg),*).await,
        }
    };
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

/// Inserts many leads in one transaction, each with its own creation time.
#[tracing::instrument(skip_all, fields(count = leads.len()))]
pub async fn insert_leads(
    store: &Store,
    owner_id: Option<i64>,
    leads: &[(ValidLead, DateTime<Utc>)],
) -> Result<Vec<i64>, AppError> {
    dispatch!(store, insert_leads(owner_id, leads))
}

/// Saves an edit made from `version`; returns the new version.
#[tracing::instrument(skip(store, lead))]
pub async fn update_lead(
    store: &Store,
    id: i64,
    version: i64,
    lead: &ValidLead,
) -> Result<i64, AppError> {
    dispatch!(store, update_lead(id, version, lead))
}

/// Deletes a lead and its children.
#[tracing::instrument(skip(store))]
pub async fn delete_lead(store: &Store, id: i64) -> Result<(), AppError> {
    dispatch!(store, delete_lead(id))
}

/// Loads one lead with everything on it.
#[tracing::instrument(skip(store))]
pub async fn load_lead(store: &Store, id: i64) -> Result<Lead, AppError> {
    dispatch!(store, load_lead(id))
}

/// One page of the newest-first list.
#[tracing::instrument(skip_all)]
pub async fn list_leads(store: &Store, req: &LeadPageRequest) -> Result<LeadPage, AppError> {
    dispatch!(store, list_leads(req))
}

/// Existing leads that share an email or phone with the probe.
#[tracing::instrument(skip_all)]
pub async fn find_duplicates(
    store: &Store,
    probe: &DuplicateProbe,
) -> Result<Vec<DuplicateLead>, AppError> {
    dispatch!(store, find_duplicates(probe))
}

/// The lead sources a user can pick.
#[tracing::instrument(skip_all)]
pub async fn list_sources(store: &Store) -> Result<Vec<LeadSource>, AppError> {
    dispatch!(store, list_sources())
}

/// How many leads there are.
pub async fn count_leads(store: &Store) -> Result<i64, AppError> {
    dispatch!(store, count_leads())
}
