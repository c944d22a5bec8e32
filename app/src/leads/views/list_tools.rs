//! The list's tools: which columns to show, export, saving the list as a
//! view, and mass actions on the selected leads.

use leptos::{callback::Callable as _, prelude::*};

use super::list::ListContext;
use crate::{
    components::ErrorNotice,
    leads::{
        export::{ExportKind, ExportRequest, TEMPLATE_PATH},
        grid::{GridColumn, ListState, ViewKey},
        mass::{mass_update, MassAction, MassRequest, MassSummary, MassTarget},
        model::LeadStatus,
        saved_views::{delete_view, save_columns, save_view, set_default_view},
    },
};

/// Bump to load the user's list settings again (after saving a view).
#[derive(Clone, Copy)]
pub struct SettingsRefresh(pub RwSignal<u32>);

fn refresh_settings() {
    if let Some(SettingsRefresh(r)) = use_context::<SettingsRefresh>() {
        r.update(|n| *n += 1);
    }
}

/// Show or hide columns; the choice is remembered for the user.
#[component]
pub fn ColumnChooser() -> impl IntoView {
    let ctx = expect_context::<ListContext>();
    let save = Action::new(|columns: &String| save_columns(columns.clone()));
    let toggle = move |column: GridColumn, on: bool| {
        let next = ctx.with(|s: &mut ListState| {
            s.columns.retain(|c| *c != column);
            if on {
                s.columns.push(column);
                s.columns.sort();
            }
        });
        save.dispatch(GridColumn::list_code(&next.columns));
        ctx.go.run(next);
    };
    view! {
        <details class="popover column-menu">
            <summary class="button" role="button">"Columns ▾"</summary>
            <div class="popover-body menu" role="group" aria-label="Columns">
                {GridColumn::ALL.into_iter().map(|column| {
                    let shown = move || ctx.state.with(|s| s.columns.contains(&column));
                    view! {
                        <label class="check">
                            <input type="checkbox" prop:checked=shown disabled=column == GridColumn::Name
                                on:change=move |ev| toggle(column, event_target_checked(&ev)) />
                            {column.label()}
                        </label>
                    }
                }).collect_view()}
                {move || save.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })}
            </div>
        </details>
    }
}

