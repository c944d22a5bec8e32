//! Live leads: the index the browser filters (`GET /leads/index`) and the
//! stream of changes that keeps every open list and board current
//! (`GET /leads/events`, server-sent events).
//!
//! Every change to leads is published as the ids that changed. Lists ask
//! the index route for those ids again and patch themselves: a lead that
//! comes back is added or replaced, one that does not (deleted, or no
//! longer visible to that user) is removed. The server never decides per
//! viewer what to push, so the rules stay in one place, the scoped query.
//! On PostgreSQL the changes travel through `NOTIFY`, so every app
//! instance on the database passes them on to its own viewers.

use serde::{Deserialize, Serialize};

/// The index of the leads the viewer may see.
pub const INDEX_PATH: &str = "/leads/index";
/// The stream of lead changes.
pub const EVENTS_PATH: &str = "/leads/events";
/// At most this many ids are asked for in one index request.
pub const MAX_IDS: usize = 1000;

/// A change to leads, as the event stream carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LeadEvent {
    /// These leads were created, changed or deleted.
    Changed(Vec<i64>),
    /// Too much changed to list (or changes may have been missed): load
    /// everything again.
    Reset,
}

impl LeadEvent {
    /// The event for a change to `ids`: the ids when they are few, else a
    /// reset (a notification's payload is small).
    pub fn changed(ids: Vec<i64>) -> Self {
        if ids.len() > 500 {
            Self::Reset
        } else {
            Self::Changed(ids)
        }
    }
}

/// Parses the `ids=1,2,3` of an index request (at most `MAX_IDS`).
pub fn parse_ids(query: &str) -> Result<Option<Vec<i64>>, String> {
    let Some(value) = super::filter::query_pairs(query)
        .into_iter()
        .find(|(k, _)| k == "ids")
        .map(|(_, v)| v)
    else {
        return Ok(None);
    };
    let mut ids = Vec::new();
    for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.parse::<i64>() {
            Ok(id) if id > 0 => ids.push(id),
            _ => return Err(format!("\"{part}\" is not a lead id")),
        }
    }
    if ids.len() > MAX_IDS {
        return Err(format!("At most {MAX_IDS} ids at once"));
    }
    Ok(Some(ids))
}

#[cfg(feature = "ssr")]
pub use ssr::{events, index, EventBus};

#[cfg(feature = "ssr")]
mod ssr {
    use std::{
        convert::Infallible,
        sync::{Arc, OnceLock},
        time::Duration,
    };

    use axum::{
        body::Body,
        extract::{Request, State},
        http::{header, StatusCode},
        response::{
            sse::{Event, KeepAlive, Sse},
            IntoResponse, Response,
        },
    };
    use tokio::sync::broadcast;

    use super::{parse_ids, LeadEvent};
    use crate::{
        error::AppError,
        leads::{index, store::CsvSink},
        state::AppState,
        store::Store,
        users::auth::RequestAuth,
    };

    /// The PostgreSQL channel lead changes travel on.
    const CHANNEL: &str = "leadline_leads";

    /// Where lead changes are published and heard.
    #[derive(Clone, Debug)]
    pub struct EventBus {
        inner: Arc<Inner>,
    }

    #[derive(Debug)]
    struct Inner {
        tx: broadcast::Sender<LeadEvent>,
        store: Store,
        listening: OnceLock<()>,
        /// Set when the server shuts down: event streams end, so the
        /// connections that carry them close.
        closed: tokio::sync::watch::Sender<bool>,
    }

    impl EventBus {
        /// A bus over `store`'s database.
        pub fn new(store: Store) -> Self {
            let (tx, _) = broadcast::channel(1024);
            Self {
                inner: Arc::new(Inner {
                    tx,
                    store,
                    listening: OnceLock::new(),
                    closed: tokio::sync::watch::Sender::new(false),
                }),
            }
        }

        /// Tells every viewer (on every instance) that `event` happened.
        /// A failure to notify is logged: the change itself is saved.
        pub async fn publish(&self, event: LeadEvent) {
            match &self.inner.store {
                Store::Sqlite(_) => {
                    let _ = self.inner.tx.send(event);
                }
                Store::Postgres(pool) => {
                    let payload = serde_json::to_string(&event).unwrap_or_default();
                    if let Err(err) = sqlx::query("SELECT pg_notify($1, $2)")
                        .bind(CHANNEL)
                        .bind(payload)
                        .execute(pool)
                        .await
                    {
                        tracing::warn!(%err, "could not publish a lead change");
                    }
                }
            }
        }

        /// Ends every event stream and the PostgreSQL listener (on
        /// shutdown: an open stream would otherwise keep its connection,
        /// and the server, alive).
        pub fn close(&self) {
            self.inner.closed.send_replace(true);
        }

        /// Resolves when the bus is closed.
        pub fn closed(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
            let mut rx = self.inner.closed.subscribe();
            async move {
                let _ = rx.wait_for(|closed| *closed).await;
            }
        }

        /// Publishes a change to `ids` (nothing when empty).
        pub async fn changed(&self, ids: Vec<i64>) {
            if !ids.is_empty() {
                self.publish(LeadEvent::changed(ids)).await;
            }
        }

        /// The changes from now on.
        pub fn subscribe(&self) -> broadcast::Receiver<LeadEvent> {
            if let Store::Postgres(pool) = &self.inner.store {
                if self.inner.listening.set(()).is_ok() {
                    let (listen, closed) =
                        (listen(pool.clone(), self.inner.tx.clone()), self.closed());
                    tokio::spawn(async move {
                        tokio::select! {
                            () = listen => {},
                            () = closed => {},
                        }
                    });
                }
            }
            self.inner.tx.subscribe()
        }
    }

