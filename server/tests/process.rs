//! The `leadline` server as a process an operator runs: stopped with
//! SIGTERM while it works, killed with SIGKILL under writes, started again
//! on the same SQLite file. Requests go over real TCP (HTTP/1.0, so every
//! body ends where the connection does).

use std::{
    io::{Read as _, Write as _},
    net::{SocketAddr, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

const PASSWORD: &str = "correct-horse-battery";

fn leadline(data: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_leadline"));
    cmd.arg("--data-dir").arg(data).env_remove("DATABASE_URL");
    cmd
}

/// Runs a command to completion, failing the test with its output.
fn run(mut cmd: Command, stdin: &str) -> String {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A data directory with an admin `ada` (and so no generated password).
fn data_dir(leads: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut add = leadline(&data);
    add.args(["user", "add", "ada", "--role", "admin", "--password-stdin"]);
    run(add, &format!("{PASSWORD}\n"));
    if leads > 0 {
        let mut demo = leadline(&data);
        demo.args(["demo", "--leads", &leads.to_string()]);
        run(demo, "");
    }
    (dir, data)
}

/// A running `leadline serve`.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    /// Starts serving `data` on a free port and waits until it answers.
    fn start(data: &Path) -> Self {
        Self::start_with(leadline(data))
    }

    /// Starts `leadline serve` as `base` configures it, on a free port.
    fn start_with(mut base: Command) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let child = base
            .args(["serve", "--addr", &addr.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = Self { child, addr };
        let started = Instant::now();
        while server.try_get("/healthz").is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the server did not come up"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    fn pid(&self) -> String {
        self.child.id().to_string()
    }

    /// Sends `request` (without the Host line) and returns the connection.
    fn open(&self, head: &str, body: &str) -> std::io::Result<TcpStream> {
        let mut stream = TcpStream::connect(self.addr)?;
        stream.set_read_timeout(Some(Duration::from_secs(20)))?;
        write!(
            stream,
            "{head}\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len(),
            addr = self.addr
        )?;
        Ok(stream)
    }

    fn try_get(&self, path: &str) -> std::io::Result<Response> {
        let stream = self.open(&format!("GET {path} HTTP/1.0"), "")?;
        read_response(stream)
    }

    fn call(&self, path: &str, body: &str, cookie: &str) -> std::io::Result<Response> {
        let stream = self.open(
            &format!(
                "POST {path} HTTP/1.0\r\nCookie: {cookie}\r\nAccept: application/json\r\n\
                 Content-Type: application/x-www-form-urlencoded"
            ),
            body,
        )?;
        read_response(stream)
    }

    fn get(&self, path: &str, cookie: &str) -> Response {
        let stream = self
            .open(&format!("GET {path} HTTP/1.0\r\nCookie: {cookie}"), "")
            .unwrap();
        read_response(stream).unwrap()
    }

    /// Signs `ada` in; returns the session cookie.
    fn sign_in(&self) -> String {
        let res = self
            .call(
                "/api/auth/sign_in",
                &format!("form[username]=ada&form[password]={PASSWORD}&form[next]=/leads"),
                "",
            )
            .unwrap();
        assert_eq!(res.status, 200, "{}", res.text());
        let cookie = res
            .head
            .lines()
            .find_map(|l| l.strip_prefix("set-cookie: "))
            .expect("signing in sets a cookie");
        cookie.split(';').next().unwrap().to_owned()
    }

    /// Waits up to `limit` for the process to end.
    fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Response {
    status: u16,
    /// The status line and headers, header names in lower case.
    head: String,
    body: Vec<u8>,
}

impl Response {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Reads the status line and headers of a response.
fn read_head(stream: &mut TcpStream) -> std::io::Result<(u16, String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]);
            let head = head
                .lines()
                .map(|l| match l.split_once(':') {
                    Some((name, value)) => format!("{}:{value}", name.to_ascii_lowercase()),
                    None => l.to_owned(),
                })
                .collect::<Vec<_>>()
                .join("\n");
            let status = head
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            return Ok((status, head, buf[end + 4..].to_vec()));
        }
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn read_response(mut stream: TcpStream) -> std::io::Result<Response> {
    let (status, head, mut body) = read_head(&mut stream)?;
    stream.read_to_end(&mut body)?;
    Ok(Response { status, head, body })
}

/// The ids of every lead in the data directory, through the CLI export.
fn stored_ids(data: &Path) -> Vec<i64> {
    let mut export = leadline(data);
    export.arg("export");
    let csv_text = run(export, "");
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let at = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "Id")
        .unwrap();
    reader
        .records()
        .map(|r| r.unwrap()[at].parse().unwrap())
        .collect()
}

#[test]
fn sigterm_finishes_the_download_in_flight_ends_live_streams_and_exits_cleanly() {
    let (_dir, data) = data_dir(20_000);
    let mut server = Server::start(&data);
    let cookie = server.sign_in();

    // A list open in a browser: its live event stream never ends by itself.
    let mut events = server
        .open(
            &format!("GET /leads/events HTTP/1.0\r\nCookie: {cookie}"),
            "",
        )
        .unwrap();
    let (status, _, _) = read_head(&mut events).unwrap();
    assert_eq!(status, 200);

    // A large export under way, read slowly: most of it is still on the
    // server when the signal comes.
    let mut export = server
        .open(
            &format!("GET /leads/export.csv HTTP/1.0\r\nCookie: {cookie}"),
            "",
        )
        .unwrap();
    let (status, head, mut csv_bytes) = read_head(&mut export).unwrap();
    assert_eq!(status, 200, "{head}");
    let mut first = [0u8; 16 * 1024];
    let n = export.read(&mut first).unwrap();
    csv_bytes.extend_from_slice(&first[..n]);

    let term = Command::new("kill")
        .args(["-TERM", &server.pid()])
        .status()
        .unwrap();
    assert!(term.success());
    std::thread::sleep(Duration::from_millis(300));
    // No new connection is taken once the signal is in.
    assert!(
        server.try_get("/healthz").is_err(),
        "a stopping server takes no new requests"
    );

    // The export that was accepted is finished, every lead of it.
    export.read_to_end(&mut csv_bytes).unwrap();
    let mut rows = 0;
    for record in csv::Reader::from_reader(csv_bytes.as_slice()).records() {
        record.expect("the export ends with a whole record");
        rows += 1;
    }
    assert_eq!(rows, 20_000);

    // The event stream is ended, so it holds nothing open (it would
    // otherwise go on for ever: a keep-alive every 15 s).
    events
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut chunk = [0u8; 1024];
    loop {
        match events.read(&mut chunk) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e)
                if e.kind() == std::io::ErrorKind::WouldBlock
                    || e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(e) => panic!("the event stream failed instead of ending: {e}"),
        }
        assert!(
            Instant::now() < deadline,
            "the event stream was not ended by SIGTERM"
        );
    }

    let status = server
        .wait_exit(Duration::from_secs(15))
        .expect("the server exits after finishing its requests");
    assert!(status.success(), "{status:?}");
}

