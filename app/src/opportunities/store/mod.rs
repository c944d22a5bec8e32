//! Storage of accounts, contacts and opportunities, and the conversion of
//! a lead into them. They live together because qualifying writes all of
//! them in one transaction; each function still does one job.

use crate::{
    accounts::model::{Account, AccountName, AccountRow},
    contacts::model::{Contact, ContactRow},
    error::AppError,
    leads::{
        model::{HistoryEntry, LeadStatus},
        qualify::QualifyPlan,
    },
    opportunities::model::{Opportunity, OpportunityRow, Ref, ValidOpportunity},
    store::{dispatch, Store},
    users::model::Scope,
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

/// The message for a wizard that started from an older version of the lead.
pub const STALE_QUALIFY: &str = "This lead was changed by someone else since you started \
     qualifying it. Reload it to see their changes, then qualify it again.";

/// Maps constraint violations to the fields they concern.
pub(crate) fn map_crm_error(err: sqlx::Error) -> AppError {
    if let sqlx::Error::Database(db) = &err {
        let text = format!("{} {}", db.constraint().unwrap_or_default(), db.message());
        const FIELDS: [(&str, &str, &str); 6] = [
            (
                "accounts_name_key",
                "name",
                "There is already an account with this name",
            ),
            (
                "accounts.name",
                "name",
                "There is already an account with this name",
            ),
            (
                "contact_emails",
                "contact.emails",
                "The contact's emails are not valid",
            ),
            (
                "contact_phones",
                "contact.phones",
                "The contact's phones are not valid",
            ),
            (
                "contact_addresses",
                "contact.addresses",
                "The contact's addresses are not valid",
            ),
            (
                "opportunities_status_check",
                "opportunity.status",
                "Unknown status",
            ),
        ];
        if let Some((_, field, message)) = FIELDS.iter().find(|(k, _, _)| text.contains(k)) {
            return AppError::field(*field, *message);
        }
    }
    AppError::from(err)
}

/// Accounts `scope` may see whose name contains `text` (all if empty).
pub async fn list_accounts(
    store: &Store,
    scope: Scope,
    text: &str,
    limit: i64,
) -> Result<Vec<AccountRow>, AppError> {
    dispatch!(store, list_accounts(scope, text, limit))
}

/// One account with its contacts and opportunities.
pub async fn load_account(store: &Store, scope: Scope, id: i64) -> Result<Account, AppError> {
    dispatch!(store, load_account(scope, id))
}

/// Renames an account edited from `version`; returns the new version.
pub async fn rename_account(
    store: &Store,
    scope: Scope,
    id: i64,
    version: i64,
    name: &AccountName,
) -> Result<i64, AppError> {
    dispatch!(store, rename_account(scope, id, version, name))
}

/// The account `scope` may see whose name is `company` (case and spaces
/// aside), if any. One the user may not see is not offered: the wizard
/// then proposes a new account of that name, which qualifying links to
/// the existing one (names are unique).
pub async fn matching_account(
    store: &Store,
    scope: Scope,
    company: &str,
) -> Result<Option<Ref>, AppError> {
    dispatch!(store, matching_account(scope, company))
}

/// Contacts `scope` may see matching `text` (name or email).
pub async fn list_contacts(
    store: &Store,
    scope: Scope,
    text: &str,
    limit: i64,
) -> Result<Vec<ContactRow>, AppError> {
    dispatch!(store, list_contacts(scope, text, limit))
}

/// One contact with everything on it.
pub async fn load_contact(store: &Store, scope: Scope, id: i64) -> Result<Contact, AppError> {
    dispatch!(store, load_contact(scope, id))
}

/// Saves a contact edited from `version` (its emails, phones and addresses
/// replaced); returns the new version.
pub async fn update_contact(
    store: &Store,
    scope: Scope,
    id: i64,
    version: i64,
    contact: &crate::contacts::model::ValidContact,
) -> Result<i64, AppError> {
    dispatch!(store, update_contact(scope, id, version, contact))
}

/// Contacts `scope` may see that share an email or phone.
pub async fn contacts_matching(
    store: &Store,
    scope: Scope,
    emails: &[String],
    phones: &[String],
) -> Result<Vec<Ref>, AppError> {
    dispatch!(store, contacts_matching(scope, emails, phones))
}

/// Opportunities `scope` may see matching `text` (name or account).
pub async fn list_opportunities(
    store: &Store,
    scope: Scope,
    text: &str,
    limit: i64,
) -> Result<Vec<OpportunityRow>, AppError> {
    dispatch!(store, list_opportunities(scope, text, limit))
}

/// One opportunity.
pub async fn load_opportunity(
    store: &Store,
    scope: Scope,
    id: i64,
) -> Result<Opportunity, AppError> {
    dispatch!(store, load_opportunity(scope, id))
}

/// Saves an opportunity edited from `version`; returns the new version.
pub async fn update_opportunity(
    store: &Store,
    scope: Scope,
    id: i64,
    version: i64,
    opportunity: &ValidOpportunity,
) -> Result<i64, AppError> {
    dispatch!(store, update_opportunity(scope, id, version, opportunity))
}

/// Converts a lead: in one transaction, claims the lead (still the version
/// the wizard started from, not disqualified, no opportunity yet), creates
/// or links the account and contact, creates the opportunity, links them
/// to the lead, sets it qualified and records the history. Returns the
/// opportunity's id. Nothing is written unless everything is.
#[tracing::instrument(skip(store, plan), fields(lead_id = plan.lead_id))]
pub async fn qualify_lead(
    store: &Store,
    scope: Scope,
    user_id: i64,
    plan: &QualifyPlan,
) -> Result<i64, AppError> {
    dispatch!(store, qualify_lead(scope, user_id, plan))
}

/// Disqualifies a lead (with an optional reason) or reactivates it (back
/// to New; an opportunity stays), recording the change; returns the new
/// version.
#[tracing::instrument(skip(store, reason))]
pub async fn set_lead_status(
    store: &Store,
    scope: Scope,
    user_id: i64,
    lead_id: i64,
    to: LeadStatus,
    reason: Option<&str>,
) -> Result<i64, AppError> {
    dispatch!(store, set_lead_status(scope, user_id, lead_id, to, reason))
}

/// A lead's change history, newest first (the caller checks the lead is
/// visible).
pub async fn lead_history(store: &Store, lead_id: i64) -> Result<Vec<HistoryEntry>, AppError> {
    dispatch!(store, lead_history(lead_id))
}