    /// Passes PostgreSQL notifications on to this instance's viewers, for
    /// as long as the process lives. A lost connection may have missed
    /// changes: viewers are told to reload.
    async fn listen(pool: sqlx::PgPool, tx: broadcast::Sender<LeadEvent>) {
        loop {
            let mut listener = match sqlx::postgres::PgListener::connect_with(&pool).await {
                Ok(listener) => listener,
                Err(err) => {
                    tracing::warn!(%err, "cannot listen for lead changes; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            if let Err(err) = listener.listen(CHANNEL).await {
                tracing::warn!(%err, "cannot listen for lead changes; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
            loop {
                match listener.try_recv().await {
                    Ok(Some(note)) => {
                        let event =
                            serde_json::from_str(note.payload()).unwrap_or(LeadEvent::Reset);
                        let _ = tx.send(event);
                    }
                    Ok(None) => {
                        tracing::warn!("lost the lead-change connection; reconnecting");
                        let _ = tx.send(LeadEvent::Reset);
                    }
                    Err(err) => {
                        tracing::warn!(%err, "lead-change listener failed; reconnecting");
                        let _ = tx.send(LeadEvent::Reset);
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        break;
                    }
                }
            }
        }
    }

    fn plain(status: StatusCode, message: String) -> Response {
        (
            status,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            message,
        )
            .into_response()
    }

    fn signed_in(req: &Request) -> Option<crate::users::model::CurrentUser> {
        req.extensions()
            .get::<RequestAuth>()
            .and_then(|auth| auth.user.clone())
    }

    /// `GET /leads/index[?ids=1,2]`: the leads the viewer may see, in the
    /// browser's index format, streamed. Without ids, when the viewer may
    /// see more leads than the browser is given, only that is said.
    pub async fn index(State(state): State<AppState>, req: Request) -> Response {
        let Some(user) = signed_in(&req) else {
            return plain(
                StatusCode::UNAUTHORIZED,
                AppError::Unauthenticated.to_string(),
            );
        };
        let ids = match parse_ids(req.uri().query().unwrap_or("")) {
            Ok(ids) => ids,
            Err(message) => return plain(StatusCode::BAD_REQUEST, format!("ids: {message}\n")),
        };
        let store = state.store.clone();
        let scope = user.scope();
        if ids.is_none() {
            match crate::leads::store::count_leads(&store, scope).await {
                Ok(total) if total > state.browser_limit as i64 => {
                    let mut text = String::new();
                    index::encode_head(&mut text, user.id);
                    index::encode_too_many(&mut text, total, state.browser_limit as i64);
                    index::encode_end(&mut text, 0);
                    return text_response(Body::from(text));
                }
                Ok(_) => {}
                Err(err) => return plain(StatusCode::INTERNAL_SERVER_ERROR, err.to_string()),
            }
        }
        let (tx, rx) = tokio::sync::mpsc::channel::<String>(4);
        tokio::spawn(async move {
            let mut sink = CsvSink::new(tx, String::new());
            if let Err(err) =
                crate::leads::store::index_leads(&store, scope, user.id, ids.as_deref(), &mut sink)
                    .await
            {
                // The body ends without its end line: the browser knows.
                tracing::error!(%err, "lead index failed");
            }
        });
        let stream = futures::stream::unfold(rx, |mut rx| async move {
            rx.recv()
                .await
                .map(|chunk| (Ok::<_, Infallible>(chunk), rx))
        });
        // Layers (compression) may poll again after the end: fused, the
        // stream keeps answering "done".
        let stream = futures::StreamExt::fuse(stream);
        text_response(Body::from_stream(stream))
    }

    fn text_response(body: Body) -> Response {
        Response::builder()
            .status(StatusCode::OK)
            .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
            .header(header::CACHE_CONTROL, "no-store")
            .header("x-content-type-options", "nosniff")
            .body(body)
            .unwrap_or_else(|_| {
                plain(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    AppError::Internal.to_string(),
                )
            })
    }

    /// `GET /leads/events`: lead changes as server-sent events, one JSON
    /// `LeadEvent` each; a viewer that fell behind is told to reload.
    pub async fn events(State(state): State<AppState>, req: Request) -> Response {
        if signed_in(&req).is_none() {
            return plain(
                StatusCode::UNAUTHORIZED,
                AppError::Unauthenticated.to_string(),
            );
        }
        let rx = state.events.subscribe();
        let stream = futures::stream::unfold(rx, |mut rx| async move {
            let event = match rx.recv().await {
                Ok(event) => event,
                Err(broadcast::error::RecvError::Lagged(_)) => LeadEvent::Reset,
                Err(broadcast::error::RecvError::Closed) => return None,
            };
            let data = serde_json::to_string(&event).unwrap_or_default();
            Some((Ok::<_, Infallible>(Event::default().data(data)), rx))
        });
        // Fused (layers may poll after the end), and ended on shutdown.
        let stream = futures::StreamExt::fuse(futures::StreamExt::take_until(
            stream,
            state.events.closed(),
        ));
        let mut response = Sse::new(stream)
            .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
            .into_response();
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_parsed_and_bad_ones_named() {
        assert_eq!(parse_ids(""), Ok(None));
        assert_eq!(parse_ids("ids=3,%201,"), Ok(Some(vec![3, 1])));
        assert!(parse_ids("ids=3,x").unwrap_err().contains("\"x\""));
        let many = (1..=1001)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",");
        assert!(parse_ids(&format!("ids={many}")).is_err());
    }

    #[test]
    fn a_big_change_becomes_a_reset() {
        assert_eq!(LeadEvent::changed(vec![1]), LeadEvent::Changed(vec![1]));
        assert_eq!(LeadEvent::changed((0..501).collect()), LeadEvent::Reset);
    }
}
