//! The qualify wizard: Review → Account → Contact → Opportunity → Confirm.
//! A client-side flow: every answer lives in signals, so going back and
//! forth loses nothing; each step is checked by the shared Rust types
//! (`leads::qualify::check_*`) before the next opens, and the server checks
//! everything again on confirm.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use super::{
    detail::lead_id_param,
    form_fields::FormState,
    qualify_steps::{AccountStep, ContactStep, OpportunityStep, ReviewStep, Summary},
};
use crate::{
    components::{ErrorNotice, NotFound},
    contacts::model::ContactForm,
    error::{AppError, FieldError},
    leads::qualify::{
        check_account, check_contact, check_opportunity, AccountChoice, ContactChoice,
        QualifyRequest, QualifyStart,
    },
    opportunities::{api::start_qualifying, model::OpportunityForm},
};

/// The wizard's steps, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Step {
    Review,
    Account,
    Contact,
    Opportunity,
    Confirm,
}

impl Step {
    const ALL: [Step; 5] = [
        Step::Review,
        Step::Account,
        Step::Contact,
        Step::Opportunity,
        Step::Confirm,
    ];

    fn label(self) -> &'static str {
        match self {
            Step::Review => "Review",
            Step::Account => "Account",
            Step::Contact => "Contact",
            Step::Opportunity => "Opportunity",
            Step::Confirm => "Confirm",
        }
    }

    fn index(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

/// Everything the wizard holds while the user works through it.
#[derive(Clone, Copy)]
pub(super) struct WizardState {
    /// The lead and what exists already.
    pub start: StoredValue<QualifyStart>,
    /// Account answer.
    pub account: RwSignal<AccountChoice>,
    /// Contact answer: an existing contact (id, name), or `None` for a new one.
    pub existing_contact: RwSignal<Option<(i64, String)>>,
    /// The new contact being edited (the lead form's inputs edit it).
    pub contact_form: FormState,
    /// Opportunity answer.
    pub opportunity: RwSignal<OpportunityForm>,
    /// Problems that keep the current step from moving on.
    pub errors: RwSignal<Vec<FieldError>>,
}

impl WizardState {
    /// The contact answer as the request carries it.
    pub fn contact(&self) -> ContactChoice {
        match self.existing_contact.get_untracked() {
            Some((id, name)) => ContactChoice::Existing { id, name },
            None => ContactChoice::New {
                form: self
                    .contact_form
                    .form
                    .with_untracked(ContactForm::from_lead_form),
            },
        }
    }

    /// The whole request.
    pub fn request(&self) -> QualifyRequest {
        let lead = self.start.with_value(|s| (s.lead.id, s.lead.version));
        QualifyRequest {
            lead_id: lead.0,
            lead_version: lead.1,
            account: self.account.get_untracked(),
            contact: self.contact(),
            opportunity: self.opportunity.get_untracked(),
        }
    }

    /// Checks `step`; its problems, if any.
    fn check(&self, step: Step) -> Vec<FieldError> {
        match step {
            Step::Account => check_account(&self.account.get_untracked()).err(),
            Step::Contact => check_contact(&self.contact()).err(),
            Step::Opportunity => check_opportunity(&self.opportunity.get_untracked()).err(),
            Step::Review | Step::Confirm => None,
        }
        .unwrap_or_default()
    }

    /// The message for `field` among the step's problems.
    pub fn error_for(&self, field: &str) -> Option<String> {
        self.errors.with(|errors| {
            errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.message.clone())
        })
    }
}

