//! The steps of the qualify wizard (see `qualify.rs`).

use leptos::prelude::*;

use super::{contact_fields::ContactFields, qualify::WizardState};
use crate::{
    contacts::model::ContactForm,
    leads::qualify::{AccountChoice, ContactChoice},
    opportunities::{
        api::list_accounts,
        model::{format_money, parse_money, OpportunityForm, OpportunityStatus},
    },
};

/// Step 1: the lead, and what looks like it already.
#[component]
pub(super) fn ReviewStep(
    /// The wizard.
    state: WizardState,
) -> impl IntoView {
    let start = state.start.get_value();
    let lead = start.lead.clone();
    let person = lead.person_name();
    view! {
        <dl>
            <dt>"Lead"</dt><dd>{lead.name.clone()}</dd>
            <dt>"Company"</dt><dd>{lead.company_name.clone().unwrap_or_else(|| "—".into())}</dd>
            <dt>"Person"</dt><dd>{person.unwrap_or_else(|| "—".into())}</dd>
            <dt>"Emails"</dt><dd>{lead.emails.iter().map(|e| e.email.clone()).collect::<Vec<_>>().join(", ")}</dd>
            <dt>"Phones"</dt><dd>{lead.phones.iter().map(|p| p.phone.clone()).collect::<Vec<_>>().join(", ")}</dd>
        </dl>
        {if start.duplicate_leads.is_empty() && start.duplicate_contacts.is_empty() {
            view! { <p class="muted">"No other lead or contact has the same email or phone."</p> }.into_any()
        } else {
            view! {
                <div class="notice warning" role="note">
                    <p>"Possible duplicates (same email or phone):"</p>
                    <ul>
                        {start.duplicate_leads.iter().map(|d| view! {
                            <li>"Lead " <a href=format!("/leads/{}", d.id)>{d.name.clone()}</a> " (" {d.matched_on.clone()} ")"</li>
                        }).collect_view()}
                        {start.duplicate_contacts.iter().map(|c| view! {
                            <li>"Contact " <a href=format!("/contacts/{}", c.id)>{c.name.clone()}</a></li>
                        }).collect_view()}
                    </ul>
                </div>
            }.into_any()
        }}
    }
}

