// Filtered reads of many leads: the list filter as SQL, and the streamed
// export. Included once per backend (see `super`), whose module defines
// `Db`, `AGG` (string aggregation with ORDER BY), `UNIT` and `RECORD`
// (separator characters as SQL expressions).

use chrono::{DateTime, NaiveTime, Utc};
use futures::TryStreamExt as _;
use sqlx::Row as _;

use crate::{
    error::AppError,
    leads::{
        csv_file::{Column, Layout, LeadRecord},
        filter::{LeadFilter, RefFilter},
        model::{LeadAddress, LeadStatus},
        store::{CsvSink, ExportEnd},
    },
    users::model::Scope,
};

type Pool = sqlx::Pool<Db>;
type DbRow = <Db as sqlx::Database>::Row;

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
fn like_pattern(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 2);
    out.push('%');
    for ch in word.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('%');
    out
}

fn day_start(day: chrono::NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

/// Appends ` AND …` for every part of `filter` (lead alias `l`). `owner=me`
/// must have been resolved (`LeadFilter::resolve_me`) by the caller, who
/// knows who is asking.
pub fn push_filter(q: &mut sqlx::QueryBuilder<'_, Db>, filter: &LeadFilter) {
    for word in filter.words() {
        let pattern = like_pattern(&word);
        q.push(" AND (");
        for (i, column) in ["l.name", "l.first_name", "l.last_name", "l.company_name"]
            .iter()
            .enumerate()
        {
            if i > 0 {
                q.push(" OR ");
            }
            q.push(format!("lower({column}) LIKE "))
                .push_bind(pattern.clone())
                .push(" ESCAPE '\\'");
        }
        q.push(
            " OR EXISTS (SELECT 1 FROM lead_emails fe WHERE fe.lead_id = l.id \
             AND lower(fe.email) LIKE ",
        )
        .push_bind(pattern.clone())
        .push(" ESCAPE '\\')");
        let digits: String = word.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 3 {
            q.push(
                " OR EXISTS (SELECT 1 FROM lead_phones fp WHERE fp.lead_id = l.id \
                 AND fp.phone_key LIKE ",
            )
            .push_bind(format!("%{digits}%"))
            .push(")");
        }
        q.push(")");
    }
    if !filter.status.is_empty() {
        q.push(" AND l.status IN (");
        let mut list = q.separated(", ");
        for status in &filter.status {
            list.push_bind(status.code());
        }
        q.push(")");
    }
    match filter.source {
        None => {}
        Some(RefFilter::Id(id)) => {
            q.push(" AND l.source_id = ").push_bind(id);
        }
        Some(_) => {
            q.push(" AND l.source_id IS NULL");
        }
    }
    match filter.owner {
        None => {}
        Some(RefFilter::Id(id)) => {
            q.push(" AND l.owner_id = ").push_bind(id);
        }
        Some(RefFilter::Me) => {
            tracing::error!("owner=me reached storage unresolved");
            q.push(" AND 1 = 0");
        }
        Some(RefFilter::Unset) => {
            q.push(" AND l.owner_id IS NULL");
        }
    }
    if let Some(country) = &filter.country {
        q.push(
            " AND EXISTS (SELECT 1 FROM lead_addresses fa WHERE fa.lead_id = l.id \
             AND fa.is_primary AND fa.country = ",
        )
        .push_bind(country.clone())
        .push(")");
    }
    if let Some(day) = filter.created_from {
        q.push(" AND l.created_at >= ").push_bind(day_start(day));
    }
    if let Some(day) = filter.created_to {
        let next = day.succ_opt().unwrap_or(day);
        q.push(" AND l.created_at < ").push_bind(day_start(next));
    }
    if let Some(n) = filter.employees_min {
        q.push(" AND l.number_of_employees >= ").push_bind(n);
    }
    if let Some(n) = filter.employees_max {
        q.push(" AND l.number_of_employees <= ").push_bind(n);
    }
}

/// Counts the leads `scope` may see that match `filter`.
pub async fn count_filtered(
    pool: &Pool,
    scope: Scope,
    filter: &LeadFilter,
) -> Result<i64, AppError> {
    let mut q = sqlx::QueryBuilder::<Db>::new("SELECT count(*) FROM leads l WHERE ");
    crate::users::store::push_scope(&mut q, "l", scope);
    push_filter(&mut q, filter);
    Ok(q.build_query_scalar().fetch_one(pool).await?)
}

/// How many numbered columns an export needs: the most emails, phones and
/// addresses any lead has (at least one of each). Three index lookups.
pub async fn export_layout(pool: &Pool) -> Result<Layout, AppError> {
    let row = sqlx::query(
        "SELECT (SELECT max(position) FROM lead_emails) AS emails, \
         (SELECT max(position) FROM lead_phones) AS phones, \
         (SELECT max(position) FROM lead_addresses) AS addresses",
    )
    .fetch_one(pool)
    .await?;
    let count = |name: &str| -> Result<u16, AppError> {
        let max: Option<i32> = row.try_get(name)?;
        Ok(u16::try_from(max.unwrap_or(0) + 1).unwrap_or(u16::MAX).max(1))
    };
    Ok(Layout {
        emails: count("emails")?,
        phones: count("phones")?,
        addresses: count("addresses")?,
    })
}

/// The export query: every column of the file, children folded into one
/// text each (values joined by `UNIT`, addresses by `RECORD`), in the
/// list's order (newest first).
fn export_query(scope: Scope, filter: &LeadFilter) -> sqlx::QueryBuilder<'static, Db> {
    let address = format!(
        "coalesce(ea.label, '') || {UNIT} || coalesce(ea.street, '') || {UNIT} || \
         coalesce(ea.street2, '') || {UNIT} || coalesce(ea.city, '') || {UNIT} || \
         coalesce(ea.postal_code, '') || {UNIT} || coalesce(ea.region, '') || {UNIT} || ea.country"
    );
    let sql = format!(
        "SELECT l.id, l.name, l.status, l.name_prefix, l.first_name, l.middle_name, \
         l.last_name, l.name_suffix, l.job_title, l.company_name, l.website, \
         l.number_of_employees, l.industry, s.name AS source, u.username AS owner, \
         l.twitter, l.linkedin, l.notes, l.created_at, l.updated_at, \
         (SELECT {AGG}(ee.email, {UNIT} ORDER BY ee.is_primary DESC, ee.position) \
          FROM lead_emails ee WHERE ee.lead_id = l.id) AS emails, \
         (SELECT {AGG}(ep.phone, {UNIT} ORDER BY ep.is_primary DESC, ep.position) \
          FROM lead_phones ep WHERE ep.lead_id = l.id) AS phones, \
         (SELECT {AGG}({address}, {RECORD} ORDER BY ea.is_primary DESC, ea.position) \
          FROM lead_addresses ea WHERE ea.lead_id = l.id) AS addresses, \
         (SELECT {AGG}(et.tag, {UNIT} ORDER BY et.position) \
          FROM lead_tags et WHERE et.lead_id = l.id) AS tags \
         FROM leads l \
         LEFT JOIN lead_sources s ON s.id = l.source_id \
         LEFT JOIN users u ON u.id = l.owner_id \
         WHERE "
    );
    let mut q = sqlx::QueryBuilder::<Db>::new(sql);
    crate::users::store::push_scope(&mut q, "l", scope);
    push_filter(&mut q, filter);
    q.push(" ORDER BY l.created_at DESC, l.id DESC");
    q
}