#[test]
fn kill_9_under_writes_loses_no_acknowledged_lead_and_the_app_starts_again() {
    let (_dir, data) = data_dir(0);
    let mut server = Server::start(&data);
    let cookie = server.sign_in();

    // Two clients create leads as fast as the server acknowledges them,
    // until the server is killed under them.
    let acknowledged = std::sync::Mutex::new(Vec::<i64>::new());
    let server_ref = &server;
    std::thread::scope(|scope| {
        for client in 0..2 {
            let (acknowledged, cookie) = (&acknowledged, &cookie);
            scope.spawn(move || {
                for n in 0.. {
                    let body = format!("form[name]=Crash+test+{client}-{n}");
                    let Ok(res) = server_ref.call("/api/leads/create", &body, cookie) else {
                        break;
                    };
                    if res.status != 200 {
                        break;
                    }
                    let v: serde_json::Value = serde_json::from_slice(&res.body).unwrap();
                    let id = v["id"].as_i64().or_else(|| v.as_i64()).expect("an id");
                    acknowledged.lock().unwrap().push(id);
                }
            });
        }
        std::thread::sleep(Duration::from_millis(1500));
        Command::new("kill")
            .args(["-KILL", &server_ref.pid()])
            .status()
            .unwrap();
    });
    server.wait_exit(Duration::from_secs(5));
    let acknowledged = acknowledged.into_inner().unwrap();
    assert!(
        acknowledged.len() >= 10,
        "only {} leads were written before the kill",
        acknowledged.len()
    );

    // Started again on the same file, it serves, and every lead it said
    // it saved is there.
    let again = Server::start(&data);
    assert_eq!(again.try_get("/readyz").unwrap().status, 200);
    let stored = stored_ids(&data);
    let lost: Vec<_> = acknowledged
        .iter()
        .filter(|id| !stored.contains(id))
        .collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    // The session survived too: a signed-in user goes on working.
    let res = again
        .call("/api/leads/create", "form[name]=After+the+crash", &cookie)
        .unwrap();
    assert_eq!(res.status, 200, "{}", res.text());
}

