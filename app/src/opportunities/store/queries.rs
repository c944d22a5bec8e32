// Account, contact and opportunity queries, and the conversion of a lead
// into them, written once for both backends (the including module defines
// `Db` and `BEGIN_WRITE`; see `leads/store/queries.rs`).

use chrono::{DateTime, Utc};
use sqlx::Row as _;

use crate::{
    accounts::model::{Account, AccountName, AccountRow},
    contacts::model::{Contact, ContactRow, ValidContact},
    error::AppError,
    leads::{
        fields::phone_key,
        model::{LeadAddress, LeadEmail, LeadPhone, LeadStatus, OwnerRef},
        qualify::{AccountPlan, ContactPlan, QualifyPlan},
    },
    opportunities::model::{Opportunity, OpportunityRow, OpportunityStatus, Ref, ValidOpportunity},
    users::{model::Scope, store::push_scope},
};

use super::{map_crm_error, STALE_QUALIFY};

type Conn = <Db as sqlx::Database>::Connection;
type Pool = sqlx::Pool<Db>;
type DbRow = <Db as sqlx::Database>::Row;
type Query<'a> = sqlx::QueryBuilder<'a, Db>;

fn now() -> DateTime<Utc> {
    crate::leads::store::now()
}

fn opportunity_status(code: &str) -> Result<OpportunityStatus, AppError> {
    OpportunityStatus::from_code(code).ok_or_else(|| {
        tracing::error!(code, "unknown opportunity status in the database");
        AppError::Internal
    })
}

fn owner_of(row: &DbRow) -> Result<Option<OwnerRef>, AppError> {
    Ok(match row.try_get::<Option<i64>, _>("owner_id")? {
        Some(id) => Some(OwnerRef {
            id,
            name: row.try_get::<Option<String>, _>("owner_name")?.unwrap_or_default(),
        }),
        None => None,
    })
}

fn link(row: &DbRow, id: &str, name: &str) -> Result<Option<Ref>, AppError> {
    Ok(match row.try_get::<Option<i64>, _>(id)? {
        Some(id) => Some(Ref {
            id,
            name: row.try_get::<Option<String>, _>(name)?.unwrap_or_default(),
        }),
        None => None,
    })
}

/// `%text%` for a case-insensitive LIKE, with LIKE's wildcards escaped.
fn like_pattern(text: &str) -> String {
    let escaped = text
        .trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

const CONTACT_NAME: &str =
    "trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, ''))";

// ---------------------------------------------------------------- accounts

/// See `super::list_accounts`.
pub async fn list_accounts(pool: &Pool, scope: Scope, text: &str, limit: i64) -> Result<Vec<AccountRow>, AppError> {
    let mut q = Query::new(
        "SELECT a.id, a.name, u.display_name AS owner FROM accounts a \
         LEFT JOIN users u ON u.id = a.owner_id WHERE ",
    );
    push_scope(&mut q, "a", scope);
    if !text.trim().is_empty() {
        q.push(" AND lower(a.name) LIKE ").push_bind(like_pattern(text)).push(" ESCAPE '\\'");
    }
    q.push(" ORDER BY lower(a.name), a.id LIMIT ").push_bind(limit);
    q.build()
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| {
            Ok(AccountRow {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                owner: r.try_get("owner")?,
            })
        })
        .collect()
}

/// See `super::load_account`.
pub async fn load_account(pool: &Pool, scope: Scope, id: i64) -> Result<Account, AppError> {
    let mut q = Query::new(
        "SELECT a.id, a.version, a.name, a.owner_id, u.display_name AS owner_name, a.created_at \
         FROM accounts a LEFT JOIN users u ON u.id = a.owner_id WHERE a.id = ",
    );
    q.push_bind(id).push(" AND ");
    push_scope(&mut q, "a", scope);
    let row = q.build().fetch_optional(pool).await?.ok_or(AppError::NotFound)?;
    let contacts = contact_rows(pool, scope, Some(id), "", 200).await?;
    let opportunities = opportunity_rows(pool, scope, Some(id), "", 200).await?;
    Ok(Account {
        id: row.try_get("id")?,
        version: row.try_get("version")?,
        name: row.try_get("name")?,
        owner: owner_of(&row)?,
        created_at: row.try_get("created_at")?,
        contacts,
        opportunities,
    })
}

