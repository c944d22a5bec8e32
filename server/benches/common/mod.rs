//! What the benchmarks share: generated leads at scale (in SQL, a few
//! seconds per hundred thousand), a signed-in administrator, a database of
//! each kind to run in, and the statistics.
#![allow(dead_code)] // Each benchmark uses its own part.

use std::{future::Future, time::Instant};

use app::store::Store;

pub mod load;

pub fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

const FIRST: &str = "'Ada','Grace','Linus','Alan','Barbara','Ken','Dennis','Margaret','Jürgen','Siobhán','Zoë','François','Mei','Arjun'";
const LAST: &str = "'Lovelace','Hopper','Torvalds','Turing','Liskov','Thompson','Ritchie','Hamilton','Müller','O''Brien','Ångström','Weiß','Chen','Patel'";
const COMPANY: &str = "'Acme','Globex','Initech','Umbrella','Hooli','Stark','Wayne','Wonka','Cyberdyne','Soylent','Tyrell','Aperture','Vandelay'";
const CITY: &str =
    "'Berlin','Paris','London','New York','Austin','Tokyo','Sydney','Toronto','Madrid','Stockholm'";
const COUNTRY: &str = "'DE','FR','GB','US','US','JP','AU','CA','ES','SE'";

/// Fills `leads` and their children with `n` generated leads.
pub async fn fill(store: &Store, n: usize) {
    let started = Instant::now();
    // Element i (0-based, cycling) of a list, per backend.
    let (pick, series, ts): (fn(&str, &str) -> String, String, String) = match store {
        Store::Sqlite(_) => (
            |list, i| format!("json_extract(json_array({list}), '$[' || (({i}) % json_array_length(json_array({list}))) || ']')"),
            format!("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) SELECT i FROM s"),
            "strftime('%Y-%m-%dT%H:%M:%f+00:00', 1735689600 + i * 29, 'unixepoch')".into(),
        ),
        Store::Postgres(_) => (
            |list, i| format!("(ARRAY[{list}])[1 + (({i}) % cardinality(ARRAY[{list}]))]"),
            format!("SELECT i FROM generate_series(1, {n}) AS s(i)"),
            "to_timestamp(1735689600 + i * 29)".into(),
        ),
    };
    let first = pick(FIRST, "i");
    let last = pick(LAST, "i / 7");
    let company = pick(COMPANY, "i / 3");
    let leads = format!(
        "INSERT INTO leads (id, name, status, first_name, last_name, job_title, company_name, \
         website, number_of_employees, industry, source_id, owner_id, notes, created_at, \
         updated_at, version) \
         SELECT i, {company} || ' ' || (i % 101) || ' - inquiry ' || i, \
         CASE i % 9 WHEN 0 THEN 'canceled' WHEN 1 THEN 'qualified' WHEN 2 THEN 'qualified' ELSE 'new' END, \
         {first}, {last}, {title}, {company} || ' ' || (i % 101), \
         CASE WHEN i % 5 < 3 THEN 'https://' || lower({company}) || '.example' END, \
         CASE WHEN i % 10 < 7 THEN ((i % 50000) * 7919) % 50000 END, {industry}, \
         CASE WHEN i % 8 < 7 THEN 1 + i % 7 END, NULL, \
         CASE WHEN i % 5 = 0 THEN 'Met at the fair; wants a demo, \"soon\"' END, {ts}, {ts}, 1 \
         FROM ({series}) AS g",
        title = pick("'CEO','CTO','Buyer','Engineer','Manager'", "i"),
        industry = pick("'Software','Manufacturing','Energy','Retail','Finance'", "i"),
    );
    let emails = "INSERT INTO lead_emails (lead_id, position, email, is_primary) \
         SELECT id, 0, 'lead.' || id || '@' || lower(replace(company_name, ' ', '')) || '.example', TRUE FROM leads";
    let emails2 = "INSERT INTO lead_emails (lead_id, position, email, is_primary) \
         SELECT id, 1, 'alt.' || id || '@mail.example', FALSE FROM leads WHERE id % 3 = 0";
    let phones = "INSERT INTO lead_phones (lead_id, position, phone, phone_key, is_primary) \
         SELECT id, 0, '+1 555 ' || (1000000 + id), '+1555' || (1000000 + id), TRUE FROM leads";
    let addresses = format!(
        "INSERT INTO lead_addresses (lead_id, position, street, city, postal_code, country, is_primary) \
         SELECT id, 0, (id % 999) || ' Main St', {city}, '' || (10000 + id % 89999), {country}, TRUE FROM leads",
        city = pick(CITY, "id"),
        country = pick(COUNTRY, "id"),
    );
    let tags = "INSERT INTO lead_tags (lead_id, position, tag) \
         SELECT id, 0, 'trade show' FROM leads WHERE id % 4 = 0";
    for sql in [
        leads.as_str(),
        emails,
        emails2,
        phones,
        &addresses,
        tags,
        "ANALYZE",
    ] {
        match store {
            Store::Sqlite(pool) => {
                sqlx::query(sql).execute(pool).await.expect(sql);
            }
            Store::Postgres(pool) => {
                sqlx::query(sql).execute(pool).await.expect(sql);
            }
        }
    }
    if let Store::Postgres(pool) = store {
        sqlx::query(
            "SELECT setval(pg_get_serial_sequence('leads', 'id'), (SELECT max(id) FROM leads))",
        )
        .execute(pool)
        .await
        .expect("sequence");
        sqlx::query("VACUUM ANALYZE")
            .execute(pool)
            .await
            .expect("vacuum");
    }
    eprintln!(
        "({n} leads generated in {:.1} s)",
        started.elapsed().as_secs_f64()
    );
}

