// User, team, session and settings queries, written once and compiled for
// each backend (see `leads/store/queries.rs` for the pattern): the including
// module defines `Db` and `BEGIN_WRITE`.

use sqlx::Row as _;

use crate::{
    error::AppError,
    users::model::{Assignee, CurrentUser, Scope, Team, TeamName, UserRow, ValidUser},
};

use super::{map_user_error, role_of, Credentials, LAST_ADMIN};

type Conn = <Db as sqlx::Database>::Connection;
type Pool = sqlx::Pool<Db>;
type DbRow = <Db as sqlx::Database>::Row;

fn flag(value: Option<String>) -> bool {
    value.as_deref() != Some("false")
}

/// See `super::load_session`.
pub async fn load_session(
    pool: &Pool,
    token_hash: Option<&str>,
    now: i64,
) -> Result<(Option<CurrentUser>, bool), AppError> {
    let Some(token_hash) = token_hash else {
        return Ok((None, leads_enabled(pool).await?));
    };
    let row = sqlx::query(
        "SELECT u.id, u.username, u.display_name, u.role, u.team_id, t.name AS team_name, \
         (SELECT value FROM settings WHERE key = 'leads_enabled') AS leads_enabled \
         FROM sessions s \
         JOIN users u ON u.id = s.user_id AND u.active \
         LEFT JOIN teams t ON t.id = u.team_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(pool)
    .await?;
    match row {
        None => Ok((None, leads_enabled(pool).await?)),
        Some(row) => Ok((
            Some(CurrentUser {
                id: row.try_get("id")?,
                username: row.try_get("username")?,
                display_name: row.try_get("display_name")?,
                role: role_of(row.try_get("role")?)?,
                team_id: row.try_get("team_id")?,
                team_name: row.try_get("team_name")?,
            }),
            flag(row.try_get("leads_enabled")?),
        )),
    }
}

/// See `super::insert_session`. Expired sessions are swept on the way.
pub async fn insert_session(
    pool: &Pool,
    token_hash: &str,
    user_id: i64,
    now: i64,
    expires_at: i64,
) -> Result<(), AppError> {
    let mut tx = pool.begin_with(BEGIN_WRITE).await?;
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(now)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// See `super::delete_session`.
pub async fn delete_session(pool: &Pool, token_hash: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(pool)
        .await?;
    Ok(())
}

/// See `super::load_credentials`.
pub async fn load_credentials(pool: &Pool, username: &str) -> Result<Option<Credentials>, AppError> {
    let row = sqlx::query("SELECT id, password_hash, active FROM users WHERE lower(username) = lower($1)")
        .bind(username.trim())
        .fetch_optional(pool)
        .await?;
    row.map(|r| {
        Ok(Credentials {
            id: r.try_get("id")?,
            password_hash: r.try_get("password_hash")?,
            active: r.try_get("active")?,
        })
    })
    .transpose()
}

/// See `super::record_failure`. Failures older than a day are swept on
/// the way, so the table stays small whatever an attacker tries.
pub async fn record_failure(pool: &Pool, scope: &str, subject: &str, now: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sign_in_failures WHERE failed_at <= $1")
        .bind(now - 24 * 3600)
        .execute(pool)
        .await?;
    sqlx::query("INSERT INTO sign_in_failures (scope, subject, failed_at) VALUES ($1, $2, $3)")
        .bind(scope)
        .bind(subject)
        .bind(now)
        .execute(pool)
        .await?;
    Ok(())
}

/// See `super::count_failures`.
pub async fn count_failures(
    pool: &Pool,
    scope: &str,
    subject: &str,
    since: i64,
) -> Result<(i64, Option<i64>), AppError> {
    let row = sqlx::query(
        "SELECT count(*) AS n, min(failed_at) AS oldest FROM sign_in_failures \
         WHERE scope = $1 AND subject = $2 AND failed_at > $3",
    )
    .bind(scope)
    .bind(subject)
    .bind(since)
    .fetch_one(pool)
    .await?;
    Ok((row.try_get("n")?, row.try_get("oldest")?))
}

/// See `super::clear_failures`.
pub async fn clear_failures(pool: &Pool, scope: &str, subject: &str, before: i64) -> Result<(), AppError> {
    sqlx::query(
        "DELETE FROM sign_in_failures WHERE (scope = $1 AND subject = $2) OR failed_at <= $3",
    )
    .bind(scope)
    .bind(subject)
    .bind(before)
    .execute(pool)
    .await?;
    Ok(())
}

/// Fails with a field error when `team_id` names no team.
async fn check_team(conn: &mut Conn, team_id: Option<i64>) -> Result<(), AppError> {
    let Some(id) = team_id else { return Ok(()) };
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM teams WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    found
        .map(|_| ())
        .ok_or_else(|| AppError::field("team_id", "This team does not exist"))
}

/// Fails (and so rolls back) when no active admin would remain.
async fn check_admin_remains(conn: &mut Conn) -> Result<(), AppError> {
    let admins: i64 =
        sqlx::query_scalar("SELECT count(*) FROM users WHERE role = 'admin' AND active")
            .fetch_one(&mut *conn)
            .await?;
    if admins == 0 {
        return Err(AppError::Conflict(LAST_ADMIN.into()));
    }
    Ok(())
}

/// See `super::insert_user`.
pub async fn insert_user(pool: &Pool, user: &ValidUser, password_hash: Option<&str>) -> Result<i64, AppError> {
    let mut tx = pool.begin_with(BEGIN_WRITE).await?;
    check_team(&mut tx, user.team_id).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (username, display_name, email, role, team_id, password_hash, active, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7) RETURNING id",
    )
    .bind(user.username.as_str())
    .bind(&user.display_name)
    .bind(user.email.as_deref())
    .bind(user.role.code())
    .bind(user.team_id)
    .bind(password_hash)
    .bind(crate::leads::store::now())
    .fetch_one(&mut *tx)
    .await
    .map_err(map_user_error)?;
    tx.commit().await?;
    Ok(id)
}

const USER_SELECT: &str = "SELECT u.id, u.username, u.display_name, u.email, u.role, u.team_id, \
     t.name AS team_name, u.active, u.password_hash IS NOT NULL AS has_password \
     FROM users u LEFT JOIN teams t ON t.id = u.team_id ";

fn user_row(row: &DbRow) -> Result<UserRow, AppError> {
    Ok(UserRow {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        email: row.try_get("email")?,
        role: role_of(row.try_get("role")?)?,
        team_id: row.try_get("team_id")?,
        team_name: row.try_get("team_name")?,
        active: row.try_get("active")?,
        has_password: row.try_get("has_password")?,
    })
}

/// See `super::list_users`.
pub async fn list_users(pool: &Pool) -> Result<Vec<UserRow>, AppError> {
    let sql = format!("{USER_SELECT} ORDER BY u.active DESC, lower(u.display_name), u.id");
    sqlx::query(&sql).fetch_all(pool).await?.iter().map(user_row).collect()
}

/// See `super::load_user`.
pub async fn load_user(pool: &Pool, id: i64) -> Result<UserRow, AppError> {
    let sql = format!("{USER_SELECT} WHERE u.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(pool).await?;
    user_row(&row.ok_or(AppError::NotFound)?)
}

/// See `super::update_user`.
pub async fn update_user(pool: &Pool, id: i64, user: &ValidUser) -> Result<(), AppError> {
    let mut tx = pool.begin_with(BEGIN_WRITE).await?;
    check_team(&mut tx, user.team_id).await?;
    let updated = sqlx::query(
        "UPDATE users SET username = $1, display_name = $2, email = $3, role = $4, team_id = $5 \
         WHERE id = $6",
    )
    .bind(user.username.as_str())
    .bind(&user.display_name)
    .bind(user.email.as_deref())
    .bind(user.role.code())
    .bind(user.team_id)
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(map_user_error)?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    check_admin_remains(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// See `super::set_user_active`.
pub async fn set_user_active(pool: &Pool, id: i64, active: bool) -> Result<(), AppError> {
    let mut tx = pool.begin_with(BEGIN_WRITE).await?;
    let updated = sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
        .bind(active)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    if !active {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        check_admin_remains(&mut tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// See `super::set_password`.
pub async fn set_password(
    pool: &Pool,
    id: i64,
    password_hash: &str,
    keep_session: Option<&str>,
) -> Result<(), AppError> {
    let mut tx = pool.begin_with(BEGIN_WRITE).await?;
    let updated = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(password_hash)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(id)
        .bind(keep_session.unwrap_or(""))
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// See `super::find_user_id`.
pub async fn find_user_id(pool: &Pool, username: &str) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT id FROM users WHERE lower(username) = lower($1)")
        .bind(username.trim())
        .fetch_optional(pool)
        .await?)
}

/// See `super::has_admin`.
pub async fn has_admin(pool: &Pool) -> Result<bool, AppError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM users WHERE role = 'admin' AND active AND password_hash IS NOT NULL",
    )
    .fetch_one(pool)
    .await?;
    Ok(n > 0)
}

/// See `super::list_assignees`.
pub async fn list_assignees(pool: &Pool, scope: Scope) -> Result<Vec<Assignee>, AppError> {
    let mut q = sqlx::QueryBuilder::<Db>::new(
        "SELECT u.id, u.display_name, t.name AS team_name FROM users u \
         LEFT JOIN teams t ON t.id = u.team_id WHERE u.active",
    );
    match scope {
        Scope::All => {}
        Scope::Team { user_id, team_id } => {
            q.push(" AND (u.id = ")
                .push_bind(user_id)
                .push(" OR u.team_id = ")
                .push_bind(team_id)
                .push(")");
        }
        Scope::Own { user_id } => {
            q.push(" AND u.id = ").push_bind(user_id);
        }
    }
    q.push(" ORDER BY lower(u.display_name), u.id");
    q.build()
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| {
            Ok(Assignee {
                id: r.try_get("id")?,
                display_name: r.try_get("display_name")?,
                team_name: r.try_get("team_name")?,
            })
        })
        .collect()
}

/// See `super::active_user_team`.
pub async fn active_user_team(pool: &Pool, id: i64) -> Result<Option<i64>, AppError> {
    let row: Option<Option<i64>> =
        sqlx::query_scalar("SELECT team_id FROM users WHERE id = $1 AND active")
            .bind(id)
            .fetch_optional(pool)
            .await?;
    row.ok_or(AppError::NotFound)
}

/// See `super::list_teams`.
pub async fn list_teams(pool: &Pool) -> Result<Vec<Team>, AppError> {
    sqlx::query(
        "SELECT t.id, t.name, (SELECT count(*) FROM users u WHERE u.team_id = t.id AND u.active) \
         AS members FROM teams t ORDER BY lower(t.name)",
    )
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(Team {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            members: r.try_get("members")?,
        })
    })
    .collect()
}

/// See `super::insert_team`.
pub async fn insert_team(pool: &Pool, name: &TeamName) -> Result<i64, AppError> {
    sqlx::query_scalar("INSERT INTO teams (name, created_at) VALUES ($1, $2) RETURNING id")
        .bind(name.as_str())
        .bind(crate::leads::store::now())
        .fetch_one(pool)
        .await
        .map_err(map_user_error)
}

/// See `super::rename_team`.
pub async fn rename_team(pool: &Pool, id: i64, name: &TeamName) -> Result<(), AppError> {
    let updated = sqlx::query("UPDATE teams SET name = $1 WHERE id = $2")
        .bind(name.as_str())
        .bind(id)
        .execute(pool)
        .await
        .map_err(map_user_error)?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// See `super::delete_team`.
pub async fn delete_team(pool: &Pool, id: i64) -> Result<(), AppError> {
    let mut tx = pool.begin_with(BEGIN_WRITE).await?;
    let members: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE team_id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    if members > 0 {
        return Err(AppError::Conflict(format!(
            "This team still has {members} member(s): move them to another team first"
        )));
    }
    let deleted = sqlx::query("DELETE FROM teams WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if deleted.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// See `super::leads_enabled`.
pub async fn leads_enabled(pool: &Pool) -> Result<bool, AppError> {
    let value: Option<String> =
        sqlx::query_scalar("SELECT value FROM settings WHERE key = 'leads_enabled'")
            .fetch_optional(pool)
            .await?;
    Ok(flag(value))
}

/// See `super::set_leads_enabled`.
pub async fn set_leads_enabled(pool: &Pool, enabled: bool) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ('leads_enabled', $1) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(if enabled { "true" } else { "false" })
    .execute(pool)
    .await?;
    Ok(())
}
