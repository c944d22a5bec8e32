//! The lead page's status actions (Disqualify, Reactivate), its links to
//! what it became (account, contact, opportunity), and its change history.

use leptos::{form::ActionForm, prelude::*};

use crate::{
    components::ErrorNotice,
    error::AppError,
    leads::{
        history::{field_label, value_text},
        model::{HistoryEntry, Lead, LeadStatus},
        notes::{list_notes, AddLeadNote, DeleteLeadNote, EditLeadNote, Note, MAX_NOTE},
    },
    opportunities::api::{lead_history, DisqualifyLead, ReactivateLead},
};

/// Disqualify (with an optional reason, in a disclosure that works without
/// JavaScript) and Reactivate.
#[component]
pub(super) fn StatusActions(
    /// The lead's id.
    id: i64,
    /// Its status.
    status: LeadStatus,
    /// Whether Reactivate applies.
    can_reactivate: bool,
    /// Bumped after a change, to reload the lead.
    refresh: RwSignal<u32>,
) -> impl IntoView {
    let disqualify = ServerAction::<DisqualifyLead>::new();
    let reactivate = ServerAction::<ReactivateLead>::new();
    Effect::new(move |_| {
        let done = matches!(disqualify.value().get(), Some(Ok(_)))
            || matches!(reactivate.value().get(), Some(Ok(_)));
        if done {
            refresh.update(|n| *n += 1);
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
        {can_reactivate.then(|| view! {
            <ActionForm action=reactivate>
                <input type="hidden" name="id" value=id />
                <button type="submit" class="button">"Reactivate"</button>
            </ActionForm>
        })}
        {(status != LeadStatus::Canceled).then(|| view! {
            <details class="popover">
                <summary class="button">"Disqualify"</summary>
                <div class="popover-body">
                    <ActionForm action=disqualify>
                        <input type="hidden" name="id" value=id />
                        <div class="field">
                            <label for="disqualify-reason">"Reason (optional)"</label>
                            <textarea id="disqualify-reason" name="reason" rows="3"></textarea>
                        </div>
                        <button type="submit" class="button danger">"Disqualify lead"</button>
                    </ActionForm>
                </div>
            </details>
        })}
        {move || failure().map(|error| view! { <div class="popover-error"><ErrorNotice error /></div> })}
    }
}

/// Links to the account, contact and opportunity the lead became.
#[component]
pub(super) fn LeadLinks(
    /// The lead.
    lead: Lead,
) -> impl IntoView {
    if lead.opportunity.is_none() && lead.account.is_none() && lead.contact.is_none() {
        return ().into_any();
    }
    let link =
        |what: &'static str, path: &'static str, r: Option<crate::opportunities::model::Ref>| {
            r.map(|r| {
                view! {
                    <dt>{what}</dt>
                    <dd><a href=format!("/{path}/{}", r.id)>{r.name}</a></dd>
                }
            })
        };
    view! {
        <section class="card links" aria-labelledby="s-links">
            <h2 id="s-links">"Qualified into"</h2>
            <dl>
                {link("Opportunity", "opportunities", lead.opportunity)}
                {link("Account", "accounts", lead.account)}
                {link("Contact", "contacts", lead.contact)}
            </dl>
        </section>
    }
    .into_any()
}

/// One line of the timeline: a note or a recorded change.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
enum Item {
    Note(Note),
    Change(HistoryEntry),
}

impl Item {
    fn at(&self) -> chrono::DateTime<chrono::Utc> {
        match self {
            Self::Note(n) => n.created_at,
            Self::Change(c) => c.at,
        }
    }
}

/// The lead's activity: a form to add a note, then its notes and its
/// change history together, newest first.
#[component]
pub(super) fn LeadActivity(
    /// The lead's id.
    id: i64,
    /// Bumped after a change.
    refresh: RwSignal<u32>,
) -> impl IntoView {
    let notes_changed = RwSignal::new(0_u32);
    let timeline = Resource::new(
        move || (refresh.get(), notes_changed.get()),
        move |_| async move {
            // Both calls start in the first poll: on the server a server
            // function reads the request from the reactive owner, which is
            // only certain to be current then.
            let (history, notes) = futures::future::join(lead_history(id), list_notes(id)).await;
            let mut items: Vec<Item> = history?.into_iter().map(Item::Change).collect();
            items.extend(notes?.into_iter().map(Item::Note));
            // Newest first; a note before the changes made at the same time.
            items.sort_by(|a, b| {
                b.at()
                    .cmp(&a.at())
                    .then_with(|| matches!(b, Item::Note(_)).cmp(&matches!(a, Item::Note(_))))
            });
            Ok::<_, AppError>(items)
        },
    );
    provide_context(NotesChanged(notes_changed));
    view! {
        <section class="card" aria-labelledby="s-activity">
            <h2 id="s-activity">"Activity"</h2>
            <AddNote lead_id=id />
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match timeline.await {
                        Ok(items) if items.is_empty() => view! {
                            <p class="muted">"No notes or changes yet."</p>
                        }.into_any(),
                        Ok(items) => view! {
                            <ol class="timeline" aria-label="Notes and changes">
                                {items.into_iter().map(|item| match item {
                                    Item::Note(note) => view! { <NoteItem note /> }.into_any(),
                                    Item::Change(entry) => view! { <HistoryItem entry /> }.into_any(),
                                }).collect_view()}
                            </ol>
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// Bumped when a note is added, edited or deleted.
#[derive(Clone, Copy)]
struct NotesChanged(RwSignal<u32>);

fn notes_changed() {
    if let Some(NotesChanged(n)) = use_context::<NotesChanged>() {
        n.update(|n| *n += 1);
    }
}

/// The form that adds a note.
#[component]
fn AddNote(lead_id: i64) -> impl IntoView {
    let add = ServerAction::<AddLeadNote>::new();
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = add.value().get() {
            if let Some(form) = form.get_untracked() {
                form.reset();
            }
            notes_changed();
        }
    });
    view! {
        <ActionForm action=add node_ref=form attr:class="note-form">
            <input type="hidden" name="lead_id" value=lead_id />
            <label for="note-body" class="visually-hidden">"Note"</label>
            <textarea id="note-body" name="body" rows="2" maxlength=MAX_NOTE
                placeholder="Add a note: a call, a meeting, what was agreed…"></textarea>
            <button type="submit" class="button" disabled=move || add.pending().get()>"Add note"</button>
            {move || add.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error list_fields=true /> })}
        </ActionForm>
    }
}

/// One note: its author may edit or delete it.
#[component]
fn NoteItem(note: Note) -> impl IntoView {
    let editing = RwSignal::new(false);
    let text = RwSignal::new(note.body.clone());
    let edit = ServerAction::<EditLeadNote>::new();
    let delete = ServerAction::<DeleteLeadNote>::new();
    Effect::new(move |_| {
        if matches!(edit.value().get(), Some(Ok(_))) || matches!(delete.value().get(), Some(Ok(_)))
        {
            editing.set(false);
            notes_changed();
        }
    });
    let failure = move || {
        edit.value()
            .get()
            .and_then(Result::err)
            .or_else(|| delete.value().get().and_then(Result::err))
    };
    let who = note.author.clone().unwrap_or_else(|| "Someone".into());
    let when = note.created_at.format("%Y-%m-%d %H:%M UTC").to_string();
    let edited = (note.updated_at > note.created_at).then_some(" (edited)");
    let id = note.id;
    let body = StoredValue::new(note.body.clone());
    view! {
        <li class="note">
            <span class="when">{when}</span>
            <strong>{who}</strong>
            <span class="muted">" added a note"{edited}</span>
            <Show
                when=move || editing.get()
                fallback=move || view! { <p class="note-body">{move || text.get()}</p> }
            >
                <ActionForm action=edit attr:class="note-form">
                    <input type="hidden" name="id" value=id />
                    <label for=format!("note-{id}") class="visually-hidden">"Note"</label>
                    <textarea id=format!("note-{id}") name="body" rows="3" maxlength=MAX_NOTE
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    <button type="submit" class="button small primary">"Save note"</button>
                    <button type="button" class="button small" on:click=move |_| {
                        text.set(body.get_value());
                        editing.set(false);
                    }>"Cancel"</button>
                </ActionForm>
            </Show>
            {note.mine.then(|| view! {
                <div class="note-actions">
                    <button type="button" class="button small ghost" on:click=move |_| editing.set(true)>"Edit"</button>
                    <ActionForm action=delete>
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class="button small ghost">"Delete"</button>
                    </ActionForm>
                </div>
            })}
            {move || failure().map(|error| view! { <ErrorNotice error list_fields=true /> })}
        </li>
    }
}

/// One change.
#[component]
fn HistoryItem(
    /// The change.
    entry: HistoryEntry,
) -> impl IntoView {
    let who = entry.user.clone().unwrap_or_else(|| "Someone".into());
    let when = entry.at.format("%Y-%m-%d %H:%M UTC").to_string();
    let field = entry.field.as_str();
    let what = match (field, entry.old_value.as_deref()) {
        ("created", _) => "Created the lead".to_string(),
        ("disqualify_reason", _) | ("opportunity", None) => format!(
            "{}: {}",
            field_label(field),
            value_text(field, entry.new_value.as_deref())
        ),
        (field, old) => format!(
            "{}: {} → {}",
            field_label(field),
            value_text(field, old),
            value_text(field, entry.new_value.as_deref())
        ),
    };
    view! {
        <li class="change">
            <span class="when">{when}</span>
            <strong>{who}</strong>
            <span>{what}</span>
        </li>
    }
}
