//! Export: the list's current view or every lead the user may see, as a
//! CSV download streamed straight from the database (the first bytes leave
//! at once, memory stays flat, a cancelled download stops the query), and
//! the import template. Every export is recorded: who, when, what, how
//! many rows, and how it ended.

use serde::{Deserialize, Serialize};

use super::{
    filter::{encode_component, LeadFilter},
    grid::{GridColumn, GridSort},
};
use crate::error::FieldError;

/// The download address of exports.
pub const EXPORT_PATH: &str = "/leads/export.csv";
/// The download address of the import template.
pub const TEMPLATE_PATH: &str = "/leads/template.csv";

/// What an export holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportKind {
    /// The list's filters and columns.
    #[default]
    View,
    /// Every lead the user may see, every column.
    All,
}

impl ExportKind {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::View => "view",
            Self::All => "all",
        }
    }
}

/// An export as asked for in its URL.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportRequest {
    /// View or all.
    pub kind: ExportKind,
    /// The view's filter (ignored by `All`).
    pub filter: LeadFilter,
    /// The view's order (the file's rows come in it).
    pub sort: GridSort,
    /// The view's columns (empty: the list's default ones; ignored by
    /// `All`, which writes every column).
    pub columns: Vec<GridColumn>,
    /// Start the file with a UTF-8 byte-order mark (for Excel).
    pub bom: bool,
}

impl ExportRequest {
    /// Parses the download URL's query (`all=1`, `bom=1`, and the list's
    /// filter parameters); every bad parameter is named.
    pub fn from_query(query: &str) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut request = Self::default();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let flag = |errors: &mut Vec<FieldError>| match value {
                "1" | "true" => true,
                "" | "0" | "false" => false,
                _ => {
                    errors.push(FieldError::new(key, format!("\"{value}\" is not 1 or 0")));
                    false
                }
            };
            match key {
                "all" if flag(&mut errors) => request.kind = ExportKind::All,
                "all" => {}
                "bom" => request.bom = flag(&mut errors),
                "sort" if !value.is_empty() => {
                    match GridSort::parse(&super::filter::decode_component(value)) {
                        Ok(sort) => request.sort = sort,
                        Err(e) => errors.push(e),
                    }
                }
                "cols" if !value.is_empty() => {
                    let (columns, mut bad) =
                        GridColumn::parse_list(&super::filter::decode_component(value));
                    errors.append(&mut bad);
                    request.columns = columns;
                }
                _ => {}
            }
        }
        match LeadFilter::from_query(query) {
            Ok(filter) if request.kind == ExportKind::View => request.filter = filter,
            Ok(_) => {}
            Err(mut filter_errors) => errors.append(&mut filter_errors),
        }
        if errors.is_empty() {
            Ok(request)
        } else {
            Err(errors)
        }
    }

    /// The download address for this request.
    pub fn href(&self) -> String {
        let mut parts = Vec::new();
        if self.kind == ExportKind::All {
            parts.push("all=1".to_string());
        } else {
            let filter = self.filter.to_query();
            if !filter.is_empty() {
                parts.push(filter);
            }
            if self.sort != GridSort::default() {
                parts.push(format!("sort={}", encode_component(&self.sort.code())));
            }
            if !self.columns.is_empty() && self.columns != GridColumn::DEFAULT {
                parts.push(format!(
                    "cols={}",
                    encode_component(&GridColumn::list_code(&self.columns))
                ));
            }
        }
        if self.bom {
            parts.push("bom=1".to_string());
        }
        if parts.is_empty() {
            EXPORT_PATH.to_string()
        } else {
            format!("{EXPORT_PATH}?{}", parts.join("&"))
        }
    }
}

/// The file name of a download: `leads-<view|all>-<YYYY-MM-DD>.csv`.
pub fn file_name(kind: ExportKind, day: chrono::NaiveDate) -> String {
    format!("leads-{}-{day}.csv", encode_component(kind.code()))
}

/// One recorded export, as the admin's audit page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportEntry {
    /// Id.
    pub id: i64,
    /// Who (`None` for the command line).
    pub user: Option<String>,
    /// `web` or `cli`.
    pub via: String,
    /// `view` or `all`.
    pub kind: String,
    /// The view's filter, as URL parameters.
    pub filter: String,
    /// Started.
    pub started_at: chrono::DateTime<chrono::Utc>,
    /// Ended.
    pub finished_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Rows written.
    pub rows: i64,
    /// `running`, `complete`, `cancelled` or `failed`.
    pub outcome: String,
}

#[cfg(feature = "ssr")]
pub use ssr::{download, run_export, template};

#[cfg(feature = "ssr")]
mod ssr {
    use axum::{
        body::Body,
        extract::{Request, State},
        http::{header, StatusCode},
        response::{IntoResponse, Response},
    };

    use super::{file_name, ExportKind, ExportRequest};
    use crate::{
        error::AppError,
        leads::{
            csv_file::{full_columns, view_columns, write_header},
            store::{self, CsvSink, ExportEnd},
        },
        state::AppState,
        store::Store,
        users::{auth::RequestAuth, model::Scope},
    };

    /// The UTF-8 byte-order mark.
    const BOM: &str = "\u{feff}";