/// See `super::rename_account`.
pub async fn rename_account(pool: &Pool, scope: Scope, id: i64, version: i64, name: &AccountName) -> Result<i64, AppError> {
    let mut tx = pool.begin_with(BEGIN_WRITE).await?;
    let mut q = Query::new("SELECT a.version FROM accounts a WHERE a.id = ");
    q.push_bind(id).push(" AND ");
    push_scope(&mut q, "a", scope);
    let current: i64 = q
        .build()
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?
        .try_get("version")?;
    if current != version {
        return Err(AppError::Conflict(
            "This account was changed by someone else since you opened it. Reload it and try again."
                .into(),
        ));
    }
    sqlx::query("UPDATE accounts SET name = $1, updated_at = $2, version = version + 1 WHERE id = $3")
        .bind(name.as_str())
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(map_crm_error)?;
    tx.commit().await?;
    Ok(version + 1)
}

/// The account named `name` (whatever the case and spaces), if any.
async fn account_by_name(conn: &mut Conn, name: &AccountName) -> Result<Option<Ref>, AppError> {
    let row = sqlx::query("SELECT id, name FROM accounts WHERE lower(trim(name)) = $1")
        .bind(name.key())
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| Ok(Ref { id: r.try_get("id")?, name: r.try_get("name")? }))
        .transpose()
}

/// See `super::matching_account`.
pub async fn matching_account(pool: &Pool, scope: Scope, company: &str) -> Result<Option<Ref>, AppError> {
    let Ok(name) = AccountName::parse(company) else { return Ok(None) };
    let mut q = Query::new("SELECT a.id, a.name FROM accounts a WHERE lower(trim(a.name)) = ");
    q.push_bind(name.key()).push(" AND ");
    push_scope(&mut q, "a", scope);
    let row = q.build().fetch_optional(pool).await?;
    row.map(|r| Ok(Ref { id: r.try_get("id")?, name: r.try_get("name")? }))
        .transpose()
}

// ---------------------------------------------------------------- contacts

async fn contact_rows(pool: &Pool, scope: Scope, account: Option<i64>, text: &str, limit: i64) -> Result<Vec<ContactRow>, AppError> {
    let mut q = Query::new(format!(
        "SELECT c.id, {CONTACT_NAME} AS name, c.job_title, a.name AS account, \
         (SELECT e.email FROM contact_emails e WHERE e.contact_id = c.id AND e.is_primary) AS email, \
         (SELECT p.phone FROM contact_phones p WHERE p.contact_id = c.id AND p.is_primary) AS phone \
         FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id WHERE "
    ));
    push_scope(&mut q, "c", scope);
    if let Some(account) = account {
        q.push(" AND c.account_id = ").push_bind(account);
    }
    if !text.trim().is_empty() {
        let pattern = like_pattern(text);
        q.push(format!(" AND (lower({CONTACT_NAME}) LIKE "))
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR EXISTS (SELECT 1 FROM contact_emails e WHERE e.contact_id = c.id AND lower(e.email) LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\'))");
    }
    q.push(" ORDER BY lower(coalesce(c.last_name, c.first_name, '')), c.id LIMIT ").push_bind(limit);
    q.build()
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| {
            Ok(ContactRow {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                job_title: r.try_get("job_title")?,
                email: r.try_get("email")?,
                phone: r.try_get("phone")?,
                account: r.try_get("account")?,
            })
        })
        .collect()
}

/// See `super::list_contacts`.
pub async fn list_contacts(pool: &Pool, scope: Scope, text: &str, limit: i64) -> Result<Vec<ContactRow>, AppError> {
    contact_rows(pool, scope, None, text, limit).await
}

