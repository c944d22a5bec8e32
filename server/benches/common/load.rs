//! The load harness behind `make load` (and, short, a test of `make
//! test`): signed-in users working at once against real `leadline serve`
//! processes over TCP. See `benches/load.rs` for what a run does.
use std::{
    collections::BTreeMap,
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use app::{leads::qualify::QualifyStart, store::Store};
use rand::{rngs::SmallRng, Rng, SeedableRng};

use super::{
    enc, env_usize, fill, fill_search, median, new_session, percentile, sort_params, user_session,
};

/// Reps the generated leads are spread over.
const REPS: i64 = 20;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Op {
    List,
    View,
    QualifyStart,
    Export,
    Create,
    Edit,
    Qualify,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::List => "filter the list (50 rows)",
            Op::View => "open a lead page",
            Op::QualifyStart => "start qualifying",
            Op::Export => "export a filtered view",
            Op::Create => "create a lead",
            Op::Edit => "edit a lead",
            Op::Qualify => "qualify a lead",
        }
    }

    fn is_write(self) -> bool {
        matches!(self, Op::Create | Op::Edit | Op::Qualify)
    }
}

/// How often each action is chosen (qualifying also starts the wizard).
const MIX: [(Op, u32); 6] = [
    (Op::List, 40),
    (Op::View, 25),
    (Op::Create, 12),
    (Op::Edit, 12),
    (Op::Qualify, 5),
    (Op::Export, 6),
];

const FILTERS: [(&str, &str); 8] = [
    ("", "-created"),
    ("status=new", "-created"),
    ("q=acme", "-created"),
    ("q=globex&status=qualified", "name"),
    ("country=DE", "-created"),
    ("q=ada+hopper", "-created"),
    ("source=3&status=new", "-updated"),
    ("q=load", "company"),
];

/// One running `leadline serve`.
struct Instance {
    addr: String,
    database_url: String,
    log: PathBuf,
    child: Mutex<Option<Child>>,
    /// In the balancer's rotation.
    live: AtomicBool,
}

impl Instance {
    fn spawn(&self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("log file");
        let child = Command::new(env!("CARGO_BIN_EXE_leadline"))
            .args(["--database-url", &self.database_url, "--log-json"])
            .args(["serve", "--addr", &self.addr])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("leadline serve");
        *self.child.lock().unwrap() = Some(child);
    }

