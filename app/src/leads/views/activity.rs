//! The lead page's status actions (Disqualify, Reactivate), its links to
//! what it became (account, contact, opportunity), and its change history.

use leptos::{form::ActionForm, prelude::*};

use crate::{
    components::ErrorNotice,
    leads::model::{HistoryEntry, Lead, LeadStatus},
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

/// The readable name of a history field.
fn field_name(field: &str) -> &str {
    match field {
        "status" => "Status",
        "opportunity" => "Opportunity",
        "disqualify_reason" => "Reason",
        other => other,
    }
}

/// A stored history value, as people read it.
fn value_text(field: &str, value: Option<&str>) -> String {
    match (field, value) {
        ("status", Some(code)) => LeadStatus::from_code(code)
            .map(|s| s.label().to_string())
            .unwrap_or_else(|| code.to_string()),
        (_, Some(v)) => v.to_string(),
        (_, None) => "—".to_string(),
    }
}

/// The lead's change history, newest first.
#[component]
pub(super) fn LeadActivity(
    /// The lead's id.
    id: i64,
    /// Bumped after a change.
    refresh: RwSignal<u32>,
) -> impl IntoView {
    let history = Resource::new(move || refresh.get(), move |_| lead_history(id));
    view! {
        <section class="card" aria-labelledby="s-activity">
            <h2 id="s-activity">"Activity"</h2>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match history.await {
                        Ok(entries) if entries.is_empty() => view! {
                            <p class="muted">"No changes recorded yet."</p>
                        }.into_any(),
                        Ok(entries) => view! {
                            <ol class="timeline">
                                {entries.into_iter().map(|e| view! { <HistoryItem entry=e /> }).collect_view()}
                            </ol>
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
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
    let what = match (entry.field.as_str(), entry.old_value.as_deref()) {
        ("disqualify_reason", _) | ("opportunity", None) => format!(
            "{}: {}",
            field_name(&entry.field),
            value_text(&entry.field, entry.new_value.as_deref())
        ),
        (field, old) => format!(
            "{}: {} → {}",
            field_name(field),
            value_text(field, old),
            value_text(field, entry.new_value.as_deref())
        ),
    };
    view! {
        <li>
            <span class="when">{when}</span>
            <strong>{who}</strong>
            <span>{what}</span>
        </li>
    }
}