/// Adds a user (in team `team`, when given) and a session for them:
/// their id and the session cookie.
pub async fn user_session(
    store: &Store,
    username: &str,
    role: &str,
    team: Option<i64>,
) -> (i64, String) {
    use app::users::{model, store as users};
    let user = model::ValidUser::parse(&model::UserForm {
        username: username.into(),
        display_name: username.into(),
        role: role.into(),
        team_id: team.map(|t| t.to_string()).unwrap_or_default(),
        ..Default::default()
    })
    .expect("valid user");
    let id = users::insert_user(store, &user, None).await.expect("user");
    (id, new_session(store, id).await)
}

/// A new session cookie for user `id`.
pub async fn new_session(store: &Store, id: i64) -> String {
    use app::users::{auth, store as users};
    let (token, hash) = auth::new_session_token();
    let now = auth::unix_now();
    users::insert_session(store, &hash, id, now, now + auth::SESSION_SECONDS)
        .await
        .expect("session");
    format!("{}={token}", auth::COOKIE)
}

/// An administrator, `bench-admin`, and a session cookie for them.
pub async fn admin_session(store: &Store) -> String {
    user_session(store, "bench-admin", "admin", None).await.1
}

/// Writes the searchable text of the generated leads (what the app writes
/// with every lead: name, first and last name, company and emails,
/// lower-cased, one per line; the phones' digits) in one statement, and
/// spreads them over the owners `first_owner ..= first_owner + owners - 1`
/// (none when `owners` is 0).
pub async fn fill_search(store: &Store, first_owner: i64, owners: i64) {
    let started = Instant::now();
    let (agg, nl) = match store {
        Store::Sqlite(_) => ("group_concat(e.email, char(10))", "char(10)"),
        Store::Postgres(_) => (
            "string_agg(e.email, chr(10) ORDER BY e.position)",
            "chr(10)",
        ),
    };
    let sql = format!(
        "UPDATE leads SET search_text = lower(name || {nl} || first_name || {nl} || last_name \
         || {nl} || company_name || {nl} || (SELECT {agg} FROM lead_emails e WHERE e.lead_id = leads.id)), \
         phone_text = '1555' || (1000000 + id), \
         owner_id = {owner}",
        owner = if owners > 0 {
            format!("{first_owner} + id % {owners}")
        } else {
            "owner_id".into()
        }
    );
    match store {
        Store::Sqlite(pool) => {
            sqlx::query(&sql).execute(pool).await.expect("search text");
            sqlx::query("ANALYZE").execute(pool).await.expect("analyze");
        }
        Store::Postgres(pool) => {
            sqlx::query(&sql).execute(pool).await.expect("search text");
            sqlx::query("VACUUM ANALYZE")
                .execute(pool)
                .await
                .expect("vacuum");
        }
    }
    eprintln!(
        "(searchable text written in {:.1} s)",
        started.elapsed().as_secs_f64()
    );
}

/// Runs `bench` on a fresh SQLite file and a fresh PostgreSQL database
/// (as `BENCH_DATABASES` says), passing the kind's name, the store and
/// its target (the file's path or the database's URL); removes both after.
pub async fn each_database<F, Fut>(mut bench: F)
where
    F: FnMut(&'static str, Store, String) -> Fut,
    Fut: Future<Output = ()>,
{
    let databases = std::env::var("BENCH_DATABASES").unwrap_or_else(|_| "sqlite,postgres".into());
    if databases.contains("sqlite") {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("bench.db");
        let url = format!("sqlite://{}", path.display());
        let store = Store::connect(&url).await.expect("sqlite");
        bench("SQLite", store, path.display().to_string()).await;
    }
    if databases.contains("postgres") {
        let admin = std::env::var("TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let name = format!("leadline_bench_{}", std::process::id());
        let admin_store = Store::connect(&admin).await.expect("postgres admin");
        let Store::Postgres(admin_pool) = &admin_store else {
            panic!("TEST_POSTGRES_URL must be postgres://")
        };
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(admin_pool)
            .await
            .expect("create db");
        let (base, _) = admin.rsplit_once('/').expect("URL with a database");
        let url = format!("{base}/{name}");
        bench(
            "PostgreSQL",
            Store::connect(&url).await.expect("postgres"),
            url.clone(),
        )
        .await;
        sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .execute(admin_pool)
            .await
            .expect("drop db");
    }
}

/// The list request's sort parameters for a sort code (`-created`).
pub fn sort_params(code: &str) -> String {
    let (descending, column) = match code.strip_prefix('-') {
        Some(c) => (true, c),
        None => (false, code),
    };
    let column = app::leads::grid::GridColumn::ALL
        .into_iter()
        .find(|c| c.code() == column)
        .expect("a column code");
    let name = serde_json::to_value(column).expect("column");
    format!(
        "page[sort][column]={}&page[sort][descending]={descending}",
        name.as_str().expect("a unit variant")
    )
}

/// Form-encodes `text`.
pub fn enc(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The median of `v`.
pub fn median(v: Vec<f64>) -> f64 {
    percentile(v, 0.5)
}

/// The `p` quantile of `v` (nearest rank).
pub fn percentile(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    let rank = ((p * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}
