//! The lead form (create and edit): three sections, live validation with
//! the shared parser, a duplicate check, and the four buttons.

use leptos::{ev::SubmitEvent, prelude::*};
use leptos_router::hooks::use_navigate;

use super::{
    form_fields::{lens, FormState, SelectField, TextArea, TextField},
    form_repeaters::{AddressRows, EmailRows, PhoneRows},
};
use crate::{
    components::ErrorNotice,
    error::AppError,
    leads::{
        api::{
            create_lead, find_duplicates, update_lead, AfterSave, CreateLead, Saved, UpdateLead,
        },
        model::{DuplicateLead, DuplicateProbe, LeadForm, LeadSource, LeadStatus, OwnerRef},
    },
    users::model::Assignee,
};

/// The choices the form offers: sources and owners, plus the lead's
/// current source and owner even when they are no longer offered (a
/// retired source, an owner outside the user's reach), so that saving
/// keeps them.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub(super) struct Choices {
    /// Active lead sources.
    pub sources: Vec<LeadSource>,
    /// People the user may assign the lead to.
    pub assignees: Vec<Assignee>,
    /// The lead's source now.
    pub current_source: Option<LeadSource>,
    /// The lead's owner now.
    pub current_owner: Option<OwnerRef>,
}

/// The lead being edited, if this is an edit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Existing {
    /// Its id.
    pub id: i64,
    /// The version the edit started from.
    pub version: i64,
}

