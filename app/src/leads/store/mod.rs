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
    const IS_SQLITE: bool = true;
    /// Writers take the write lock up front: a deferred transaction that
    /// reads first fails with SQLITE_BUSY (not waiting) when another
    /// writer commits in between.
    const BEGIN_WRITE: &str = "BEGIN IMMEDIATE";
    include!("queries.rs");

    /// Filtered reads and the export.
    pub mod filtered {
        use super::BEGIN_WRITE;
        use sqlx::Sqlite as Db;
        /// Words are looked up in the `lead_search` trigram index.
        const SQLITE: bool = true;
        const AGG: &str = "group_concat";
        const UNIT: &str = "char(31)";
        const RECORD: &str = "char(30)";
        /// A lead's creation day (UTC) as `YYYY-MM-DD`.
        const DAY: &str = "substr(l.created_at, 1, 10)";
        include!("filtered.rs");
    }

    /// Mass actions.
    pub mod mass {
        use super::BEGIN_WRITE;
        use sqlx::Sqlite as Db;
        include!("mass.rs");
    }

    /// Saved views, settings and notes.
    pub mod desk {
        use super::BEGIN_WRITE;
        use sqlx::Sqlite as Db;
        include!("desk.rs");
    }
}

/// PostgreSQL queries.
pub mod postgres {
    use sqlx::Postgres as Db;
    const IS_SQLITE: bool = false;
    const BEGIN_WRITE: &str = "BEGIN";
    include!("queries.rs");

    /// Filtered reads and the export.
    pub mod filtered {
        use super::BEGIN_WRITE;
        use sqlx::Postgres as Db;
        /// Words are matched with LIKE, through the trigram indexes.
        const SQLITE: bool = false;
        const AGG: &str = "string_agg";
        const UNIT: &str = "chr(31)";
        const RECORD: &str = "chr(30)";
        /// A lead's creation day (UTC) as `YYYY-MM-DD`.
        const DAY: &str = "to_char(l.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')";
        include!("filtered.rs");
    }

    /// Mass actions.
    pub mod mass {
        use super::BEGIN_WRITE;
        use sqlx::Postgres as Db;
        include!("mass.rs");
    }

