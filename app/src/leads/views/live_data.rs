//! The leads the browser holds for live filtering, shared by the list and
//! the board (so moving between them loads nothing again), and kept
//! current by the server's stream of lead changes.
//!
//! On the server, and in the browser until the index has arrived, the
//! state is `Idle`/`Loading` and the pages show what the server rendered;
//! a viewer who may see more leads than the browser is given gets
//! `Server`, and the pages keep asking the server.

use leptos::prelude::*;

use crate::components::perf;
use crate::leads::{
    filter::LeadFilter,
    grid::GridSort,
    index::{Filterer, LeadIndex, ListResult},
    model::LeadRow,
};

/// Where the browser's copy of the leads stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LiveState {
    /// Not asked for (and always so on the server).
    Idle,
    /// On its way.
    Loading,
    /// Here: filtering runs in the browser.
    Ready,
    /// The viewer may see more leads (`total`) than the browser is given
    /// (`limit`): filtering runs on the server.
    Server {
        /// Leads the viewer may see.
        total: i64,
        /// The most the browser is given.
        limit: i64,
    },
    /// It could not be loaded (the pages keep asking the server).
    Failed(String),
}

#[derive(Default)]
struct LiveData {
    index: Option<LeadIndex>,
    filterer: Filterer,
    started: bool,
    #[cfg(feature = "hydrate")]
    pending: Vec<i64>,
    #[cfg(feature = "hydrate")]
    flush_scheduled: bool,
}

/// The browser's leads, through context (see `provide`).
#[derive(Clone, Copy)]
pub struct LiveLeads {
    /// Where the copy stands.
    pub state: RwSignal<LiveState>,
    /// Bumped whenever the leads change: results before it are stale.
    pub version: RwSignal<u64>,
    data: StoredValue<LiveData>,
}

impl LiveLeads {
    /// Makes the (not yet loaded) live leads available to every page.
    pub fn provide() -> Self {
        let live = Self {
            state: RwSignal::new(LiveState::Idle),
            version: RwSignal::new(0),
            data: StoredValue::new(LiveData::default()),
        };
        provide_context(live);
        live
    }

    /// The live leads of this page.
    pub fn get() -> Self {
        expect_context::<Self>()
    }

    /// Whether filtering runs in the browser now.
    pub fn ready(self) -> bool {
        self.state.with(|s| *s == LiveState::Ready)
    }

    /// The list for `filter` and `sort`, when the leads are here (tracks
    /// the leads' version).
    pub fn run(self, filter: &LeadFilter, sort: GridSort) -> Option<ListResult> {
        self.version.track();
        self.data
            .try_update_value(|data| {
                let index = data.index.as_ref()?;
                perf::mark("list-filter-start");
                let result = data.filterer.run(index, filter, sort);
                perf::mark("list-filter-end");
                Some(result)
            })
            .flatten()
    }

    /// Reads the index, when it is here.
    pub fn with_index<T>(self, f: impl FnOnce(&LeadIndex) -> T) -> Option<T> {
        self.data
            .try_with_value(|data| data.index.as_ref().map(f))
            .flatten()
    }

    /// The lead at a result's row position.
    pub fn row(self, row: u32) -> Option<LeadRow> {
        self.with_index(|index| index.row(row)).flatten()
    }

    /// Starts loading the leads and listening for changes (once; in the
    /// browser only).
    pub fn start(self) {
        let first = self
            .data
            .try_update_value(|d| !std::mem::replace(&mut d.started, true))
            .unwrap_or(false);
        if first {
            #[cfg(feature = "hydrate")]
            client::start(self);
        }
    }
}

#[cfg(feature = "hydrate")]
mod client {
    //! Loading, listening and patching, in the browser.

    use leptos::{prelude::*, task::spawn_local};
    use wasm_bindgen::{closure::Closure, JsCast as _};

    use super::{LiveLeads, LiveState};
    use crate::components::perf::mark;
    use crate::leads::{
        index::{self, LeadIndex},
        live::{LeadEvent, EVENTS_PATH, INDEX_PATH, MAX_IDS},
    };

    /// How long changes are gathered before they are fetched together.
    const GATHER_MS: u64 = 120;

