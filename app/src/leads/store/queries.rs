// Lead storage queries, written once and compiled for each backend: the
// including module defines `Db` (sqlx::Sqlite or sqlx::Postgres) and
// `BEGIN_WRITE` (how a writing transaction starts). Every
// statement uses `$n` placeholders, which both databases accept.

use chrono::{DateTime, Utc};
use sqlx::Row as _;

use crate::{
    error::AppError,
    leads::{
        fields::phone_key,
        grid::GridColumn,
        history::FieldChange,
        model::{
            DuplicateLead, DuplicateProbe, Lead, LeadAddress, LeadCursor, LeadEmail, LeadPage,
            LeadPageRequest, LeadPhone, LeadRow, LeadSource, LeadStatus, OwnerRef, ValidLead,
        },
    },
    users::model::Scope,
};

use super::map_db_error;

type Conn = <Db as sqlx::Database>::Connection;
type Pool = sqlx::Pool<Db>;
type DbRow = <Db as sqlx::Database>::Row;

fn status_of(code: &str) -> Result<LeadStatus, AppError> {
    LeadStatus::from_code(code).ok_or_else(|| {
        tracing::error!(code, "unknown lead status in the database");
        AppError::Internal
    })
}

/// "Lead `l` is visible within `scope`" (see `users::store::push_scope`).
fn push_scope(q: &mut sqlx::QueryBuilder<'_, Db>, scope: Scope) {
    crate::users::store::push_scope(q, "l", scope);
}

/// The owner of lead `id` if `scope` may see it; `NotFound` otherwise
/// (whether or not it exists: the caller learns nothing more).
async fn visible_owner(conn: &mut Conn, scope: Scope, id: i64) -> Result<Option<i64>, AppError> {
    let mut q = sqlx::QueryBuilder::<Db>::new("SELECT l.owner_id FROM leads l WHERE l.id = ");
    q.push_bind(id).push(" AND ");
    push_scope(&mut q, scope);
    let row = q.build().fetch_optional(&mut *conn).await?;
    match row {
        Some(row) => Ok(row.try_get("owner_id")?),
        None => Err(AppError::NotFound),
    }
}

/// See `super::lead_owner`.
pub async fn lead_owner(pool: &Pool, scope: Scope, id: i64) -> Result<Option<i64>, AppError> {
    let mut conn = pool.acquire().await?;
    visible_owner(&mut conn, scope, id).await
}

/// Fails with a field error when the chosen source does not exist, or is
/// retired and not already the lead's source (`current`): old leads keep a
/// retired source, nothing new gets it.
async fn check_source(
    conn: &mut Conn,
    source_id: Option<i64>,
    current: Option<i64>,
) -> Result<(), AppError> {
    let Some(id) = source_id else { return Ok(()) };
    let retired: Option<bool> =
        sqlx::query_scalar("SELECT retired FROM lead_sources WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    match retired {
        Some(false) => Ok(()),
        Some(true) if current == Some(id) => Ok(()),
        Some(true) => Err(AppError::field(
            "source_id",
            "This lead source is retired: choose another",
        )),
        None => Err(AppError::field("source_id", "This lead source does not exist")),
    }
}

