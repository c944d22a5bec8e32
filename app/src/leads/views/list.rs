//! The lead list: the screen a sales manager lives in.
//!
//! Its whole state (view, filters, sort, columns) lives in the URL. The
//! server renders the first page with the same filters, so the page works
//! before the WebAssembly loads (and without it); then the browser loads
//! the leads its user may see and filters them itself on every keystroke,
//! drawing only the rows in view, while other people's changes stream in.
//! A user who may see more leads than the browser is given keeps the same
//! screen, paged from the server.

use leptos::{callback::Callback, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};

use super::{
    grid_table::{GridTable, RowActions, Selection},
    list_filters::{FilterBar, ListNotices, StatusCounts, ViewTabs},
    list_tools::{ColumnChooser, ExportMenu, MassBar, SaveViewForm, SettingsRefresh},
    live_data::{LiveLeads, LiveState},
};
use crate::{
    components::ErrorNotice,
    leads::{
        api::list_leads,
        filter::encode_component,
        grid::{GridSort, ListQuery, ListState},
        model::{LeadCursor, LeadPageRequest, LeadRow, LeadStatus},
        saved_views::{load_list_settings, ListSettings},
    },
};

/// The list's state, shared by its parts.
#[derive(Clone, Copy)]
pub struct ListContext {
    /// The list as shown.
    pub state: Memo<ListState>,
    /// The user's views, columns, sources and owners.
    pub settings: StoredValue<ListSettings>,
    /// Shows another list (replacing the URL: typing is not history).
    pub go: Callback<ListState>,
    /// Mass-action selection.
    pub selection: Selection,
    /// The page the list lives on (`/leads`, `/leads/board`).
    pub path: &'static str,
}

impl ListContext {
    /// The link to `state` on this page.
    pub fn href(&self, state: &ListState) -> String {
        let query = self
            .settings
            .with_value(|settings| state.to_query(settings));
        format!("{}?{query}", self.path)
    }

    /// The current state changed by `change` (tracked, for links that
    /// follow the list).
    pub fn with(&self, change: impl FnOnce(&mut ListState)) -> ListState {
        let mut next = self.state.get();
        change(&mut next);
        next
    }
}