    async fn fetch_text(url: &str) -> Result<String, String> {
        let response = gloo_net::http::Request::get(url)
            .send()
            .await
            .map_err(|e| format!("the server could not be reached ({e})"))?;
        if !response.ok() {
            return Err(format!(
                "the server answered {} {}",
                response.status(),
                response.status_text()
            ));
        }
        response
            .text()
            .await
            .map_err(|e| format!("the answer could not be read ({e})"))
    }

    pub(super) fn start(live: LiveLeads) {
        live.state.set(LiveState::Loading);
        spawn_local(async move {
            load_all(live).await;
            listen(live);
        });
    }

    /// Loads every lead again (first load, or after missed changes).
    async fn load_all(live: LiveLeads) {
        mark("leads-index-start");
        let decoded = fetch_text(INDEX_PATH)
            .await
            .and_then(|text| index::decode(&text).map_err(|e| e.to_string()));
        match decoded {
            Ok(decoded) => match decoded.too_many {
                Some((total, limit)) => live.state.set(LiveState::Server { total, limit }),
                None => {
                    let index = LeadIndex::new(decoded);
                    live.data.update_value(|d| d.index = Some(index));
                    live.version.update(|v| *v += 1);
                    live.state.set(LiveState::Ready);
                    mark("leads-index-ready");
                }
            },
            Err(message) => {
                leptos::logging::warn!("live leads: {message}");
                if live.state.get_untracked() != LiveState::Ready {
                    live.state.set(LiveState::Failed(message));
                }
            }
        }
    }

    /// Opens the change stream. The browser reconnects by itself; after a
    /// break, changes may have been missed, so everything is loaded again.
    fn listen(live: LiveLeads) {
        let Ok(source) = web_sys::EventSource::new(EVENTS_PATH) else {
            return;
        };
        let on_message =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
                let Some(text) = ev.data().as_string() else {
                    return;
                };
                match serde_json::from_str::<LeadEvent>(&text) {
                    Ok(LeadEvent::Changed(ids)) => changed(live, ids),
                    Ok(LeadEvent::Reset) | Err(_) => spawn_local(load_all(live)),
                }
            });
        source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        let broken = std::rc::Rc::new(std::cell::Cell::new(false));
        let on_error = {
            let broken = broken.clone();
            Closure::<dyn FnMut()>::new(move || broken.set(true))
        };
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        let on_open = Closure::<dyn FnMut()>::new(move || {
            if broken.replace(false) {
                spawn_local(load_all(live));
            }
        });
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        on_open.forget();
        // The stream lives as long as the page.
        std::mem::forget(source);
    }

    /// Gathers changed ids for a moment, then fetches them together.
    fn changed(live: LiveLeads, ids: Vec<i64>) {
        if live.state.get_untracked() != LiveState::Ready {
            // Server-side lists refresh on the version.
            live.version.update(|v| *v += 1);
            return;
        }
        let schedule = live
            .data
            .try_update_value(|d| {
                d.pending.extend(ids);
                !std::mem::replace(&mut d.flush_scheduled, true)
            })
            .unwrap_or(false);
        if schedule {
            set_timeout(
                move || spawn_local(flush(live)),
                std::time::Duration::from_millis(GATHER_MS),
            );
        }
    }

    async fn flush(live: LiveLeads) {
        let mut ids = live
            .data
            .try_update_value(|d| {
                d.flush_scheduled = false;
                std::mem::take(&mut d.pending)
            })
            .unwrap_or_default();
        ids.sort_unstable();
        ids.dedup();
        for chunk in ids.chunks(MAX_IDS) {
            let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
            let url = format!("{INDEX_PATH}?ids={}", list.join(","));
            match fetch_text(&url)
                .await
                .and_then(|t| index::decode(&t).map_err(|e| e.to_string()))
            {
                Ok(answer) => {
                    live.data.update_value(|d| {
                        if let Some(index) = d.index.as_mut() {
                            index.patch(chunk, answer);
                        }
                    });
                    live.version.update(|v| *v += 1);
                }
                Err(message) => {
                    leptos::logging::warn!("live leads: {message}; loading everything again");
                    load_all(live).await;
                    return;
                }
            }
        }
    }
}
