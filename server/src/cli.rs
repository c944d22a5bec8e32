//! The command line: `serve` (default), `migrate`, `demo`, `export`,
//! `backup`, `user`.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use app::store::{redact_url, Store};
use clap::{Parser, Subcommand};

/// Leadline, lead management for sales teams.
///
/// Without a command, serves the app. The database is an SQLite file under
/// the data directory unless --database-url (or DATABASE_URL) names another
/// SQLite file or a PostgreSQL database.
#[derive(Parser, Debug)]
#[command(name = "leadline", version, about, long_about)]
pub struct Cli {
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB.
    /// Default: sqlite://<data-dir>/leadline.db
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    /// Directory for the default SQLite database (created if missing).
    #[arg(long, env = "LEADLINE_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// Log as JSON lines instead of text.
    #[arg(long, env = "LEADLINE_LOG_JSON", global = true)]
    pub log_json: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What to do.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Apply pending migrations, then serve the app (the default).
    Serve {
        /// Address to listen on (default: the site address cargo-leptos
        /// configured, 127.0.0.1:3000).
        #[arg(long, env = "LEADLINE_ADDR")]
        addr: Option<std::net::SocketAddr>,
        /// Believe the X-Forwarded-For/-Host/-Proto headers (only behind a
        /// reverse proxy that sets them).
        #[arg(long, env = "LEADLINE_TRUST_PROXY")]
        trust_proxy: bool,
        /// The most leads a browser is given to filter itself; users who
        /// may see more filter on the server (same screen, paged).
        #[arg(long, env = "LEADLINE_BROWSER_LIMIT", default_value_t = app::state::DEFAULT_BROWSER_LIMIT)]
        browser_limit: usize,
    },
    /// Apply pending migrations and exit.
    Migrate,
    /// Fill the database with realistic generated leads.
    Demo {
        /// How many leads to add.
        #[arg(long, default_value_t = 1000)]
        leads: usize,
        /// Random seed (the same seed gives the same leads).
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Export leads as CSV (all columns; every lead unless filtered).
    Export {
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Only leads with this status.
        #[arg(long, value_parser = ["new", "qualified", "canceled"])]
        status: Option<String>,
        /// Only leads whose name, person, company, email or phone contain
        /// every word of this text.
        #[arg(long)]
        query: Option<String>,
        /// Start the file with a UTF-8 byte-order mark (for Excel).
        #[arg(long)]
        bom: bool,
    },
    /// Copy the SQLite database to FILE while the app keeps serving (a
    /// consistent snapshot; runs no migrations, so take one before an
    /// upgrade). Restore: stop Leadline, put FILE in place of the database
    /// file and remove its -wal and -shm files, start Leadline.
    Backup {
        /// Where to write the copy (must not exist yet).
        file: PathBuf,
    },
    /// Manage users (add, set a password, list).
    #[command(subcommand)]
    User(UserCommand),
}

/// `leadline user …`.
#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a user who can sign in at once.
    Add {
        /// Sign-in name.
        username: String,
        /// Role.
        #[arg(long, value_parser = ["rep", "manager", "admin"], default_value = "rep")]
        role: String,
        /// Team name (created if it does not exist).
        #[arg(long)]
        team: Option<String>,
        /// Name shown to others (default: the username).
        #[arg(long)]
        display_name: Option<String>,
        /// Email address.
        #[arg(long)]
        email: Option<String>,
        /// Read the password from the first line of standard input instead
        /// of prompting.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a user's password (ends their sessions).
    Password {
        /// Sign-in name.
        username: String,
        /// Read the password from standard input instead of prompting.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List every user.
    List,
}

impl Cli {
    /// The database URL to use, creating the data directory for the default.
    fn database_url(&self) -> anyhow::Result<String> {
        if let Some(url) = &self.database_url {
            return Ok(url.clone());
        }
        std::fs::create_dir_all(&self.data_dir).with_context(|| {
            format!(
                "cannot create the data directory {}",
                self.data_dir.display()
            )
        })?;
        Ok(sqlite_url(&self.data_dir.join("leadline.db")))
    }

    /// Opens the database and applies pending migrations.
    async fn open_store(&self) -> anyhow::Result<Store> {
        let url = self.database_url()?;
        let store = Store::connect(&url).await?;
        store.migrate().await?;
        tracing::info!(database = %redact_url(&url), kind = store.kind(), "database ready");
        Ok(store)
    }

    /// Runs the chosen command.
    pub async fn run(self) -> anyhow::Result<()> {
        match &self.command {
            None => {
                let store = self.open_store().await?;
                crate::users::first_run(&store).await?;
                let browser_limit = std::env::var("LEADLINE_BROWSER_LIMIT")
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(app::state::DEFAULT_BROWSER_LIMIT);
                let options = crate::serve::ServeOptions {
                    browser_limit,
                    ..Default::default()
                };
                crate::serve::serve(store, options).await
            }
            Some(Command::Serve {
                addr,
                trust_proxy,
                browser_limit,
            }) => {
                let store = self.open_store().await?;
                crate::users::first_run(&store).await?;
                let options = crate::serve::ServeOptions {
                    addr: *addr,
                    trust_proxy: *trust_proxy,
                    browser_limit: *browser_limit,
                };
                crate::serve::serve(store, options).await
            }
            Some(Command::Migrate) => {
                let store = self.open_store().await?;
                println!("Database is up to date ({}).", store.kind());
                store.close().await;
                Ok(())
            }
            Some(Command::Demo { leads, seed }) => {
                let store = self.open_store().await?;
                let started = std::time::Instant::now();
                app::leads::demo::fill(&store, *leads, *seed).await?;
                println!(
                    "Added {leads} demo leads in {:.1} s.",
                    started.elapsed().as_secs_f64()
                );
                store.close().await;
                Ok(())
            }
            Some(Command::Export {
                out,
                status,
                query,
                bom,
            }) => {
                let store = self.open_store().await?;
                let args = crate::export::ExportArgs {
                    out: out.clone(),
                    status: status.clone(),
                    query: query.clone(),
                    bom: *bom,
                };
                let result = crate::export::run(&store, args).await;
                store.close().await;
                result
            }
            Some(Command::Backup { file }) => {
                let url = self.database_url()?;
                // Opening a missing SQLite file would create an empty one
                // and back that up.
                if let Some(path) = sqlite_path(&url) {
                    anyhow::ensure!(
                        path.exists(),
                        "there is no database at {} to back up",
                        path.display()
                    );
                }
                let store = Store::connect(&url).await?;
                let started = std::time::Instant::now();
                let result = store.backup_into(file).await;
                store.close().await;
                let leads = result?;
                let bytes = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
                println!(
                    "Backed up {leads} leads to {} ({:.1} MB) in {:.1} s.",
                    file.display(),
                    bytes as f64 / 1e6,
                    started.elapsed().as_secs_f64()
                );
                Ok(())
            }
            Some(Command::User(command)) => {
                let store = self.open_store().await?;
                let result = crate::users::run(&store, command).await;
                store.close().await;
                result
            }
        }
    }
}

/// The file an `sqlite:` URL names (without its `?options`), if it is one.
fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// The sqlx URL of an SQLite file.
pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}