/// See `super::load_contact`.
pub async fn load_contact(pool: &Pool, scope: Scope, id: i64) -> Result<Contact, AppError> {
    let mut q = Query::new(
        "SELECT c.id, c.version, c.name_prefix, c.first_name, c.middle_name, c.last_name, \
         c.name_suffix, c.job_title, c.account_id, a.name AS account_name, c.source_lead_id, \
         l.name AS source_lead_name, c.owner_id, u.display_name AS owner_name, c.created_at \
         FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id \
         LEFT JOIN leads l ON l.id = c.source_lead_id \
         LEFT JOIN users u ON u.id = c.owner_id WHERE c.id = ",
    );
    q.push_bind(id).push(" AND ");
    push_scope(&mut q, "c", scope);
    let row = q.build().fetch_optional(pool).await?.ok_or(AppError::NotFound)?;
    let emails = sqlx::query("SELECT email, is_primary FROM contact_emails WHERE contact_id = $1 ORDER BY is_primary DESC, position")
        .bind(id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| Ok(LeadEmail { email: r.try_get("email")?, primary: r.try_get("is_primary")? }))
        .collect::<Result<_, sqlx::Error>>()?;
    let phones = sqlx::query("SELECT phone, is_primary FROM contact_phones WHERE contact_id = $1 ORDER BY is_primary DESC, position")
        .bind(id)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| Ok(LeadPhone { phone: r.try_get("phone")?, primary: r.try_get("is_primary")? }))
        .collect::<Result<_, sqlx::Error>>()?;
    let addresses = sqlx::query(
        "SELECT label, street, street2, city, postal_code, region, country, is_primary \
         FROM contact_addresses WHERE contact_id = $1 ORDER BY is_primary DESC, position",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(LeadAddress {
            label: r.try_get("label")?,
            street: r.try_get("street")?,
            street2: r.try_get("street2")?,
            city: r.try_get("city")?,
            postal_code: r.try_get("postal_code")?,
            region: r.try_get("region")?,
            country: r.try_get("country")?,
            primary: r.try_get("is_primary")?,
        })
    })
    .collect::<Result<_, sqlx::Error>>()?;
    Ok(Contact {
        id: row.try_get("id")?,
        version: row.try_get("version")?,
        name_prefix: row.try_get("name_prefix")?,
        first_name: row.try_get("first_name")?,
        middle_name: row.try_get("middle_name")?,
        last_name: row.try_get("last_name")?,
        name_suffix: row.try_get("name_suffix")?,
        job_title: row.try_get("job_title")?,
        emails,
        phones,
        addresses,
        account: link(&row, "account_id", "account_name")?,
        source_lead: link(&row, "source_lead_id", "source_lead_name")?,
        owner: owner_of(&row)?,
        created_at: row.try_get("created_at")?,
    })
}

/// See `super::contacts_matching`: contacts `scope` may see with one of
/// these emails or phones.
pub async fn contacts_matching(pool: &Pool, scope: Scope, emails: &[String], phones: &[String]) -> Result<Vec<Ref>, AppError> {
    if emails.is_empty() && phones.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = Query::new(format!("SELECT c.id, {CONTACT_NAME} AS name FROM contacts c WHERE "));
    push_scope(&mut q, "c", scope);
    q.push(" AND (EXISTS (SELECT 1 FROM contact_emails e WHERE e.contact_id = c.id AND lower(e.email) IN (");
    let mut list = q.separated(", ");
    list.push_bind(String::new());
    for email in emails.iter().take(20) {
        list.push_bind(email.trim().to_lowercase());
    }
    q.push(")) OR EXISTS (SELECT 1 FROM contact_phones p WHERE p.contact_id = c.id AND p.phone_key IN (");
    let mut list = q.separated(", ");
    list.push_bind(String::new());
    for phone in phones.iter().take(20) {
        list.push_bind(phone_key(phone));
    }
    q.push("))) ORDER BY c.id LIMIT 10");
    q.build()
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| Ok(Ref { id: r.try_get("id")?, name: r.try_get("name")? }))
        .collect()
}

/// Inserts a contact and its emails, phones and addresses on `conn`.
async fn insert_contact_on(
    conn: &mut Conn,
    contact: &ValidContact,
    account_id: Option<i64>,
    owner_id: Option<i64>,
    source_lead_id: Option<i64>,
) -> Result<i64, AppError> {
    let at = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO contacts (name_prefix, first_name, middle_name, last_name, name_suffix, \
         job_title, account_id, owner_id, source_lead_id, created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, 1) RETURNING id",
    )
    .bind(contact.name_prefix.as_deref())
    .bind(contact.first_name.as_deref())
    .bind(contact.middle_name.as_deref())
    .bind(contact.last_name.as_deref())
    .bind(contact.name_suffix.as_deref())
    .bind(contact.job_title.as_deref())
    .bind(account_id)
    .bind(owner_id)
    .bind(source_lead_id)
    .bind(at)
    .fetch_one(&mut *conn)
    .await
    .map_err(map_crm_error)?;
    insert_contact_channels(conn, id, contact).await?;
    Ok(id)
}

