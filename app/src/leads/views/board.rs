//! The pipeline board: a column per status with the first leads of each
//! (in the list's order) as cards — name, company, owner, age — and charts
//! of the filtered set. Dragging a card to another column changes its
//! status by the same rules and server functions as the buttons: to
//! Qualified opens the qualify wizard, to Disqualified disqualifies, back
//! to New reactivates. Every card carries those moves as buttons too, for
//! the keyboard and for touch. Like the list, it filters in the browser
//! once the leads are there, and follows other people's changes live.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use super::{
    charts::Charts,
    list::{provide_list, ListContext},
    list_filters::{FilterBar, ListNotices, ViewTabs},
    list_tools::SettingsRefresh,
    live_data::LiveLeads,
};
use crate::{
    components::ErrorNotice,
    leads::{
        api::list_leads,
        charts::lead_charts,
        model::{LeadPageRequest, LeadRow, LeadStatus, StatusMove},
        saved_views::{load_list_settings, ListSettings},
    },
    opportunities::api::{DisqualifyLead, ReactivateLead},
};

/// Cards per column; the rest are a link away, in the list.
const CARDS: usize = 50;

/// A card being dragged: its lead and the column it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Dragged {
    id: i64,
    from: LeadStatus,
}

/// The board's shared state: the actions every card and column use.
#[derive(Clone, Copy)]
struct Board {
    dragging: RwSignal<Option<Dragged>>,
    refused: RwSignal<Option<&'static str>>,
    disqualify: ServerAction<DisqualifyLead>,
    reactivate: ServerAction<ReactivateLead>,
}

/// `/leads/board`.
#[component]
pub fn LeadBoardPage() -> impl IntoView {
    let live = LiveLeads::get();
    Effect::new(move |_| live.start());
    let refresh = RwSignal::new(0_u32);
    provide_context(SettingsRefresh(refresh));
    let settings = Resource::new(move || refresh.get(), |_| load_list_settings());
    view! {
        <Title text="Pipeline board" />
        <Transition fallback=|| view! { <p class="muted">"Loading the board…"</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(settings) => view! { <BoardWorkspace settings /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn BoardWorkspace(settings: ListSettings) -> impl IntoView {
    let ctx = provide_list("/leads/board", settings);
    let live = LiveLeads::get();
    let board = Board {
        dragging: RwSignal::new(None),
        refused: RwSignal::new(None),
        disqualify: ServerAction::new(),
        reactivate: ServerAction::new(),
    };
    provide_context(board);
    let failure = move || {
        board
            .disqualify
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| board.reactivate.value().get().and_then(Result::err))
    };
    let list = move || {
        ctx.href(&ctx.state.get())
            .replacen("/leads/board", "/leads", 1)
    };
    view! {
        <div class="page-head">
            <div>
                <p class="crumb"><a href="/leads">"Leads"</a></p>
                <h1>"Pipeline board"</h1>
            </div>
            <div class="actions">
                <a class="button" href=list>"List"</a>
                <a class="button primary" href="/leads/new">"Create lead"</a>
            </div>
        </div>
        <ViewTabs />
        <FilterBar with_status=false />
        <ListNotices />
        <div aria-live="polite">
            {move || board.refused.get().map(|m| view! { <div class="notice error" role="alert">{m}</div> })}
            {move || failure().map(|error| view! { <ErrorNotice error /> })}
        </div>
        {move || if live.ready() {
            view! { <LiveBoard /> }.into_any()
        } else {
            view! { <ServerBoard /> }.into_any()
        }}
    }
}

/// The board from the browser's leads: columns and charts.
#[component]
fn LiveBoard() -> impl IntoView {
    let ctx = expect_context::<ListContext>();
    let live = LiveLeads::get();
    let result = Memo::new(move |_| {
        ctx.state
            .with(|s| live.run(&s.filter.without_status(), s.sort))
    });
    let column = move |status: LeadStatus| {
        Signal::derive(move || {
            result.with(|r| {
                let Some(r) = r else { return (Vec::new(), 0) };
                let total = r.counts[LeadStatus::ALL
                    .iter()
                    .position(|s| *s == status)
                    .unwrap_or(0)];
                let cards: Vec<LeadRow> = live
                    .with_index(|index| {
                        r.base
                            .iter()
                            .filter(|i| index.status_at(**i) == Some(status))
                            .take(CARDS)
                            .filter_map(|i| index.row(*i))
                            .collect()
                    })
                    .unwrap_or_default();
                (cards, total)
            })
        })
    };
    let charts = Signal::derive(move || {
        result.with(|r| {
            r.as_ref().and_then(|r| {
                live.with_index(|index| index.charts(&r.base, chrono::Utc::now().date_naive()))
            })
        })
    });
    view! {
        <Charts data=charts />
        <div class="board">
            {LeadStatus::ALL.into_iter().map(|status| view! {
                <BoardColumn status cards=column(status) />
            }).collect_view()}
        </div>
    }
}

/// The board from the server: a page per column, charts counted there.
#[component]
fn ServerBoard() -> impl IntoView {
    let ctx = expect_context::<ListContext>();
    let live = LiveLeads::get();
    let filter = Memo::new(move |_| ctx.state.with(|s| (s.filter.without_status(), s.sort)));
    let charts = Resource::new(
        move || (filter.get().0.to_query(), live.version.get()),
        |(filter, _)| lead_charts(filter),
    );
    let column = move |status: LeadStatus| {
        let page = Resource::new(
            move || (filter.get(), live.version.get()),
            move |((mut filter, sort), _)| {
                filter.status = vec![status];
                list_leads(
                    LeadPageRequest {
                        limit: Some(CARDS as u32),
                        sort: Some(sort),
                        with_counts: true,
                        ..Default::default()
                    },
                    filter.to_query(),
                )
            },
        );
        view! {
            <Suspense fallback=move || view! {
                <section class="board-column"><h2>{status.label()}</h2><p class="muted">"Loading…"</p></section>
            }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => {
                            let total = page.counts.map_or(0, |c| c.total) as usize;
                            let cards = Signal::stored((page.rows, total));
                            view! { <BoardColumn status cards /> }.into_any()
                        }
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
        }
    };
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let data = Signal::stored(charts.await.ok());
                view! { <Charts data /> }
            })}
        </Transition>
        <div class="board">
            {LeadStatus::ALL.into_iter().map(column).collect_view()}
        </div>
    }
}

