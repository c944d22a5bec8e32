//! `leadline export`: every lead (or those matching `--status` and
//! `--query`), all columns, as CSV to a file or standard output, with a
//! progress bar when standard error is a terminal. The same stream, rules
//! and audit record as the download in the app.

use std::{
    io::{IsTerminal as _, Write as _},
    path::{Path, PathBuf},
    sync::{atomic::AtomicU64, Arc},
    time::{Duration, Instant},
};

use anyhow::{bail, Context as _};
use app::{
    leads::{
        export::{run_export, ExportKind, ExportRequest},
        filter::LeadFilter,
        store::{self, ExportEnd},
    },
    store::Store,
    users::model::Scope,
};

/// What to export, as given on the command line.
pub struct ExportArgs {
    /// Output file (standard output when `None`).
    pub out: Option<PathBuf>,
    /// Status code to keep.
    pub status: Option<String>,
    /// Free-text filter.
    pub query: Option<String>,
    /// Start with a UTF-8 byte-order mark.
    pub bom: bool,
}

/// Runs the export. A file is written beside its final name and renamed
/// only when complete, so a failed export leaves no partial file.
pub async fn run(store: &Store, args: ExportArgs) -> anyhow::Result<()> {
    let mut pairs = Vec::new();
    if let Some(status) = &args.status {
        pairs.push(("status", status.as_str()));
    }
    if let Some(query) = &args.query {
        pairs.push(("q", query.as_str()));
    }
    let filter = LeadFilter::from_pairs(pairs).map_err(|errors| {
        let lines: Vec<String> = errors
            .iter()
            .map(|e| {
                let option = if e.field == "q" { "query" } else { &e.field };
                format!("--{option}: {}", e.message)
            })
            .collect();
        anyhow::anyhow!("{}", lines.join("; "))
    })?;
    let total = store::count_filtered(store, Scope::All, &filter).await?;
    let request = ExportRequest {
        kind: ExportKind::All,
        filter,
        bom: args.bom,
        ..Default::default()
    };
    let counter = Arc::new(AtomicU64::new(0));
    let (tx, mut rx) = tokio::sync::mpsc::channel::<String>(4);
    let task = tokio::spawn(run_export(
        store.clone(),
        Scope::All,
        None,
        "cli",
        request,
        tx,
        Some(counter.clone()),
    ));
    let partial = args.out.as_deref().map(partial_path);
    let mut out: Box<dyn std::io::Write + Send> = match &partial {
        Some(path) => Box::new(std::io::BufWriter::with_capacity(
            256 * 1024,
            std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    let show_progress = std::io::stderr().is_terminal();
    let started = Instant::now();
    let mut ticker = tokio::time::interval(Duration::from_millis(200));
    let written = loop {
        tokio::select! {
            chunk = rx.recv() => match chunk {
                Some(chunk) => {
                    if let Err(err) = out.write_all(chunk.as_bytes()) {
                        drop(rx);
                        break Err(anyhow::Error::from(err).context("cannot write the export"));
                    }
                }
                None => break Ok(()),
            },
            _ = ticker.tick(), if show_progress => {
                progress(counter.load(std::sync::atomic::Ordering::Relaxed), total);
            }
        }
    };
    let flushed = written.and_then(|()| out.flush().context("cannot write the export"));
    drop(out);
    let ended = task.await.context("the export task failed")?;
    if show_progress {
        progress(counter.load(std::sync::atomic::Ordering::Relaxed), total);
        eprintln!();
    }
    let outcome = flushed.and_then(|()| match ended {
        Ok(ExportEnd::Complete(rows)) => Ok(rows),
        Ok(ExportEnd::Cancelled(rows)) => bail!("the export stopped after {rows} rows"),
        Err(err) => bail!("the export failed: {err}"),
    });
    match (outcome, &partial, &args.out) {
        (Ok(rows), Some(partial), Some(out)) => {
            std::fs::rename(partial, out)
                .with_context(|| format!("cannot write {}", out.display()))?;
            eprintln!(
                "Exported {rows} leads to {} in {:.1} s.",
                out.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        (Ok(rows), _, _) => {
            if show_progress {
                eprintln!("Exported {rows} leads.");
            }
            Ok(())
        }
        (Err(err), partial, _) => {
            if let Some(partial) = partial {
                let _ = std::fs::remove_file(partial);
            }
            Err(err)
        }
    }
}

/// `FILE` → `FILE.partial` in the same directory (so the rename is atomic).
fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}

/// Draws `[#####.....]  45%  450000/1000000 leads` on standard error.
fn progress(done: u64, total: i64) {
    let total = total.max(0) as u64;
    let fraction = if total == 0 {
        1.0
    } else {
        (done as f64 / total as f64).min(1.0)
    };
    let filled = (fraction * 30.0).round() as usize;
    eprint!(
        "\r[{}{}] {:>3.0}%  {done}/{total} leads",
        "#".repeat(filled),
        ".".repeat(30 - filled),
        fraction * 100.0
    );
}
