//! The lead page: everything about one lead, with edit and delete.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::activity::{LeadActivity, LeadLinks, StatusActions};
use crate::{
    components::{ErrorNotice, NotFound, StatusBadge},
    error::AppError,
    leads::{
        api::{get_lead, DeleteLead},
        model::Lead,
    },
};

/// The lead id in the URL, if it is a number.
pub(super) fn lead_id_param() -> Memo<Option<i64>> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok())))
}

/// `/leads/:id`.
#[component]
pub fn LeadDetailPage() -> impl IntoView {
    let id = lead_id_param();
    // Bumped after a status action, to load the lead again.
    let refresh = RwSignal::new(0_u32);
    let lead = Resource::new(
        move || (id.get(), refresh.get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_lead(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading lead…"</p> }>
            {move || Suspend::new(async move {
                match lead.await {
                    Ok(lead) => view! { <LeadView lead refresh /> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The lead's header, actions and sections.
#[component]
fn LeadView(
    /// The lead to show.
    lead: Lead,
    /// Bump to load the lead again (after a status change).
    refresh: RwSignal<u32>,
) -> impl IntoView {
    // `?confirm=delete` opens the dialog from the server too, so that
    // deleting works before (or without) the WASM app.
    let query = leptos_router::hooks::use_query_map();
    let confirming =
        RwSignal::new(query.with_untracked(|q| q.get("confirm").as_deref() == Some("delete")));
    let person = lead.person_name();
    let (id, name) = (lead.id, lead.name.clone());
    view! {
        <Title text=lead.name.clone() />
        <div class="page-head">
            <div>
                <p class="crumb"><a href="/leads">"Leads"</a></p>
                <h1>{lead.name.clone()} " " <StatusBadge status=lead.status /></h1>
                {person.map(|p| view! { <p class="muted">{p}</p> })}
            </div>
            <div class="actions">
                {lead.can_qualify().then(|| view! {
                    <a class="button primary" href=format!("/leads/{id}/qualify")>"Qualify"</a>
                })}
                <StatusActions id status=lead.status can_reactivate=lead.can_reactivate() refresh />
                <a class="button" href=format!("/leads/{}/edit", lead.id)>"Edit"</a>
                <a
                    class="button danger"
                    role="button"
                    href=format!("/leads/{id}?confirm=delete")
                    on:click=move |ev| {
                        ev.prevent_default();
                        confirming.set(true);
                    }
                >
                    "Delete"
                </a>
            </div>
        </div>
        <Show when=move || confirming.get()>
            <DeleteDialog id name=name.clone() open=confirming />
        </Show>
        <LeadLinks lead=lead.clone() />
        <LeadSections lead=lead.clone() />
        <LeadActivity id refresh />
    }
}

/// A value or a muted dash.
fn show(value: Option<String>) -> AnyView {
    match value {
        Some(v) if !v.is_empty() => view! { <dd>{v}</dd> }.into_any(),
        _ => view! { <dd class="muted">"—"</dd> }.into_any(),
    }
}

/// A handle shown as a link to its site; full URLs are kept.
fn social_link(value: Option<String>, site: &str) -> AnyView {
    match value {
        Some(v) => {
            let href = if v.starts_with("http://") || v.starts_with("https://") {
                v.clone()
            } else {
                format!("https://{site}/{}", v.trim_start_matches('@'))
            };
            view! { <dd><a href=href rel="noopener noreferrer" target="_blank">{v}</a></dd> }
                .into_any()
        }
        None => show(None),
    }
}

/// The information sections of a lead.
#[component]
fn LeadSections(
    /// The lead to show.
    lead: Lead,
) -> impl IntoView {
    let website = lead.website.clone().map(|w| {
        let href = w.clone();
        view! { <dd><a href=href rel="noopener noreferrer" target="_blank">{w}</a></dd> }.into_any()
    });
    view! {
        <div class="sections">
            <section class="card" aria-labelledby="s-general">
                <h2 id="s-general">"General"</h2>
                <dl>
                    <dt>"Owner"</dt>{show(lead.owner.map(|o| o.name))}
                    <dt>"Company"</dt>{show(lead.company_name)}
                    <dt>"Source"</dt>{show(Some(lead.source.map(|s| s.name).unwrap_or_else(|| "No source".into())))}
                    <dt>"Additional comments"</dt>
                    {show(lead.notes).into_any()}
                </dl>
            </section>
            <section class="card" aria-labelledby="s-contact">
                <h2 id="s-contact">"Contact information"</h2>
                <dl>
                    <dt>"Job title"</dt>{show(lead.job_title)}
                    <dt>"Emails"</dt>
                    <dd>
                        <ul class="plain">
                            {lead.emails.into_iter().map(|e| view! {
                                <li><a href=format!("mailto:{}", e.email)>{e.email.clone()}</a>
                                    {e.primary.then(|| view! { " " <span class="tag">"Primary"</span> })}</li>
                            }).collect_view()}
                        </ul>
                    </dd>
                    <dt>"Phones"</dt>
                    <dd>
                        <ul class="plain">
                            {lead.phones.into_iter().map(|p| view! {
                                <li><a href=format!("tel:{}", p.phone)>{p.phone.clone()}</a>
                                    {p.primary.then(|| view! { " " <span class="tag">"Primary"</span> })}</li>
                            }).collect_view()}
                        </ul>
                    </dd>
                    <dt>"Twitter"</dt>{social_link(lead.twitter, "twitter.com")}
                    <dt>"LinkedIn"</dt>{social_link(lead.linkedin, "www.linkedin.com/in")}
                    <dt>"Addresses"</dt>
                    <dd>
                        <ul class="plain">
                            {lead.addresses.into_iter().map(|a| view! {
                                <li>
                                    {a.label.clone().map(|l| view! { <strong>{l}": "</strong> })}
                                    {a.one_line()}
                                    {a.primary.then(|| view! { " " <span class="tag">"Primary"</span> })}
                                </li>
                            }).collect_view()}
                        </ul>
                    </dd>
                </dl>
            </section>
            <section class="card" aria-labelledby="s-additional">
                <h2 id="s-additional">"Additional"</h2>
                <dl>
                    <dt>"Website"</dt>{website.unwrap_or_else(|| show(None))}
                    <dt>"Number of employees"</dt>{show(lead.number_of_employees.map(|n| n.to_string()))}
                    <dt>"Industry"</dt>{show(lead.industry)}
                    <dt>"Tags"</dt>
                    <dd>{lead.tags.into_iter().map(|t| view! { <span class="tag">{t}</span> " " }).collect_view()}</dd>
                    <dt>"Created"</dt><dd>{lead.created_at.format("%Y-%m-%d %H:%M UTC").to_string()}</dd>
                    <dt>"Updated"</dt><dd>{lead.updated_at.format("%Y-%m-%d %H:%M UTC").to_string()}</dd>
                </dl>
            </section>
        </div>
    }
}

/// Asks before deleting; on yes, deletes and goes back to the list.
#[component]
fn DeleteDialog(
    /// The lead's id.
    id: i64,
    /// The lead's name, to say what will be deleted.
    name: String,
    /// Whether the dialog is open; set to false to close it.
    open: RwSignal<bool>,
) -> impl IntoView {
    let delete = ServerAction::<DeleteLead>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            navigate("/leads", Default::default());
        }
    });
    let failure = move || delete.value().get().and_then(Result::err);
    // Escape closes the dialog; the safe choice has the focus when it opens.
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            open.set(false);
        }
    });
    on_cleanup(move || escape.remove());
    let cancel = NodeRef::<leptos::html::A>::new();
    Effect::new(move |_| {
        if let Some(el) = cancel.get() {
            let _ = el.focus();
        }
    });
    view! {
        <div class="backdrop">
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="delete-title">
                <h2 id="delete-title">"Delete this lead?"</h2>
                <p>"“" {name} "” and its emails, phones and addresses will be deleted. This cannot be undone."</p>
                {move || failure().map(|error| view! { <ErrorNotice error /> })}
                <form
                    class="actions"
                    method="post"
                    action="/api/leads/delete"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        delete.dispatch(DeleteLead { id });
                    }
                >
                    <input type="hidden" name="id" value=id />
                    <a
                        class="button"
                        role="button"
                        node_ref=cancel
                        href=format!("/leads/{id}")
                        on:click=move |ev| {
                            ev.prevent_default();
                            open.set(false);
                        }
                    >
                        "Cancel"
                    </a>
                    <button type="submit" class="button danger" disabled=move || delete.pending().get()>
                        "Delete lead"
                    </button>
                </form>
            </div>
        </div>
    }
}
