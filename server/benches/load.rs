//! `make load`: signed-in users working at once against real `leadline
//! serve` processes over TCP — one instance on an SQLite file, and two
//! instances on one PostgreSQL database behind a round-robin balancer (this
//! program), one of which is restarted in the middle of the run the way an
//! operator rolls out a new version: taken out of the rotation, sent
//! SIGTERM, started again, put back once `/readyz` answers.
//!
//! Every user signs in as one of 20 reps (or, one in ten, their manager)
//! and repeats, with a pause to think between actions: filter the list
//! (text, status, country, source, under several sorts, half of the
//! time with the counts per status), open a lead from the list, create a
//! lead, edit one of their own, qualify one of their own (wizard start and
//! confirm), export a filtered view as CSV.
//!
//! A request is an error when its answer is not a success or the
//! connection broke after the server took it. A connection the server
//! never took (an instance that is down) is tried on the next instance,
//! as a balancer does, and counted apart.
//!
//! Environment: `LOAD_USERS` (200), `LOAD_SECONDS` (60), `LOAD_LEADS`
//! (20000 generated before the run), `LOAD_THINK_MS` (mean pause between
//! one user's actions, 1000; each pause is drawn from half to one and a
//! half times it), `LOAD_RESTART` (1: roll the second instance),
//! `BENCH_DATABASES` (`sqlite,postgres`), `TEST_POSTGRES_URL`.

mod common;
use common::{
    each_database,
    load::{run, Settings},
};

#[tokio::main]
async fn main() {
    println!("| database | action | kind | requests | errors | median ms | p99 ms | per second |");
    println!("|---|---|---|---:|---:|---:|---:|---:|");
    let settings = Settings::from_env();
    each_database(|kind, store, target| {
        let settings = settings.clone();
        async move { run(kind, store, target, &settings).await.print() }
    })
    .await;
}
