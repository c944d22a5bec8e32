//! The pipeline board: a column per status with the newest leads of each
//! as cards (name, company, owner, age). Dragging a card to another column
//! changes its status by the same rules and server functions as the
//! buttons: to Qualified opens the qualify wizard, to Disqualified
//! disqualifies, back to New reactivates. Every card also carries those
//! moves as buttons, for the keyboard and for touch.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use super::list::{filter_query, list_href, FilterBar};
use crate::{
    components::ErrorNotice,
    error::AppError,
    leads::{
        api::list_leads,
        filter::LeadFilter,
        model::{LeadPageRequest, LeadRow, LeadStatus},
    },
    opportunities::api::{DisqualifyLead, ReactivateLead},
};

/// Cards per column; the rest are a link away, in the list.
const CARDS: u32 = 50;

/// A card being dragged: its lead and the column it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Dragged {
    id: i64,
    from: LeadStatus,
}

/// What dropping a card of status `from` on column `to` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Move {
    /// Open the qualify wizard.
    Qualify,
    /// Disqualify the lead.
    Disqualify,
    /// Set it back to New.
    Reactivate,
    /// Nothing (same column).
    Stay,
    /// Not allowed, with the reason.
    Refused(&'static str),
}

fn move_of(from: LeadStatus, to: LeadStatus) -> Move {
    use LeadStatus::*;
    match (from, to) {
        (a, b) if a == b => Move::Stay,
        (New, Qualified) => Move::Qualify,
        (_, Canceled) => Move::Disqualify,
        (_, New) => Move::Reactivate,
        (Canceled, Qualified) => {
            Move::Refused("A disqualified lead is reactivated before it can be qualified.")
        }
        _ => Move::Refused("This move is not possible."),
    }
}

/// The board's shared state: the actions every card and column use.
#[derive(Clone, Copy)]
struct Board {
    dragging: RwSignal<Option<Dragged>>,
    refresh: RwSignal<u32>,
    refused: RwSignal<Option<&'static str>>,
    disqualify: ServerAction<DisqualifyLead>,
    reactivate: ServerAction<ReactivateLead>,
}

/// `/leads/board`.
#[component]
pub fn LeadBoardPage() -> impl IntoView {
    let query = use_query_map();
    // The board shows every status side by side: the status part of a
    // filter does not apply to it.
    let filter = Memo::new(move |_| {
        let mut filter = LeadFilter::from_query(&query.with(filter_query)).unwrap_or_default();
        filter.status.clear();
        filter
    });
    let filter_error = Memo::new(move |_| LeadFilter::from_query(&query.with(filter_query)).err());
    let board = Board {
        dragging: RwSignal::new(None),
        refresh: RwSignal::new(0),
        refused: RwSignal::new(None),
        disqualify: ServerAction::new(),
        reactivate: ServerAction::new(),
    };
    provide_context(board);
    Effect::new(move |_| {
        let done = matches!(board.disqualify.value().get(), Some(Ok(_)))
            || matches!(board.reactivate.value().get(), Some(Ok(_)));
        if done {
            board.refresh.update(|n| *n += 1);
        }
    });
    let failure = move || {
        board
            .disqualify
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| board.reactivate.value().get().and_then(Result::err))
    };
    view! {
        <Title text="Pipeline board" />
        <div class="page-head">
            <div>
                <p class="crumb">"Leads"</p>
                <h1>"Pipeline board"</h1>
            </div>
            <div class="actions">
                <a class="button" href=move || list_href("/leads", &filter.get().to_query(), None)>"List"</a>
            </div>
        </div>
        <FilterBar path="/leads/board" filter with_status=false />
        {move || filter_error.get().map(|fields| view! {
            <ErrorNotice error=AppError::Validation { fields } list_fields=true />
        })}
        <p class="muted board-help">"Drag a card to another column, or use its buttons. To Qualified opens the qualify wizard."</p>
        <div aria-live="polite">
            {move || board.refused.get().map(|m| view! { <div class="notice error" role="alert">{m}</div> })}
            {move || failure().map(|error| view! { <ErrorNotice error /> })}
        </div>
        <div class="board">
            {LeadStatus::ALL.into_iter().map(|status| view! { <BoardColumn status filter /> }).collect_view()}
        </div>
    }
}

/// One column: its count and newest cards; a drop target.
#[component]
fn BoardColumn(status: LeadStatus, filter: Memo<LeadFilter>) -> impl IntoView {
    let board = expect_context::<Board>();
    let navigate = use_navigate();
    let column_filter = move || {
        let mut f = filter.get();
        f.status = vec![status];
        f.to_query()
    };
    let page = Resource::new(
        move || (column_filter(), board.refresh.get()),
        |(filter, _)| {
            list_leads(
                LeadPageRequest {
                    limit: Some(CARDS),
                    ..Default::default()
                },
                filter,
            )
        },
    );
    let over = RwSignal::new(false);
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        over.set(false);
        let Some(card) = board.dragging.get_untracked() else {
            return;
        };
        board.dragging.set(None);
        board.refused.set(None);
        match move_of(card.from, status) {
            Move::Stay => {}
            Move::Qualify => navigate(&format!("/leads/{}/qualify", card.id), Default::default()),
            Move::Disqualify => {
                board.disqualify.dispatch(DisqualifyLead {
                    id: card.id,
                    reason: None,
                });
            }
            Move::Reactivate => {
                board.reactivate.dispatch(ReactivateLead { id: card.id });
            }
            Move::Refused(message) => board.refused.set(Some(message)),
        }
    };
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
            <Suspense fallback=move || view! { <h2>{status.label()}</h2><p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => {
                            let total = page.total;
                            let shown = page.rows.len() as i64;
                            let rest = list_href("/leads", &column_filter(), None);
                            view! {
                                <h2>{status.label()} <span class="count">{total}</span></h2>
                                <ul class="cards">
                                    {page.rows.into_iter().map(|row| view! { <Card row /> }).collect_view()}
                                </ul>
                                {(total == 0).then(|| view! { <p class="muted empty">"No leads"</p> })}
                                {(total > shown).then(|| view! {
                                    <a class="more" href=rest>{format!("{} more in the list →", total - shown)}</a>
                                })}
                            }.into_any()
                        }
                        Err(error) => view! { <h2>{status.label()}</h2><ErrorNotice error /> }.into_any(),
                    }
                })}
            </Suspense>
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_follow_the_buttons_rules() {
        use LeadStatus::*;
        assert_eq!(move_of(New, Qualified), Move::Qualify);
        assert_eq!(move_of(New, Canceled), Move::Disqualify);
        assert_eq!(move_of(Qualified, Canceled), Move::Disqualify);
        assert_eq!(move_of(Qualified, New), Move::Reactivate);
        assert_eq!(move_of(Canceled, New), Move::Reactivate);
        assert_eq!(move_of(New, New), Move::Stay);
        assert!(matches!(move_of(Canceled, Qualified), Move::Refused(_)));
    }
}