/// Sets up the list's state from the URL for a page at `path`.
pub fn provide_list(path: &'static str, settings: ListSettings) -> ListContext {
    let settings = StoredValue::new(settings);
    let location = use_location();
    let state = Memo::new(move |_| {
        let search = location.search.get();
        let query = ListQuery::parse(search.trim_start_matches('?'));
        settings.with_value(|settings| ListState::resolve(&query, settings))
    });
    let navigate = use_navigate();
    let go = Callback::new(move |next: ListState| {
        crate::components::perf::mark("list-go");
        let href = format!("{path}?{}", settings.with_value(|s| next.to_query(s)));
        navigate(
            &href,
            leptos_router::NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    });
    let ctx = ListContext {
        state,
        settings,
        go,
        selection: Selection::new(),
        path,
    };
    provide_context(ctx);
    ctx
}

/// `/leads`.
#[component]
pub fn LeadListPage() -> impl IntoView {
    let live = LiveLeads::get();
    Effect::new(move |_| live.start());
    let refresh = RwSignal::new(0_u32);
    provide_context(SettingsRefresh(refresh));
    let settings = Resource::new(move || refresh.get(), |_| load_list_settings());
    view! {
        <Title text="Leads" />
        <Transition fallback=|| view! { <p class="muted">"Loading leads…"</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(settings) => view! { <ListWorkspace settings /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The list with its toolbar, once the user's settings are known.
#[component]
fn ListWorkspace(settings: ListSettings) -> impl IntoView {
    let ctx = provide_list("/leads", settings);
    let actions = RowActions {
        disqualify: ServerAction::new(),
        reactivate: ServerAction::new(),
    };
    provide_context(actions);
    // A new filter is a new list: what was selected in the old one goes.
    Effect::new(move |previous: Option<String>| {
        let key = ctx.state.with(|s| s.filter.to_query());
        if previous.is_some_and(|p| p != key) {
            ctx.selection.clear();
        }
        key
    });
    let failure = move || {
        actions
            .disqualify
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| actions.reactivate.value().get().and_then(Result::err))
    };
    let board = move || {
        let mut state = ctx.state.get();
        state.filter.status.clear();
        format!(
            "/leads/board?{}",
            ctx.settings.with_value(|s| state.to_query(s))
        )
    };
    view! {
        <div class="page-head">
            <h1>"Leads"</h1>
            <div class="actions">
                <a class="button" href=board>"Board"</a>
                <ColumnChooser />
                <ExportMenu />
                <a class="button primary" href="/leads/new">"Create lead"</a>
            </div>
        </div>
        <ViewTabs />
        <FilterBar />
        <ListNotices />
        {move || failure().map(|error| view! { <ErrorNotice error /> })}
        <SaveViewForm />
        <ListBody />
    }
}

/// The rows: filtered in the browser once the leads are here, else the
/// server's pages.
#[component]
fn ListBody() -> impl IntoView {
    let live = LiveLeads::get();
    move || {
        if live.ready() {
            view! { <LiveList /> }.into_any()
        } else {
            view! { <ServerList /> }.into_any()
        }
    }
}

/// The total, the counts per status, the selection bar and the table.
#[component]
fn ListFrame(
    /// Leads matching the filter.
    #[prop(into)]
    total: Signal<usize>,
    /// Rows the table has (fewer than `total` while pages load).
    #[prop(into)]
    count: Signal<usize>,
    /// Per status, for the filter without its status part.
    #[prop(into)]
    counts: Signal<Vec<(LeadStatus, i64)>>,
    /// The row at a position.
    row_at: Callback<usize, Option<LeadRow>>,
    /// Called near the end of the loaded rows.
    #[prop(optional)]
    on_near_end: Option<Callback<()>>,
    /// Drawn in the browser only (see `GridTable`).
    #[prop(optional)]
    client_only: bool,
) -> impl IntoView {
    let ctx = expect_context::<ListContext>();
    let state = ctx.state;
    let list_key = Signal::derive(move || {
        state.with(|s| format!("{}|{}", s.filter.to_query(), s.sort.code()))
    });
    let columns = Signal::derive(move || state.with(|s| s.columns.clone()));
    let sort = Signal::derive(move || state.with(|s| s.sort));
    let on_sort = Callback::new(move |column| {
        let next = ctx.with(|s| s.sort = s.sort.toggled(column));
        ctx.go.run(next);
    });
    let sort_href =
        Callback::new(move |column| ctx.href(&ctx.with(|s| s.sort = s.sort.toggled(column))));
    let nothing_at_all = move || {
        total.get() == 0
            && counts.with(|c| c.iter().all(|(_, n)| *n == 0))
            && state.with(|s| s.filter.without_status().is_empty())
    };
    let sentence = move || {
        let n = total.get();
        let noun = if n == 1 { "lead" } else { "leads" };
        let filtered = state.with(|s| !s.filter.is_empty());
        match (filtered, n) {
            (false, _) => format!("{n} {noun} in all"),
            (true, 1) => "1 lead matches".to_string(),
            (true, _) => format!("{n} {noun} match"),
        }
    };
    view! {
        <div class="list-figures">
            <p class="list-total" aria-live="polite" data-testid="list-total">{sentence}</p>
            <StatusCounts counts />
        </div>
        <MassBar total />
        <Show
            when=move || { total.get() > 0 }
            fallback=move || {
                if nothing_at_all() {
                    view! {
                        <section class="empty-state">
                            <h2>"No leads yet"</h2>
                            <p>"Leads you create or import appear here."</p>
                            <a class="button primary" href="/leads/new">"Create lead"</a>
                        </section>
                    }
                    .into_any()
                } else {
                    let all = ctx.href(&ctx.with(|s| s.filter = Default::default()));
                    view! {
                        <section class="empty-state">
                            <h2>"No leads match these filters"</h2>
                            <a class="button" href=all>"Clear filters"</a>
                        </section>
                    }
                    .into_any()
                }
            }
        >
            <GridTable count row_at columns sort on_sort sort_href selection=ctx.selection list_key on_near_end client_only />
        </Show>
    }
}

/// The list filtered in the browser.
#[component]
fn LiveList() -> impl IntoView {
    let ctx = expect_context::<ListContext>();
    let live = LiveLeads::get();
    let result = Memo::new(move |_| ctx.state.with(|s| live.run(&s.filter, s.sort)));
    let total = Signal::derive(move || result.with(|r| r.as_ref().map_or(0, |r| r.rows.len())));
    let counts = Signal::derive(move || {
        result.with(|r| r.as_ref().map(|r| r.status_counts()).unwrap_or_default())
    });
    let row_at = Callback::new(move |i: usize| {
        let row = result.with(|r| r.as_ref().and_then(|r| r.rows.get(i).copied()))?;
        live.row(row)
    });
    view! { <ListFrame total count=total counts row_at client_only=true /> }
}

/// The list as the server pages it: the first page rendered on the
/// server; more pages as the user scrolls (or, without JavaScript,
/// through the pager's links).
#[component]
fn ServerList() -> impl IntoView {
    let ctx = expect_context::<ListContext>();
    let live = LiveLeads::get();
    let query = use_query_map();
    let request = Memo::new(move |_| {
        let (filter, sort) = ctx.state.with(|s| (s.filter.to_query(), s.sort));
        let (before, after) = query.with(|q| {
            (
                q.get("before").and_then(|c| LeadCursor::decode(&c)),
                q.get("after").and_then(|c| LeadCursor::decode(&c)),
            )
        });
        (filter, sort, before, after)
    });
    let page = Resource::new(
        move || (request.get(), live.version.get()),
        |((filter, sort, before, after), _)| {
            list_leads(
                LeadPageRequest {
                    before,
                    after,
                    sort: Some(sort),
                    with_counts: true,
                    ..Default::default()
                },
                filter,
            )
        },
    );
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading leads…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <PagedList page=page.clone() sort=request.get_untracked().1 /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error list_fields=true /> }.into_any(),
                }
            })}
        </Transition>
        {move || matches!(live.state.get(), LiveState::Failed(_)).then(|| view! {
            <p class="muted small">"Live filtering is not available right now; the list is filtered by the server."</p>
        })}
    }
}