/// The create/edit form.
#[component]
pub(super) fn LeadFormView(
    /// The values to start from.
    initial: LeadForm,
    /// The lead being edited (`None` when creating).
    existing: Option<Existing>,
    /// The sources and owners to choose from.
    choices: Choices,
) -> impl IntoView {
    let state = FormState::new(initial);
    provide_context(state);
    let version = RwSignal::new(existing.map(|e| e.version));
    let after = RwSignal::new(AfterSave::Close);
    let notice = RwSignal::<Option<String>>::new(None);
    // After a plain (no-JavaScript) form post fails, the server sends the
    // browser back here with the error in the URL.
    let url_error = plain_post_error();
    if let Some(error) = &url_error {
        state.server_errors.set(error.field_errors().to_vec());
    }
    let list_fields = url_error.is_some();
    let failure = RwSignal::<Option<AppError>>::new(url_error);
    let save = Action::new(move |(form, after): &(LeadForm, AfterSave)| {
        let (form, after) = (form.clone(), *after);
        let current = existing.map(|e| (e.id, version.get_untracked().unwrap_or(e.version)));
        async move {
            match current {
                None => create_lead(form, None).await,
                Some((id, v)) => update_lead(id, v, form, None).await,
            }
            .map(|saved| (saved, after))
        }
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        let Some(result) = save.value().get() else {
            return;
        };
        match result {
            Ok((saved, after)) => {
                on_saved(saved, after, existing, state, version, notice, &navigate)
            }
            Err(error) => {
                state.server_errors.set(error.field_errors().to_vec());
                failure.set(Some(error));
            }
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        state.submitted.set(true);
        notice.set(None);
        failure.set(None);
        if state.client_errors.with_untracked(|e| e.is_empty()) {
            save.dispatch((state.form.get_untracked(), after.get_untracked()));
        }
    };
    let action_url = match existing {
        None => "/api/leads/create",
        Some(_) => "/api/leads/update",
    };
    let cancel_href = existing.map_or("/leads".to_string(), |e| format!("/leads/{}", e.id));
    view! {
        <form class="lead-form" method="post" action=action_url novalidate on:submit=on_submit>
            {existing.map(|e| view! {
                <input type="hidden" name="id" value=e.id />
                <input type="hidden" name="version" value=move || version.get().unwrap_or(e.version) prop:value=move || version.get().unwrap_or(e.version) />
            })}
            {move || notice.get().map(|text| view! { <div class="notice success" role="status">{text}</div> })}
            {move || failure.get().map(|error| view! { <ErrorNotice error list_fields /> })}
            {view! { <GeneralSection choices /> }.into_any()}
            {view! { <ContactSection /> }.into_any()}
            {view! { <AdditionalSection /> }.into_any()}
            <Duplicates exclude=existing.map(|e| e.id) />
            <div class="form-actions">
                <a class="button ghost" href=cancel_href>"Cancel"</a>
                <span class="spacer"></span>
                <button type="submit" class="button" name="after" value="new" on:click=move |_| after.set(AfterSave::New) disabled=move || save.pending().get()>
                    "Save and New"
                </button>
                <button type="submit" class="button" name="after" value="stay" on:click=move |_| after.set(AfterSave::Stay) disabled=move || save.pending().get()>
                    "Save"
                </button>
                <button type="submit" class="button primary" name="after" value="close" on:click=move |_| after.set(AfterSave::Close) disabled=move || save.pending().get()>
                    "Save and Close"
                </button>
            </div>
        </form>
    }
}

/// The error of a failed plain form post to the create or update endpoint.
fn plain_post_error() -> Option<AppError> {
    use leptos::server_fn::{error::ServerFnUrlError, ServerFn};
    let error = use_context::<leptos::server::ServerActionError>()?;
    [CreateLead::PATH, UpdateLead::PATH]
        .contains(&error.path())
        .then(|| ServerFnUrlError::<AppError>::decode_err(error.err()))
}

/// What happens after a successful save, by the button that was pressed.
fn on_saved(
    saved: Saved,
    after: AfterSave,
    existing: Option<Existing>,
    state: FormState,
    version: RwSignal<Option<i64>>,
    notice: RwSignal<Option<String>>,
    navigate: &impl Fn(&str, leptos_router::NavigateOptions),
) {
    let name = state.form.with_untracked(|f| f.name.trim().to_string());
    match (after, existing) {
        (AfterSave::New, None) => {
            let owner_id = state.form.with_untracked(|f| f.owner_id.clone());
            state.form.set(LeadForm {
                owner_id,
                ..LeadForm::new_lead()
            });
            state.touched.set(Default::default());
            state.submitted.set(false);
            notice.set(Some(format!("Lead “{name}” was saved. Here is a new one.")));
        }
        (AfterSave::Stay, Some(_)) => {
            version.set(Some(saved.version));
            notice.set(Some(format!("Lead “{name}” was saved.")));
        }
        _ => navigate(&after.target(saved.id), Default::default()),
    }
}

/// General: owner, name, status, company, source, comments.
#[component]
fn GeneralSection(
    /// The sources and owners to choose from.
    choices: Choices,
) -> impl IntoView {
    let statuses = LeadStatus::ALL
        .iter()
        .map(|s| (s.code().to_string(), s.label().to_string()))
        .collect();
    let mut sources: Vec<(String, String)> =
        std::iter::once((String::new(), "No source".to_string()))
            .chain(
                choices
                    .sources
                    .iter()
                    .map(|s| (s.id.to_string(), s.name.clone())),
            )
            .collect();
    if let Some(current) = choices
        .current_source
        .filter(|c| !choices.sources.iter().any(|s| s.id == c.id))
    {
        sources.push((
            current.id.to_string(),
            format!("{} (retired)", current.name),
        ));
    }
    let mut owners: Vec<(String, String)> =
        std::iter::once(("none".to_string(), "Unassigned".to_string()))
            .chain(choices.assignees.iter().map(|a| {
                let label = match &a.team_name {
                    Some(team) => format!("{} · {team}", a.display_name),
                    None => a.display_name.clone(),
                };
                (a.id.to_string(), label)
            }))
            .collect();
    if let Some(current) = choices
        .current_owner
        .filter(|o| !choices.assignees.iter().any(|a| a.id == o.id))
    {
        owners.push((current.id.to_string(), current.name));
    }
    view! {
        <section class="card" aria-labelledby="f-general">
            <h2 id="f-general">"General"</h2>
            <div class="grid-2">
                <SelectField label="Owner" key="owner_id" options=owners lens=lens("owner_id", |f| &f.owner_id, |f| &mut f.owner_id) />
                <TextField label="Lead name" key="name" required=true lens=lens("name", |f| &f.name, |f| &mut f.name) />
                <SelectField label="Status" key="status" options=statuses lens=lens("status", |f| &f.status, |f| &mut f.status) />
                <TextField label="Company" key="company_name" lens=lens("company_name", |f| &f.company_name, |f| &mut f.company_name) />
                <SelectField label="Source" key="source_id" options=sources lens=lens("source_id", |f| &f.source_id, |f| &mut f.source_id) />
            </div>
            <TextArea label="Additional comments" key="notes" lens=lens("notes", |f| &f.notes, |f| &mut f.notes) />
        </section>
    }
}

/// Contact information: name parts, job title, emails, phones, social, addresses.
#[component]
fn ContactSection() -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="f-contact">
            <h2 id="f-contact">"Contact information"</h2>
            <div class="grid-3">
                <TextField label="Name prefix" key="name_prefix" lens=lens("name_prefix", |f| &f.name_prefix, |f| &mut f.name_prefix) />
                <TextField label="First name" key="first_name" lens=lens("first_name", |f| &f.first_name, |f| &mut f.first_name) />
                <TextField label="Middle name" key="middle_name" lens=lens("middle_name", |f| &f.middle_name, |f| &mut f.middle_name) />
                <TextField label="Last name" key="last_name" lens=lens("last_name", |f| &f.last_name, |f| &mut f.last_name) />
                <TextField label="Name suffix" key="name_suffix" lens=lens("name_suffix", |f| &f.name_suffix, |f| &mut f.name_suffix) />
                <TextField label="Job title" key="job_title" lens=lens("job_title", |f| &f.job_title, |f| &mut f.job_title) />
            </div>
            <div class="grid-2">
                <EmailRows />
                <PhoneRows />
            </div>
            <div class="grid-2">
                <TextField label="Twitter" key="twitter" lens=lens("twitter", |f| &f.twitter, |f| &mut f.twitter) hint="Handle or URL" />
                <TextField label="LinkedIn" key="linkedin" lens=lens("linkedin", |f| &f.linkedin, |f| &mut f.linkedin) hint="Handle or URL" />
            </div>
            <AddressRows />
        </section>
    }
}