/// Writes a contact's emails, phones and addresses (multi-row inserts).
async fn insert_contact_channels(conn: &mut Conn, id: i64, contact: &ValidContact) -> Result<(), AppError> {
    if !contact.emails.is_empty() {
        let mut q = Query::new("INSERT INTO contact_emails (contact_id, position, email, is_primary) ");
        q.push_values(contact.emails.iter().enumerate(), |mut b, (i, e)| {
            b.push_bind(id).push_bind(i as i32).push_bind(e.email.as_str().to_string()).push_bind(e.primary);
        });
        q.build().execute(&mut *conn).await.map_err(map_crm_error)?;
    }
    if !contact.phones.is_empty() {
        let mut q = Query::new("INSERT INTO contact_phones (contact_id, position, phone, phone_key, is_primary) ");
        q.push_values(contact.phones.iter().enumerate(), |mut b, (i, p)| {
            b.push_bind(id)
                .push_bind(i as i32)
                .push_bind(p.phone.as_str().to_string())
                .push_bind(p.phone.key())
                .push_bind(p.primary);
        });
        q.build().execute(&mut *conn).await.map_err(map_crm_error)?;
    }
    if !contact.addresses.is_empty() {
        let mut q = Query::new(
            "INSERT INTO contact_addresses (contact_id, position, label, street, street2, city, \
             postal_code, region, country, is_primary) ",
        );
        q.push_values(contact.addresses.iter().enumerate(), |mut b, (i, a)| {
            b.push_bind(id)
                .push_bind(i as i32)
                .push_bind(a.label.clone())
                .push_bind(a.street.clone())
                .push_bind(a.street2.clone())
                .push_bind(a.city.clone())
                .push_bind(a.postal_code.clone())
                .push_bind(a.region.clone())
                .push_bind(a.country.as_str().to_string())
                .push_bind(a.primary);
        });
        q.build().execute(&mut *conn).await.map_err(map_crm_error)?;
    }
    Ok(())
}

/// See `super::update_contact`.
pub async fn update_contact(pool: &Pool, scope: Scope, id: i64, version: i64, contact: &ValidContact) -> Result<i64, AppError> {
    let mut tx = pool.begin_with(BEGIN_WRITE).await?;
    let mut q = Query::new("SELECT c.version FROM contacts c WHERE c.id = ");
    q.push_bind(id).push(" AND ");
    push_scope(&mut q, "c", scope);
    q.build().fetch_optional(&mut *tx).await?.ok_or(AppError::NotFound)?;
    let updated = sqlx::query(
        "UPDATE contacts SET name_prefix = $1, first_name = $2, middle_name = $3, last_name = $4, \
         name_suffix = $5, job_title = $6, updated_at = $7, version = version + 1 \
         WHERE id = $8 AND version = $9",
    )
    .bind(contact.name_prefix.as_deref())
    .bind(contact.first_name.as_deref())
    .bind(contact.middle_name.as_deref())
    .bind(contact.last_name.as_deref())
    .bind(contact.name_suffix.as_deref())
    .bind(contact.job_title.as_deref())
    .bind(now())
    .bind(id)
    .bind(version)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::Conflict(
            "This contact was changed by someone else since you opened it. Reload it and make your change again."
                .into(),
        ));
    }
    for table in ["contact_emails", "contact_phones", "contact_addresses"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE contact_id = $1"))
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    insert_contact_channels(&mut tx, id, contact).await?;
    tx.commit().await?;
    Ok(version + 1)
}

// ----------------------------------------------------------- opportunities

async fn opportunity_rows(pool: &Pool, scope: Scope, account: Option<i64>, text: &str, limit: i64) -> Result<Vec<OpportunityRow>, AppError> {
    let mut q = Query::new(
        "SELECT o.id, o.name, o.status, a.name AS account, o.budget_cents, o.probability, \
         u.display_name AS owner FROM opportunities o JOIN accounts a ON a.id = o.account_id \
         LEFT JOIN users u ON u.id = o.owner_id WHERE ",
    );
    push_scope(&mut q, "o", scope);
    if let Some(account) = account {
        q.push(" AND o.account_id = ").push_bind(account);
    }
    if !text.trim().is_empty() {
        let pattern = like_pattern(text);
        q.push(" AND (lower(o.name) LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\' OR lower(a.name) LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\')");
    }
    q.push(" ORDER BY o.created_at DESC, o.id DESC LIMIT ").push_bind(limit);
    q.build()
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| {
            Ok(OpportunityRow {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                status: opportunity_status(r.try_get("status")?)?,
                account: r.try_get("account")?,
                budget_cents: r.try_get("budget_cents")?,
                probability: r.try_get("probability")?,
                owner: r.try_get("owner")?,
            })
        })
        .collect()
}

