//! Form state shared through context, and the single-value inputs.

use std::collections::HashSet;

use leptos::prelude::*;

use crate::{error::FieldError, leads::model::LeadForm};

/// The live state of a lead form, provided as context to its parts.
#[derive(Clone, Copy)]
pub(crate) struct FormState {
    /// What the user has typed.
    pub form: RwSignal<LeadForm>,
    /// The problems the shared parser finds in it, recomputed as they type.
    pub client_errors: Memo<Vec<FieldError>>,
    /// Problems the server reported on the last save.
    pub server_errors: RwSignal<Vec<FieldError>>,
    /// Fields the user has worked on (their errors are shown).
    pub touched: RwSignal<HashSet<String>>,
    /// Whether a save was attempted (every error is shown).
    pub submitted: RwSignal<bool>,
}

impl FormState {
    /// A form state starting from `initial`.
    pub fn new(initial: LeadForm) -> Self {
        let form = RwSignal::new(initial);
        let client_errors = Memo::new(move |_| {
            form.with(|f| {
                crate::leads::model::ValidLead::parse(f)
                    .err()
                    .unwrap_or_default()
            })
        });
        Self {
            form,
            client_errors,
            server_errors: RwSignal::new(Vec::new()),
            touched: RwSignal::new(HashSet::new()),
            submitted: RwSignal::new(false),
        }
    }

    /// The message to show under `field`, if any (reactive).
    pub fn error_for(&self, field: &str) -> Option<String> {
        // A row's fields show their errors once any field of the row is
        // touched: an address without a country is wrong as soon as it has a city.
        let row = field.splitn(3, '.').take(2).collect::<Vec<_>>().join(".");
        let shown =
            self.submitted.get() || self.touched.with(|t| t.contains(field) || t.contains(&row));
        let client = shown
            .then(|| {
                self.client_errors.with(|errors| {
                    errors
                        .iter()
                        .find(|e| e.field == field)
                        .map(|e| e.message.clone())
                })
            })
            .flatten();
        client.or_else(|| {
            self.server_errors.with(|errors| {
                errors
                    .iter()
                    .find(|e| e.field == field)
                    .map(|e| e.message.clone())
            })
        })
    }

    /// Records an edit: marks fields touched and clears the server's verdict.
    pub fn edit(&self, fields: &[&str], change: impl FnOnce(&mut LeadForm)) {
        self.form.update(change);
        self.touched
            .update(|t| t.extend(fields.iter().map(|f| f.to_string())));
        if self.server_errors.with_untracked(|e| !e.is_empty()) {
            self.server_errors.set(Vec::new());
        }
    }
}

/// The form state from context.
pub(crate) fn form_state() -> FormState {
    expect_context::<FormState>()
}

/// The `name` attribute for a field key: `emails.0.email` → `form[emails][0][email]`.
pub(crate) fn html_name(key: &str) -> String {
    format!("form[{}]", key.replace('.', "]["))
}

/// The element id for a field key.
pub(crate) fn html_id(key: &str) -> String {
    format!("f-{}", key.replace('.', "-"))
}

/// A reactive view of one string in the form, and how to change it.
#[derive(Clone)]
pub(crate) struct Lens {
    /// The current value.
    pub get: Signal<String>,
    /// Sets a new value (marks the field touched).
    pub set: Callback<String>,
}

/// A lens onto a top-level string field of the form.
pub(crate) fn lens(
    key: &'static str,
    get: fn(&LeadForm) -> &String,
    get_mut: fn(&mut LeadForm) -> &mut String,
) -> Lens {
    let state = form_state();
    Lens {
        get: Signal::derive(move || state.form.with(|f| get(f).clone())),
        set: Callback::new(move |value: String| state.edit(&[key], |f| *get_mut(f) = value)),
    }
}

/// The error text under a field (or group), announced to screen readers.
#[component]
pub(crate) fn FieldMessage(
    /// The field key whose error to show.
    #[prop(into)]
    field: String,
) -> impl IntoView {
    let state = form_state();
    let id = format!("{}-error", html_id(&field));
    move || {
        state
            .error_for(&field)
            .map(|message| view! { <p class="field-error" id=id.clone()>{message}</p> })
    }
}

/// A labelled single-line input bound to the form.
#[component]
pub(crate) fn TextField(
    /// The visible label.
    label: &'static str,
    /// The field key (for errors and the HTML name).
    #[prop(into)]
    key: String,
    /// The value and its setter.
    lens: Lens,
    /// Whether the field is required (marked, and `required` for browsers).
    #[prop(optional)]
    required: bool,
    /// The input type (`text` by default).
    #[prop(optional)]
    kind: Option<&'static str>,
    /// A hint shown under the input.
    #[prop(optional)]
    hint: Option<&'static str>,
) -> impl IntoView {
    let state = form_state();
    let id = html_id(&key);
    let invalid = {
        let key = key.clone();
        move || state.error_for(&key).is_some().to_string()
    };
    let Lens { get, set } = lens;
    view! {
        <div class="field">
            <label for=id.clone()>
                {label}
                {required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
            </label>
            <input
                id=id.clone()
                name=html_name(&key)
                type=kind.unwrap_or("text")
                required=required
                aria-invalid=invalid
                aria-describedby=format!("{id}-error")
                value=get.get_untracked()
                prop:value=move || get.get()
                on:input=move |ev| set.run(event_target_value(&ev))
            />
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
            <FieldMessage field=key />
        </div>
    }
}

/// A labelled multi-line input bound to the form.
#[component]
pub(crate) fn TextArea(
    /// The visible label.
    label: &'static str,
    /// The field key.
    #[prop(into)]
    key: String,
    /// The value and its setter.
    lens: Lens,
) -> impl IntoView {
    let id = html_id(&key);
    let Lens { get, set } = lens;
    view! {
        <div class="field wide">
            <label for=id.clone()>{label}</label>
            <textarea
                id=id.clone()
                name=html_name(&key)
                rows="4"
                prop:value=move || get.get()
                on:input=move |ev| set.run(event_target_value(&ev))
            >
                {get.get_untracked()}
            </textarea>
            <FieldMessage field=key />
        </div>
    }
}

/// A labelled drop-down bound to the form.
#[component]
pub(crate) fn SelectField(
    /// The visible label.
    label: &'static str,
    /// The field key.
    #[prop(into)]
    key: String,
    /// The value and its setter.
    lens: Lens,
    /// The choices as (value, label).
    options: Vec<(String, String)>,
) -> impl IntoView {
    let id = html_id(&key);
    let Lens { get, set } = lens;
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select
                id=id.clone()
                name=html_name(&key)
                prop:value=move || get.get()
                on:change=move |ev| set.run(event_target_value(&ev))
            >
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let selected = get.get_untracked() == value;
                        view! { <option value=value selected=selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
            <FieldMessage field=key />
        </div>
    }
}
