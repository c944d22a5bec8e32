//! The lead list's table: only the rows in view are in the page (the rest
//! are empty space of the same height), so tens of thousands of leads
//! scroll as smoothly as fifty. The page itself scrolls; the heading row
//! stays on top.

use std::collections::HashSet;

use leptos::{callback::Callback, form::ActionForm, prelude::*};

use crate::{
    components::StatusBadge,
    leads::{
        fields::country_name,
        grid::{GridColumn, GridSort},
        model::{LeadRow, LeadStatus},
    },
    opportunities::api::{DisqualifyLead, ReactivateLead},
};

/// Every row is this tall (the stylesheet says so too).
pub const ROW_HEIGHT: f64 = 37.0;
/// Rows drawn above and below the visible ones.
const OVERSCAN: usize = 3;
/// Widths (rem) of the selection and actions columns (the stylesheet
/// says so too).
const SELECT_REM: f64 = 2.25;
const ACTIONS_REM: f64 = 3.0;
/// Rows drawn before the window is measured (and on the server).
const FIRST_ROWS: usize = 50;

/// Which leads are selected for a mass action.
#[derive(Clone, Copy)]
pub struct Selection {
    /// Picked one by one.
    pub ids: RwSignal<HashSet<i64>>,
    /// Every lead matching the filter (not only the picked ones).
    pub all_matching: RwSignal<bool>,
}

impl Selection {
    /// Nothing selected.
    pub fn new() -> Self {
        Self {
            ids: RwSignal::new(HashSet::new()),
            all_matching: RwSignal::new(false),
        }
    }

    /// Forget the selection.
    pub fn clear(self) {
        self.ids.update(HashSet::clear);
        self.all_matching.set(false);
    }
}

impl Default for Selection {
    fn default() -> Self {
        Self::new()
    }
}

/// The row menus' status actions, made once for the whole table.
#[derive(Clone, Copy)]
pub struct RowActions {
    /// Disqualify one lead.
    pub disqualify: ServerAction<DisqualifyLead>,
    /// Reactivate one lead.
    pub reactivate: ServerAction<ReactivateLead>,
}