/// A fresh PostgreSQL database (created by the first `leadline` that opens
/// it), dropped at the end.
struct PgDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl PgDatabase {
    fn new() -> Self {
        let admin_url = std::env::var("TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let name = format!("leadline_proc_{}", uuid::Uuid::new_v4().simple());
        let (base, _) = admin_url.rsplit_once('/').unwrap();
        let url = format!("{base}/{name}");
        Self {
            admin_url,
            name,
            url,
        }
    }

    fn leadline(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_leadline"));
        cmd.args(["--database-url", &self.url]);
        cmd
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            if let Ok(pool) = sqlx::PgPool::connect(&self.admin_url).await {
                let _ = sqlx::query(&format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    self.name
                ))
                .execute(&pool)
                .await;
                pool.close().await;
            }
        });
    }
}

#[test]
fn two_instances_on_one_postgresql_database_share_sessions_and_live_changes() {
    let db = PgDatabase::new();
    let mut add = db.leadline();
    add.args(["user", "add", "ada", "--role", "admin", "--password-stdin"]);
    run(add, &format!("{PASSWORD}\n"));
    let a = Server::start_with(db.leadline());
    let b = Server::start_with(db.leadline());

    // Signed in on A, working on B: the session is the database's.
    let cookie = a.sign_in();
    let res = b
        .call("/api/leads/create", "form[name]=Made+on+B", &cookie)
        .unwrap();
    assert_eq!(res.status, 200, "{}", res.text());
    let v: serde_json::Value = serde_json::from_slice(&res.body).unwrap();
    let on_b = v["id"].as_i64().or_else(|| v.as_i64()).unwrap();
    let page = a.get(&format!("/leads/{on_b}"), &cookie);
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Made on B"));

    // A list open on B hears of a lead created through A.
    let mut events = b
        .open(
            &format!("GET /leads/events HTTP/1.0\r\nCookie: {cookie}"),
            "",
        )
        .unwrap();
    let (status, _, mut heard) = read_head(&mut events).unwrap();
    assert_eq!(status, 200);
    std::thread::sleep(Duration::from_millis(200));
    let created = Instant::now();
    let res = a
        .call("/api/leads/create", "form[name]=Made+on+A", &cookie)
        .unwrap();
    assert_eq!(res.status, 200, "{}", res.text());
    let v: serde_json::Value = serde_json::from_slice(&res.body).unwrap();
    let on_a = v["id"].as_i64().or_else(|| v.as_i64()).unwrap();
    let wanted = format!("{{\"changed\":[{on_a}]}}");
    events
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let mut chunk = [0u8; 1024];
    while !String::from_utf8_lossy(&heard).contains(&wanted) {
        assert!(
            created.elapsed() < Duration::from_secs(1),
            "B's event stream did not carry {wanted} within a second: {}",
            String::from_utf8_lossy(&heard)
        );
        match events.read(&mut chunk) {
            Ok(0) => panic!("B's event stream ended"),
            Ok(n) => heard.extend_from_slice(&chunk[..n]),
            Err(_) => {}
        }
    }
    drop((a, b));
}