/// See `super::list_opportunities`.
pub async fn list_opportunities(pool: &Pool, scope: Scope, text: &str, limit: i64) -> Result<Vec<OpportunityRow>, AppError> {
    opportunity_rows(pool, scope, None, text, limit).await
}

/// See `super::load_opportunity`.
pub async fn load_opportunity(pool: &Pool, scope: Scope, id: i64) -> Result<Opportunity, AppError> {
    let mut q = Query::new(format!(
        "SELECT o.id, o.version, o.name, o.status, o.probability, o.budget_cents, \
         o.expected_close_date, o.customer_need, o.proposed_solution, o.notes, o.account_id, \
         a.name AS account_name, o.contact_id, {CONTACT_NAME} AS contact_name, o.lead_id, \
         l.name AS lead_name, o.owner_id, u.display_name AS owner_name, o.created_at, o.updated_at \
         FROM opportunities o JOIN accounts a ON a.id = o.account_id \
         LEFT JOIN contacts c ON c.id = o.contact_id LEFT JOIN leads l ON l.id = o.lead_id \
         LEFT JOIN users u ON u.id = o.owner_id WHERE o.id = "
    ));
    q.push_bind(id).push(" AND ");
    push_scope(&mut q, "o", scope);
    let row = q.build().fetch_optional(pool).await?.ok_or(AppError::NotFound)?;
    Ok(Opportunity {
        id: row.try_get("id")?,
        version: row.try_get("version")?,
        name: row.try_get("name")?,
        status: opportunity_status(row.try_get("status")?)?,
        probability: row.try_get("probability")?,
        budget_cents: row.try_get("budget_cents")?,
        expected_close_date: row.try_get("expected_close_date")?,
        customer_need: row.try_get("customer_need")?,
        proposed_solution: row.try_get("proposed_solution")?,
        notes: row.try_get("notes")?,
        account: Ref { id: row.try_get("account_id")?, name: row.try_get("account_name")? },
        contact: link(&row, "contact_id", "contact_name")?,
        lead: link(&row, "lead_id", "lead_name")?,
        owner: owner_of(&row)?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// See `super::update_opportunity`.
pub async fn update_opportunity(pool: &Pool, scope: Scope, id: i64, version: i64, o: &ValidOpportunity) -> Result<i64, AppError> {
    let mut tx = pool.begin_with(BEGIN_WRITE).await?;
    let mut q = Query::new("SELECT o.version FROM opportunities o WHERE o.id = ");
    q.push_bind(id).push(" AND ");
    push_scope(&mut q, "o", scope);
    q.build().fetch_optional(&mut *tx).await?.ok_or(AppError::NotFound)?;
    let updated = sqlx::query(
        "UPDATE opportunities SET name = $1, status = $2, probability = $3, budget_cents = $4, \
         expected_close_date = $5, customer_need = $6, proposed_solution = $7, notes = $8, \
         updated_at = $9, version = version + 1 WHERE id = $10 AND version = $11",
    )
    .bind(&o.name)
    .bind(o.status.code())
    .bind(o.probability)
    .bind(o.budget_cents)
    .bind(o.expected_close_date)
    .bind(o.customer_need.as_deref())
    .bind(o.proposed_solution.as_deref())
    .bind(o.notes.as_deref())
    .bind(now())
    .bind(id)
    .bind(version)
    .execute(&mut *tx)
    .await
    .map_err(map_crm_error)?;
    if updated.rows_affected() == 0 {
        return Err(AppError::Conflict(
            "This opportunity was changed by someone else since you opened it. Reload it and make your change again."
                .into(),
        ));
    }
    tx.commit().await?;
    Ok(version + 1)
}

// -------------------------------------------------------------- conversion

/// Records one change to a lead in its history.
async fn record_history(
    conn: &mut Conn,
    lead_id: i64,
    user_id: i64,
    at: DateTime<Utc>,
    field: &str,
    old: Option<&str>,
    new: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO lead_history (lead_id, user_id, changed_at, field, old_value, new_value) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(lead_id)
    .bind(user_id)
    .bind(at)
    .bind(field)
    .bind(old)
    .bind(new)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Why a lead cannot be qualified now (it was not claimed): gone or
/// invisible, already converted, disqualified, or changed since.
async fn explain_unclaimed(conn: &mut Conn, scope: Scope, lead_id: i64) -> AppError {
    let mut q = Query::new(
        "SELECT l.status, o.id AS opportunity_id, o.name AS opportunity_name FROM leads l \
         LEFT JOIN opportunities o ON o.lead_id = l.id WHERE l.id = ",
    );
    q.push_bind(lead_id).push(" AND ");
    push_scope(&mut q, "l", scope);
    let row = match q.build().fetch_optional(&mut *conn).await {
        Ok(Some(row)) => row,
        Ok(None) => return AppError::NotFound,
        Err(err) => return AppError::from(err),
    };
    let opportunity = row
        .try_get::<Option<i64>, _>("opportunity_id")
        .ok()
        .flatten();
    if let Some(id) = opportunity {
        let name: String = row.try_get("opportunity_name").unwrap_or_default();
        return AppError::Conflict(format!(
            "This lead has already been qualified: its opportunity is “{name}” (/opportunities/{id})."
        ));
    }
    match row.try_get::<String, _>("status").ok().as_deref() {
        Some("canceled") => AppError::Conflict(
            "This lead was disqualified meanwhile: reactivate it before qualifying.".into(),
        ),
        Some("qualified") => AppError::Conflict(
            "This lead is marked Qualified but has no opportunity: reactivate it (back to New), \
             then qualify it."
                .into(),
        ),
        _ => AppError::Conflict(STALE_QUALIFY.into()),
    }
}

/// See `super::qualify_lead`.
pub async fn qualify_lead(pool: &Pool, scope: Scope, user_id: i64, plan: &QualifyPlan) -> Result<i64, AppError> {
    let at = now();
    let mut tx = pool.begin_with(BEGIN_WRITE).await?;
    let mut q = Query::new("SELECT l.status FROM leads l WHERE l.id = ");
    q.push_bind(plan.lead_id).push(" AND ");
    push_scope(&mut q, "l", scope);
    let before: Option<String> = match q.build().fetch_optional(&mut *tx).await? {
        Some(row) => Some(row.try_get("status")?),
        None => None,
    };
    // Claim the lead: the version check makes this the one place where two
    // qualifications (or an edit) meet; the row lock makes the second wait
    // here, then find the lead changed and stop.
    let mut q = Query::new("UPDATE leads SET status = 'qualified', version = version + 1, updated_at = ");
    q.push_bind(at)
        .push(" WHERE id = ")
        .push_bind(plan.lead_id)
        .push(" AND version = ")
        .push_bind(plan.lead_version)
        .push(
            " AND status = 'new' \
             AND NOT EXISTS (SELECT 1 FROM opportunities o WHERE o.lead_id = leads.id) AND ",
        );
    push_scope(&mut q, "leads", scope);
    q.push(" RETURNING owner_id");
    let claimed = q.build().fetch_optional(&mut *tx).await?;
    let (Some(claimed), Some(before)) = (claimed, before) else {
        drop(tx);
        let mut conn = pool.acquire().await?;
        return Err(explain_unclaimed(&mut conn, scope, plan.lead_id).await);
    };
    let owner: Option<i64> = claimed.try_get("owner_id")?;
    let owner = owner.or(Some(user_id));

    let account_id = match &plan.account {
        AccountPlan::Existing(id) => {
            let mut q = Query::new("SELECT a.id FROM accounts a WHERE a.id = ");
            q.push_bind(*id).push(" AND ");
            push_scope(&mut q, "a", scope);
            q.build()
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| AppError::field("account.name", "This account does not exist, or you may not see it"))?
                .try_get("id")?
        }
        AccountPlan::New(name) => {
            // Another spelling of an existing name links that account.
            sqlx::query(
                "INSERT INTO accounts (name, owner_id, created_at, updated_at, version) \
                 VALUES ($1, $2, $3, $3, 1) ON CONFLICT DO NOTHING",
            )
            .bind(name.as_str())
            .bind(owner)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(map_crm_error)?;
            account_by_name(&mut tx, name)
                .await?
                .ok_or(AppError::Internal)?
                .id
        }
    };
    let contact_id = match &plan.contact {
        ContactPlan::Existing(id) => {
            let mut q = Query::new("SELECT c.id FROM contacts c WHERE c.id = ");
            q.push_bind(*id).push(" AND ");
            push_scope(&mut q, "c", scope);
            q.build()
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| AppError::field("contact.last_name", "This contact does not exist, or you may not see it"))?
                .try_get("id")?
        }
        ContactPlan::New(contact) => {
            insert_contact_on(&mut tx, contact, Some(account_id), owner, Some(plan.lead_id)).await?
        }
    };
    let o = &plan.opportunity;
    let opportunity_id: i64 = sqlx::query_scalar(
        "INSERT INTO opportunities (name, account_id, contact_id, lead_id, owner_id, status, \
         probability, budget_cents, expected_close_date, customer_need, proposed_solution, notes, \
         created_at, updated_at, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, 1) RETURNING id",
    )
    .bind(&o.name)
    .bind(account_id)
    .bind(contact_id)
    .bind(plan.lead_id)
    .bind(owner)
    .bind(o.status.code())
    .bind(o.probability)
    .bind(o.budget_cents)
    .bind(o.expected_close_date)
    .bind(o.customer_need.as_deref())
    .bind(o.proposed_solution.as_deref())
    .bind(o.notes.as_deref())
    .bind(at)
    .fetch_one(&mut *tx)
    .await
    .map_err(map_crm_error)?;
    sqlx::query("UPDATE leads SET account_id = $1, contact_id = $2 WHERE id = $3")
        .bind(account_id)
        .bind(contact_id)
        .bind(plan.lead_id)
        .execute(&mut *tx)
        .await?;
    if before != LeadStatus::Qualified.code() {
        record_history(&mut tx, plan.lead_id, user_id, at, "status", Some(&before), Some("qualified")).await?;
    }
    record_history(&mut tx, plan.lead_id, user_id, at, "opportunity", None, Some(&format!("{} (#{opportunity_id})", o.name))).await?;
    tx.commit().await?;
    Ok(opportunity_id)
}

/// See `super::set_lead_status`.
pub async fn set_lead_status(
    pool: &Pool,
    scope: Scope,
    user_id: i64,
    lead_id: i64,
    to: LeadStatus,
    reason: Option<&str>,
) -> Result<i64, AppError> {
    let at = now();
    let mut tx = pool.begin_with(BEGIN_WRITE).await?;
    let mut q = Query::new("SELECT l.status, l.version FROM leads l WHERE l.id = ");
    q.push_bind(lead_id).push(" AND ");
    push_scope(&mut q, "l", scope);
    let row = q.build().fetch_optional(&mut *tx).await?.ok_or(AppError::NotFound)?;
    let from: String = row.try_get("status")?;
    let version: i64 = row.try_get("version")?;
    let allowed = match to {
        LeadStatus::Canceled => from != "canceled",
        LeadStatus::New => from != "new",
        LeadStatus::Qualified => false,
    };
    if !allowed {
        return Err(AppError::Conflict(format!(
            "This lead is already {}.",
            LeadStatus::from_code(&from).map_or("changed", |s| s.label()).to_lowercase()
        )));
    }
    sqlx::query("UPDATE leads SET status = $1, version = version + 1, updated_at = $2 WHERE id = $3")
        .bind(to.code())
        .bind(at)
        .bind(lead_id)
        .execute(&mut *tx)
        .await?;
    record_history(&mut tx, lead_id, user_id, at, "status", Some(&from), Some(to.code())).await?;
    if let Some(reason) = reason {
        record_history(&mut tx, lead_id, user_id, at, "disqualify_reason", None, Some(reason)).await?;
    }
    tx.commit().await?;
    Ok(version + 1)
}

/// See `super::lead_history`.
pub async fn lead_history(pool: &Pool, lead_id: i64) -> Result<Vec<crate::leads::model::HistoryEntry>, AppError> {
    sqlx::query(
        "SELECT h.changed_at, h.field, h.old_value, h.new_value, u.display_name AS user_name \
         FROM lead_history h LEFT JOIN users u ON u.id = h.user_id \
         WHERE h.lead_id = $1 ORDER BY h.changed_at DESC, h.id DESC LIMIT 200",
    )
    .bind(lead_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(crate::leads::model::HistoryEntry {
            at: r.try_get("changed_at")?,
            user: r.try_get("user_name")?,
            field: r.try_get("field")?,
            old_value: r.try_get("old_value")?,
            new_value: r.try_get("new_value")?,
        })
    })
    .collect()
}