/// Writes the lead's emails, phones, addresses and tags (multi-row inserts).
async fn insert_children(conn: &mut Conn, lead_id: i64, lead: &ValidLead) -> Result<(), AppError> {
    if !lead.emails.is_empty() {
        let mut q = sqlx::QueryBuilder::<Db>::new(
            "INSERT INTO lead_emails (lead_id, position, email, is_primary) ",
        );
        q.push_values(lead.emails.iter().enumerate(), |mut b, (i, e)| {
            b.push_bind(lead_id)
                .push_bind(i as i32)
                .push_bind(e.email.as_str().to_string())
                .push_bind(e.primary);
        });
        q.build().execute(&mut *conn).await.map_err(map_db_error)?;
    }
    if !lead.phones.is_empty() {
        let mut q = sqlx::QueryBuilder::<Db>::new(
            "INSERT INTO lead_phones (lead_id, position, phone, phone_key, is_primary) ",
        );
        q.push_values(lead.phones.iter().enumerate(), |mut b, (i, p)| {
            b.push_bind(lead_id)
                .push_bind(i as i32)
                .push_bind(p.phone.as_str().to_string())
                .push_bind(p.phone.key())
                .push_bind(p.primary);
        });
        q.build().execute(&mut *conn).await.map_err(map_db_error)?;
    }
    if !lead.addresses.is_empty() {
        let mut q = sqlx::QueryBuilder::<Db>::new(
            "INSERT INTO lead_addresses (lead_id, position, label, street, street2, city, \
             postal_code, region, country, is_primary) ",
        );
        q.push_values(lead.addresses.iter().enumerate(), |mut b, (i, a)| {
            b.push_bind(lead_id)
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
        q.build().execute(&mut *conn).await.map_err(map_db_error)?;
    }
    if !lead.tags.is_empty() {
        let mut q = sqlx::QueryBuilder::<Db>::new("INSERT INTO lead_tags (lead_id, position, tag) ");
        q.push_values(lead.tags.iter().enumerate(), |mut b, (i, t)| {
            b.push_bind(lead_id)
                .push_bind(i as i32)
                .push_bind(t.as_str().to_string());
        });
        q.build().execute(&mut *conn).await.map_err(map_db_error)?;
    }
    Ok(())
}

/// Removes the lead's child rows (before rewriting them on update).
async fn delete_children(conn: &mut Conn, lead_id: i64) -> Result<(), AppError> {
    for table in ["lead_emails", "lead_phones", "lead_addresses", "lead_tags"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE lead_id = $1"))
            .bind(lead_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Inserts a lead and its children on `conn` (the caller owns the
/// transaction and has checked the lead's source), stamped `created_at`;
/// returns the new id.
async fn insert_lead_on(
    conn: &mut Conn,
    owner_id: Option<i64>,
    lead: &ValidLead,
    created_at: DateTime<Utc>,
) -> Result<i64, AppError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO leads (name, status, name_prefix, first_name, middle_name, last_name, \
         name_suffix, job_title, company_name, website, number_of_employees, industry, \
         source_id, notes, twitter, linkedin, owner_id, created_at, updated_at, version, \
         search_text, phone_text) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
         $18, $18, 1, $19, $20) RETURNING id",
    )
    .bind(lead.name.as_str())
    .bind(lead.status.code())
    .bind(lead.name_prefix.as_deref())
    .bind(lead.first_name.as_deref())
    .bind(lead.middle_name.as_deref())
    .bind(lead.last_name.as_deref())
    .bind(lead.name_suffix.as_deref())
    .bind(lead.job_title.as_deref())
    .bind(lead.company_name.as_deref())
    .bind(lead.website.as_ref().map(|w| w.as_str()))
    .bind(lead.number_of_employees.map(|n| i64::from(n.get())))
    .bind(lead.industry.as_deref())
    .bind(lead.source_id)
    .bind(lead.notes.as_deref())
    .bind(lead.twitter.as_deref())
    .bind(lead.linkedin.as_deref())
    .bind(owner_id)
    .bind(created_at)
    .bind(lead.search_text())
    .bind(lead.phone_text())
    .fetch_one(&mut *conn)
    .await
    .map_err(map_db_error)?;
    insert_children(conn, id, lead).await?;
    Ok(id)
}

/// Records changes to a lead in its history (one multi-row insert).
pub async fn insert_history(
    conn: &mut Conn,
    lead_id: i64,
    user_id: Option<i64>,
    at: DateTime<Utc>,
    changes: &[FieldChange],
) -> Result<(), AppError> {
    if changes.is_empty() {
        return Ok(());
    }
    let mut q = sqlx::QueryBuilder::<Db>::new(
        "INSERT INTO lead_history (lead_id, user_id, changed_at, field, old_value, new_value) ",
    );
    q.push_values(changes, |mut b, c| {
        b.push_bind(lead_id)
            .push_bind(user_id)
            .push_bind(at)
            .push_bind(c.field)
            .push_bind(c.old.clone())
            .push_bind(c.new.clone());
    });
    q.build().execute(&mut *conn).await?;
    Ok(())
}

/// The display name of a user.
async fn user_name(conn: &mut Conn, id: i64) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

/// Inserts a lead with its children in one transaction, recording its
/// creation by `user_id`; returns its id.
pub async fn insert_lead(
    pool: &Pool,
    owner_id: Option<i64>,
    lead: &ValidLead,
    user_id: i64,
) -> Result<i64, AppError> {
    let mut tx = pool.begin_with(BEGIN_WRITE).await?;
    check_source(&mut tx, lead.source_id, None).await?;
    let at = super::now();
    let id = insert_lead_on(&mut tx, owner_id, lead, at).await?;
    let created = FieldChange {
        field: "created",
        old: None,
        new: Some(lead.name.as_str().to_string()),
    };
    insert_history(&mut tx, id, Some(user_id), at, &[created]).await?;
    tx.commit().await?;
    Ok(id)
}

/// Inserts many leads in one transaction, each with its own creation time
/// and owner.
pub async fn insert_leads(
    pool: &Pool,
    leads: &[(ValidLead, DateTime<Utc>, Option<i64>)],
) -> Result<Vec<i64>, AppError> {
    let mut tx = pool.begin_with(BEGIN_WRITE).await?;
    // Each distinct source once, not once per lead.
    let sources: std::collections::BTreeSet<i64> =
        leads.iter().filter_map(|(l, _, _)| l.source_id).collect();
    for source in sources {
        check_source(&mut tx, Some(source), None).await?;
    }
    let mut ids = Vec::with_capacity(leads.len());
    for (lead, created_at, owner_id) in leads {
        ids.push(insert_lead_on(&mut tx, *owner_id, lead, *created_at).await?);
    }
    tx.commit().await?;
    Ok(ids)
}

/// Saves an edited lead if nobody changed it since `version`, recording
/// each changed field in its history as changed by `user_id`; returns the
/// new version. Stale: `Conflict`; gone: `NotFound`. All or nothing.
pub async fn update_lead(
    pool: &Pool,
    scope: Scope,
    user_id: i64,
    id: i64,
    version: i64,
    lead: &ValidLead,
    owner: Option<Option<i64>>,
) -> Result<i64, AppError> {
    let mut tx = pool.begin_with(BEGIN_WRITE).await?;
    let old = load_lead_on(&mut tx, scope, id).await?;
    let current_source = old.source.as_ref().map(|s| s.id);
    check_source(&mut tx, lead.source_id, current_source).await?;
    let new_source: Option<String> = match lead.source_id {
        Some(sid) => sqlx::query_scalar("SELECT name FROM lead_sources WHERE id = $1")
            .bind(sid)
            .fetch_optional(&mut *tx)
            .await?,
        None => None,
    };
    let mut changes = crate::leads::history::changes(&old, lead, new_source.as_deref());
    if let Some(new_owner) = owner {
        if new_owner != old.owner.as_ref().map(|o| o.id) {
            let name = match new_owner {
                Some(uid) => user_name(&mut tx, uid).await?,
                None => None,
            };
            changes.push(FieldChange {
                field: "owner",
                old: old.owner.as_ref().map(|o| o.name.clone()),
                new: name,
            });
        }
    }
    let updated = sqlx::query(
        "UPDATE leads SET name = $1, status = $2, name_prefix = $3, first_name = $4, \
         middle_name = $5, last_name = $6, name_suffix = $7, job_title = $8, company_name = $9, \
         website = $10, number_of_employees = $11, industry = $12, source_id = $13, notes = $14, \
         twitter = $15, linkedin = $16, updated_at = $17, version = version + 1, \
         owner_id = CASE WHEN $20 THEN $21 ELSE owner_id END, \
         search_text = $22, phone_text = $23 \
         WHERE id = $18 AND version = $19",
    )
    .bind(lead.name.as_str())
    .bind(lead.status.code())
    .bind(lead.name_prefix.as_deref())
    .bind(lead.first_name.as_deref())
    .bind(lead.middle_name.as_deref())
    .bind(lead.last_name.as_deref())
    .bind(lead.name_suffix.as_deref())
    .bind(lead.job_title.as_deref())
    .bind(lead.company_name.as_deref())
    .bind(lead.website.as_ref().map(|w| w.as_str()))
    .bind(lead.number_of_employees.map(|n| i64::from(n.get())))
    .bind(lead.industry.as_deref())
    .bind(lead.source_id)
    .bind(lead.notes.as_deref())
    .bind(lead.twitter.as_deref())
    .bind(lead.linkedin.as_deref())
    .bind(super::now())
    .bind(id)
    .bind(version)
    .bind(owner.is_some())
    .bind(owner.flatten())
    .bind(lead.search_text())
    .bind(lead.phone_text())
    .execute(&mut *tx)
    .await
    .map_err(map_db_error)?;
    if updated.rows_affected() == 0 {
        let exists: Option<i64> = sqlx::query_scalar("SELECT version FROM leads WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        return Err(match exists {
            Some(_) => AppError::Conflict(super::STALE_MESSAGE.into()),
            None => AppError::NotFound,
        });
    }
    delete_children(&mut tx, id).await?;
    insert_children(&mut tx, id, lead).await?;
    insert_history(&mut tx, id, Some(user_id), super::now(), &changes).await?;
    tx.commit().await?;
    Ok(version + 1)
}

/// Deletes a lead and its children; `NotFound` if there is no such lead.
pub async fn delete_lead(pool: &Pool, scope: Scope, id: i64) -> Result<(), AppError> {
    let mut tx = pool.begin_with(BEGIN_WRITE).await?;
    visible_owner(&mut tx, scope, id).await?;
    // Child rows go first so the delete does not depend on the database's
    // foreign-key enforcement being switched on.
    delete_children(&mut tx, id).await?;
    let deleted = sqlx::query("DELETE FROM leads WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if deleted.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// An optional link to another record, from an id and a name column.
fn link(
    row: &DbRow,
    id: &str,
    name: &str,
) -> Result<Option<crate::opportunities::model::Ref>, AppError> {
    Ok(match row.try_get::<Option<i64>, _>(id)? {
        Some(id) => Some(crate::opportunities::model::Ref {
            id,
            name: row
                .try_get::<Option<String>, _>(name)?
                .unwrap_or_default(),
        }),
        None => None,
    })
}

fn lead_from_row(row: &DbRow) -> Result<Lead, AppError> {
    let source = match row.try_get::<Option<i64>, _>("source_id")? {
        Some(id) => Some(LeadSource {
            id,
            name: row.try_get("source_name")?,
        }),
        None => None,
    };
    let owner = match row.try_get::<Option<i64>, _>("owner_id")? {
        Some(id) => Some(OwnerRef {
            id,
            name: row.try_get("owner_name")?,
        }),
        None => None,
    };
    Ok(Lead {
        id: row.try_get("id")?,
        version: row.try_get("version")?,
        name: row.try_get("name")?,
        status: status_of(row.try_get("status")?)?,
        company_name: row.try_get("company_name")?,
        source,
        owner,
        notes: row.try_get("notes")?,
        name_prefix: row.try_get("name_prefix")?,
        first_name: row.try_get("first_name")?,
        middle_name: row.try_get("middle_name")?,
        last_name: row.try_get("last_name")?,
        name_suffix: row.try_get("name_suffix")?,
        job_title: row.try_get("job_title")?,
        emails: Vec::new(),
        phones: Vec::new(),
        twitter: row.try_get("twitter")?,
        linkedin: row.try_get("linkedin")?,
        addresses: Vec::new(),
        website: row.try_get("website")?,
        number_of_employees: row.try_get("number_of_employees")?,
        industry: row.try_get("industry")?,
        tags: Vec::new(),
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        account: link(row, "account_id", "account_name")?,
        contact: link(row, "contact_id", "contact_name")?,
        opportunity: link(row, "opportunity_id", "opportunity_name")?,
    })
}

/// Loads one lead with its emails, phones, addresses and tags (five
/// queries, one snapshot); `NotFound` if there is none.
pub async fn load_lead(pool: &Pool, scope: Scope, id: i64) -> Result<Lead, AppError> {
    let mut tx = pool.begin().await?;
    let lead = load_lead_on(&mut tx, scope, id).await?;
    tx.commit().await?;
    Ok(lead)
}

/// `load_lead` on the caller's connection (inside its transaction).
async fn load_lead_on(tx: &mut Conn, scope: Scope, id: i64) -> Result<Lead, AppError> {
    let mut q = sqlx::QueryBuilder::<Db>::new(
        "SELECT l.id, l.version, l.name, l.status, l.company_name, l.source_id, \
         s.name AS source_name, l.owner_id, u.display_name AS owner_name, l.notes, \
         l.name_prefix, l.first_name, l.middle_name, l.last_name, l.name_suffix, l.job_title, \
         l.twitter, l.linkedin, l.website, l.number_of_employees, l.industry, l.created_at, \
         l.updated_at, l.account_id, a.name AS account_name, l.contact_id, \
         trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')) AS contact_name, \
         o.id AS opportunity_id, o.name AS opportunity_name \
         FROM leads l \
         LEFT JOIN accounts a ON a.id = l.account_id \
         LEFT JOIN contacts c ON c.id = l.contact_id \
         LEFT JOIN opportunities o ON o.lead_id = l.id \
         LEFT JOIN lead_sources s ON s.id = l.source_id \
         LEFT JOIN users u ON u.id = l.owner_id \
         WHERE l.id = ",
    );
    q.push_bind(id).push(" AND ");
    push_scope(&mut q, scope);
    let row = q
        .build()
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut lead = lead_from_row(&row)?;

    lead.emails = sqlx::query(
        "SELECT email, is_primary FROM lead_emails WHERE lead_id = $1 \
         ORDER BY is_primary DESC, position",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| {
        Ok(LeadEmail {
            email: r.try_get("email")?,
            primary: r.try_get("is_primary")?,
        })
    })
    .collect::<Result<_, sqlx::Error>>()?;
    lead.phones = sqlx::query(
        "SELECT phone, is_primary FROM lead_phones WHERE lead_id = $1 \
         ORDER BY is_primary DESC, position",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| {
        Ok(LeadPhone {
            phone: r.try_get("phone")?,
            primary: r.try_get("is_primary")?,
        })
    })
    .collect::<Result<_, sqlx::Error>>()?;
    lead.addresses = sqlx::query(
        "SELECT label, street, street2, city, postal_code, region, country, is_primary \
         FROM lead_addresses WHERE lead_id = $1 ORDER BY is_primary DESC, position",
    )
    .bind(id)
    .fetch_all(&mut *tx)
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
    lead.tags = sqlx::query_scalar("SELECT tag FROM lead_tags WHERE lead_id = $1 ORDER BY position")
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
    Ok(lead)
}

const LIST_SELECT: &str = "SELECT l.id, l.name, l.status, l.first_name, l.last_name, \
     l.company_name, l.created_at, l.updated_at, l.owner_id, a.postal_code, \
     (SELECT e.email FROM lead_emails e WHERE e.lead_id = l.id AND e.is_primary) AS email, \
     (SELECT p.phone FROM lead_phones p WHERE p.lead_id = l.id AND p.is_primary) AS phone, \
     a.country, a.city, u.display_name AS owner, s.name AS source \
     FROM leads l \
     LEFT JOIN lead_addresses a ON a.lead_id = l.id AND a.is_primary \
     LEFT JOIN users u ON u.id = l.owner_id \
     LEFT JOIN lead_sources s ON s.id = l.source_id ";

fn list_row(row: &DbRow) -> Result<LeadRow, AppError> {
    Ok(LeadRow {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        status: status_of(row.try_get("status")?)?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        company_name: row.try_get("company_name")?,
        country: row.try_get("country")?,
        city: row.try_get("city")?,
        postal_code: row.try_get("postal_code")?,
        owner_id: row.try_get("owner_id")?,
        owner: row.try_get("owner")?,
        source: row.try_get("source")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// How a sort column's values compare in SQL.
enum SortKey {
    /// A timestamp column.
    Time,
    /// An integer.
    Int,
    /// Text, compared case-insensitively.
    Text,
}

/// The SQL expression a column sorts by (aliases of `LIST_SELECT`).
fn sort_expr(column: GridColumn) -> (String, SortKey) {
    let text = |expr: &str| {
        let expr = if IS_SQLITE {
            format!("{expr} COLLATE NOCASE")
        } else {
            format!("lower({expr}) COLLATE \"C\"")
        };
        (expr, SortKey::Text)
    };
    match column {
        GridColumn::Created => ("l.created_at".into(), SortKey::Time),
        GridColumn::Updated => ("l.updated_at".into(), SortKey::Time),
        GridColumn::Status => (
            "(CASE l.status WHEN 'new' THEN 0 WHEN 'qualified' THEN 1 ELSE 2 END)".into(),
            SortKey::Int,
        ),
        GridColumn::Name => text("l.name"),
        GridColumn::FirstName => text("l.first_name"),
        GridColumn::LastName => text("l.last_name"),
        GridColumn::Company => text("l.company_name"),
        GridColumn::Email => text(
            "(SELECT se.email FROM lead_emails se WHERE se.lead_id = l.id AND se.is_primary)",
        ),
        GridColumn::Phone => text(
            "(SELECT sp.phone FROM lead_phones sp WHERE sp.lead_id = l.id AND sp.is_primary)",
        ),
        GridColumn::Country => text("a.country"),
        GridColumn::City => text("a.city"),
        GridColumn::PostalCode => text("a.postal_code"),
        GridColumn::Owner => text("u.display_name"),
        GridColumn::Source => text("s.name"),
    }
}

/// ` ORDER BY …` for a sort expression, upwards or downwards, ties by
/// id; empty values below every other. Only nullable (text) keys say
/// where nulls go: PostgreSQL would not use an index for `NULLS LAST`
/// on a plain descending scan.
fn order_by(expr: &str, kind: &SortKey, up: bool) -> String {
    match (kind, up) {
        (SortKey::Text, true) => format!(" ORDER BY {expr} ASC NULLS FIRST, l.id ASC"),
        (SortKey::Text, false) => format!(" ORDER BY {expr} DESC NULLS LAST, l.id DESC"),
        (_, true) => format!(" ORDER BY {expr} ASC, l.id ASC"),
        (_, false) => format!(" ORDER BY {expr} DESC, l.id DESC"),
    }
}

/// Binds a cursor's key as its column compares.
fn push_key(q: &mut sqlx::QueryBuilder<'_, Db>, kind: &SortKey, key: &str) -> Result<(), AppError> {
    let bad = || AppError::field("cursor", "This page link is not valid");
    match kind {
        SortKey::Time => {
            let ms: i64 = key.parse().map_err(|_| bad())?;
            q.push_bind(DateTime::from_timestamp_millis(ms).ok_or_else(bad)?);
        }
        SortKey::Int => {
            q.push_bind(key.parse::<i64>().map_err(|_| bad())?);
        }
        SortKey::Text if IS_SQLITE => {
            q.push_bind(key.to_string());
        }
        SortKey::Text => {
            q.push("lower(").push_bind(key.to_string()).push(") COLLATE \"C\"");
        }
    }
    Ok(())
}

/// ` AND (rows after `cursor` going up, or down)`, an empty value being
/// below every other (first going up, last going down), ties by id.
fn push_keyset(
    q: &mut sqlx::QueryBuilder<'_, Db>,
    expr: &str,
    kind: &SortKey,
    cursor: &LeadCursor,
    up: bool,
) -> Result<(), AppError> {
    let (cmp, id_cmp) = if up { (">", ">") } else { ("<", "<") };
    q.push(" AND (");
    match (&cursor.key, up) {
        (None, true) => {
            q.push(format!("({expr} IS NULL AND l.id > "))
                .push_bind(cursor.id)
                .push(format!(") OR {expr} IS NOT NULL"));
        }
        (None, false) => {
            q.push(format!("{expr} IS NULL AND l.id < ")).push_bind(cursor.id);
        }
        (Some(key), _) => {
            q.push(format!("{expr} {cmp} "));
            push_key(q, kind, key)?;
            q.push(format!(" OR ({expr} = "));
            push_key(q, kind, key)?;
            q.push(format!(" AND l.id {id_cmp} ")).push_bind(cursor.id).push(")");
            if !up {
                q.push(format!(" OR {expr} IS NULL"));
            }
        }
    }
    q.push(")");
    Ok(())
}

/// One page of the leads `scope` may see that match the request's
/// filter, in its order, by keyset on (sort value, id); the counts per
/// status too when asked.
pub async fn list_leads(pool: &Pool, scope: Scope, req: &LeadPageRequest) -> Result<LeadPage, AppError> {
    let limit = i64::from(req.page_size());
    let sort = req.sort.unwrap_or_default();
    let (expr, kind) = sort_expr(sort.column);
    let mut q = sqlx::QueryBuilder::<Db>::new(LIST_SELECT);
    q.push(" WHERE ");
    push_scope(&mut q, scope);
    filtered::push_filter(&mut q, &req.filter);
    // Going back (to earlier rows of the list) walks the other way, then
    // flips the page.
    let back = req.after.is_some();
    let up = sort.descending == back;
    if let Some(cursor) = req.after.as_ref().or(req.before.as_ref()) {
        push_keyset(&mut q, &expr, &kind, cursor, up)?;
    }
    q.push(order_by(&expr, &kind, up));
    q.push(" LIMIT ").push_bind(limit + 1);
    let mut rows = q.build().fetch_all(pool).await?;
    let has_more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    if back {
        rows.reverse();
    }
    let rows = rows.iter().map(list_row).collect::<Result<Vec<_>, _>>()?;
    let first = rows.first().map(|r| LeadCursor::of(r, sort.column));
    let last = rows.last().map(|r| LeadCursor::of(r, sort.column));
    let (newer, older) = match (&req.after, &req.before) {
        (Some(_), _) => (if has_more { first } else { None }, last),
        (None, Some(_)) => (first, if has_more { last } else { None }),
        (None, None) => (None, if has_more { last } else { None }),
    };
    let counts = if req.with_counts {
        Some(filtered::count_by_status(pool, scope, &req.filter).await?)
    } else {
        None
    };
    Ok(LeadPage {
        rows,
        older,
        newer,
        counts,
    })
}

/// Existing leads sharing an email or phone with the probe (at most 10).
pub async fn find_duplicates(
    pool: &Pool,
    scope: Scope,
    probe: &DuplicateProbe,
) -> Result<Vec<DuplicateLead>, AppError> {
    let mut found: Vec<DuplicateLead> = Vec::new();
    let exclude = probe.exclude_id.unwrap_or(0);
    if !probe.emails.is_empty() {
        // The matches are found by the email index first (the inner
        // query), then joined: with `ORDER BY l.id LIMIT` over the join,
        // PostgreSQL may walk every lead in id order looking for one.
        let mut q = sqlx::QueryBuilder::<Db>::new(
            "SELECT l.id, l.name, e.email AS matched FROM \
             (SELECT lead_id, email FROM lead_emails WHERE lower(email) IN (",
        );
        let mut list = q.separated(", ");
        for email in probe.emails.iter().take(20) {
            list.push_bind(email.trim().to_ascii_lowercase());
        }
        q.push(") LIMIT 200) e JOIN leads l ON l.id = e.lead_id WHERE l.id <> ");
        q.push_bind(exclude).push(" AND ");
        push_scope(&mut q, scope);
        q.push(" ORDER BY l.id LIMIT 10");
        for row in q.build().fetch_all(pool).await? {
            found.push(DuplicateLead {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                matched_on: row.try_get("matched")?,
            });
        }
    }
    if !probe.phones.is_empty() {
        let mut q = sqlx::QueryBuilder::<Db>::new(
            "SELECT l.id, l.name, p.phone AS matched FROM \
             (SELECT lead_id, phone FROM lead_phones WHERE phone_key IN (",
        );
        let mut list = q.separated(", ");
        for phone in probe.phones.iter().take(20) {
            list.push_bind(phone_key(phone));
        }
        q.push(") LIMIT 200) p JOIN leads l ON l.id = p.lead_id WHERE l.id <> ");
        q.push_bind(exclude).push(" AND ");
        push_scope(&mut q, scope);
        q.push(" ORDER BY l.id LIMIT 10");
        for row in q.build().fetch_all(pool).await? {
            found.push(DuplicateLead {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                matched_on: row.try_get("matched")?,
            });
        }
    }
    found.truncate(10);
    Ok(found)
}

/// The lead sources a user can pick (not retired), in their set order.
pub async fn list_sources(pool: &Pool) -> Result<Vec<LeadSource>, AppError> {
    let rows = sqlx::query("SELECT id, name FROM lead_sources WHERE NOT retired ORDER BY position, name")
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(LeadSource {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
            })
        })
        .collect()
}

/// Counts the leads `scope` may see.
pub async fn count_leads(pool: &Pool, scope: Scope) -> Result<i64, AppError> {
    let mut q = sqlx::QueryBuilder::<Db>::new("SELECT count(*) FROM leads l WHERE ");
    push_scope(&mut q, scope);
    Ok(q.build_query_scalar().fetch_one(pool).await?)
}

fn map_source_error(err: sqlx::Error) -> AppError {
    if let sqlx::Error::Database(db) = &err {
        let text = format!("{} {}", db.constraint().unwrap_or_default(), db.message());
        if text.contains("lead_sources_name_key") || text.contains("lead_sources.name") {
            return AppError::field("name", "There is already a source with this name");
        }
    }
    AppError::from(err)
}

/// Every lead source, retired ones last, with how many leads use each.
pub async fn list_all_sources(pool: &Pool) -> Result<Vec<crate::leads::sources::SourceRow>, AppError> {
    sqlx::query(
        "SELECT s.id, s.name, s.retired, \
         (SELECT count(*) FROM leads l WHERE l.source_id = s.id) AS leads \
         FROM lead_sources s ORDER BY s.retired, s.position, lower(s.name)",
    )
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(crate::leads::sources::SourceRow {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            retired: r.try_get("retired")?,
            leads: r.try_get("leads")?,
        })
    })
    .collect()
}

/// Adds a source at the end of the list; returns its id.
pub async fn insert_source(pool: &Pool, name: &str) -> Result<i64, AppError> {
    sqlx::query_scalar(
        "INSERT INTO lead_sources (name, position) \
         VALUES ($1, (SELECT coalesce(max(position), 0) + 1 FROM lead_sources)) RETURNING id",
    )
    .bind(name)
    .fetch_one(pool)
    .await
    .map_err(map_source_error)
}

/// Renames a source (every lead that names it shows the new name).
pub async fn rename_source(pool: &Pool, id: i64, name: &str) -> Result<(), AppError> {
    let updated = sqlx::query("UPDATE lead_sources SET name = $1 WHERE id = $2")
        .bind(name)
        .bind(id)
        .execute(pool)
        .await
        .map_err(map_source_error)?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Retires a source (or brings it back).
pub async fn set_source_retired(pool: &Pool, id: i64, retired: bool) -> Result<(), AppError> {
    let updated = sqlx::query("UPDATE lead_sources SET retired = $1 WHERE id = $2")
        .bind(retired)
        .bind(id)
        .execute(pool)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}
