//! The database behind Leadline: SQLite (embedded default) or PostgreSQL,
//! chosen at run time from the URL.
//!
//! Queries are written once (see `leads::store`) and compiled for each
//! backend, so both stay first-class without a lowest-common-denominator
//! driver.

use std::{str::FromStr, time::Duration};

use sqlx::{
    migrate::{MigrateDatabase as _, Migrator},
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    PgPool, SqlitePool,
};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

/// Calls the backend's version of a storage function: `dispatch!(store,
/// load_lead(id))` runs `sqlite::load_lead(pool, id)` or
/// `postgres::load_lead(pool, id)`.
macro_rules! dispatch {
    ($store:expr, $($fun:ident)::+ ( $($arg:expr),* )) => {
        match $store {
            $crate::store::Store::Sqlite(pool) => sqlite::$($fun)::+(pool, $($arg),*).await,
            $crate::store::Store::Postgres(pool) => postgres::$($fun)::+(pool, $($arg),*).await,
        }
    };
}
pub(crate) use dispatch;

/// A connection pool to one of the supported databases.
#[derive(Clone, Debug)]
pub enum Store {
    /// An SQLite file.
    Sqlite(SqlitePool),
    /// A PostgreSQL database.
    Postgres(PgPool),
}

/// Why the store could not be opened or prepared. Shown to the operator.
#[derive(thiserror::Error, Debug)]
pub enum StoreError {
    /// The URL names no supported database.
    #[error("unsupported database URL \"{0}\": use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    /// The database could not be reached or opened.
    #[error("cannot open the database at {url}: {source}")]
    Unreachable {
        /// The URL, without its password.
        url: String,
        /// The driver's error.
        source: sqlx::Error,
    },
    /// The database has migrations this binary does not know.
    #[error(
        "the database schema is newer than this version of Leadline (it has migration {0}, \
         which this binary does not know); run a newer Leadline"
    )]
    SchemaTooNew(i64),
    /// A migration failed.
    #[error("migrating the database failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A query failed.
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
}

/// Why a backup was not written. Shown to the operator.
#[derive(thiserror::Error, Debug)]
pub enum BackupError {
    /// PostgreSQL has its own tools.
    #[error(
        "leadline backup copies an SQLite database; back up PostgreSQL with pg_dump \
         (see \"Running in production\" in the README)"
    )]
    NotSqlite,
    /// A backup never overwrites a file.
    #[error("{0} already exists; a backup never overwrites a file, so name a new one")]
    Exists(String),
    /// The copy failed its integrity check (and was removed).
    #[error("the copy failed SQLite's integrity check ({0}); nothing was kept")]
    Damaged(String),
    /// Reading the database or writing the copy failed.
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
    /// Writing the file failed.
    #[error("cannot write the backup: {0}")]
    Io(#[from] std::io::Error),
}

/// Removes the password from a database URL before it is shown or logged.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