    async fn wait_ready(&self, client: &reqwest::Client) {
        let started = Instant::now();
        loop {
            if let Ok(res) = client
                .get(format!("http://{}/readyz", self.addr))
                .send()
                .await
            {
                if res.status().is_success() {
                    return;
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "{} did not become ready",
                self.addr
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Sends SIGTERM and waits for the process to end; how long it took.
    async fn stop(&self) -> Duration {
        let Some(mut child) = self.child.lock().unwrap().take() else {
            return Duration::ZERO;
        };
        let started = Instant::now();
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        tokio::task::spawn_blocking(move || child.wait())
            .await
            .expect("join")
            .expect("wait");
        started.elapsed()
    }
}

/// Round robin over the instances in rotation.
struct Balancer {
    instances: Vec<Instance>,
    next: AtomicUsize,
    /// Connections no instance took, tried again on the next one.
    retried: AtomicUsize,
}

impl Balancer {
    fn pick(&self) -> &Instance {
        loop {
            let n = self.next.fetch_add(1, Ordering::Relaxed);
            let instance = &self.instances[n % self.instances.len()];
            if instance.live.load(Ordering::Relaxed) {
                return instance;
            }
        }
    }

    /// Sends the request `build` makes for an instance's base URL.
    async fn send(
        &self,
        build: impl Fn(&str) -> reqwest::RequestBuilder,
    ) -> Result<(u16, Vec<u8>), String> {
        for _ in 0..5 {
            let base = format!("http://{}", self.pick().addr);
            match build(&base).header("origin", &base).send().await {
                Ok(res) => {
                    let status = res.status().as_u16();
                    return match res.bytes().await {
                        Ok(body) => Ok((status, body.to_vec())),
                        Err(err) => Err(format!("reading the answer: {err}")),
                    };
                }
                Err(err) if err.is_connect() => {
                    self.retried.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Err(err) => return Err(format!("{err}")),
            }
        }
        Err("no instance took the connection".into())
    }
}

#[derive(Default)]
struct Stats {
    times: BTreeMap<Op, Vec<f64>>,
    errors: BTreeMap<Op, usize>,
    samples: Vec<String>,
}

/// One signed-in user.
struct User {
    cookie: String,
    rng: SmallRng,
    /// Lead ids from the last list answer.
    seen: Vec<i64>,
    /// Leads this user created: id, version, qualified.
    own: Vec<(i64, i64, bool)>,
    made: usize,
    name: String,
}

async fn act(balancer: &Balancer, client: &reqwest::Client, user: &mut User, stats: &Mutex<Stats>) {
    let roll = user
        .rng
        .gen_range(0..MIX.iter().map(|(_, w)| w).sum::<u32>());
    let mut op = MIX
        .iter()
        .scan(0, |acc, (op, w)| {
            *acc += w;
            Some((*op, *acc))
        })
        .find(|(_, upto)| roll < *upto)
        .map(|(op, _)| op)
        .unwrap();
    let open: Vec<usize> = (0..user.own.len()).filter(|&i| !user.own[i].2).collect();
    if matches!(op, Op::Edit | Op::Qualify) && open.is_empty() {
        op = Op::Create;
    }
    if op == Op::View && user.seen.is_empty() {
        op = Op::List;
    }
    let cookie = user.cookie.clone();
    let form = |path: &str, body: String| {
        let (path, cookie) = (path.to_owned(), cookie.clone());
        move |base: &str| {
            client
                .post(format!("{base}{path}"))
                .header("cookie", &cookie)
                .header("accept", "application/json")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body.clone())
        }
    };
    let record = |op: Op, took: Duration, outcome: &Result<(u16, Vec<u8>), String>| {
        let mut stats = stats.lock().unwrap();
        stats
            .times
            .entry(op)
            .or_default()
            .push(took.as_secs_f64() * 1000.0);
        let problem = match outcome {
            Ok((status, _)) if (200..400).contains(status) => None,
            Ok((status, body)) => Some(format!(
                "{}: {status} {}",
                op.name(),
                String::from_utf8_lossy(&body[..body.len().min(200)])
            )),
            Err(err) => Some(format!("{}: {err}", op.name())),
        };
        if let Some(problem) = problem {
            *stats.errors.entry(op).or_default() += 1;
            if stats.samples.len() < 10 {
                stats.samples.push(problem);
            }
        }
    };
    let json = |outcome: &Result<(u16, Vec<u8>), String>| match outcome {
        Ok((200, body)) => serde_json::from_slice::<serde_json::Value>(body).ok(),
        _ => None,
    };
    let started = Instant::now();
    match op {
        Op::List => {
            let (filter, sort) = FILTERS[user.rng.gen_range(0..FILTERS.len())];
            let counts = if user.rng.gen_bool(0.5) {
                "&page[with_counts]=true"
            } else {
                ""
            };
            let body = format!(
                "page[limit]=50&{}&filter={}{counts}",
                sort_params(sort),
                enc(filter)
            );
            let outcome = balancer.send(form("/api/leads/list", body)).await;
            record(op, started.elapsed(), &outcome);
            if let Some(page) = json(&outcome) {
                user.seen = page["rows"]
                    .as_array()
                    .map(|rows| rows.iter().filter_map(|r| r["id"].as_i64()).collect())
                    .unwrap_or_default();
            }
        }
        Op::View => {
            let id = user.seen[user.rng.gen_range(0..user.seen.len())];
            let outcome = balancer
                .send(|base| {
                    client
                        .get(format!("{base}/leads/{id}"))
                        .header("cookie", &cookie)
                        .header("accept", "text/html")
                })
                .await;
            record(op, started.elapsed(), &outcome);
        }
        Op::Export => {
            let (filter, sort) = FILTERS[user.rng.gen_range(1..FILTERS.len())];
            let query = format!("{filter}&sort={}", enc(sort));
            let outcome = balancer
                .send(|base| {
                    client
                        .get(format!("{base}/leads/export.csv?{query}"))
                        .header("cookie", &cookie)
                })
                .await;
            record(op, started.elapsed(), &outcome);
        }
        Op::Create => {
            user.made += 1;
            let body = format!(
                "form[name]={}&form[company_name]=Load+Co+{}&form[first_name]=Ada&form[last_name]=Loadtest&form[job_title]=Buyer",
                enc(&format!("Load {} {}", user.name, user.made)),
                user.made % 50
            );
            let outcome = balancer.send(form("/api/leads/create", body)).await;
            record(op, started.elapsed(), &outcome);
            if let Some(saved) = json(&outcome) {
                if let (Some(id), Some(version)) = (saved["id"].as_i64(), saved["version"].as_i64())
                {
                    user.own.push((id, version, false));
                }
            }
        }
        Op::Edit => {
            let at = open[user.rng.gen_range(0..open.len())];
            let (id, version, _) = user.own[at];
            user.made += 1;
            let body = format!(
                "id={id}&version={version}&form[name]={}&form[company_name]=Load+Co+{}&form[first_name]=Ada&form[last_name]=Loadtest&form[job_title]=Head+buyer",
                enc(&format!("Load {} {} (edited)", user.name, user.made)),
                user.made % 50
            );
            let outcome = balancer.send(form("/api/leads/update", body)).await;
            record(op, started.elapsed(), &outcome);
            if let Some(saved) = json(&outcome) {
                if let Some(version) = saved["version"].as_i64() {
                    user.own[at].1 = version;
                }
            }
        }
        Op::Qualify | Op::QualifyStart => {
            let at = open[user.rng.gen_range(0..open.len())];
            let id = user.own[at].0;
            let outcome = balancer
                .send(form("/api/leads/qualify_start", format!("id={id}")))
                .await;
            record(Op::QualifyStart, started.elapsed(), &outcome);
            let Some(start) =
                json(&outcome).and_then(|v| serde_json::from_value::<QualifyStart>(v).ok())
            else {
                return;
            };
            let body = serde_json::json!({ "request": start.initial_request() }).to_string();
            let started = Instant::now();
            let outcome = balancer
                .send(|base| {
                    client
                        .post(format!("{base}/api/leads/qualify"))
                        .header("cookie", &cookie)
                        .header("accept", "application/json")
                        .header("content-type", "application/json")
                        .body(body.clone())
                })
                .await;
            record(Op::Qualify, started.elapsed(), &outcome);
            if matches!(outcome, Ok((200, _))) {
                user.own[at].2 = true;
            }
        }
    }
}

fn free_addr() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("a free port")
        .local_addr()
        .expect("address")
        .port();
    format!("127.0.0.1:{port}")
}

/// How big a run is.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Users working at once.
    pub users: usize,
    /// How long they work.
    pub seconds: u64,
    /// Leads generated before the run.
    pub leads: usize,
    /// Mean pause between one user's actions.
    pub think_ms: u64,
    /// Roll the second instance halfway (PostgreSQL).
    pub roll: bool,
}

impl Settings {
    /// From the `LOAD_*` environment variables (see `make load`).
    pub fn from_env() -> Self {
        Self {
            users: env_usize("LOAD_USERS", 200),
            seconds: env_usize("LOAD_SECONDS", 60) as u64,
            leads: env_usize("LOAD_LEADS", 20_000),
            think_ms: env_usize("LOAD_THINK_MS", 1000) as u64,
            roll: env_usize("LOAD_RESTART", 1) == 1,
        }
    }
}

/// One action's figures.
#[derive(Clone, Debug)]
pub struct Row {
    pub action: &'static str,
    pub write: bool,
    pub requests: usize,
    pub errors: usize,
    pub median_ms: f64,
    pub p99_ms: f64,
    pub per_second: f64,
}

/// What a run saw.
#[derive(Clone, Debug)]
pub struct Report {
    /// "SQLite, 1 instance" …
    pub setup: String,
    pub rows: Vec<Row>,
    pub users: usize,
    pub think_ms: u64,
    pub elapsed_s: f64,
    /// Connections no instance took, sent to the next one.
    pub retried: usize,
    /// `ERROR` lines in the servers' logs.
    pub logged_errors: usize,
    /// The rolling restart: when, how long the SIGTERM took, how long the
    /// instance was out of rotation.
    pub restart: Option<(Duration, Duration, Duration)>,
    /// The first errors, as said.
    pub samples: Vec<String>,
}

impl Report {
    /// Requests that failed, every action together.
    pub fn errors(&self) -> usize {
        self.rows.iter().map(|r| r.errors).sum()
    }

    /// Prints the table rows and the notes under them.
    pub fn print(&self) {
        for r in &self.rows {
            println!(
                "| {} | {} | {} | {} | {} | {:.1} | {:.1} | {:.1} |",
                self.setup,
                r.action,
                if r.write { "write" } else { "read" },
                r.requests,
                r.errors,
                r.median_ms,
                r.p99_ms,
                r.per_second
            );
        }
        println!(
            "({}: {} users for {:.1} s, pause {} ms on average; connections refused and sent to \
             the other instance: {}; ERROR lines in the server logs: {})",
            self.setup, self.users, self.elapsed_s, self.think_ms, self.retried, self.logged_errors
        );
        if let Some((at, stopping, back)) = self.restart {
            println!(
                "(rolling restart of instance 2 at {:.1} s: out of rotation, SIGTERM, exited after \
                 {:.2} s, serving again {:.1} s after it was taken out)",
                at.as_secs_f64(),
                stopping.as_secs_f64(),
                back.as_secs_f64()
            );
        }
        for sample in &self.samples {
            println!("  error: {sample}");
        }
    }
}

/// Runs the workload on `store` (an SQLite file at `target`, or the
/// PostgreSQL database at URL `target`): one instance on SQLite, two on
/// PostgreSQL.
pub async fn run(kind: &'static str, store: Store, target: String, settings: &Settings) -> Report {
    let Settings {
        users,
        seconds,
        leads,
        think_ms: think,
        roll,
    } = settings.clone();
    let database_url = match &store {
        Store::Sqlite(_) => format!("sqlite://{target}"),
        Store::Postgres(_) => target.clone(),
    };
    store.migrate().await.expect("migrate");
    fill(&store, leads).await;
    let team = app::users::store::insert_team(
        &store,
        &app::users::model::TeamName::parse("North").expect("team name"),
    )
    .await
    .expect("team");
    let mut reps = Vec::new();
    for n in 0..REPS {
        reps.push(
            user_session(&store, &format!("rep{n:02}"), "rep", Some(team))
                .await
                .0,
        );
    }
    let (manager, _) = user_session(&store, "manager", "manager", Some(team)).await;
    fill_search(&store, reps[0], REPS).await;
    let mut people = Vec::new();
    for n in 0..users {
        let id = if n % 10 == 9 {
            manager
        } else {
            reps[n % reps.len()]
        };
        people.push(User {
            cookie: new_session(&store, id).await,
            rng: SmallRng::seed_from_u64(n as u64),
            seen: Vec::new(),
            own: Vec::new(),
            made: 0,
            name: format!("u{n}"),
        });
    }
    store.close().await;

    let count = if kind == "SQLite" { 1 } else { 2 };
    let logs = tempfile::tempdir().expect("log dir");
    let balancer = Arc::new(Balancer {
        instances: (0..count)
            .map(|n| Instance {
                addr: free_addr(),
                database_url: database_url.clone(),
                log: logs.path().join(format!("instance-{n}.log")),
                child: Mutex::new(None),
                live: AtomicBool::new(true),
            })
            .collect(),
        next: AtomicUsize::new(0),
        retried: AtomicUsize::new(0),
    });
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    for instance in &balancer.instances {
        instance.spawn();
    }
    for instance in &balancer.instances {
        instance.wait_ready(&client).await;
    }

    let stats = Arc::new(Mutex::new(Stats::default()));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for mut user in people {
        let (balancer, client, stats) = (balancer.clone(), client.clone(), stats.clone());
        tasks.push(tokio::spawn(async move {
            // Users arrive over the first pause, not all at once.
            let first = user.rng.gen_range(0..think.max(1));
            tokio::time::sleep(Duration::from_millis(first)).await;
            while Instant::now() < deadline {
                act(&balancer, &client, &mut user, &stats).await;
                let pause = user.rng.gen_range(think / 2..=think + think / 2);
                tokio::time::sleep(Duration::from_millis(pause)).await;
            }
        }));
    }
    let restart = if roll && count > 1 {
        let balancer = balancer.clone();
        let client = client.clone();
        Some(tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(seconds / 2)).await;
            let instance = &balancer.instances[1];
            let at = started.elapsed();
            instance.live.store(false, Ordering::Relaxed);
            // The balancer sends it nothing new; what it has, it finishes.
            tokio::time::sleep(Duration::from_millis(500)).await;
            let stopping = instance.stop().await;
            instance.spawn();
            instance.wait_ready(&client).await;
            instance.live.store(true, Ordering::Relaxed);
            (at, stopping, started.elapsed() - at)
        }))
    } else {
        None
    };
    for task in tasks {
        task.await.expect("user");
    }
    let elapsed = started.elapsed().as_secs_f64();
    let restart = match restart {
        Some(task) => Some(task.await.expect("restart")),
        None => None,
    };
    for instance in &balancer.instances {
        instance.stop().await;
    }
    let logged_errors: usize = balancer
        .instances
        .iter()
        .map(|i| {
            std::fs::read_to_string(&i.log)
                .unwrap_or_default()
                .lines()
                .filter(|l| l.contains("\"level\":\"ERROR\""))
                .count()
        })
        .sum();

    let stats = std::mem::take(&mut *stats.lock().unwrap());
    let setup = if count == 1 {
        format!("{kind}, 1 instance")
    } else {
        format!("{kind}, {count} instances")
    };
    let rows = stats
        .times
        .into_iter()
        .map(|(op, times)| Row {
            action: op.name(),
            write: op.is_write(),
            requests: times.len(),
            errors: stats.errors.get(&op).copied().unwrap_or(0),
            median_ms: median(times.clone()),
            p99_ms: percentile(times.clone(), 0.99),
            per_second: times.len() as f64 / elapsed,
        })
        .collect();
    Report {
        setup,
        rows,
        users,
        think_ms: think,
        elapsed_s: elapsed,
        retried: balancer.retried.load(Ordering::Relaxed),
        logged_errors,
        restart,
        samples: stats.samples,
    }
}