/// The export menu: this view (its filters, sort and columns) or every
/// lead, plain or for Excel, and the import template.
#[component]
pub fn ExportMenu() -> impl IntoView {
    let ctx = expect_context::<ListContext>();
    let href = move |kind: ExportKind, bom: bool| {
        ctx.state.with(|s| {
            ExportRequest {
                kind,
                filter: s.filter.clone(),
                sort: s.sort,
                columns: s.columns.clone(),
                bom,
            }
            .href()
        })
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

/// Saving the list as a view, and the current saved view's own actions.
#[component]
pub fn SaveViewForm() -> impl IntoView {
    let ctx = expect_context::<ListContext>();
    let saved_name = move || {
        ctx.state.with(|s| match s.view {
            ViewKey::Saved(id) => ctx
                .settings
                .with_value(|st| st.views.iter().find(|v| v.id == id).map(|v| v.name.clone())),
            _ => None,
        })
    };
    let current_id = move || match ctx.state.with(|s| s.view) {
        ViewKey::Saved(id) => Some(id),
        _ => None,
    };
    let is_default = move || {
        current_id().is_some_and(|id| {
            ctx.settings
                .with_value(|s| s.views.iter().any(|v| v.id == id && v.is_default))
        })
    };
    let name = RwSignal::new(String::new());
    let make_default = RwSignal::new(false);
    let save = Action::new(move |(name, default): &(String, bool)| {
        let query = ctx
            .state
            .with_untracked(|s| s.to_query(&ctx.settings.get_value()));
        save_view(name.clone(), query, *default)
    });
    let set_default = Action::new(|id: &Option<i64>| set_default_view(*id));
    let delete = Action::new(|id: &i64| delete_view(*id));
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(view)) = save.value().get() {
            navigate(
                &format!("{}?view={}", ctx.path, view.id),
                Default::default(),
            );
            refresh_settings();
        }
    });
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            navigate(&format!("{}?view=open", ctx.path), Default::default());
            refresh_settings();
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = set_default.value().get() {
            refresh_settings();
        }
    });
    let error = move || {
        save.value()
            .get()
            .and_then(Result::err)
            .or_else(|| delete.value().get().and_then(Result::err))
            .or_else(|| set_default.value().get().and_then(Result::err))
    };
    view! {
        <div class="view-tools">
            <details class="popover save-view">
                <summary class="button small" role="button" on:click=move |_| {
                    if name.get_untracked().is_empty() {
                        name.set(saved_name().unwrap_or_default());
                    }
                }>"Save view…"</summary>
                <form class="popover-body" on:submit=move |ev| {
                    ev.prevent_default();
                    save.dispatch((name.get_untracked(), make_default.get_untracked()));
                }>
                    <label>
                        <span>"View name"</span>
                        <input type="text" name="name" maxlength="80" required
                            prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                    </label>
                    <label class="check">
                        <input type="checkbox" name="is_default" prop:checked=move || make_default.get()
                            on:change=move |ev| make_default.set(event_target_checked(&ev)) />
                        "Open the list with this view"
                    </label>
                    <p class="muted small">"Saves the filters, the sort and the columns. A name you already use is updated."</p>
                    <button type="submit" class="button primary" disabled=move || save.pending().get()>"Save view"</button>
                </form>
            </details>
            {move || current_id().map(|id| view! {
                {if is_default() {
                    view! {
                        <button type="button" class="button small" on:click=move |_| { set_default.dispatch(None); }>
                            "Stop opening with this view"
                        </button>
                    }.into_any()
                } else {
                    view! {
                        <button type="button" class="button small" on:click=move |_| { set_default.dispatch(Some(id)); }>
                            "Open the list with this view"
                        </button>
                    }.into_any()
                }}
                <button type="button" class="button small ghost" on:click=move |_| { delete.dispatch(id); }>
                    "Delete this view"
                </button>
            })}
            {move || error().map(|error| view! { <ErrorNotice error list_fields=true /> })}
        </div>
    }
}

/// What was selected, as the server's request target.
fn target(ctx: &ListContext) -> Option<MassTarget> {
    if ctx.selection.all_matching.get_untracked() {
        Some(MassTarget::Filter(
            ctx.state.with_untracked(|s| s.filter.to_query()),
        ))
    } else {
        let ids: Vec<i64> = ctx
            .selection
            .ids
            .with_untracked(|s| s.iter().copied().collect());
        (!ids.is_empty()).then_some(MassTarget::Ids(ids))
    }
}

