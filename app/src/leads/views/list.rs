//! The lead list: filters in the URL (they work as a plain GET form before
//! the WASM loads, and narrow the list as you type once it has), newest
//! first, paged by keyset, with the export of the view or of everything.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::{
    components::{ErrorNotice, StatusBadge},
    leads::{
        api::{list_leads, list_sources},
        export::{ExportKind, ExportRequest, TEMPLATE_PATH},
        fields::country_name,
        filter::{LeadFilter, RefFilter, FILTER_KEYS},
        model::{LeadCursor, LeadPage, LeadPageRequest, LeadRow, LeadStatus},
    },
    opportunities::api::{DisqualifyLead, ReactivateLead},
};

/// The filter of the default view, Open leads: every lead still being
/// worked.
pub const OPEN_VIEW: &str = "status=new";

/// The list's filter of the current URL, as a query string: its filter
/// parameters, or the Open leads view when there are none (`view=all`
/// asks for every lead instead).
pub fn filter_query(query: &leptos_router::params::ParamsMap) -> String {
    let pairs: Vec<String> = FILTER_KEYS
        .iter()
        .filter_map(|key| {
            let value = query.get(key)?;
            (!value.trim().is_empty())
                .then(|| format!("{key}={}", crate::leads::filter::encode_component(&value)))
        })
        .collect();
    if pairs.is_empty() && query.get("view").as_deref() != Some("all") {
        return OPEN_VIEW.to_string();
    }
    pairs.join("&")
}

/// `path` with `filter` (a query string) and an optional extra part; an
/// empty filter is spelled `view=all` (no parameters means Open leads).
pub fn list_href(path: &str, filter: &str, extra: Option<String>) -> String {
    let filter = if filter.is_empty() {
        "view=all"
    } else {
        filter
    };
    let parts: Vec<String> = [Some(filter.to_string()), extra]
        .into_iter()
        .flatten()
        .filter(|p| !p.is_empty())
        .collect();
    format!("{path}?{}", parts.join("&"))
}

