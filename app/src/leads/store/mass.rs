// Mass actions over many leads in one transaction, written once for both
// backends (the including module defines `Db` and `BEGIN_WRITE`).

use chrono::{DateTime, Utc};
use sqlx::Row as _;

use crate::{
    error::AppError,
    leads::{
        history::FieldChange,
        mass::{status_outcome, MassAction, MassSummary},
        model::LeadStatus,
        store::MassLeads,
    },
    users::model::Scope,
};

type Pool = sqlx::Pool<Db>;
type Conn = <Db as sqlx::Database>::Connection;

/// Ids per statement: well under both databases' bind limits.
const CHUNK: usize = 1000;

/// A lead a mass action looks at.
struct Candidate {
    id: i64,
    name: String,
    status: LeadStatus,
    owner_id: Option<i64>,
    owner_name: Option<String>,
}

const SELECT: &str = "SELECT l.id, l.name, l.status, l.owner_id, u.display_name AS owner_name \
     FROM leads l LEFT JOIN users u ON u.id = l.owner_id WHERE ";

fn candidate(row: &<Db as sqlx::Database>::Row) -> Result<Candidate, AppError> {
    let status: String = row.try_get("status")?;
    Ok(Candidate {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        status: LeadStatus::from_code(&status).unwrap_or_default(),
        owner_id: row.try_get("owner_id")?,
        owner_name: row.try_get("owner_name")?,
    })
}

/// The leads of `target` that `scope` may change; ids it may not see are
/// refused into `summary` (without their names).
async fn candidates(
    conn: &mut Conn,
    scope: Scope,
    target: &MassLeads,
    summary: &mut MassSummary,
) -> Result<Vec<Candidate>, AppError> {
    let mut found = Vec::new();
    match target {
        MassLeads::Ids(ids) => {
            let mut unique: Vec<i64> = ids.clone();
            unique.sort_unstable();
            unique.dedup();
            summary.asked = unique.len();
            for chunk in unique.chunks(CHUNK) {
                let mut q = sqlx::QueryBuilder::<Db>::new(SELECT);
                crate::users::store::push_scope(&mut q, "l", scope);
                q.push(" AND l.id IN (");
                let mut list = q.separated(", ");
                for id in chunk {
                    list.push_bind(*id);
                }
                list.push_unseparated(")");
                let rows = q.build().fetch_all(&mut *conn).await?;
                let mut seen = std::collections::HashSet::new();
                for row in &rows {
                    let c = candidate(row)?;
                    seen.insert(c.id);
                    found.push(c);
                }
                for id in chunk.iter().filter(|id| !seen.contains(id)) {
                    summary.refuse(*id, None, "Not found, or not yours to change");
                }
            }
        }
        MassLeads::Filter(filter) => {
            let mut q = sqlx::QueryBuilder::<Db>::new(SELECT);
            crate::users::store::push_scope(&mut q, "l", scope);
            super::filtered::push_filter(&mut q, filter);
            for row in q.build().fetch_all(&mut *conn).await? {
                found.push(candidate(&row)?);
            }
            summary.asked = found.len();
        }
    }
    Ok(found)
}

/// Pushes ` column IN (…)` for `ids`.
fn push_ids(q: &mut sqlx::QueryBuilder<'_, Db>, column: &str, ids: &[i64]) {
    q.push(format!(" {column} IN ("));
    let mut list = q.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    list.push_unseparated(")");
}

/// History rows for many leads at once.
async fn record(
    conn: &mut Conn,
    user_id: i64,
    at: DateTime<Utc>,
    entries: &[(i64, FieldChange)],
) -> Result<(), AppError> {
    for chunk in entries.chunks(CHUNK) {
        let mut q = sqlx::QueryBuilder::<Db>::new(
            "INSERT INTO lead_history (lead_id, user_id, changed_at, field, old_value, new_value) ",
        );
        q.push_values(chunk, |mut b, (lead_id, c)| {
            b.push_bind(*lead_id)
                .push_bind(user_id)
                .push_bind(at)
                .push_bind(c.field)
                .push_bind(c.old.clone())
                .push_bind(c.new.clone());
        });
        q.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// See `super::mass_update`.
pub async fn mass_update(
    pool: &Pool,
    scope: Scope,
    user_id: i64,
    target: &MassLeads,
    action: &MassAction,
    assign: Result<(), String>,
) -> Result<(MassSummary, Vec<i64>), AppError> {
    let mut tx = pool.begin_with(BEGIN_WRITE).await?;
    let mut summary = MassSummary::default();
    let leads = candidates(&mut tx, scope, target, &mut summary).await?;
    let at = crate::leads::store::now();
    let mut changed: Vec<i64> = Vec::new();
    let mut history: Vec<(i64, FieldChange)> = Vec::new();
    match action {
        MassAction::Delete => {
            changed = leads.iter().map(|c| c.id).collect();
        }
        MassAction::SetStatus(to) => {
            for c in &leads {
                match status_outcome(c.status, *to) {
                    Ok(true) => {
                        changed.push(c.id);
                        history.push((
                            c.id,
                            FieldChange {
                                field: "status",
                                old: Some(c.status.code().into()),
                                new: Some(to.code().into()),
                            },
                        ));
                    }
                    Ok(false) => summary.unchanged += 1,
                    Err(reason) => summary.refuse(c.id, Some(c.name.clone()), reason),
                }
            }
        }
        MassAction::SetOwner(to) => {
            let new_name: Option<String> = match to {
                Some(id) => sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1")
                    .bind(*id)
                    .fetch_optional(&mut *tx)
                    .await?,
                None => None,
            };
            for c in &leads {
                if c.owner_id == *to {
                    summary.unchanged += 1;
                } else if let Err(reason) = &assign {
                    summary.refuse(c.id, Some(c.name.clone()), reason.clone());
                } else {
                    changed.push(c.id);
                    history.push((
                        c.id,
                        FieldChange {
                            field: "owner",
                            old: c.owner_name.clone(),
                            new: new_name.clone(),
                        },
                    ));
                }
            }
        }
    }
    for chunk in changed.chunks(CHUNK) {
        match action {
            MassAction::Delete => {
                for table in ["lead_emails", "lead_phones", "lead_addresses", "lead_tags"] {
                    let mut q =
                        sqlx::QueryBuilder::<Db>::new(format!("DELETE FROM {table} WHERE"));
                    push_ids(&mut q, "lead_id", chunk);
                    q.build().execute(&mut *tx).await?;
                }
                let mut q = sqlx::QueryBuilder::<Db>::new("DELETE FROM leads WHERE");
                push_ids(&mut q, "id", chunk);
                q.build().execute(&mut *tx).await?;
            }
            MassAction::SetStatus(to) => {
                let mut q = sqlx::QueryBuilder::<Db>::new("UPDATE leads SET status = ");
                q.push_bind(to.code())
                    .push(", version = version + 1, updated_at = ")
                    .push_bind(at)
                    .push(" WHERE");
                push_ids(&mut q, "id", chunk);
                q.build().execute(&mut *tx).await?;
            }
            MassAction::SetOwner(to) => {
                let mut q = sqlx::QueryBuilder::<Db>::new("UPDATE leads SET owner_id = ");
                q.push_bind(*to)
                    .push(", version = version + 1, updated_at = ")
                    .push_bind(at)
                    .push(" WHERE");
                push_ids(&mut q, "id", chunk);
                q.build().execute(&mut *tx).await?;
            }
        }
    }
    record(&mut tx, user_id, at, &history).await?;
    tx.commit().await?;
    summary.changed = changed.len();
    Ok((summary, changed))
}