    /// Saved views, settings and notes.
    pub mod desk {
        use super::BEGIN_WRITE;
        use sqlx::Postgres as Db;
        include!("desk.rs");
    }
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

/// Inserts a lead with its children in one transaction, recording that
/// `user_id` created it; returns its id.
#[tracing::instrument(skip_all)]
pub async fn insert_lead(
    store: &Store,
    owner_id: Option<i64>,
    lead: &ValidLead,
    user_id: i64,
) -> Result<i64, AppError> {
    dispatch!(store, insert_lead(owner_id, lead, user_id))
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

/// Saves an edit made by `user_id` from `version` of a lead `scope` may
/// see, with its changes in the history; returns the new version.
/// `owner`: `None` keeps the owner, `Some(o)` sets it.
#[tracing::instrument(skip(store, lead))]
pub async fn update_lead(
    store: &Store,
    scope: Scope,
    user_id: i64,
    id: i64,
    version: i64,
    lead: &ValidLead,
    owner: Option<Option<i64>>,
) -> Result<i64, AppError> {
    dispatch!(store, update_lead(scope, user_id, id, version, lead, owner))
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

/// Where an export writes: CSV text in chunks of about 64 KiB, handed to
/// a bounded channel, so memory stays flat whatever the size and a reader
/// that goes away stops the export.
pub struct CsvSink {
    tx: tokio::sync::mpsc::Sender<String>,
    buf: String,
    rows: u64,
    progress: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
}

/// How big a chunk grows before it is sent.
const CHUNK: usize = 64 * 1024;

impl CsvSink {
    /// A sink sending to `tx`, starting with `head` (the BOM and header).
    pub fn new(tx: tokio::sync::mpsc::Sender<String>, head: String) -> Self {
        let mut buf = String::with_capacity(CHUNK + 4096);
        buf.push_str(&head);
        Self {
            tx,
            buf,
            rows: 0,
            progress: None,
        }
    }

    /// Also counts the rows written into `counter` (for a progress bar).
    pub fn with_progress(mut self, counter: std::sync::Arc<std::sync::atomic::AtomicU64>) -> Self {
        self.progress = Some(counter);
        self
    }

    /// Sends what is buffered now (the header before a slow first row).
    pub async fn flush(&mut self) -> bool {
        let chunk = std::mem::replace(&mut self.buf, String::with_capacity(CHUNK + 4096));
        chunk.is_empty() || self.tx.send(chunk).await.is_ok()
    }

    /// Writes one lead; `false` when the reader has gone away.
    pub async fn push(
        &mut self,
        columns: &[crate::leads::csv_file::Column],
        lead: &crate::leads::csv_file::LeadRecord,
    ) -> bool {
        crate::leads::csv_file::write_record(&mut self.buf, columns, lead);
        self.rows += 1;
        // The first row goes out at once: the download visibly starts.
        if self.buf.len() >= CHUNK || self.rows == 1 {
            if let Some(counter) = &self.progress {
                counter.store(self.rows, std::sync::atomic::Ordering::Relaxed);
            }
            return self.flush().await;
        }
        true
    }

    /// Writes plain text (sent in chunks like the rows); `false` when the
    /// reader has gone away.
    pub async fn push_str(&mut self, text: &str) -> bool {
        self.buf.push_str(text);
        if self.buf.len() >= CHUNK {
            return self.flush().await;
        }
        true
    }

    /// Sends the rest; `false` when the reader has gone away.
    pub async fn finish(&mut self) -> bool {
        if let Some(counter) = &self.progress {
            counter.store(self.rows, std::sync::atomic::Ordering::Relaxed);
        }
        self.flush().await
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }
}

/// How an export ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportEnd {
    /// Every row was written.
    Complete(u64),
    /// The reader went away after this many rows.
    Cancelled(u64),
}

/// How many leads `scope` may see match `filter`, per status and in all.
pub async fn count_by_status(
    store: &Store,
    scope: Scope,
    filter: &crate::leads::filter::LeadFilter,
) -> Result<crate::leads::model::StatusCounts, AppError> {
    dispatch!(store, filtered::count_by_status(scope, filter))
}

/// Counts the leads `scope` may see that match `filter`.
pub async fn count_filtered(
    store: &Store,
    scope: Scope,
    filter: &crate::leads::filter::LeadFilter,
) -> Result<i64, AppError> {
    dispatch!(store, filtered::count_filtered(scope, filter))
}

/// The numbered columns an export needs.
pub async fn export_layout(store: &Store) -> Result<crate::leads::csv_file::Layout, AppError> {
    dispatch!(store, filtered::export_layout())
}

/// Streams the leads `scope` may see that match `filter` into `sink`.
pub async fn export_leads(
    store: &Store,
    scope: Scope,
    filter: &crate::leads::filter::LeadFilter,
    sort: crate::leads::grid::GridSort,
    columns: &[crate::leads::csv_file::Column],
    sink: &mut CsvSink,
) -> Result<ExportEnd, AppError> {
    dispatch!(
        store,
        filtered::export_leads(scope, filter, sort, columns, sink)
    )
}

/// Records the start of an export; returns its id.
pub async fn start_export(
    store: &Store,
    user_id: Option<i64>,
    via: &str,
    kind: &str,
    filter: &str,
) -> Result<i64, AppError> {
    dispatch!(
        store,
        filtered::start_export(user_id, via, kind, filter, now())
    )
}

/// Records how an export ended (`complete`, `cancelled`, `failed`).
pub async fn finish_export(
    store: &Store,
    id: i64,
    outcome: &str,
    rows: i64,
) -> Result<(), AppError> {
    dispatch!(store, filtered::finish_export(id, outcome, rows, now()))
}

/// The most recent exports, newest first.
pub async fn recent_exports(
    store: &Store,
    limit: i64,
) -> Result<Vec<crate::leads::export::ExportEntry>, AppError> {
    dispatch!(store, filtered::recent_exports(limit))
}

/// Fills in the searchable text of leads that lack it (run after the
/// migrations); returns how many were filled.
pub async fn fill_search_text(store: &Store) -> Result<u64, sqlx::Error> {
    dispatch!(store, filtered::fill_search_text())
}

/// The setting key of the list's visible columns.
pub const COLUMNS_SETTING: &str = "lead_list.columns";

/// A user's saved views (by name) and remembered columns.
pub async fn list_views(
    store: &Store,
    user_id: i64,
) -> Result<(Vec<crate::leads::saved_views::SavedView>, Option<String>), AppError> {
    dispatch!(store, desk::list_views(user_id))
}

/// Saves a view under `name` (replacing the user's view of that name).
pub async fn save_view(
    store: &Store,
    user_id: i64,
    name: &str,
    query: &str,
    is_default: bool,
) -> Result<crate::leads::saved_views::SavedView, AppError> {
    dispatch!(store, desk::save_view(user_id, name, query, is_default))
}

/// Makes one of the user's views the default (`None`: none).
pub async fn set_default_view(
    store: &Store,
    user_id: i64,
    id: Option<i64>,
) -> Result<(), AppError> {
    dispatch!(store, desk::set_default_view(user_id, id))
}

/// Deletes one of the user's views.
pub async fn delete_view(store: &Store, user_id: i64, id: i64) -> Result<(), AppError> {
    dispatch!(store, desk::delete_view(user_id, id))
}

/// Stores one of the user's settings.
pub async fn save_setting(
    store: &Store,
    user_id: i64,
    key: &str,
    value: &str,
) -> Result<(), AppError> {
    dispatch!(store, desk::save_setting(user_id, key, value))
}

/// Every lead source, retired ones last.
pub async fn source_choices(
    store: &Store,
) -> Result<Vec<crate::leads::saved_views::SourceChoice>, AppError> {
    dispatch!(store, desk::source_choices())
}

/// The notes on a lead, newest first (the caller checked the lead is
/// visible); `viewer` marks their own.
pub async fn list_notes(
    store: &Store,
    lead_id: i64,
    viewer: i64,
) -> Result<Vec<crate::leads::notes::Note>, AppError> {
    dispatch!(store, desk::list_notes(lead_id, viewer))
}

/// Adds a note (the caller checked the lead is visible).
pub async fn add_note(
    store: &Store,
    lead_id: i64,
    user_id: i64,
    body: &str,
) -> Result<crate::leads::notes::Note, AppError> {
    dispatch!(store, desk::add_note(lead_id, user_id, body))
}

/// Changes a note of `user_id`'s on a lead `scope` may see.
pub async fn edit_note(
    store: &Store,
    scope: Scope,
    user_id: i64,
    id: i64,
    body: &str,
) -> Result<crate::leads::notes::Note, AppError> {
    dispatch!(store, desk::edit_note(scope, user_id, id, body))
}

/// Deletes a note of `user_id`'s on a lead `scope` may see.
pub async fn delete_note(
    store: &Store,
    scope: Scope,
    user_id: i64,
    id: i64,
) -> Result<(), AppError> {
    dispatch!(store, desk::delete_note(scope, user_id, id))
}

/// Counts for the board's charts: per status, per source, per creation
/// day since `since`.
pub async fn chart_counts(
    store: &Store,
    scope: Scope,
    filter: &crate::leads::filter::LeadFilter,
    since: chrono::NaiveDate,
) -> Result<crate::leads::charts::ChartCounts, AppError> {
    dispatch!(store, filtered::chart_counts(scope, filter, since))
}

/// The leads a mass action is for, as storage takes them.
#[derive(Clone, Debug)]
pub enum MassLeads {
    /// These ids (those the user may not see are refused).
    Ids(Vec<i64>),
    /// Every lead matching this filter (`owner=me` resolved).
    Filter(crate::leads::filter::LeadFilter),
}

/// Runs a mass action in one transaction: every lead of `target` that
/// `scope` may see is checked by the action's rules (`assign` says whether
/// the new owner may be given leads), the allowed ones are changed with
/// their history, the others listed with the reason. Returns the summary
/// and the ids changed.
pub async fn mass_update(
    store: &Store,
    scope: Scope,
    user_id: i64,
    target: &MassLeads,
    action: &crate::leads::mass::MassAction,
    assign: Result<(), String>,
) -> Result<(crate::leads::mass::MassSummary, Vec<i64>), AppError> {
    dispatch!(
        store,
        mass::mass_update(scope, user_id, target, action, assign)
    )
}

/// Streams the leads `scope` may see (or those of `ids`) in the browser's
/// index format into `sink`; `None` when the reader went away.
pub async fn index_leads(
    store: &Store,
    scope: Scope,
    me: i64,
    ids: Option<&[i64]>,
    sink: &mut CsvSink,
) -> Result<Option<u64>, AppError> {
    dispatch!(store, filtered::index_leads(scope, me, ids, sink))
}

/// The SQL of a full export of every lead (see `filtered::export_sql`).
pub fn export_sql(store: &Store) -> String {
    match store {
        Store::Sqlite(_) => sqlite::filtered::export_sql(),
        Store::Postgres(_) => postgres::filtered::export_sql(),
    }
}
