//! A person's fields — name parts, job title, emails, phones, addresses —
//! shared by the lead form, the qualify wizard's new contact and the
//! contact form, so all three validate alike as the user types.

use leptos::prelude::*;

use super::{
    form_fields::{lens, TextField},
    form_repeaters::{AddressRows, EmailRows, PhoneRows},
};

/// The live state of a person's form (provide it as context first).
pub(crate) use super::form_fields::FormState as ContactFormState;

/// The fields, bound to the `ContactFormState` in context.
#[component]
pub fn ContactFields() -> impl IntoView {
    view! {
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
        <AddressRows />
    }
}