/// One column: its count and first cards; a drop target.
#[component]
fn BoardColumn(
    /// Its status.
    status: LeadStatus,
    /// Its cards and how many leads it has in all.
    cards: Signal<(Vec<LeadRow>, usize)>,
) -> impl IntoView {
    let board = expect_context::<Board>();
    let ctx = expect_context::<ListContext>();
    let navigate = use_navigate();
    let over = RwSignal::new(false);
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        over.set(false);
        let Some(card) = board.dragging.get_untracked() else {
            return;
        };
        board.dragging.set(None);
        board.refused.set(None);
        match card.from.move_to(status) {
            StatusMove::Stay => {}
            StatusMove::Qualify => {
                navigate(&format!("/leads/{}/qualify", card.id), Default::default())
            }
            StatusMove::Disqualify => {
                board.disqualify.dispatch(DisqualifyLead {
                    id: card.id,
                    reason: None,
                });
            }
            StatusMove::Reactivate => {
                board.reactivate.dispatch(ReactivateLead { id: card.id });
            }
            StatusMove::Refused(message) => board.refused.set(Some(message)),
        }
    };
    let rest = move || {
        let mut state = ctx.state.get();
        state.filter.status = vec![status];
        ctx.href(&state).replacen("/leads/board", "/leads", 1)
    };
    let total = move || cards.with(|(_, n)| *n);
    let shown = move || cards.with(|(c, _)| c.len());
    view! {
        <section class=move || format!("board-column status-{}{}", status.code(), if over.get() { " drop-over" } else { "" })
            aria-label=status.label()
            on:dragover=move |ev: leptos::ev::DragEvent| {
                if board.dragging.get_untracked().is_some() {
                    ev.prevent_default();
                    over.set(true);
                }
            }
            on:dragleave=move |_| over.set(false)
            on:drop=on_drop>
            <h2>{status.label()} <span class="count">{total}</span></h2>
            <ul class="cards">
                <For each=move || cards.get().0 key=|row| (row.id, row.updated_at, row.status) let:row>
                    <Card row />
                </For>
            </ul>
            <Show when=move || total() == 0>
                <p class="muted empty">"No leads"</p>
            </Show>
            <Show when=move || { total() > shown() }>
                <a class="more" href=rest>{move || format!("{} more in the list →", total() - shown())}</a>
            </Show>
        </section>
    }
}

/// How long ago, in words: "today", "3 days", "5 weeks", "2 years".
fn age(created: chrono::DateTime<chrono::Utc>) -> String {
    let days = (chrono::Utc::now() - created).num_days().max(0);
    match days {
        0 => "today".into(),
        1 => "1 day".into(),
        2..=13 => format!("{days} days"),
        14..=89 => format!("{} weeks", days / 7),
        90..=729 => format!("{} months", days / 30),
        _ => format!("{} years", days / 365),
    }
}

/// One card: draggable, with its moves as buttons.
#[component]
fn Card(row: LeadRow) -> impl IntoView {
    let board = expect_context::<Board>();
    let id = row.id;
    let status = row.status;
    let on_drag = move |ev: leptos::ev::DragEvent| {
        board.dragging.set(Some(Dragged { id, from: status }));
        // Some browsers only start a drag that carries data.
        if let Some(data) = ev.data_transfer() {
            let _ = data.set_data("text/plain", &format!("/leads/{id}"));
        }
    };
    view! {
        <li class="card" draggable="true" on:dragstart=on_drag on:dragend=move |_| board.dragging.set(None)>
            <a class="card-title" href=format!("/leads/{id}")>{row.name.clone()}</a>
            {row.company_name.clone().map(|c| view! { <p class="card-company">{c}</p> })}
            <p class="card-meta">
                <span>{row.owner.clone().unwrap_or_else(|| "Unassigned".into())}</span>
                <time datetime=row.created_at.to_rfc3339() title=format!("Created {}", row.created_at.format("%Y-%m-%d"))>
                    {age(row.created_at)}
                </time>
            </p>
            <div class="card-actions">
                {(status == LeadStatus::New).then(|| view! {
                    <a class="button small" href=format!("/leads/{id}/qualify")>"Qualify"</a>
                })}
                {(status != LeadStatus::Canceled).then(|| view! {
                    <ActionForm action=board.disqualify>
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class="button small">"Disqualify"</button>
                    </ActionForm>
                })}
                {(status != LeadStatus::New).then(|| view! {
                    <ActionForm action=board.reactivate>
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class="button small">"Reactivate"</button>
                    </ActionForm>
                })}
            </div>
        </li>
    }
}