/// `/leads/:id/qualify`.
#[component]
pub fn QualifyPage() -> impl IntoView {
    let id = lead_id_param();
    let start = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => start_qualifying(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Title text="Qualify lead" />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match start.await {
                    Ok(start) => view! { <Wizard start /> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                    Err(error) => view! {
                        <h1>"Qualify lead"</h1>
                        <ConflictNotice error />
                        {id.get_untracked().map(|id| view! { <a class="button" href=format!("/leads/{id}")>"Back to the lead"</a> })}
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// An error, with a link to the opportunity when the lead already has one.
#[component]
pub(super) fn ConflictNotice(
    /// The error.
    error: AppError,
) -> impl IntoView {
    let link = match &error {
        AppError::Conflict(message) => message
            .split("(/opportunities/")
            .nth(1)
            .and_then(|rest| rest.split(')').next())
            .and_then(|id| id.parse::<i64>().ok()),
        _ => None,
    };
    view! {
        <ErrorNotice error list_fields=true />
        {link.map(|id| view! {
            <p><a class="button primary" href=format!("/opportunities/{id}")>"Open the opportunity"</a></p>
        })}
    }
}

/// The wizard itself.
#[component]
fn Wizard(
    /// What the wizard starts from.
    start: QualifyStart,
) -> impl IntoView {
    let initial = start.initial_request();
    let lead_form = ContactForm::from_lead(&start.lead).to_lead_form();
    let (lead_id, lead_name) = (start.lead.id, start.lead.name.clone());
    let state = WizardState {
        start: StoredValue::new(start),
        account: RwSignal::new(initial.account),
        existing_contact: RwSignal::new(match initial.contact {
            ContactChoice::Existing { id, name } => Some((id, name)),
            ContactChoice::New { .. } => None,
        }),
        contact_form: FormState::new(lead_form),
        opportunity: RwSignal::new(initial.opportunity),
        errors: RwSignal::new(Vec::new()),
    };
    provide_context(state.contact_form);
    let step = RwSignal::new(Step::Review);
    let next = move |_| {
        let current = step.get_untracked();
        let problems = state.check(current);
        if current == Step::Contact {
            state.contact_form.submitted.set(true);
        }
        if problems.is_empty() {
            state.errors.set(Vec::new());
            step.set(Step::ALL[(current.index() + 1).min(4)]);
        } else {
            state.errors.set(problems);
        }
    };
    let back = move |_| {
        state.errors.set(Vec::new());
        step.update(|s| *s = Step::ALL[s.index().saturating_sub(1)]);
    };
    let navigate = use_navigate();
    let confirm = Action::new(move |request: &QualifyRequest| {
        let request = request.clone();
        async move { crate::opportunities::api::qualify_lead(request).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(done)) = confirm.value().get() {
            navigate(
                &format!("/opportunities/{}", done.opportunity_id),
                Default::default(),
            );
        }
    });
    view! {
        <div class="page-head">
            <div>
                <p class="crumb"><a href="/leads">"Leads"</a> " / " <a href=format!("/leads/{lead_id}")>{lead_name.clone()}</a></p>
                <h1>"Qualify lead"</h1>
            </div>
        </div>
        <ol class="stepper" aria-label="Steps">
            {Step::ALL.into_iter().map(|s| view! {
                <li
                    class=move || { if step.get().index() > s.index() { "done" } else { "" } }
                    aria-current=move || (step.get() == s).then_some("step")
                >
                    <span class="step-number">{s.index() + 1}</span>
                    {s.label()}
                </li>
            }).collect_view()}
        </ol>
        <section class="card wizard" aria-labelledby="step-title">
            <h2 id="step-title">{move || step.get().label()}</h2>
            {move || (!state.errors.with(Vec::is_empty)).then(|| view! {
                <div class="notice error" role="alert">
                    <p>"Please correct the following before going on:"</p>
                    <ul>{state.errors.get().into_iter().map(|e| view! { <li>{e.message}</li> }).collect_view()}</ul>
                </div>
            })}
            <Show when=move || step.get() == Step::Review><ReviewStep state /></Show>
            <Show when=move || step.get() == Step::Account><AccountStep state /></Show>
            <Show when=move || step.get() == Step::Contact><ContactStep state /></Show>
            <Show when=move || step.get() == Step::Opportunity><OpportunityStep state /></Show>
            <Show when=move || step.get() == Step::Confirm>
                <Summary state />
                {move || confirm.value().get().and_then(Result::err).map(|error| view! { <ConflictNotice error /> })}
            </Show>
            <div class="wizard-actions">
                <a class="button ghost" href=format!("/leads/{lead_id}")>"Cancel"</a>
                <span class="spacer"></span>
                <Show when=move || step.get() != Step::Review>
                    <button type="button" class="button" on:click=back>"Back"</button>
                </Show>
                <Show
                    when=move || step.get() == Step::Confirm
                    fallback=move || view! { <button type="button" class="button primary" on:click=next>"Next"</button> }
                >
                    <button
                        type="button"
                        class="button primary"
                        disabled=move || confirm.pending().get()
                        on:click=move |_| { confirm.dispatch(state.request()); }
                    >
                        {move || if confirm.pending().get() { "Qualifying…" } else { "Qualify lead" }}
                    </button>
                </Show>
            </div>
        </section>
    }
}