/// The table of leads.
#[component]
pub fn GridTable(
    /// How many rows the list has.
    #[prop(into)]
    count: Signal<usize>,
    /// The row at a position (tracked: a changed row redraws).
    row_at: Callback<usize, Option<LeadRow>>,
    /// The columns to show, in order.
    #[prop(into)]
    columns: Signal<Vec<GridColumn>>,
    /// The current order.
    #[prop(into)]
    sort: Signal<GridSort>,
    /// A heading was clicked.
    on_sort: Callback<GridColumn>,
    /// The link a heading leads to (the list sorted by its column), for
    /// a page without JavaScript and for opening in a new tab.
    sort_href: Callback<GridColumn, String>,
    /// The selection for mass actions.
    selection: Selection,
    /// Changes when the list becomes another one (filter, sort): back to
    /// its top.
    #[prop(into)]
    list_key: Signal<String>,
    /// Called when the rows in view near the end (to load more).
    #[prop(default = None)]
    on_near_end: Option<Callback<()>>,
    /// Drawn in the browser only (never server-rendered): row menus are
    /// built when opened.
    #[prop(optional)]
    client_only: bool,
) -> impl IntoView {
    let body = NodeRef::<leptos::html::Tbody>::new();
    // Pixels of the table body scrolled past the top of the window, and
    // the window's height.
    let scrolled = RwSignal::new(0.0_f64);
    let view_height = RwSignal::new(FIRST_ROWS as f64 * ROW_HEIGHT);
    // Where the table body starts in the page, as last measured (reading
    // it while the list redraws would force the browser to lay the page
    // out twice per keystroke).
    let body_top = StoredValue::new(0.0_f64);
    let measure = move || {
        if let Some(el) = body.get_untracked() {
            let top = el.get_bounding_client_rect().top();
            body_top.set_value(top + window().scroll_y().unwrap_or(0.0));
            scrolled.set((-top).max(0.0));
            let h = window()
                .inner_height()
                .ok()
                .and_then(|h| h.as_f64())
                .unwrap_or(800.0);
            // Only the part of the window below the table's top shows rows.
            view_height.set((h - top.max(0.0)).max(ROW_HEIGHT));
        }
    };
    #[cfg(feature = "hydrate")]
    {
        let on_scroll = window_event_listener(leptos::ev::scroll, move |_| measure());
        let on_resize = window_event_listener(leptos::ev::resize, move |_| measure());
        on_cleanup(move || {
            on_scroll.remove();
            on_resize.remove();
        });
        Effect::new(move |_| measure());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = measure;
    // A new list starts at its top: scroll back if the table's top is
    // above the window.
    Effect::new(move |previous: Option<String>| {
        let key = list_key.get();
        if previous.is_some_and(|p| p != key) {
            if scrolled.get_untracked() > 0.0 {
                let y = body_top.get_value() - 80.0;
                window().scroll_to_with_x_and_y(0.0, y.max(0.0));
            }
            scrolled.set(0.0);
        }
        key
    });
    let window_rows = Memo::new(move |_| {
        let n = count.get();
        let first = ((scrolled.get() / ROW_HEIGHT) as usize)
            .saturating_sub(OVERSCAN)
            .min(n);
        let visible = (view_height.get() / ROW_HEIGHT).ceil() as usize;
        let last = (first + visible + 2 * OVERSCAN).min(n);
        (first, last, n)
    });
    if let Some(near_end) = on_near_end {
        Effect::new(move |_| {
            let (_, last, n) = window_rows.get();
            if n > 0 && last + OVERSCAN >= n {
                near_end.run(());
            }
        });
    }
    // Rows are keyed by the lead (not by their place): a keystroke that
    // keeps most of the rows in view moves them instead of drawing them
    // again.
    let rows = move || {
        crate::components::perf::mark("list-rows");
        let (first, last, _) = window_rows.get();
        (first..last)
            .filter_map(|i| row_at.run(i))
            .collect::<Vec<_>>()
    };
    let first_row = Signal::derive(move || window_rows.with(|w| w.0));
    // Fixed column widths: typing never makes the columns jump.
    let min_width = move || {
        let rem: f64 = columns.with(|c| c.iter().map(|c| c.width_rem()).sum());
        format!("min-width:{}rem", rem + SELECT_REM + ACTIONS_REM)
    };
    let spacer = move |height: f64| {
        let span = columns.with(Vec::len) + 2;
        view! {
            <tr class="spacer" aria-hidden="true">
                <td colspan=span style=format!("height:{height}px")></td>
            </tr>
        }
    };
    view! {
        <div class="grid-wrap">
            <table class="grid live" aria-rowcount=move || count.get() + 1 style=min_width>
                <thead>
                    <GridHead columns sort on_sort sort_href selection count />
                </thead>
                <tbody node_ref=body>
                    {move || {
                        let (first, _, _) = window_rows.get();
                        (first > 0).then(|| spacer(first as f64 * ROW_HEIGHT))
                    }}
                    <ForEnumerate
                        each=rows
                        key=|row| (row.id, row.updated_at, row.status)
                        children={move |at: ReadSignal<usize>, row| {
                            let index = Signal::derive(move || first_row.get() + at.get());
                            view! { <GridRow index row columns selection lazy=client_only /> }
                        }}
                    />
                    {move || {
                        let (_, last, n) = window_rows.get();
                        (last < n).then(|| spacer((n - last) as f64 * ROW_HEIGHT))
                    }}
                </tbody>
            </table>
        </div>
    }
}

/// The heading row: select-all, sortable column names.
#[component]
fn GridHead(
    columns: Signal<Vec<GridColumn>>,
    sort: Signal<GridSort>,
    on_sort: Callback<GridColumn>,
    sort_href: Callback<GridColumn, String>,
    selection: Selection,
    count: Signal<usize>,
) -> impl IntoView {
    view! {
        <tr>
            <th scope="col" class="select">
                <input type="checkbox"
                    aria-label=move || format!("Select all {} leads of this list", count.get())
                    prop:checked=move || selection.all_matching.get()
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        selection.all_matching.set(on);
                        if !on {
                            selection.ids.update(HashSet::clear);
                        }
                    } />
            </th>
            <For each=move || columns.get() key=|c| *c let:column>
                {
                    let sorted = move || sort.with(|s| (s.column == column).then_some(s.descending));
                    let aria = move || match sorted() {
                        Some(true) => "descending",
                        Some(false) => "ascending",
                        None => "none",
                    };
                    view! {
                        <th scope="col" aria-sort=aria class=format!("col-{}", column.code())
                            style=format!("width:{}rem", column.width_rem())>
                            <a class="sort" href=move || sort_href.run(column) on:click=move |ev| {
                                ev.prevent_default();
                                on_sort.run(column);
                            }>
                                {column.label()}
                                <span class="arrow" aria-hidden="true">
                                    {move || match sorted() {
                                        Some(true) => "↓",
                                        Some(false) => "↑",
                                        None => "",
                                    }}
                                </span>
                            </a>
                        </th>
                    }
                }
            </For>
            <th scope="col" class="row-actions"><span class="visually-hidden">"Actions"</span></th>
        </tr>
    }
}

