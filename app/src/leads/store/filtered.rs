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
        grid::GridColumn,
        filter::{LeadFilter, RefFilter},
        model::{LeadAddress, LeadStatus},
        store::{CsvSink, ExportEnd},
    },
    users::model::Scope,
};

type Pool = sqlx::Pool<Db>;
type DbRow = <Db as sqlx::Database>::Row;

/// `%text%` for `LIKE … ESCAPE '\'`, with LIKE's wildcards escaped.
fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('%');
    out
}

/// `*text*` for a case-sensitive `GLOB`, with GLOB's wildcards escaped.
fn glob_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('*');
    for ch in text.chars() {
        match ch {
            '*' => out.push_str("[*]"),
            '?' => out.push_str("[?]"),
            '[' => out.push_str("[[]"),
            _ => out.push(ch),
        }
    }
    out.push('*');
    out
}

fn day_start(day: chrono::NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

/// `column` contains `text` (both already lower-cased by the app): on
/// SQLite through the trigram index when the text is long enough to have
/// a trigram, else by scanning; on PostgreSQL by LIKE, which its trigram
/// indexes serve.
fn push_contains(q: &mut sqlx::QueryBuilder<'_, Db>, column: &str, text: &str) {
    if SQLITE && text.chars().count() >= 3 {
        q.push(format!(
            "l.id IN (SELECT rowid FROM lead_search WHERE {column} GLOB "
        ))
        .push_bind(glob_pattern(text))
        .push(")");
    } else if SQLITE {
        q.push(format!("l.{column} GLOB ")).push_bind(glob_pattern(text));
    } else {
        q.push(format!("l.{column} LIKE "))
            .push_bind(like_pattern(text))
            .push(" ESCAPE '\\'");
    }
}

/// Appends ` AND …` for every part of `filter` (lead alias `l`). `owner=me`
/// must have been resolved (`LeadFilter::resolve_me`) by the caller, who
/// knows who is asking.
pub fn push_filter(q: &mut sqlx::QueryBuilder<'_, Db>, filter: &LeadFilter) {
    // The same rule as the browser's (see `leads::search`).
    for word in filter.words() {
        q.push(" AND (");
        push_contains(q, "search_text", &word.text);
        if let Some(digits) = &word.digits {
            q.push(" OR ");
            push_contains(q, "phone_text", digits);
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
    if let Some(day) = filter.updated_from {
        q.push(" AND l.updated_at >= ").push_bind(day_start(day));
    }
    if let Some(day) = filter.updated_to {
        let next = day.succ_opt().unwrap_or(day);
        q.push(" AND l.updated_at < ").push_bind(day_start(next));
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

/// How many leads `scope` may see match `filter`: per status for the
/// filter without its status part, and in all for the whole filter.
pub async fn count_by_status(
    pool: &Pool,
    scope: Scope,
    filter: &LeadFilter,
) -> Result<crate::leads::model::StatusCounts, AppError> {
    let mut q = sqlx::QueryBuilder::<Db>::new("SELECT l.status, count(*) AS n FROM leads l WHERE ");
    crate::users::store::push_scope(&mut q, "l", scope);
    push_filter(&mut q, &filter.without_status());
    q.push(" GROUP BY l.status");
    let rows = q.build().fetch_all(pool).await?;
    let mut per_status: Vec<(LeadStatus, i64)> = LeadStatus::ALL.iter().map(|s| (*s, 0)).collect();
    for row in rows {
        let code: String = row.try_get("status")?;
        let n: i64 = row.try_get("n")?;
        if let Some(entry) = per_status.iter_mut().find(|(s, _)| s.code() == code) {
            entry.1 = n;
        }
    }
    let total = per_status
        .iter()
        .filter(|(status, _)| filter.status.is_empty() || filter.status.contains(status))
        .map(|(_, n)| n)
        .sum();
    Ok(crate::leads::model::StatusCounts { per_status, total })
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
fn export_query(
    scope: Scope,
    filter: &LeadFilter,
    sort: crate::leads::grid::GridSort,
) -> sqlx::QueryBuilder<'static, Db> {
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
         LEFT JOIN users u ON u.id = l.owner_id {sort_join} \
         WHERE ",
        // Sorting by the primary address needs it (the list's alias).
        sort_join = if matches!(
            sort.column,
            GridColumn::Country | GridColumn::City | GridColumn::PostalCode
        ) {
            "LEFT JOIN lead_addresses a ON a.lead_id = l.id AND a.is_primary"
        } else {
            ""
        }
    );
    let mut q = sqlx::QueryBuilder::<Db>::new(sql);
    crate::users::store::push_scope(&mut q, "l", scope);
    push_filter(&mut q, filter);
    // The list's order, ties by id in the same direction.
    let (expr, kind) = super::sort_expr(sort.column);
    q.push(super::order_by(&expr, &kind, !sort.descending));
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
    sort: crate::leads::grid::GridSort,
    columns: &[Column],
    sink: &mut CsvSink,
) -> Result<ExportEnd, AppError> {
    let mut q = export_query(scope, filter, sort);
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
    export_query(Scope::All, &LeadFilter::default(), Default::default())
        .sql()
        .to_string()
}

/// Fills in the searchable text of leads written before it existed (or
/// by a tool that left it out), in batches; returns how many were filled.
pub async fn fill_search_text(pool: &Pool) -> Result<u64, sqlx::Error> {
    const BATCH: i64 = 2000;
    let mut filled = 0_u64;
    loop {
        let mut tx = pool.begin_with(BEGIN_WRITE).await?;
        let rows = sqlx::query(
            "SELECT l.id, l.name, l.first_name, l.last_name, l.company_name, \
             (SELECT {AGG}(e.email, {UNIT}) FROM lead_emails e WHERE e.lead_id = l.id) AS emails, \
             (SELECT {AGG}(p.phone, {UNIT}) FROM lead_phones p WHERE p.lead_id = l.id) AS phones \
             FROM leads l WHERE l.search_text IS NULL ORDER BY l.id LIMIT $1"
                .replace("{AGG}", AGG)
                .replace("{UNIT}", UNIT)
                .as_str(),
        )
        .bind(BATCH)
        .fetch_all(&mut *tx)
        .await?;
        if rows.is_empty() {
            tx.commit().await?;
            return Ok(filled);
        }
        for row in &rows {
            let emails = split_list(row.try_get("emails")?);
            let phones = split_list(row.try_get("phones")?);
            let first: Option<String> = row.try_get("first_name")?;
            let last: Option<String> = row.try_get("last_name")?;
            let company: Option<String> = row.try_get("company_name")?;
            let name: String = row.try_get("name")?;
            let text = crate::leads::search::search_text(
                &name,
                first.as_deref(),
                last.as_deref(),
                company.as_deref(),
                emails.iter().map(String::as_str),
            );
            let digits = crate::leads::search::phone_text(phones.iter().map(String::as_str));
            let id: i64 = row.try_get("id")?;
            sqlx::query("UPDATE leads SET search_text = $1, phone_text = $2 WHERE id = $3")
                .bind(text)
                .bind(digits)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        filled += rows.len() as u64;
    }
}

/// Streams the leads `scope` may see (all of them, or those of `ids`) into
/// `sink` in the browser's index format (see `leads::index`), then the
/// names of their owners and every source, then the end line. Returns how
/// many leads were written, or `None` when the reader went away.
pub async fn index_leads(
    pool: &Pool,
    scope: Scope,
    me: i64,
    ids: Option<&[i64]>,
    sink: &mut CsvSink,
) -> Result<Option<u64>, AppError> {
    use crate::leads::index;
    let sql = format!(
        "SELECT l.id, l.status, l.name, l.first_name, l.last_name, l.company_name, \
         l.owner_id, l.source_id, l.number_of_employees, l.created_at, l.updated_at, \
         a.country, a.city, a.postal_code, \
         (SELECT {AGG}(e.email, {UNIT} ORDER BY e.is_primary DESC, e.position) \
          FROM lead_emails e WHERE e.lead_id = l.id) AS emails, \
         (SELECT {AGG}(p.phone, {UNIT} ORDER BY p.is_primary DESC, p.position) \
          FROM lead_phones p WHERE p.lead_id = l.id) AS phones \
         FROM leads l LEFT JOIN lead_addresses a ON a.lead_id = l.id AND a.is_primary \
         WHERE "
    );
    let mut q = sqlx::QueryBuilder::<Db>::new(sql);
    crate::users::store::push_scope(&mut q, "l", scope);
    if let Some(ids) = ids {
        q.push(" AND l.id IN (");
        let mut list = q.separated(", ");
        for id in ids {
            list.push_bind(*id);
        }
        list.push_unseparated(")");
    }
    let mut head = String::new();
    index::encode_head(&mut head, me);
    if !sink.push_str(&head).await {
        return Ok(None);
    }
    let mut owners = std::collections::BTreeSet::new();
    let mut count = 0_u64;
    {
        let mut conn = pool.acquire().await?;
        let mut rows = q.build().fetch(&mut *conn);
        let mut line = String::with_capacity(256);
        while let Some(row) = rows.try_next().await? {
            let text = |name: &str| -> Result<String, AppError> {
                Ok(row.try_get::<Option<String>, _>(name)?.unwrap_or_default())
            };
            let status: &str = row.try_get("status")?;
            let owner_id: Option<i64> = row.try_get("owner_id")?;
            owners.extend(owner_id);
            let created: DateTime<Utc> = row.try_get("created_at")?;
            let updated: DateTime<Utc> = row.try_get("updated_at")?;
            let record = index::IndexRecord {
                id: row.try_get("id")?,
                status: LeadStatus::from_code(status).unwrap_or_default(),
                name: row.try_get("name")?,
                first_name: text("first_name")?,
                last_name: text("last_name")?,
                company: text("company_name")?,
                emails: split_list(row.try_get("emails")?),
                phones: split_list(row.try_get("phones")?),
                country: text("country")?,
                city: text("city")?,
                postal_code: text("postal_code")?,
                owner_id,
                source_id: row.try_get("source_id")?,
                employees: row.try_get("number_of_employees")?,
                created_ms: created.timestamp_millis(),
                updated_ms: updated.timestamp_millis(),
            };
            line.clear();
            index::encode_record(&mut line, &record);
            count += 1;
            if !sink.push_str(&line).await {
                return Ok(None);
            }
        }
    }
    let mut tail = String::new();
    if !owners.is_empty() {
        let mut q = sqlx::QueryBuilder::<Db>::new("SELECT id, display_name FROM users WHERE id IN (");
        let mut list = q.separated(", ");
        for id in &owners {
            list.push_bind(*id);
        }
        list.push_unseparated(")");
        for row in q.build().fetch_all(pool).await? {
            index::encode_user(&mut tail, row.try_get("id")?, row.try_get("display_name")?);
        }
    }
    for row in sqlx::query("SELECT id, name FROM lead_sources").fetch_all(pool).await? {
        index::encode_source(&mut tail, row.try_get("id")?, row.try_get("name")?);
    }
    index::encode_end(&mut tail, count);
    if !sink.push_str(&tail).await || !sink.finish().await {
        return Ok(None);
    }
    Ok(Some(count))
}

/// Per-status, per-source and per-day (since `since`) counts of the leads
/// `scope` may see that match `filter`, for the board's charts.
pub async fn chart_counts(
    pool: &Pool,
    scope: Scope,
    filter: &LeadFilter,
    since: chrono::NaiveDate,
) -> Result<crate::leads::charts::ChartCounts, AppError> {
    let grouped = |select: &str, group: &str| {
        let mut q = sqlx::QueryBuilder::<Db>::new(format!(
            "SELECT {select} AS k, count(*) AS n FROM leads l \
             LEFT JOIN lead_sources s ON s.id = l.source_id WHERE "
        ));
        crate::users::store::push_scope(&mut q, "l", scope);
        push_filter(&mut q, filter);
        (q, group.to_string())
    };
    let mut by_status: Vec<(LeadStatus, i64)> = LeadStatus::ALL.iter().map(|s| (*s, 0)).collect();
    let (mut q, group) = grouped("l.status", "l.status");
    q.push(format!(" GROUP BY {group}"));
    for row in q.build().fetch_all(pool).await? {
        let code: String = row.try_get("k")?;
        if let Some(entry) = by_status.iter_mut().find(|(s, _)| s.code() == code) {
            entry.1 = row.try_get("n")?;
        }
    }
    let (mut q, group) = grouped("coalesce(s.name, 'No source')", "coalesce(s.name, 'No source')");
    q.push(format!(" GROUP BY {group}"));
    let mut by_source = Vec::new();
    for row in q.build().fetch_all(pool).await? {
        by_source.push((row.try_get("k")?, row.try_get("n")?));
    }
    let (mut q, group) = grouped(DAY, DAY);
    q.push(" AND l.created_at >= ").push_bind(day_start(since));
    q.push(format!(" GROUP BY {group}"));
    let mut per_day = Vec::new();
    for row in q.build().fetch_all(pool).await? {
        let day: String = row.try_get("k")?;
        if let Ok(day) = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d") {
            per_day.push((day, row.try_get("n")?));
        }
    }
    Ok(crate::leads::charts::ChartCounts {
        by_status,
        by_source,
        per_day,
    })
}
