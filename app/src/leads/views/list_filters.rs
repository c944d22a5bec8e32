//! The list's views and filters. The filter bar is a plain GET form (it
//! works before the WASM loads); once live, every change applies at once,
//! text as it is typed.

use leptos::{callback::Callable as _, prelude::*};

use super::list::ListContext;
use crate::{
    components::field_label,
    leads::{
        fields::countries,
        filter::{LeadFilter, RefFilter},
        grid::{ListState, ViewKey},
        model::LeadStatus,
    },
};

/// The built-in views and the user's own, the current one marked.
#[component]
pub fn ViewTabs() -> impl IntoView {
    let ctx = expect_context::<ListContext>();
    let settings = ctx.settings.get_value();
    let mut tabs: Vec<(ViewKey, String)> = vec![
        (ViewKey::Open, "Open leads".into()),
        (ViewKey::All, "All leads".into()),
        (ViewKey::Mine, "My leads".into()),
    ];
    tabs.extend(
        settings
            .views
            .iter()
            .map(|v| (ViewKey::Saved(v.id), v.name.clone())),
    );
    let default = settings
        .default_view()
        .map(|v| ViewKey::Saved(v.id))
        .unwrap_or_default();
    view! {
        <nav class="tabs views" aria-label="Views">
            {tabs.into_iter().map(|(key, label)| {
                let href = format!("{}?view={}", ctx.path, key.code());
                let current = move || ctx.state.with(|s| s.view == key);
                let modified = move || current() && ctx.state.with(|s| s.modified);
                view! {
                    <a href=href aria-current=move || current().then_some("page")>
                        {label}
                        {(key == default).then(|| view! { <span class="default-mark" title="Your default view">" ★"</span> })}
                        <Show when=modified>
                            <span class="modified" title="Changed from the saved view">" •"</span>
                        </Show>
                    </a>
                }
            }).collect_view()}
        </nav>
    }
}

fn ref_code(r: Option<RefFilter>) -> String {
    match r {
        None => String::new(),
        Some(RefFilter::Unset) => "none".into(),
        Some(RefFilter::Me) => "me".into(),
        Some(RefFilter::Id(id)) => id.to_string(),
    }
}

/// Applies a URL-style `value` for `key` to the filter (a bad value
/// leaves the part out, as a bad link would).
fn set_part(filter: &mut LeadFilter, key: &str, value: &str) {
    let mut pairs: Vec<(&'static str, String)> = filter
        .to_pairs()
        .into_iter()
        .filter(|(k, _)| *k != key)
        .collect();
    if !value.trim().is_empty() {
        let key: &'static str = crate::leads::filter::FILTER_KEYS
            .iter()
            .find(|k| **k == key)
            .copied()
            .unwrap_or("q");
        pairs.push((key, value.to_string()));
    }
    *filter = LeadFilter::parse_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str()))).0;
}

