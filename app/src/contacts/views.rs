//! Contact pages: the list (with a text filter), one contact, and its edit
//! form (the lead form's inputs, with the same live validation).

use leptos::{ev::SubmitEvent, prelude::*};
use leptos_meta::Title;

use crate::{
    components::{use_search_text, ErrorNotice, NotFound, SearchBox},
    contacts::model::{Contact, ContactForm},
    error::AppError,
    leads::views::ContactFields,
    opportunities::{
        api::{get_contact, list_contacts, update_contact},
        views::id_param,
    },
};

/// `/contacts?q=…`.
#[component]
pub fn ContactListPage() -> impl IntoView {
    let text = use_search_text();
    let rows = Resource::new(move || text.get(), list_contacts);
    view! {
        <Title text="Contacts" />
        <div class="page-head"><h1>"Contacts"</h1></div>
        <SearchBox path="/contacts" label="Filter by name or email" />
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(rows) if rows.is_empty() => view! {
                        <section class="empty-state"><p>"No contacts here yet. Qualifying a lead creates one."</p></section>
                    }.into_any(),
                    Ok(rows) => view! {
                        <div class="table-wrap"><table class="grid">
                            <thead><tr>
                                <th scope="col">"Name"</th><th scope="col">"Job title"</th>
                                <th scope="col">"Account"</th><th scope="col">"Primary email"</th><th scope="col">"Primary phone"</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|c| view! {
                                    <tr>
                                        <td><a href=format!("/contacts/{}", c.id)>{c.name}</a></td>
                                        <td>{c.job_title}</td><td>{c.account}</td><td>{c.email}</td><td>{c.phone}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn load(id: Memo<Option<i64>>) -> Resource<Result<Contact, AppError>> {
    Resource::new(
        move || id.get(),
        |id| async move { get_contact(id.ok_or(AppError::NotFound)?).await },
    )
}

/// `/contacts/:id`.
#[component]
pub fn ContactPage() -> impl IntoView {
    let data = load(id_param());
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(c) => view! { <ContactView c /> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// One contact, read-only.
#[component]
fn ContactView(
    /// The contact.
    c: Contact,
) -> impl IntoView {
    let name = c.full_name();
    view! {
        <Title text=name.clone() />
        <div class="page-head">
            <div>
                <p class="crumb"><a href="/contacts">"Contacts"</a></p>
                <h1>{name}</h1>
                <p class="muted">{c.job_title.clone()}</p>
            </div>
            <div class="actions"><a class="button primary" href=format!("/contacts/{}/edit", c.id)>"Edit"</a></div>
        </div>
        <div class="sections">
            <section class="card" aria-labelledby="c-general">
                <h2 id="c-general">"Contact"</h2>
                <dl>
                    <dt>"Account"</dt><dd>{c.account.clone().map(|a| view! { <a href=format!("/accounts/{}", a.id)>{a.name}</a> })}</dd>
                    <dt>"From lead"</dt><dd>{c.source_lead.clone().map(|l| view! { <a href=format!("/leads/{}", l.id)>{l.name}</a> })}</dd>
                    <dt>"Owner"</dt><dd>{c.owner.clone().map(|o| o.name)}</dd>
                    <dt>"Emails"</dt>
                    <dd><ul class="plain">{c.emails.iter().map(|e| view! {
                        <li><a href=format!("mailto:{}", e.email)>{e.email.clone()}</a>{e.primary.then(|| view! { " " <span class="tag">"Primary"</span> })}</li>
                    }).collect_view()}</ul></dd>
                    <dt>"Phones"</dt>
                    <dd><ul class="plain">{c.phones.iter().map(|p| view! {
                        <li>{p.phone.clone()}{p.primary.then(|| view! { " " <span class="tag">"Primary"</span> })}</li>
                    }).collect_view()}</ul></dd>
                    <dt>"Addresses"</dt>
                    <dd><ul class="plain">{c.addresses.iter().map(|a| view! {
                        <li>{a.one_line()}{a.primary.then(|| view! { " " <span class="tag">"Primary"</span> })}</li>
                    }).collect_view()}</ul></dd>
                </dl>
            </section>
        </div>
    }
}

/// `/contacts/:id/edit`.
#[component]
pub fn EditContactPage() -> impl IntoView {
    let data = load(id_param());
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(c) => view! { <ContactEditor c /> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The contact's form.
#[component]
fn ContactEditor(
    /// The contact as loaded.
    c: Contact,
) -> impl IntoView {
    let id = c.id;
    let form = ContactForm {
        name_prefix: c.name_prefix.clone().unwrap_or_default(),
        first_name: c.first_name.clone().unwrap_or_default(),
        middle_name: c.middle_name.clone().unwrap_or_default(),
        last_name: c.last_name.clone().unwrap_or_default(),
        name_suffix: c.name_suffix.clone().unwrap_or_default(),
        job_title: c.job_title.clone().unwrap_or_default(),
        emails: c
            .emails
            .iter()
            .map(|e| crate::leads::model::EmailInput {
                email: e.email.clone(),
                primary: e.primary,
            })
            .collect(),
        phones: c
            .phones
            .iter()
            .map(|p| crate::leads::model::PhoneInput {
                phone: p.phone.clone(),
                primary: p.primary,
            })
            .collect(),
        addresses: c
            .addresses
            .iter()
            .map(crate::leads::model::LeadAddress::to_input)
            .collect(),
    };
    let state = crate::leads::views::ContactFormState::new(form.to_lead_form());
    provide_context(state);
    let save = Action::new(move |form: &ContactForm| {
        let (form, version) = (form.clone(), c.version);
        async move { update_contact(id, version, form).await }
    });
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => navigate(&format!("/contacts/{id}"), Default::default()),
        Some(Err(error)) => state.server_errors.set(error.field_errors().to_vec()),
        None => {}
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        state.submitted.set(true);
        save.dispatch(state.form.with_untracked(ContactForm::from_lead_form));
    };
    view! {
        <Title text="Edit contact" />
        <div class="page-head"><div>
            <p class="crumb"><a href="/contacts">"Contacts"</a> " / " <a href=format!("/contacts/{id}")>{c.full_name()}</a></p>
            <h1>"Edit contact"</h1>
        </div></div>
        {move || save.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error list_fields=true /> })}
        <form class="card lead-form" novalidate on:submit=on_submit>
            <ContactFields />
            <div class="wizard-actions">
                <a class="button ghost" href=format!("/contacts/{id}")>"Cancel"</a>
                <span class="spacer"></span>
                <button type="submit" class="button primary" disabled=move || save.pending().get()>"Save"</button>
            </div>
        </form>
    }
}