impl Store {
    /// Opens a pool for `url` (`sqlite://…` or `postgres://…`). An SQLite
    /// file is created if missing, in WAL mode with full fsync on commit.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let unreachable = |source| StoreError::Unreachable {
            url: redact_url(url),
            source,
        };
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(unreachable)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await
                .map_err(unreachable)?;
            Ok(Self::Sqlite(pool))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url).map_err(unreachable)?;
            // Like the SQLite file, a missing database is created (when the
            // user may); an unreachable server fails here with its reason.
            if !sqlx::Postgres::database_exists(url)
                .await
                .map_err(unreachable)?
            {
                sqlx::Postgres::create_database(url)
                    .await
                    .map_err(unreachable)?;
            }
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await
                .map_err(unreachable)?;
            Ok(Self::Postgres(pool))
        } else {
            Err(StoreError::UnsupportedUrl(redact_url(url)))
        }
    }

    /// Which backend this is, for logs: `sqlite` or `postgres`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }

    fn migrator(&self) -> &'static Migrator {
        match self {
            Self::Sqlite(_) => &SQLITE_MIGRATIONS,
            Self::Postgres(_) => &POSTGRES_MIGRATIONS,
        }
    }

    /// The newest migration applied to the database, if any.
    async fn applied_versions(&self) -> Result<Vec<i64>, StoreError> {
        const SQL: &str = "SELECT version FROM _sqlx_migrations WHERE success ORDER BY version";
        let exists = match self {
            Self::Sqlite(pool) => {
                sqlx::query_scalar::<_, i64>(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
                )
                .fetch_one(pool)
                .await?
                    > 0
            }
            Self::Postgres(pool) => {
                sqlx::query_scalar::<_, bool>("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
                    .fetch_one(pool)
                    .await?
            }
        };
        if !exists {
            return Ok(Vec::new());
        }
        Ok(match self {
            Self::Sqlite(pool) => sqlx::query_scalar(SQL).fetch_all(pool).await?,
            Self::Postgres(pool) => sqlx::query_scalar(SQL).fetch_all(pool).await?,
        })
    }

    /// Refuses a database that has migrations this binary does not know.
    pub async fn check_schema_not_newer(&self) -> Result<(), StoreError> {
        let known: Vec<i64> = self.migrator().iter().map(|m| m.version).collect();
        match self
            .applied_versions()
            .await?
            .into_iter()
            .find(|v| !known.contains(v))
        {
            Some(unknown) => Err(StoreError::SchemaTooNew(unknown)),
            None => Ok(()),
        }
    }

    /// Applies every pending migration (after checking the schema is not
    /// newer than this binary). Safe to run from several instances at
    /// once: sqlx takes a database lock on PostgreSQL.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        self.check_schema_not_newer().await?;
        match self {
            Self::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
            Self::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        // Data the schema cannot compute itself: leads written before
        // their searchable text existed get it now.
        let filled = crate::leads::store::fill_search_text(self).await?;
        if filled > 0 {
            tracing::info!(
                leads = filled,
                "filled in the searchable text of older leads"
            );
        }
        Ok(())
    }

    /// Whether every migration this binary knows has been applied.
    pub async fn is_migrated(&self) -> Result<bool, StoreError> {
        let applied = self.applied_versions().await?;
        Ok(self.migrator().iter().all(|m| applied.contains(&m.version)))
    }

    /// Writes a consistent copy of an SQLite database to `path` while the
    /// app goes on serving (`VACUUM INTO` reads one snapshot; writers are
    /// not blocked). The copy is written beside `path` and renamed into
    /// place when complete, so `path` never holds half a backup. Returns
    /// the number of leads in the copy, counted from the copy itself.
    pub async fn backup_into(&self, path: &std::path::Path) -> Result<i64, BackupError> {
        let Self::Sqlite(pool) = self else {
            return Err(BackupError::NotSqlite);
        };
        if path.exists() {
            return Err(BackupError::Exists(path.display().to_string()));
        }
        let partial = path.with_file_name(format!(
            ".{}.partial",
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "backup".into())
        ));
        let _ = std::fs::remove_file(&partial);
        let written = async {
            sqlx::query("VACUUM INTO ?")
                .bind(partial.to_string_lossy().as_ref())
                .execute(pool)
                .await?;
            let copy = SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(
                    SqliteConnectOptions::new()
                        .filename(&partial)
                        .read_only(true),
                )
                .await?;
            let check: String = sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_one(&copy)
                .await?;
            let leads: i64 = sqlx::query_scalar("SELECT count(*) FROM leads")
                .fetch_one(&copy)
                .await?;
            copy.close().await;
            if check != "ok" {
                return Err(BackupError::Damaged(check));
            }
            std::fs::File::open(&partial)?.sync_all()?;
            std::fs::rename(&partial, path)?;
            Ok(leads)
        }
        .await;
        if written.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        written
    }

    /// Closes every connection (on shutdown).
    pub async fn close(&self) {
        match self {
            Self::Sqlite(pool) => pool.close().await,
            Self::Postgres(pool) => pool.close().await,
        }
    }
}