/// The filter bar.
#[component]
pub fn FilterBar(
    /// Offer the status filter (the board shows every status anyway).
    #[prop(default = true)]
    with_status: bool,
) -> impl IntoView {
    let ctx = expect_context::<ListContext>();
    let settings = ctx.settings.get_value();
    let state = ctx.state;
    // The text box keeps what is typed (spaces too); the list follows it.
    let text = RwSignal::new(state.with_untracked(|s| s.filter.q.clone()));
    Effect::new(move |_| {
        let q = state.with(|s| s.filter.q.clone());
        if text.get_untracked().trim() != q {
            text.set(q);
        }
    });
    let set = move |key: &'static str, value: String| {
        let next = ctx.with(|s: &mut ListState| set_part(&mut s.filter, key, &value));
        ctx.go.run(next);
    };
    let on_text = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        text.set(value.clone());
        set("q", value);
    };
    let on =
        move |key: &'static str| move |ev: leptos::ev::Event| set(key, event_target_value(&ev));
    // Each field's value as a memo of its own: typing in the text box
    // changes none of them, so the hundreds of options below are not
    // looked at again on every keystroke.
    let part =
        move |of: fn(&LeadFilter) -> String| Memo::new(move |_| state.with(|s| of(&s.filter)));
    let status = part(|f| {
        f.status
            .iter()
            .map(|s| s.code())
            .collect::<Vec<_>>()
            .join(",")
    });
    let source = part(|f| ref_code(f.source));
    let owner = part(|f| ref_code(f.owner));
    let country = part(|f| f.country.clone().unwrap_or_default());
    let created_from = part(|f| day(f.created_from));
    let created_to = part(|f| day(f.created_to));
    let updated_from = part(|f| day(f.updated_from));
    let updated_to = part(|f| day(f.updated_to));
    let employees_min = part(|f| number(f.employees_min));
    let employees_max = part(|f| number(f.employees_max));
    let view_code = move || state.with(|s| s.view.code());
    let clear = move || ctx.href(&ctx.with(|s| s.filter = LeadFilter::default()));
    // The board shows every status: its status part is not a filter there.
    let has_filter = move || {
        state.with(|s| {
            if with_status {
                !s.filter.is_empty()
            } else {
                !s.filter.without_status().is_empty()
            }
        })
    };
    let me = settings.me;
    view! {
        <form class="filters" method="get" action=ctx.path role="search" on:submit=|ev| ev.prevent_default()>
            <input type="hidden" name="view" prop:value=view_code />
            <label class="filter-text">
                <span class="visually-hidden">"Search leads"</span>
                <input type="search" name="q" placeholder="Search name, company, email, phone"
                    autocomplete="off" prop:value=move || text.get() on:input=on_text />
            </label>
            {with_status.then(|| view! {
                <label>
                    <span>"Status"</span>
                    <select name="status" on:change=on("status") prop:value=status>
                        <option value="" selected=move || status.with(String::is_empty)>"Any status"</option>
                        {LeadStatus::ALL.into_iter().map(|s| view! {
                            <option value=s.code() selected=move || status.with(|c| c == s.code())>{s.label()}</option>
                        }).collect_view()}
                        <Show when=move || status.with(|c| c.contains(','))>
                            <option value=status selected=true>"Several"</option>
                        </Show>
                    </select>
                </label>
            })}
            <label>
                <span>"Source"</span>
                <select name="source" on:change=on("source") prop:value=source>
                    <option value="">"Any source"</option>
                    <option value="none" selected=move || source.with(|c| c == "none")>"No source"</option>
                    {settings.sources.iter().map(|s| {
                        let code = s.id.to_string();
                        let selected = code.clone();
                        let label = if s.retired { format!("{} (retired)", s.name) } else { s.name.clone() };
                        view! { <option value=code selected=move || source.with(|c| *c == selected)>{label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>
                <span>"Owner"</span>
                <select name="owner" on:change=on("owner") prop:value=owner>
                    <option value="">"Anyone"</option>
                    <option value="me" selected=move || owner.with(|c| c == "me")>"Me"</option>
                    <option value="none" selected=move || owner.with(|c| c == "none")>"Unassigned"</option>
                    {settings.owners.iter().filter(|o| o.id != me).map(|o| {
                        let code = o.id.to_string();
                        let selected = code.clone();
                        view! { <option value=code selected=move || owner.with(|c| *c == selected)>{o.display_name.clone()}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>
                <span>"Country"</span>
                <select name="country" on:change=on("country") prop:value=country>
                    <option value="">"Any country"</option>
                    {countries().into_iter().map(|(code, name)| view! {
                        <option value=code selected=move || country.with(|c| *c == code)>{name}</option>
                    }).collect_view()}
                </select>
            </label>
            <details class="more-filters" open=move || state.with(|s| {
                let f = &s.filter;
                f.created_from.is_some() || f.created_to.is_some() || f.updated_from.is_some()
                    || f.updated_to.is_some() || f.employees_min.is_some() || f.employees_max.is_some()
            })>
                <summary>"Dates and size"</summary>
                <div class="filter-grid">
                    <label><span>"Created from"</span>
                        <input type="date" name="created_from" prop:value=created_from on:change=on("created_from") /></label>
                    <label><span>"Created to"</span>
                        <input type="date" name="created_to" prop:value=created_to on:change=on("created_to") /></label>
                    <label><span>"Updated from"</span>
                        <input type="date" name="updated_from" prop:value=updated_from on:change=on("updated_from") /></label>
                    <label><span>"Updated to"</span>
                        <input type="date" name="updated_to" prop:value=updated_to on:change=on("updated_to") /></label>
                    <label><span>"Employees from"</span>
                        <input type="number" min="0" inputmode="numeric" name="employees_min"
                            prop:value=employees_min on:change=on("employees_min") /></label>
                    <label><span>"Employees to"</span>
                        <input type="number" min="0" inputmode="numeric" name="employees_max"
                            prop:value=employees_max on:change=on("employees_max") /></label>
                </div>
            </details>
            <noscript><button type="submit" class="button">"Apply"</button></noscript>
            <Show when=has_filter>
                <a class="button link" href=clear>"Clear filters"</a>
            </Show>
        </form>
    }
}

fn day(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn number(n: Option<i64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

/// What in the URL was not understood and so left out.
#[component]
pub fn ListNotices() -> impl IntoView {
    let ctx = expect_context::<ListContext>();
    let notices = move || ctx.state.with(|s| s.notices.clone());
    view! {
        <Show when=move || !notices().is_empty()>
            <div class="notice warn" role="status">
                <p>"Some of this link's filters were not understood and are left out:"</p>
                <ul>
                    {move || notices().into_iter().map(|n| view! {
                        <li>{field_label(&n.field)} ": " {n.message}</li>
                    }).collect_view()}
                </ul>
            </div>
        </Show>
    }
}

/// The number of leads per status for the other filters; each narrows
/// the list to that status (again: back to any status).
#[component]
pub fn StatusCounts(
    /// Per status.
    #[prop(into)]
    counts: Signal<Vec<(LeadStatus, i64)>>,
) -> impl IntoView {
    let ctx = expect_context::<ListContext>();
    view! {
        <ul class="status-counts" aria-label="Leads per status">
            {LeadStatus::ALL.into_iter().map(|status| {
                let n = move || counts.with(|c| c.iter().find(|(s, _)| *s == status).map_or(0, |(_, n)| *n));
                let current = move || ctx.state.with(|s| s.filter.status == [status]);
                let target = move || ctx.with(|s| {
                    s.filter.status = if s.filter.status == [status] { Vec::new() } else { vec![status] };
                });
                view! {
                    <li>
                        <a href=move || ctx.href(&target()) class=format!("count status-{}", status.code())
                            aria-current=move || current().then_some("true")
                            on:click=move |ev| {
                                ev.prevent_default();
                                ctx.go.run(target());
                            }>
                            {status.label()} " " <strong>{n}</strong>
                        </a>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
