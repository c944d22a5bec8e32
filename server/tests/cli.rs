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

/// Runs `leadline ARGS` on the data directory `dir`, feeding `stdin`.
fn run_with_input(dir: &std::path::Path, args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write as _;
    let mut child = leadline()
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .env_remove("DATABASE_URL")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn users_are_added_from_the_command_line_with_a_password_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let add = run_with_input(
        dir.path(),
        &[
            "user",
            "add",
            "alice",
            "--role",
            "manager",
            "--team",
            "North",
            "--password-stdin",
        ],
        "a long enough password\n",
    );
    assert!(
        add.status.success(),
        "{}",
        String::from_utf8_lossy(&add.stderr)
    );
    assert!(String::from_utf8_lossy(&add.stdout).contains("Added manager alice"));

    let again = run_with_input(
        dir.path(),
        &["user", "add", "ALICE", "--password-stdin"],
        "another password\n",
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("This username is taken"));

    let short = run_with_input(
        dir.path(),
        &["user", "add", "bob", "--password-stdin"],
        "short\n",
    );
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 10 characters"));

    let list = run_with_input(dir.path(), &["user", "list"], "");
    let text = String::from_utf8_lossy(&list.stdout);
    assert!(
        text.contains("alice") && text.contains("manager") && text.contains("North"),
        "{text}"
    );
    assert!(!text.contains("bob"), "{text}");
}

#[test]
fn the_first_run_creates_an_admin_with_a_password_shown_once() {
    use std::io::{BufRead as _, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let port = 20_000 + std::process::id() % 20_000;
    let serve = |dir: &std::path::Path| {
        leadline()
            .args([
                "serve",
                "--addr",
                &format!("127.0.0.1:{port}"),
                "--data-dir",
            ])
            .arg(dir)
            .env_remove("DATABASE_URL")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    // Reads stdout until the server says it is listening (or exits).
    let first_lines = |child: &mut std::process::Child| {
        let mut lines = Vec::new();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while out.read_line(&mut line).unwrap_or(0) > 0 {
            lines.push(std::mem::take(&mut line));
            if lines.iter().any(|l| l.contains("└")) || lines.len() > 20 {
                break;
            }
        }
        lines.concat()
    };
    let mut first = serve(dir.path());
    let text = first_lines(&mut first);
    first.kill().unwrap();
    first.wait().unwrap();
    assert!(text.contains("username: admin"), "{text}");
    let password = text
        .lines()
        .find_map(|l| l.split("password: ").nth(1))
        .map(|p| p.trim_end_matches(['│', ' ']).trim().to_string())
        .expect("a password line");
    assert_eq!(password.len(), 20, "{password:?}");

    // The second start does not make (or show) another.
    let mut second = serve(dir.path());
    std::thread::sleep(std::time::Duration::from_secs(2));
    second.kill().unwrap();
    let rest = second.wait_with_output().unwrap();
    assert!(!String::from_utf8_lossy(&rest.stdout).contains("password:"));
    let list = run_with_input(dir.path(), &["user", "list"], "");
    let users = String::from_utf8_lossy(&list.stdout);
    assert_eq!(users.matches("admin").count(), 2, "one admin user: {users}");
}

/// The `Id` column of a CSV export, as numbers.
fn exported_ids(csv_text: &[u8]) -> Vec<i64> {
    let mut reader = csv::Reader::from_reader(csv_text);
    let at = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "Id")
        .expect("the export has an Id column");
    let mut ids: Vec<i64> = reader
        .records()
        .map(|r| r.unwrap()[at].parse().unwrap())
        .collect();
    ids.sort_unstable();
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_leads_are_written_restores_to_a_whole_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = leadline()
        .args(["demo", "--leads", "2000", "--data-dir"])
        .arg(&data)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Leads keep arriving, in batches of 100 (each one transaction), while
    // the backup is taken: as they would while the app serves.
    let db = data.join("leadline.db");
    let store = app::store::Store::connect(&leadline::cli::sqlite_url(&db))
        .await
        .unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (store, stop) = (store.clone(), stop.clone());
        tokio::spawn(async move {
            let mut seed = 1000;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                app::leads::demo::fill(&store, 100, seed).await.unwrap();
                seed += 1;
            }
            seed - 1000
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let backup = dir.path().join("backup.db");
    let out = {
        let (data, backup) = (data.clone(), backup.clone());
        tokio::task::spawn_blocking(move || {
            leadline()
                .arg("backup")
                .arg(&backup)
                .arg("--data-dir")
                .arg(&data)
                .env_remove("DATABASE_URL")
                .output()
                .unwrap()
        })
        .await
        .unwrap()
    };
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let batches = writer.await.unwrap();
    assert!(
        batches >= 2,
        "leads were written during the backup ({batches} batches)"
    );
    store.close().await;
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Restored the documented way: the copy in place of the database file
    // of a stopped Leadline.
    let restored = dir.path().join("restored");
    std::fs::create_dir_all(&restored).unwrap();
    std::fs::copy(&backup, restored.join("leadline.db")).unwrap();
    let export = |data: &std::path::Path| {
        let out = leadline()
            .arg("export")
            .arg("--data-dir")
            .arg(data)
            .env_remove("DATABASE_URL")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        exported_ids(&out.stdout)
    };
    let in_backup = export(&restored);
    let in_source = export(&data);
    assert!(
        said.contains(&format!("Backed up {} leads", in_backup.len())),
        "the backup reports what the restored copy holds: {said}"
    );
    // One snapshot: every lead committed before it and none after (ids are
    // handed out in commit order), whole 100-lead batches only.
    let last = *in_backup.last().unwrap();
    let expected: Vec<i64> = in_source.iter().copied().filter(|&id| id <= last).collect();
    assert_eq!(in_backup, expected);
    assert_eq!(
        (in_backup.len() - 2000) % 100,
        0,
        "{} leads",
        in_backup.len()
    );
    assert!(
        in_source.len() > in_backup.len(),
        "writes went on after the snapshot"
    );

    // A backup never overwrites a file; a missing database is not backed up.
    let again = leadline()
        .arg("backup")
        .arg(&backup)
        .arg("--data-dir")
        .arg(&data)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let missing = leadline()
        .arg("backup")
        .arg(dir.path().join("other.db"))
        .arg("--data-dir")
        .arg(dir.path().join("nowhere"))
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("there is no database"),
        "{}",
        String::from_utf8_lossy(&missing.stderr)
    );
}
