// A user's saved views and settings, and notes on leads, written once for
// both backends (the including module defines `Db` and `BEGIN_WRITE`).

use sqlx::Row as _;

use crate::{
    error::AppError,
    leads::{
        notes::Note,
        saved_views::{SavedView, SourceChoice, MAX_VIEWS},
    },
    users::model::Scope,
};

type Pool = sqlx::Pool<Db>;
type DbRow = <Db as sqlx::Database>::Row;

fn view_of(row: &DbRow) -> Result<SavedView, AppError> {
    Ok(SavedView {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        query: row.try_get("query")?,
        is_default: row.try_get("is_default")?,
    })
}

/// See `super::list_views`.
pub async fn list_views(pool: &Pool, user_id: i64) -> Result<(Vec<SavedView>, Option<String>), AppError> {
    let views = sqlx::query(
        "SELECT id, name, query, is_default FROM lead_views WHERE user_id = $1 \
         ORDER BY lower(name), id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(view_of)
    .collect::<Result<Vec<_>, _>>()?;
    let columns: Option<String> =
        sqlx::query_scalar("SELECT value FROM user_settings WHERE user_id = $1 AND key = $2")
            .bind(user_id)
            .bind(crate::leads::store::COLUMNS_SETTING)
            .fetch_optional(pool)
            .await?;
    Ok((views, columns))
}

/// See `super::save_view`.
pub async fn save_view(
    pool: &Pool,
    user_id: i64,
    name: &str,
    query: &str,
    is_default: bool,
) -> Result<SavedView, AppError> {
    let mut tx = pool.begin_with(BEGIN_WRITE).await?;
    let now = crate::leads::store::now();
    let existing: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM lead_views WHERE user_id = $1 AND lower(trim(name)) = lower($2)",
    )
    .bind(user_id)
    .bind(name)
    .fetch_optional(&mut *tx)
    .await?;
    if is_default {
        sqlx::query("UPDATE lead_views SET is_default = FALSE WHERE user_id = $1 AND is_default")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    let id = match existing {
        Some(id) => {
            sqlx::query(
                "UPDATE lead_views SET name = $1, query = $2, \
                 is_default = (is_default OR $3), updated_at = $4 WHERE id = $5",
            )
            .bind(name)
            .bind(query)
            .bind(is_default)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            id
        }
        None => {
            let count: i64 = sqlx::query_scalar("SELECT count(*) FROM lead_views WHERE user_id = $1")
                .bind(user_id)
                .fetch_one(&mut *tx)
                .await?;
            if count >= MAX_VIEWS as i64 {
                return Err(AppError::field(
                    "name",
                    format!("You have {MAX_VIEWS} views already: delete one first"),
                ));
            }
            sqlx::query_scalar(
                "INSERT INTO lead_views (user_id, name, query, is_default, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
            )
            .bind(user_id)
            .bind(name)
            .bind(query)
            .bind(is_default)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?
        }
    };
    let row = sqlx::query("SELECT id, name, query, is_default FROM lead_views WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    view_of(&row)
}

/// See `super::set_default_view`.
pub async fn set_default_view(pool: &Pool, user_id: i64, id: Option<i64>) -> Result<(), AppError> {
    let mut tx = pool.begin_with(BEGIN_WRITE).await?;
    if let Some(id) = id {
        let mine: Option<i64> =
            sqlx::query_scalar("SELECT id FROM lead_views WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
        mine.ok_or(AppError::NotFound)?;
    }
    sqlx::query("UPDATE lead_views SET is_default = FALSE WHERE user_id = $1 AND is_default")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if let Some(id) = id {
        sqlx::query("UPDATE lead_views SET is_default = TRUE WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// See `super::delete_view`.
pub async fn delete_view(pool: &Pool, user_id: i64, id: i64) -> Result<(), AppError> {
    let deleted = sqlx::query("DELETE FROM lead_views WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(pool)
        .await?;
    if deleted.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// See `super::save_setting`.
pub async fn save_setting(pool: &Pool, user_id: i64, key: &str, value: &str) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO user_settings (user_id, key, value) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value",
    )
    .bind(user_id)
    .bind(key)
    .bind(value)
    .execute(pool)
    .await?;
    Ok(())
}

/// See `super::source_choices`.
pub async fn source_choices(pool: &Pool) -> Result<Vec<SourceChoice>, AppError> {
    sqlx::query("SELECT id, name, retired FROM lead_sources ORDER BY retired, position, lower(name)")
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| {
            Ok(SourceChoice {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                retired: r.try_get("retired")?,
            })
        })
        .collect()
}

// ------------------------------------------------------------------- notes

const NOTE_SELECT: &str = "SELECT n.id, n.lead_id, n.user_id, u.display_name AS author, n.body, \
     n.created_at, n.updated_at FROM lead_notes n LEFT JOIN users u ON u.id = n.user_id ";

fn note_of(row: &DbRow, viewer: i64) -> Result<Note, AppError> {
    let author_id: Option<i64> = row.try_get("user_id")?;
    Ok(Note {
        id: row.try_get("id")?,
        lead_id: row.try_get("lead_id")?,
        author: row.try_get("author")?,
        mine: author_id == Some(viewer),
        body: row.try_get("body")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// See `super::list_notes`.
pub async fn list_notes(pool: &Pool, lead_id: i64, viewer: i64) -> Result<Vec<Note>, AppError> {
    sqlx::query(&format!(
        "{NOTE_SELECT} WHERE n.lead_id = $1 ORDER BY n.created_at DESC, n.id DESC"
    ))
    .bind(lead_id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| note_of(r, viewer))
    .collect()
}

/// See `super::add_note`.
pub async fn add_note(pool: &Pool, lead_id: i64, user_id: i64, body: &str) -> Result<Note, AppError> {
    let now = crate::leads::store::now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO lead_notes (lead_id, user_id, body, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $4) RETURNING id",
    )
    .bind(lead_id)
    .bind(user_id)
    .bind(body)
    .bind(now)
    .fetch_one(pool)
    .await?;
    let row = sqlx::query(&format!("{NOTE_SELECT} WHERE n.id = $1"))
        .bind(id)
        .fetch_one(pool)
        .await?;
    note_of(&row, user_id)
}

/// The author of note `id` on a lead `scope` may see (`NotFound` else).
async fn note_author(pool: &Pool, scope: Scope, id: i64) -> Result<Option<i64>, AppError> {
    let mut q = sqlx::QueryBuilder::<Db>::new(
        "SELECT n.user_id FROM lead_notes n JOIN leads l ON l.id = n.lead_id WHERE n.id = ",
    );
    q.push_bind(id).push(" AND ");
    crate::users::store::push_scope(&mut q, "l", scope);
    let row = q.build().fetch_optional(pool).await?.ok_or(AppError::NotFound)?;
    Ok(row.try_get("user_id")?)
}

const NOT_YOURS: &str = "Only the note's author can change or delete it";

/// See `super::edit_note`.
pub async fn edit_note(pool: &Pool, scope: Scope, user_id: i64, id: i64, body: &str) -> Result<Note, AppError> {
    if note_author(pool, scope, id).await? != Some(user_id) {
        return Err(AppError::Conflict(NOT_YOURS.into()));
    }
    sqlx::query("UPDATE lead_notes SET body = $1, updated_at = $2 WHERE id = $3")
        .bind(body)
        .bind(crate::leads::store::now())
        .bind(id)
        .execute(pool)
        .await?;
    let row = sqlx::query(&format!("{NOTE_SELECT} WHERE n.id = $1"))
        .bind(id)
        .fetch_one(pool)
        .await?;
    note_of(&row, user_id)
}

/// See `super::delete_note`.
pub async fn delete_note(pool: &Pool, scope: Scope, user_id: i64, id: i64) -> Result<(), AppError> {
    if note_author(pool, scope, id).await? != Some(user_id) {
        return Err(AppError::Conflict(NOT_YOURS.into()));
    }
    sqlx::query("DELETE FROM lead_notes WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}