/// Additional: website, employees, industry, tags.
#[component]
fn AdditionalSection() -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="f-additional">
            <h2 id="f-additional">"Additional"</h2>
            <div class="grid-2">
                <TextField label="Website" key="website" kind="url" lens=lens("website", |f| &f.website, |f| &mut f.website) hint="https://…" />
                <TextField label="Number of employees" key="number_of_employees" lens=lens("number_of_employees", |f| &f.number_of_employees, |f| &mut f.number_of_employees) />
                <TextField label="Industry" key="industry" lens=lens("industry", |f| &f.industry, |f| &mut f.industry) />
                <TextField label="Tags" key="tags" lens=lens("tags", |f| &f.tags, |f| &mut f.tags) hint="Separate tags with commas" />
            </div>
        </section>
    }
}

/// Existing leads with the same email or phone, shown before saving.
#[component]
fn Duplicates(
    /// The lead being edited (not its own duplicate).
    exclude: Option<i64>,
) -> impl IntoView {
    let state = super::form_fields::form_state();
    let probe = Memo::new(move |_| state.form.with(|f| DuplicateProbe::of_form(f, exclude)));
    // Looked up in the browser only (an effect never runs on the server),
    // as the emails and phones change; a stale answer is dropped.
    let found = RwSignal::new(Vec::<DuplicateLead>::new());
    Effect::new(move |_| {
        let current = probe.get();
        if current.is_empty() {
            found.set(Vec::new());
            return;
        }
        leptos::task::spawn_local(async move {
            let result = find_duplicates(current.clone()).await;
            if probe.get_untracked() == current {
                found.set(result.unwrap_or_default());
            }
        });
    });
    move || {
        let dups = found.get();
        (!dups.is_empty()).then(|| {
            view! {
                <aside class="notice warning" aria-label="Possible duplicates">
                    <p><strong>"Possible duplicate: "</strong>"a lead with the same email or phone already exists."</p>
                    <ul class="plain">
                        {dups.into_iter().map(|d| view! {
                            <li><a href=format!("/leads/{}", d.id) target="_blank">{d.name}</a> " — " {d.matched_on}</li>
                        }).collect_view()}
                    </ul>
                </aside>
            }
        })
    }
}