/// Pages loaded from the server, more appended as the user scrolls.
#[component]
fn PagedList(page: crate::leads::model::LeadPage, sort: GridSort) -> impl IntoView {
    let ctx = expect_context::<ListContext>();
    let counts = page.counts.clone().unwrap_or_default();
    let total_matching = counts.total.max(0) as usize;
    let rows = RwSignal::new(page.rows.clone());
    let next = RwSignal::new(page.older.clone());
    let loading = RwSignal::new(false);
    let filter = ctx.state.with_untracked(|s| s.filter.to_query());
    let load_more = Callback::new(move |()| {
        let Some(cursor) = next.get_untracked() else {
            return;
        };
        if loading.get_untracked() {
            return;
        }
        loading.set(true);
        let filter = filter.clone();
        leptos::task::spawn_local(async move {
            let request = LeadPageRequest {
                before: Some(cursor),
                sort: Some(sort),
                ..Default::default()
            };
            if let Ok(more) = list_leads(request, filter).await {
                rows.update(|r| r.extend(more.rows));
                next.set(more.older);
            }
            loading.set(false);
        });
    });
    let row_at = Callback::new(move |i: usize| rows.with(|r| r.get(i).cloned()));
    let here = ctx.href(&ctx.state.get_untracked());
    let newer = page
        .newer
        .clone()
        .map(|c| format!("{here}&after={}", encode_component(&c.encode())));
    let older = page
        .older
        .clone()
        .map(|c| format!("{here}&before={}", encode_component(&c.encode())));
    let count = Signal::derive(move || rows.with(Vec::len));
    let total = Signal::derive(move || total_matching.max(count.get()));
    view! {
        <ListFrame total count counts=counts.per_status.clone() row_at on_near_end=load_more />
        <noscript>
            <nav class="pager" aria-label="Pages">
                {newer.map(|href| view! { <a class="button" href=href>"← Newer"</a> })}
                {older.map(|href| view! { <a class="button" href=href>"Older →"</a> })}
            </nav>
        </noscript>
    }
}