fn split_list(text: Option<String>) -> Vec<String> {
    match text {
        Some(text) if !text.is_empty() => text.split('\u{1f}').map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

fn record_from_row(row: &DbRow) -> Result<LeadRecord, AppError> {
    let status: &str = row.try_get("status")?;
    let addresses: Option<String> = row.try_get("addresses")?;
    let addresses = addresses
        .as_deref()
        .unwrap_or("")
        .split('\u{1e}')
        .filter(|a| !a.is_empty())
        .enumerate()
        .map(|(i, a)| {
            let mut parts = a.split('\u{1f}').map(|p| (!p.is_empty()).then(|| p.to_string()));
            let mut next = || parts.next().flatten();
            LeadAddress {
                label: next(),
                street: next(),
                street2: next(),
                city: next(),
                postal_code: next(),
                region: next(),
                country: next().unwrap_or_default(),
                primary: i == 0,
            }
        })
        .collect();
    Ok(LeadRecord {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        status: LeadStatus::from_code(status).unwrap_or_default(),
        name_prefix: row.try_get("name_prefix")?,
        first_name: row.try_get("first_name")?,
        middle_name: row.try_get("middle_name")?,
        last_name: row.try_get("last_name")?,
        name_suffix: row.try_get("name_suffix")?,
        job_title: row.try_get("job_title")?,
        company_name: row.try_get("company_name")?,
        website: row.try_get("website")?,
        number_of_employees: row.try_get("number_of_employees")?,
        industry: row.try_get("industry")?,
        source: row.try_get("source")?,
        owner_username: row.try_get("owner")?,
        tags: split_list(row.try_get("tags")?),
        twitter: row.try_get("twitter")?,
        linkedin: row.try_get("linkedin")?,
        notes: row.try_get("notes")?,
        emails: split_list(row.try_get("emails")?),
        phones: split_list(row.try_get("phones")?),
        addresses,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// Streams the matching leads as CSV rows of `columns` into `sink`, in
/// the list's order, until done or until the reader goes away (then the
/// query stops at once).
pub async fn export_leads(
    pool: &Pool,
    scope: Scope,
    filter: &LeadFilter,
    columns: &[Column],
    sink: &mut CsvSink,
) -> Result<ExportEnd, AppError> {
    let mut q = export_query(scope, filter);
    let mut conn = pool.acquire().await?;
    let mut rows = q.build().fetch(&mut *conn);
    while let Some(row) = rows.try_next().await? {
        let record = record_from_row(&row)?;
        if !sink.push(columns, &record).await {
            return Ok(ExportEnd::Cancelled(sink.rows()));
        }
    }
    Ok(if sink.finish().await {
        ExportEnd::Complete(sink.rows())
    } else {
        ExportEnd::Cancelled(sink.rows())
    })
}

/// Records the start of an export; returns its id.
pub async fn start_export(
    pool: &Pool,
    user_id: Option<i64>,
    via: &str,
    kind: &str,
    filter: &str,
    at: DateTime<Utc>,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO lead_exports (user_id, via, kind, filter, started_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user_id)
    .bind(via)
    .bind(kind)
    .bind(filter)
    .bind(at)
    .fetch_one(pool)
    .await?)
}

/// Records how an export ended.
pub async fn finish_export(
    pool: &Pool,
    id: i64,
    outcome: &str,
    rows: i64,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE lead_exports SET outcome = $1, row_count = $2, finished_at = $3 WHERE id = $4",
    )
    .bind(outcome)
    .bind(rows)
    .bind(at)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(())
}

/// The most recent exports, newest first.
pub async fn recent_exports(
    pool: &Pool,
    limit: i64,
) -> Result<Vec<crate::leads::export::ExportEntry>, AppError> {
    sqlx::query(
        "SELECT x.id, u.display_name AS user_name, x.via, x.kind, x.filter, x.started_at, \
         x.finished_at, x.row_count, x.outcome \
         FROM lead_exports x LEFT JOIN users u ON u.id = x.user_id \
         ORDER BY x.started_at DESC, x.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(crate::leads::export::ExportEntry {
            id: r.try_get("id")?,
            user: r.try_get("user_name")?,
            via: r.try_get("via")?,
            kind: r.try_get("kind")?,
            filter: r.try_get("filter")?,
            started_at: r.try_get("started_at")?,
            finished_at: r.try_get("finished_at")?,
            rows: r.try_get("row_count")?,
            outcome: r.try_get("outcome")?,
        })
    })
    .collect()
}

/// The SQL of a full export of every lead (no scope, no filter), for the
/// benchmark's baseline: the database's own CSV dump of the same query.
pub fn export_sql() -> String {
    export_query(Scope::All, &LeadFilter::default()).sql().to_string()
}