/// Step 2: the account — the matching one, another found by search, or a
/// new one named after the company.
#[component]
pub(super) fn AccountStep(
    /// The wizard.
    state: WizardState,
) -> impl IntoView {
    let (company, matching) = state.start.with_value(|s| {
        (
            s.lead.company_name.clone().unwrap_or_default(),
            s.matching_account.clone(),
        )
    });
    let new_name = RwSignal::new(match state.account.get_untracked() {
        AccountChoice::New { name } => name,
        AccountChoice::Existing { .. } => company,
    });
    let query = RwSignal::new(String::new());
    let results = RwSignal::new(Vec::new());
    let search = move |text: String| {
        query.set(text.clone());
        leptos::task::spawn_local(async move {
            if let Ok(found) = list_accounts(text.clone()).await {
                if query.get_untracked() == text {
                    results.set(found.into_iter().take(8).collect::<Vec<_>>());
                }
            }
        });
    };
    let is_new = move || matches!(state.account.get(), AccountChoice::New { .. });
    view! {
        <p class="muted">"Every opportunity belongs to an account. Names match whatever their case, so an account is never created twice."</p>
        <div class="choice" class:chosen=move || !is_new()>
            <label>
                <input type="radio" name="account-mode" checked=move || !is_new()
                    on:change=move |_| if let Some(m) = matching.clone() { state.account.set(AccountChoice::Existing { id: m.id, name: m.name }) } />
                " Use an existing account"
            </label>
            {move || match state.account.get() {
                AccountChoice::Existing { name, .. } => view! { <p class="selected">"Selected: " <strong>{name}</strong></p> }.into_any(),
                AccountChoice::New { .. } => ().into_any(),
            }}
            <div class="field">
                <label for="account-search">"Find an account"</label>
                <input id="account-search" type="search" autocomplete="off" placeholder="Type part of a name"
                    prop:value=move || query.get() on:input=move |ev| search(event_target_value(&ev)) />
            </div>
            <ul class="plain results" aria-label="Accounts found">
                {move || results.get().into_iter().map(|a| {
                    let (id, name) = (a.id, a.name.clone());
                    view! {
                        <li>
                            <button type="button" class="button small" on:click=move |_| state.account.set(AccountChoice::Existing { id, name: name.clone() })>
                                {format!("Use {}", a.name)}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
        <div class="choice" class:chosen=is_new>
            <label>
                <input type="radio" name="account-mode" checked=is_new
                    on:change=move |_| state.account.set(AccountChoice::New { name: new_name.get_untracked() }) />
                " Create a new account"
            </label>
            <div class="field">
                <label for="account-name">"New account name"</label>
                <input id="account-name" prop:value=move || new_name.get()
                    aria-invalid=move || state.error_for("account.name").is_some().then_some("true")
                    on:input=move |ev| {
                        let name = event_target_value(&ev);
                        new_name.set(name.clone());
                        state.account.set(AccountChoice::New { name });
                    } />
                {move || state.error_for("account.name").map(|m| view! { <p class="field-error">{m}</p> })}
            </div>
        </div>
    }
}

/// Step 3: the contact — the lead's own, one with the same email, or a new
/// one prefilled from the lead.
#[component]
pub(super) fn ContactStep(
    /// The wizard.
    state: WizardState,
) -> impl IntoView {
    let offers: Vec<(i64, String, &'static str)> = state.start.with_value(|s| {
        let mut offers = Vec::new();
        if let Some(c) = &s.lead_contact {
            offers.push((c.id, c.name.clone(), "the lead's contact"));
        }
        if let Some(c) = s
            .contact_by_email
            .as_ref()
            .filter(|c| Some(c.id) != s.lead_contact.as_ref().map(|l| l.id))
        {
            offers.push((c.id, c.name.clone(), "same email as the lead"));
        }
        offers
    });
    let is_new = move || state.existing_contact.get().is_none();
    view! {
        {offers.into_iter().map(|(id, name, why)| {
            let chosen = move || state.existing_contact.get().is_some_and(|(c, _)| c == id);
            let label = name.clone();
            view! {
                <div class="choice" class:chosen=chosen>
                    <label>
                        <input type="radio" name="contact-mode" checked=chosen
                            on:change=move |_| state.existing_contact.set(Some((id, name.clone()))) />
                        " Link " <strong>{label}</strong> <span class="muted">{format!(" ({why})")}</span>
                    </label>
                </div>
            }
        }).collect_view()}
        <div class="choice" class:chosen=is_new>
            <label>
                <input type="radio" name="contact-mode" checked=is_new on:change=move |_| state.existing_contact.set(None) />
                " Create a new contact from the lead"
            </label>
            <Show when=is_new>
                <ContactFields />
            </Show>
        </div>
    }
}

/// One text input of the opportunity step.
#[component]
fn OppField(
    /// The wizard.
    state: WizardState,
    /// Label.
    label: &'static str,
    /// Field key (without the `opportunity.` prefix).
    key: &'static str,
    /// Reads the value.
    get: fn(&OpportunityForm) -> &String,
    /// Writes the value.
    set: fn(&mut OpportunityForm) -> &mut String,
    /// Input type.
    #[prop(default = "text")]
    kind: &'static str,
    /// A hint under the input.
    #[prop(optional)]
    hint: &'static str,
) -> impl IntoView {
    let id = format!("opportunity-{key}");
    let error = move || state.error_for(&format!("opportunity.{key}"));
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id type=kind
                prop:value=move || state.opportunity.with(|o| get(o).clone())
                aria-invalid=move || error().is_some().then_some("true")
                on:input=move |ev| state.opportunity.update(|o| *set(o) = event_target_value(&ev)) />
            {(!hint.is_empty()).then(|| view! { <p class="hint">{hint}</p> })}
            {move || error().map(|m| view! { <p class="field-error">{m}</p> })}
        </div>
    }
}

/// One long-text input of the opportunity step.
#[component]
fn OppText(
    /// The wizard.
    state: WizardState,
    /// Label.
    label: &'static str,
    /// Field key.
    key: &'static str,
    /// Reads the value.
    get: fn(&OpportunityForm) -> &String,
    /// Writes the value.
    set: fn(&mut OpportunityForm) -> &mut String,
) -> impl IntoView {
    let id = format!("opportunity-{key}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <textarea id=id rows="3"
                prop:value=move || state.opportunity.with(|o| get(o).clone())
                on:input=move |ev| state.opportunity.update(|o| *set(o) = event_target_value(&ev))>
                {state.opportunity.with_untracked(|o| get(o).clone())}
            </textarea>
        </div>
    }
}

/// Step 4: the opportunity.
#[component]
pub(super) fn OpportunityStep(
    /// The wizard.
    state: WizardState,
) -> impl IntoView {
    view! {
        <div class="grid-2">
            <OppField state label="Opportunity name" key="name" get=|o| &o.name set=|o| &mut o.name />
            <div class="field">
                <label for="opportunity-status">"Status"</label>
                <select id="opportunity-status"
                    prop:value=move || state.opportunity.with(|o| o.status.clone())
                    on:change=move |ev| state.opportunity.update(|o| o.status = event_target_value(&ev))>
                    {OpportunityStatus::ALL.into_iter().map(|s| view! {
                        <option value=s.code() selected=state.opportunity.with_untracked(|o| o.status == s.code() || (o.status.is_empty() && s == OpportunityStatus::InProgress))>{s.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <OppField state label="Probability (%)" key="probability" get=|o| &o.probability set=|o| &mut o.probability hint="0 to 100" />
            <OppField state label="Budget" key="budget" get=|o| &o.budget set=|o| &mut o.budget hint="e.g. 12,500.00" />
            <OppField state label="Expected close date" key="expected_close_date" kind="date" get=|o| &o.expected_close_date set=|o| &mut o.expected_close_date />
        </div>
        <OppText state label="Customer need" key="customer_need" get=|o| &o.customer_need set=|o| &mut o.customer_need />
        <OppText state label="Proposed solution" key="proposed_solution" get=|o| &o.proposed_solution set=|o| &mut o.proposed_solution />
        <OppText state label="Notes" key="notes" get=|o| &o.notes set=|o| &mut o.notes />
    }
}

/// Step 5: what will be written.
#[component]
pub(super) fn Summary(
    /// The wizard.
    state: WizardState,
) -> impl IntoView {
    let request = state.request();
    let account = match &request.account {
        AccountChoice::Existing { name, .. } => format!("{name} (existing account)"),
        AccountChoice::New { name } => format!("{} (new account)", name.trim()),
    };
    let contact = match &request.contact {
        ContactChoice::Existing { name, .. } => format!("{name} (existing contact)"),
        ContactChoice::New { form } => format!("{} (new contact)", contact_name(form)),
    };
    let o = request.opportunity;
    let status = OpportunityStatus::from_code(&o.status).unwrap_or_default();
    let budget = parse_money(&o.budget).ok().flatten().map(format_money);
    let dash = |v: &str| {
        if v.trim().is_empty() {
            "—".to_string()
        } else {
            v.trim().to_string()
        }
    };
    view! {
        <p>"Confirming writes all of this at once, and the lead becomes Qualified."</p>
        <dl class="summary">
            <dt>"Account"</dt><dd>{account}</dd>
            <dt>"Contact"</dt><dd>{contact}</dd>
            <dt>"Opportunity"</dt><dd>{o.name.trim().to_string()}</dd>
            <dt>"Status"</dt><dd>{status.label()}</dd>
            <dt>"Probability"</dt><dd>{if o.probability.trim().is_empty() { "—".into() } else { format!("{}%", o.probability.trim().trim_end_matches('%')) }}</dd>
            <dt>"Budget"</dt><dd>{budget.unwrap_or_else(|| "—".into())}</dd>
            <dt>"Expected close"</dt><dd>{dash(&o.expected_close_date)}</dd>
            <dt>"Notes"</dt><dd>{dash(&o.notes)}</dd>
        </dl>
    }
}

fn contact_name(form: &ContactForm) -> String {
    [form.first_name.trim(), form.last_name.trim()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