/// The text of one cell.
fn cell_text(row: &LeadRow, column: GridColumn) -> String {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    match column {
        GridColumn::Name | GridColumn::Status => String::new(),
        GridColumn::FirstName => text(&row.first_name),
        GridColumn::LastName => text(&row.last_name),
        GridColumn::Email => text(&row.email),
        GridColumn::Phone => text(&row.phone),
        GridColumn::Company => text(&row.company_name),
        GridColumn::Country => row
            .country
            .as_deref()
            .map(|c| country_name(c).to_string())
            .unwrap_or_default(),
        GridColumn::City => text(&row.city),
        GridColumn::PostalCode => text(&row.postal_code),
        GridColumn::Owner => row.owner.clone().unwrap_or_else(|| "Unassigned".into()),
        GridColumn::Source => row.source.clone().unwrap_or_else(|| "No source".into()),
        GridColumn::Created => row.created_at.format("%Y-%m-%d").to_string(),
        GridColumn::Updated => row.updated_at.format("%Y-%m-%d").to_string(),
    }
}

/// One lead's row.
#[component]
fn GridRow(
    /// The row's place in the list (from 0).
    index: Signal<usize>,
    row: LeadRow,
    columns: Signal<Vec<GridColumn>>,
    selection: Selection,
    lazy: bool,
) -> impl IntoView {
    let id = row.id;
    let name = row.name.clone();
    let status = row.status;
    let checked = move || selection.all_matching.get() || selection.ids.with(|s| s.contains(&id));
    let cells = move || {
        columns
            .get()
            .into_iter()
            .map(|column| match column {
                GridColumn::Name => view! {
                    <td class="col-name"><a href=format!("/leads/{id}")>{row.name.clone()}</a></td>
                }
                .into_any(),
                GridColumn::Status => view! {
                    <td class="col-status"><StatusBadge status=row.status /></td>
                }
                .into_any(),
                GridColumn::Created | GridColumn::Updated => {
                    let at = if column == GridColumn::Created {
                        row.created_at
                    } else {
                        row.updated_at
                    };
                    view! {
                        <td class=format!("col-{}", column.code())>
                            <time datetime=at.to_rfc3339()>{cell_text(&row, column)}</time>
                        </td>
                    }
                    .into_any()
                }
                other => {
                    let text = cell_text(&row, other);
                    let title = text.clone();
                    view! { <td class=format!("col-{}", other.code()) title=title>{text}</td> }
                        .into_any()
                }
            })
            .collect_view()
    };
    view! {
        <tr aria-rowindex=move || index.get() + 2 class:selected=checked>
            <td class="select">
                <input type="checkbox" aria-label=format!("Select {name}")
                    prop:checked=checked
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        if selection.all_matching.get_untracked() && !on {
                            // Leaving "all matching": keep the others? No:
                            // the choice is explicit from here on.
                            selection.all_matching.set(false);
                        }
                        selection.ids.update(|s| {
                            if on {
                                s.insert(id);
                            } else {
                                s.remove(&id);
                            }
                        });
                    } />
            </td>
            {cells}
            <td class="row-actions"><RowMenu id name status lazy /></td>
        </tr>
    }
}

/// A row's actions in a disclosure (works without JavaScript too): view,
/// edit, qualify, disqualify or reactivate, delete. A `lazy` menu (rows
/// drawn in the browser only) builds its items when first opened: a
/// keystroke that redraws the list then draws a few dozen buttons, not a
/// few hundred links and forms.
#[component]
fn RowMenu(id: i64, name: String, status: LeadStatus, lazy: bool) -> impl IntoView {
    let actions = use_context::<RowActions>();
    let built = RwSignal::new(!lazy);
    let items = move || {
        built.get().then(|| {
            view! {
                <div class="popover-body menu">
                    <a href=format!("/leads/{id}")>"View"</a>
                    <a href=format!("/leads/{id}/edit")>"Edit"</a>
                    {(status == LeadStatus::New).then(|| view! {
                        <a href=format!("/leads/{id}/qualify")>"Qualify"</a>
                    })}
                    {actions.map(|a| view! {
                        {(status != LeadStatus::Canceled).then(|| view! {
                            <ActionForm action=a.disqualify>
                                <input type="hidden" name="id" value=id />
                                <button type="submit" class="link">"Disqualify"</button>
                            </ActionForm>
                        })}
                        {(status != LeadStatus::New).then(|| view! {
                            <ActionForm action=a.reactivate>
                                <input type="hidden" name="id" value=id />
                                <button type="submit" class="link">"Reactivate"</button>
                            </ActionForm>
                        })}
                    })}
                    <a href=format!("/leads/{id}?confirm=delete")>"Delete…"</a>
                </div>
            }
        })
    };
    view! {
        <details class="popover row-menu" on:toggle=move |_| {
            if !built.get_untracked() {
                built.set(true);
            }
        }>
            <summary class="button small" role="button" aria-label=format!("Actions for {name}")>"⋯"</summary>
            {items}
        </details>
    }
}