/// The bar over the table while leads are selected: how many, and what
/// to do with them.
#[component]
pub fn MassBar(
    /// Leads matching the filter.
    #[prop(into)]
    total: Signal<usize>,
) -> impl IntoView {
    let ctx = expect_context::<ListContext>();
    let selection = ctx.selection;
    let selected = move || {
        if selection.all_matching.get() {
            total.get()
        } else {
            selection.ids.with(|s| s.len())
        }
    };
    let run = Action::new(|request: &MassRequest| {
        let request = request.clone();
        async move {
            let action = request.action.clone();
            mass_update(request).await.map(|summary| (action, summary))
        }
    });
    let confirm_delete = RwSignal::new(false);
    let status = RwSignal::new(LeadStatus::Canceled.code().to_string());
    let owner = RwSignal::new("me".to_string());
    let me = ctx.settings.with_value(|s| s.me);
    let owners = ctx.settings.with_value(|s| s.owners.clone());
    let dispatch = move |action: MassAction| {
        if let Some(target) = target(&ctx) {
            run.dispatch(MassRequest { target, action });
        }
    };
    Effect::new(move |_| {
        if let Some(Ok(_)) = run.value().get() {
            selection.clear();
            confirm_delete.set(false);
        }
    });
    view! {
        <Show when=move || { selected() > 0 }>
            <div class="mass-bar" role="region" aria-label="Mass actions">
                <strong>{move || {
                    let n = selected();
                    if selection.all_matching.get() {
                        format!("All {n} matching leads selected")
                    } else if n == 1 {
                        "1 lead selected".to_string()
                    } else {
                        format!("{n} leads selected")
                    }
                }}</strong>
                <Show when=move || { !selection.all_matching.get() && total.get() > selected() }>
                    <button type="button" class="button small link" on:click=move |_| selection.all_matching.set(true)>
                        {move || format!("Select all {} matching", total.get())}
                    </button>
                </Show>
                <label class="inline">
                    <span>"Status"</span>
                    <select aria-label="New status" prop:value=move || status.get()
                        on:change=move |ev| status.set(event_target_value(&ev))>
                        <option value="new">"New"</option>
                        <option value="canceled" selected=true>"Disqualified"</option>
                    </select>
                    <button type="button" class="button small" disabled=move || run.pending().get()
                        on:click=move |_| {
                            if let Some(s) = LeadStatus::from_code(&status.get_untracked()) {
                                dispatch(MassAction::SetStatus(s));
                            }
                        }>"Set status"</button>
                </label>
                <label class="inline">
                    <span>"Owner"</span>
                    <select aria-label="New owner" prop:value=move || owner.get()
                        on:change=move |ev| owner.set(event_target_value(&ev))>
                        <option value="me">"Me"</option>
                        <option value="none">"Unassigned"</option>
                        {owners.iter().filter(|o| o.id != me).map(|o| view! {
                            <option value=o.id.to_string()>{o.display_name.clone()}</option>
                        }).collect_view()}
                    </select>
                    <button type="button" class="button small" disabled=move || run.pending().get()
                        on:click=move |_| {
                            let choice = owner.get_untracked();
                            let to = match choice.as_str() {
                                "me" => Some(me),
                                "none" => None,
                                id => id.parse().ok(),
                            };
                            dispatch(MassAction::SetOwner(to));
                        }>"Set owner"</button>
                </label>
                <Show
                    when=move || confirm_delete.get()
                    fallback=move || view! {
                        <button type="button" class="button small danger-outline" on:click=move |_| confirm_delete.set(true)>
                            "Delete…"
                        </button>
                    }
                >
                    <span class="confirm" role="alert">
                        {move || format!("Delete {} leads for good?", selected())}
                        <button type="button" class="button small danger" disabled=move || run.pending().get()
                            on:click=move |_| dispatch(MassAction::Delete)>"Delete"</button>
                        <button type="button" class="button small" on:click=move |_| confirm_delete.set(false)>"Cancel"</button>
                    </span>
                </Show>
                <button type="button" class="button small ghost" on:click=move |_| selection.clear()>"Clear selection"</button>
            </div>
        </Show>
        {move || run.value().get().map(|result| match result {
            Ok((action, summary)) => view! { <MassResult action summary /> }.into_any(),
            Err(error) => view! { <ErrorNotice error list_fields=true /> }.into_any(),
        })}
    }
}

/// What a mass action did, with the refused leads and why.
#[component]
fn MassResult(action: MassAction, summary: MassSummary) -> impl IntoView {
    let sentence = summary.sentence(&action);
    let refused = summary.refused;
    let listed = summary.refusals.len();
    let class = if refused > 0 {
        "notice warn"
    } else {
        "notice ok"
    };
    view! {
        <div class=class role="status" aria-label="Mass action result">
            <p>{sentence}</p>
            {(refused > 0).then(|| view! {
                <ul class="refusals">
                    {summary.refusals.into_iter().map(|r| view! {
                        <li>
                            {match r.name {
                                Some(name) => view! { <a href=format!("/leads/{}", r.id)>{name}</a> }.into_any(),
                                None => view! { <span>{format!("Lead #{}", r.id)}</span> }.into_any(),
                            }}
                            ": " {r.reason}
                        </li>
                    }).collect_view()}
                    {(refused > listed).then(|| view! { <li>{format!("… and {} more", refused - listed)}</li> })}
                </ul>
            })}
        </div>
    }
}