/// The lead list page (`/leads?q=…&status=…&before=…`).
#[component]
pub fn LeadListPage() -> impl IntoView {
    let query = use_query_map();
    let filter_text = Memo::new(move |_| query.with(filter_query));
    let request = move || {
        query.with(|q| LeadPageRequest {
            before: q.get("before").and_then(|c| LeadCursor::decode(&c)),
            after: q.get("after").and_then(|c| LeadCursor::decode(&c)),
            limit: None,
            filter: LeadFilter::default(),
        })
    };
    // Bumped after a row action, to load the page again.
    let refresh = RwSignal::new(0_u32);
    provide_context(ListRefresh(refresh));
    let page = Resource::new(
        move || (request(), filter_text.get(), refresh.get()),
        |(req, filter, _)| list_leads(req, filter),
    );
    // The filter as parsed (a bad URL shows its problems, not a list).
    let filter = Memo::new(move |_| LeadFilter::from_query(&filter_text.get()).unwrap_or_default());
    view! {
        <Title text="Leads" />
        <div class="page-head">
            <h1>"Leads"</h1>
            <div class="actions">
                <a class="button" href=move || {
                    let mut board = filter.get();
                    board.status.clear();
                    list_href("/leads/board", &board.to_query(), None)
                }>"Board"</a>
                <ExportMenu filter />
            </div>
        </div>
        <ViewTabs path="/leads" filter />
        <FilterBar path="/leads" filter />
        <Transition fallback=|| view! { <p class="muted">"Loading leads…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <LeadTable page filter=filter_text.get_untracked() /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error list_fields=true /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The saved views every user has: Open leads (the default), All leads,
/// My leads. The current one is marked; a filter of one's own marks none.
#[component]
pub fn ViewTabs(
    /// The page the views apply to (`/leads`, `/leads/board`).
    path: &'static str,
    /// The current filter.
    filter: Memo<LeadFilter>,
) -> impl IntoView {
    let views: [(&str, &str); 3] = [
        ("Open leads", OPEN_VIEW),
        ("All leads", ""),
        ("My leads", "owner=me"),
    ];
    view! {
        <nav class="tabs views" aria-label="Views">
            {views.into_iter().map(|(label, query)| {
                let preset = LeadFilter::from_query(query).unwrap_or_default();
                let href = if query == OPEN_VIEW { path.to_string() } else { list_href(path, query, None) };
                let current = move || filter.with(|f| *f == preset).then_some("page");
                view! { <a href=href aria-current=current>{label}</a> }
            }).collect_view()}
        </nav>
    }
}

/// The filters: text, status, source, owner and creation dates. A GET
/// form, so it works without JavaScript; with it, every change applies at
/// once (text as you type).
#[component]
pub fn FilterBar(
    /// The page the filters apply to (`/leads`, `/leads/board`).
    path: &'static str,
    /// The current filter.
    filter: Memo<LeadFilter>,
    /// Offer the status filter (the board shows every status anyway).
    #[prop(default = true)]
    with_status: bool,
) -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let sources = Resource::new(|| (), |_| list_sources());
    // Sets one parameter (blank removes it) of the filter in effect (the
    // Open leads view included) and starts from the first page.
    let set = move |key: &'static str, value: String| {
        let mut pairs: Vec<(String, String)> = query.with_untracked(|q| {
            filter_query(q)
                .split('&')
                .filter_map(|p| p.split_once('='))
                .filter(|(k, _)| *k != key)
                .map(|(k, v)| (k.to_string(), crate::leads::filter::decode_component(v)))
                .collect()
        });
        if !value.trim().is_empty() {
            pairs.push((key.to_string(), value));
        }
        let text = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", crate::leads::filter::encode_component(v)))
            .collect::<Vec<_>>()
            .join("&");
        navigate(
            &list_href(path, &text, None),
            leptos_router::NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    };
    let on = move |key: &'static str| {
        let set = set.clone();
        move |ev: leptos::ev::Event| set(key, event_target_value(&ev))
    };
    let status = move || {
        filter.with(|f| {
            f.status
                .iter()
                .map(|s| s.code())
                .collect::<Vec<_>>()
                .join(",")
        })
    };
    let source = move || filter.with(|f| f.source.map(ref_code).unwrap_or_default());
    let owner = move || filter.with(|f| f.owner.map(ref_code).unwrap_or_default());
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    // Also for a filter that did not parse: the way out of a bad link.
    let has_filter = move || {
        query.with(|q| {
            let f = filter_query(q);
            !f.is_empty() && f != OPEN_VIEW
        })
    };
    view! {
        <form class="filters" method="get" action=path role="search" on:submit=|ev| ev.prevent_default()>
            <label class="filter-text">
                <span class="visually-hidden">"Search leads"</span>
                <input type="search" name="q" placeholder="Search name, company, email, phone"
                    autocomplete="off" prop:value=move || filter.with(|f| f.q.clone())
                    on:input=on("q") />
            </label>
            {with_status.then(|| view! {
            <label>
                <span>"Status"</span>
                <select name="status" on:change=on("status") prop:value=status>
                    <option value="" selected=move || status().is_empty()>"Any status"</option>
                    {LeadStatus::ALL.into_iter().map(|s| view! {
                        <option value=s.code() selected=move || status() == s.code()>{s.label()}</option>
                    }).collect_view()}
                </select>
            </label>
            })}
            <label>
                <span>"Source"</span>
                <select name="source" on:change=on("source") prop:value=source>
                    <option value="">"Any source"</option>
                    <option value="none" selected=move || source() == "none">"No source"</option>
                    <Suspense>
                        {move || Suspend::new(async move {
                            sources.await.unwrap_or_default().into_iter().map(|s| {
                                let code = s.id.to_string();
                                let selected = code.clone();
                                view! {
                                    <option value=code selected=move || source() == selected>{s.name}</option>
                                }
                            }).collect_view()
                        })}
                    </Suspense>
                </select>
            </label>
            <label>
                <span>"Owner"</span>
                <select name="owner" on:change=on("owner") prop:value=owner>
                    <option value="">"Anyone"</option>
                    <option value="me" selected=move || owner() == "me">"Me"</option>
                    <option value="none" selected=move || owner() == "none">"Unassigned"</option>
                </select>
            </label>
            <label>
                <span>"Created from"</span>
                <input type="date" name="created_from" prop:value=move || filter.with(|f| day(f.created_from))
                    on:change=on("created_from") />
            </label>
            <label>
                <span>"to"</span>
                <input type="date" name="created_to" prop:value=move || filter.with(|f| day(f.created_to))
                    on:change=on("created_to") />
            </label>
            <noscript><button type="submit" class="button">"Apply"</button></noscript>
            <input type="hidden" name="view" value="all" />
            <Show when=has_filter>
                <a class="button link" href=list_href(path, "", None)>"Clear filters"</a>
            </Show>
        </form>
    }
}

fn ref_code(r: RefFilter) -> String {
    match r {
        RefFilter::Unset => "none".into(),
        RefFilter::Me => "me".into(),
        RefFilter::Id(id) => id.to_string(),
    }
}

/// The export menu: the current view or every lead, plain CSV or with a
/// byte-order mark for Excel, and the import template.
#[component]
fn ExportMenu(
    /// The current filter.
    filter: Memo<LeadFilter>,
) -> impl IntoView {
    let href = move |kind: ExportKind, bom: bool| {
        ExportRequest {
            kind,
            filter: filter.get(),
            bom,
        }
        .href()
    };
    view! {
        <details class="popover export-menu">
            <summary class="button" role="button">"Export ▾"</summary>
            <div class="popover-body menu">
                <a href=move || href(ExportKind::View, false) download>"This view (CSV)"</a>
                <a href=move || href(ExportKind::View, true) download>"This view for Excel"</a>
                <a href=move || href(ExportKind::All, false) download>"All leads (CSV)"</a>
                <a href=move || href(ExportKind::All, true) download>"All leads for Excel"</a>
                <a href=TEMPLATE_PATH download>"Import template"</a>
            </div>
        </details>
    }
}

/// The table of one page, with its pager.
#[component]
fn LeadTable(
    /// The page to show.
    page: LeadPage,
    /// The filter's query string (kept by the pager).
    filter: String,
) -> impl IntoView {
    if page.rows.is_empty()
        && page.counts.iter().all(|(_, n)| *n == 0)
        && (filter.is_empty() || filter == OPEN_VIEW)
    {
        return view! {
            <section class="empty-state">
                <h2>"No leads yet"</h2>
                <p>"Leads you create appear here, newest first."</p>
                <a class="button primary" href="/leads/new">"Create lead"</a>
            </section>
        }
        .into_any();
    }
    if page.rows.is_empty() && page.total == 0 {
        return view! {
            <section class="empty-state">
                <h2>"No leads match these filters"</h2>
                <a class="button" href="/leads?view=all">"Show all leads"</a>
            </section>
        }
        .into_any();
    }
    let total = page.total;
    let noun = if total == 1 { "lead" } else { "leads" };
    let matching = match (filter.is_empty(), total) {
        (true, _) => "in all",
        (false, 1) => "matches",
        (false, _) => "match",
    };
    let newer = page
        .newer
        .map(|c| list_href("/leads", &filter, Some(format!("after={}", c.encode()))));
    let older = page
        .older
        .map(|c| list_href("/leads", &filter, Some(format!("before={}", c.encode()))));
    view! {
        <div class="list-figures">
            <p class="muted list-total" aria-live="polite">{format!("{total} {noun} {matching}")}</p>
            <StatusCounts path="/leads" counts=page.counts.clone() filter=filter.clone() />
        </div>
        <div class="table-wrap">
            <table class="grid">
                <thead>
                    <tr>
                        <th scope="col">"Lead name"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"First name"</th>
                        <th scope="col">"Last name"</th>
                        <th scope="col">"Primary email"</th>
                        <th scope="col">"Primary phone"</th>
                        <th scope="col">"Company"</th>
                        <th scope="col">"Country"</th>
                        <th scope="col">"City"</th>
                        <th scope="col">"Owner"</th>
                        <th scope="col">"Source"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {page.rows.into_iter().map(|row| view! { <LeadTableRow row /> }).collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="pager" aria-label="Pages">
            {newer.map(|href| view! { <a class="button" href=href>"← Newer"</a> })}
            {older.map(|href| view! { <a class="button" href=href>"Older →"</a> })}
        </nav>
    }
    .into_any()
}

/// The number of leads per status for the other filters, each a link
/// that narrows the view to that status.
#[component]
pub fn StatusCounts(
    /// The page the links go to.
    path: &'static str,
    /// Per status.
    counts: Vec<(LeadStatus, i64)>,
    /// The current filter's query string.
    filter: String,
) -> impl IntoView {
    let parsed = LeadFilter::from_query(&filter).unwrap_or_default();
    view! {
        <ul class="status-counts" aria-label="Leads per status">
            {counts.into_iter().map(|(status, n)| {
                let mut narrowed = parsed.clone();
                narrowed.status = vec![status];
                let current = parsed.status == [status];
                let href = list_href(path, &narrowed.to_query(), None);
                view! {
                    <li>
                        <a href=href class=format!("count status-{}", status.code())
                            aria-current=current.then_some("true")>
                            {status.label()} " " <strong>{n}</strong>
                        </a>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// One row of the table.
#[component]
fn LeadTableRow(
    /// The lead to show.
    row: LeadRow,
) -> impl IntoView {
    let text = |v: Option<String>| v.unwrap_or_default();
    let name = row.name.clone();
    view! {
        <tr>
            <td><a href=format!("/leads/{}", row.id)>{row.name}</a></td>
            <td><StatusBadge status=row.status /></td>
            <td>{text(row.first_name)}</td>
            <td>{text(row.last_name)}</td>
            <td>{text(row.email)}</td>
            <td>{text(row.phone)}</td>
            <td>{text(row.company_name)}</td>
            <td>{row.country.as_deref().map(|c| country_name(c).to_string())}</td>
            <td>{text(row.city)}</td>
            <td>{text(row.owner)}</td>
            <td>{row.source.unwrap_or_else(|| "No source".into())}</td>
            <td><time datetime=row.created_at.to_rfc3339()>{row.created_at.format("%Y-%m-%d").to_string()}</time></td>
            <td><RowMenu id=row.id name=name status=row.status /></td>
        </tr>
    }
}

/// Reloads the list (after a row action changed a lead).
#[derive(Clone, Copy)]
struct ListRefresh(RwSignal<u32>);

/// A row's actions: view, edit, qualify, disqualify or reactivate — in a
/// disclosure, so they work without JavaScript too.
#[component]
fn RowMenu(
    /// The lead's id.
    id: i64,
    /// Its name, for the menu's accessible label.
    name: String,
    /// Its status.
    status: LeadStatus,
) -> impl IntoView {
    let disqualify = ServerAction::<DisqualifyLead>::new();
    let reactivate = ServerAction::<ReactivateLead>::new();
    let refresh = use_context::<ListRefresh>();
    let menu = NodeRef::<leptos::html::Details>::new();
    Effect::new(move |_| {
        let done = matches!(disqualify.value().get(), Some(Ok(_)))
            || matches!(reactivate.value().get(), Some(Ok(_)));
        if done {
            // The row stays; its menu closes once the action is done.
            if let Some(el) = menu.get_untracked() {
                let _ = el.remove_attribute("open");
            }
            if let Some(ListRefresh(r)) = refresh {
                r.update(|n| *n += 1);
            }
        }
    });
    let failure = move || {
        disqualify
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| reactivate.value().get().and_then(Result::err))
    };
    view! {
        <details class="popover row-menu" node_ref=menu>
            <summary class="button small" role="button" aria-label=format!("Actions for {name}")>"⋯"</summary>
            <div class="popover-body menu">
                <a href=format!("/leads/{id}")>"View"</a>
                <a href=format!("/leads/{id}/edit")>"Edit"</a>
                {(status != LeadStatus::Canceled).then(|| view! {
                    <a href=format!("/leads/{id}/qualify")>"Qualify"</a>
                    <ActionForm action=disqualify>
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class="link">"Disqualify"</button>
                    </ActionForm>
                })}
                {(status != LeadStatus::New).then(|| view! {
                    <ActionForm action=reactivate>
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class="link">"Reactivate"</button>
                    </ActionForm>
                })}
                <a href=format!("/leads/{id}?confirm=delete")>"Delete…"</a>
                {move || failure().map(|error| view! { <ErrorNotice error /> })}
            </div>
        </details>
    }
}