    /// Runs an export to its end: records it, streams it into `tx`, and
    /// records how it ended. `user_id` is `None` for the command line.
    /// Returns how it ended (an error has already been recorded).
    pub async fn run_export(
        store: Store,
        scope: Scope,
        user_id: Option<i64>,
        via: &'static str,
        request: ExportRequest,
        tx: tokio::sync::mpsc::Sender<String>,
        progress: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
    ) -> Result<ExportEnd, AppError> {
        let columns = match request.kind {
            ExportKind::All => full_columns(store::export_layout(&store).await?),
            ExportKind::View => view_columns(&request.columns),
        };
        let id = store::start_export(
            &store,
            user_id,
            via,
            request.kind.code(),
            &request.filter.to_query(),
        )
        .await?;
        let mut head = String::new();
        if request.bom {
            head.push_str(BOM);
        }
        write_header(&mut head, &columns);
        let mut sink = CsvSink::new(tx, head);
        if let Some(counter) = progress {
            sink = sink.with_progress(counter);
        }
        let mut filter = request.filter.clone();
        if let Some(me) = user_id {
            filter.resolve_me(me);
        }
        let result = if sink.flush().await {
            let sort = match request.kind {
                ExportKind::View => request.sort,
                ExportKind::All => crate::leads::grid::GridSort::default(),
            };
            store::export_leads(&store, scope, &filter, sort, &columns, &mut sink).await
        } else {
            Ok(ExportEnd::Cancelled(0))
        };
        let (outcome, rows) = match &result {
            Ok(ExportEnd::Complete(n)) => ("complete", *n),
            Ok(ExportEnd::Cancelled(n)) => ("cancelled", *n),
            Err(_) => ("failed", sink.rows()),
        };
        tracing::info!(export = id, outcome, rows, "lead export ended");
        store::finish_export(&store, id, outcome, rows as i64).await?;
        result
    }

    fn refuse(status: StatusCode, message: String) -> Response {
        (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            message,
        )
            .into_response()
    }

    /// `GET /leads/export.csv?…`: the download.
    pub async fn download(State(state): State<AppState>, req: Request) -> Response {
        let Some(user) = req
            .extensions()
            .get::<RequestAuth>()
            .and_then(|auth| auth.user.clone())
        else {
            return refuse(
                StatusCode::UNAUTHORIZED,
                AppError::Unauthenticated.to_string(),
            );
        };
        let request = match ExportRequest::from_query(req.uri().query().unwrap_or("")) {
            Ok(request) => request,
            Err(errors) => {
                let lines: Vec<String> = errors
                    .iter()
                    .map(|e| format!("- {}: {}", e.field, e.message))
                    .collect();
                return refuse(
                    StatusCode::BAD_REQUEST,
                    format!("This export link is not valid:\n{}\n", lines.join("\n")),
                );
            }
        };
        let (tx, mut rx) = tokio::sync::mpsc::channel::<String>(4);
        let store = state.store.clone();
        let kind = request.kind;
        let task = tokio::spawn(run_export(
            store,
            user.scope(),
            Some(user.id),
            "web",
            request,
            tx,
            None,
        ));
        // The header arrives first (or the export failed before any row).
        let first = match rx.recv().await {
            Some(chunk) => chunk,
            None => {
                let error = match task.await {
                    Ok(Err(err)) => err,
                    _ => AppError::Internal,
                };
                return refuse(StatusCode::INTERNAL_SERVER_ERROR, error.to_string());
            }
        };
        // A failure after the header aborts the body: the browser reports
        // the download as failed instead of saving a short file.
        let failed = std::sync::Arc::new(tokio::sync::Mutex::new(Some(task)));
        let stream = futures::stream::unfold(
            (Some(first), rx, failed),
            |(pending, mut rx, task)| async move {
                if let Some(chunk) = pending {
                    return Some((Ok(chunk), (None, rx, task)));
                }
                match rx.recv().await {
                    Some(chunk) => Some((Ok(chunk), (None, rx, task))),
                    None => {
                        let handle = task.lock().await.take()?;
                        match handle.await {
                            Ok(Ok(_)) => None,
                            _ => Some((
                                Err(std::io::Error::other("the export failed")),
                                (None, rx, task),
                            )),
                        }
                    }
                }
            },
        );
        // Layers (compression) may poll again after the end: fused, the
        // stream keeps answering "done".
        let stream = futures::StreamExt::fuse(stream);
        let name = file_name(kind, chrono::Utc::now().date_naive());
        Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, "text/csv; charset=utf-8")
            .header(
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            )
            .header(header::CACHE_CONTROL, "no-store")
            .header("x-content-type-options", "nosniff")
            .body(Body::from_stream(stream))
            .unwrap_or_else(|_| {
                refuse(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    AppError::Internal.to_string(),
                )
            })
    }

    /// `GET /leads/template.csv`: the import template.
    pub async fn template() -> Response {
        (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"leads-template.csv\"",
                ),
            ],
            crate::leads::csv_file::template(),
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_round_trip_through_their_address() {
        let request = ExportRequest::from_query("q=acme&status=new&bom=1").unwrap();
        assert_eq!(request.kind, ExportKind::View);
        assert!(request.bom);
        assert_eq!(request.href(), "/leads/export.csv?q=acme&status=new&bom=1");
        let all = ExportRequest::from_query("all=1&q=ignored").unwrap();
        assert_eq!(all.kind, ExportKind::All);
        assert!(all.filter.is_empty());
        assert_eq!(all.href(), "/leads/export.csv?all=1");
    }

    #[test]
    fn bad_parameters_are_named() {
        let errors = ExportRequest::from_query("all=yes&status=won&sort=shoe").unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["all", "sort", "status"]);
    }

    #[test]
    fn a_view_export_keeps_the_lists_sort_and_columns() {
        let request = ExportRequest::from_query("q=x&sort=-name&cols=name,email").unwrap();
        assert_eq!(request.sort.code(), "-name");
        assert_eq!(request.columns, [GridColumn::Name, GridColumn::Email]);
        assert_eq!(
            request.href(),
            "/leads/export.csv?q=x&sort=-name&cols=name%2Cemail"
        );
    }
}
