//! The `leadline` binary as an operator uses it.

use std::process::Command;

fn leadline() -> Command {
    Command::new(env!("CARGO_BIN_EXE_leadline"))
}

#[test]
fn help_explains_every_command() {
    let out = leadline().arg("--help").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    for word in [
        "serve",
        "migrate",
        "demo",
        "--database-url",
        "DATABASE_URL",
        "--data-dir",
    ] {
        assert!(text.contains(word), "--help should mention {word}:\n{text}");
    }
}

#[test]
fn an_unreachable_database_stops_start_up_with_a_clear_message() {
    let out = leadline()
        .args([
            "migrate",
            "--database-url",
            "postgres://leadline:hunter2@127.0.0.1:1/leadline",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot open the database"), "{err}");
    assert!(
        !err.contains("hunter2"),
        "the password must not be printed: {err}"
    );
}

#[test]
fn migrate_and_demo_create_the_default_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = leadline()
        .args(["demo", "--leads", "25", "--data-dir"])
        .arg(dir.path().join("data"))
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Added 25 demo leads"));
    assert!(dir.path().join("data/leadline.db").exists());
}

#[test]
fn a_database_from_a_newer_leadline_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new.db");
    let url = format!("sqlite://{}", db.display());
    assert!(leadline()
        .args(["migrate", "--database-url", &url])
        .status()
        .unwrap()
        .success());
    let conn = std::process::Command::new("sqlite3").arg(&db).arg(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) \
         VALUES (99990101000000, 'future', CURRENT_TIMESTAMP, 1, x'00', 0);",
    ).status();
    if !conn.map(|s| s.success()).unwrap_or(false) {
        eprintln!("sqlite3 command-line tool not installed; skipping the newer-schema check");
        return;
    }
    let out = leadline()
        .args(["migrate", "--database-url", &url])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("newer than this version of Leadline"));
}

#[test]
fn a_missing_postgres_database_is_created_on_first_start() {
    let admin = std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let (base, _) = admin.rsplit_once('/').expect("URL with a database name");
    let name = format!("leadline_cli_{}", std::process::id());
    let url = format!("{base}/{name}");
    let out = leadline()
        .args(["demo", "--leads", "3", "--database-url", &url])
        .output()
        .unwrap();
    let dropped = Command::new("psql")
        .args([
            admin.as_str(),
            "-qc",
            &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        ])
        .status();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Added 3 demo leads"));
    assert!(
        dropped.map(|s| s.success()).unwrap_or(false),
        "could not drop {name}"
    );
}
