//! The repeatable parts of the lead form: emails, phones and addresses,
//! each row with its "primary" choice.

use leptos::prelude::*;

use super::form_fields::{form_state, html_id, html_name, FieldMessage, Lens, TextField};
use crate::leads::{
    fields::countries,
    model::{AddressInput, EmailInput, LeadForm, PhoneInput},
};

/// A lens onto one string of row `i` of a list in the form.
fn row_lens<T: Default + Clone + 'static>(
    i: usize,
    group: &'static str,
    key: String,
    list: fn(&LeadForm) -> &Vec<T>,
    list_mut: fn(&mut LeadForm) -> &mut Vec<T>,
    get: fn(&T) -> &String,
    get_mut: fn(&mut T) -> &mut String,
) -> Lens {
    let state = form_state();
    Lens {
        get: Signal::derive(move || {
            state.form.with(|f| {
                list(f)
                    .get(i)
                    .map(|row| get(row).clone())
                    .unwrap_or_default()
            })
        }),
        set: Callback::new(move |value: String| {
            let row = format!("{group}.{i}");
            state.edit(&[group, key.as_str(), row.as_str()], |f| {
                if let Some(row) = list_mut(f).get_mut(i) {
                    *get_mut(row) = value;
                }
            })
        }),
    }
}

/// Marks row `i` as the only primary one of its list.
fn make_primary<T>(rows: &mut [T], i: usize, flag: fn(&mut T) -> &mut bool) {
    for (j, row) in rows.iter_mut().enumerate() {
        *flag(row) = j == i;
    }
}

/// The "primary" radio of row `i`.
#[component]
fn PrimaryChoice(
    /// The group key (`emails`, `phones`, `addresses`).
    group: &'static str,
    /// The row index.
    i: usize,
    /// Whether row `i` is primary (reactive).
    checked: Signal<bool>,
    /// Makes row `i` the primary one.
    choose: Callback<()>,
    /// What the row is, for the accessible name ("email 2").
    what: &'static str,
) -> impl IntoView {
    view! {
        <label class="primary-choice">
            <input
                type="radio"
                name=html_name(&format!("{group}.{i}.primary"))
                value="true"
                aria-label=format!("Primary {what} {}", i + 1)
                checked=checked.get_untracked()
                prop:checked=move || checked.get()
                on:change=move |_| choose.run(())
            />
            "Primary"
        </label>
    }
}

/// The emails of the lead, one row each, with "Add email".
#[component]
pub(crate) fn EmailRows() -> impl IntoView {
    let state = form_state();
    let count = move || state.form.with(|f| f.emails.len());
    let add = move |_| {
        state.form.update(|f| {
            let primary = f.emails.is_empty();
            f.emails.push(EmailInput {
                primary,
                ..Default::default()
            })
        })
    };
    view! {
        <fieldset class="repeat" id=html_id("emails")>
            <legend>"Emails"</legend>
            <For each=move || 0..count() key=|i| *i let:i>
                <div class="repeat-row">
                    <TextField
                        label=["Email 1", "Email 2", "Email 3", "Email 4", "Email 5"].get(i).copied().unwrap_or("Email")
                        key=format!("emails.{i}.email")
                        kind="email"
                        lens=row_lens(i, "emails", format!("emails.{i}.email"), |f| &f.emails, |f| &mut f.emails, |r| &r.email, |r| &mut r.email)
                    />
                    <PrimaryChoice
                        group="emails"
                        i
                        what="email"
                        checked=Signal::derive(move || state.form.with(|f| f.emails.get(i).is_some_and(|r| r.primary)))
                        choose=Callback::new(move |_| state.edit(&["emails"], |f| make_primary(&mut f.emails, i, |r| &mut r.primary)))
                    />
                    <RemoveRow label=format!("Remove email {}", i + 1) on_remove=Callback::new(move |_| state.edit(&["emails"], |f| remove_row(&mut f.emails, i, |r| &mut r.primary))) />
                </div>
            </For>
            <FieldMessage field="emails" />
            <button type="button" class="button small" on:click=add>"+ Add email"</button>
        </fieldset>
    }
}

/// The phones of the lead, one row each, with "Add phone".
#[component]
pub(crate) fn PhoneRows() -> impl IntoView {
    let state = form_state();
    let count = move || state.form.with(|f| f.phones.len());
    let add = move |_| {
        state.form.update(|f| {
            let primary = f.phones.is_empty();
            f.phones.push(PhoneInput {
                primary,
                ..Default::default()
            })
        })
    };
    view! {
        <fieldset class="repeat" id=html_id("phones")>
            <legend>"Phones"</legend>
            <For each=move || 0..count() key=|i| *i let:i>
                <div class="repeat-row">
                    <TextField
                        label=["Phone 1", "Phone 2", "Phone 3", "Phone 4", "Phone 5"].get(i).copied().unwrap_or("Phone")
                        key=format!("phones.{i}.phone")
                        kind="tel"
                        lens=row_lens(i, "phones", format!("phones.{i}.phone"), |f| &f.phones, |f| &mut f.phones, |r| &r.phone, |r| &mut r.phone)
                    />
                    <PrimaryChoice
                        group="phones"
                        i
                        what="phone"
                        checked=Signal::derive(move || state.form.with(|f| f.phones.get(i).is_some_and(|r| r.primary)))
                        choose=Callback::new(move |_| state.edit(&["phones"], |f| make_primary(&mut f.phones, i, |r| &mut r.primary)))
                    />
                    <RemoveRow label=format!("Remove phone {}", i + 1) on_remove=Callback::new(move |_| state.edit(&["phones"], |f| remove_row(&mut f.phones, i, |r| &mut r.primary))) />
                </div>
            </For>
            <FieldMessage field="phones" />
            <button type="button" class="button small" on:click=add>"+ Add phone"</button>
        </fieldset>
    }
}

/// Removes row `i`; if it was primary, the first remaining row takes over.
fn remove_row<T>(rows: &mut Vec<T>, i: usize, flag: fn(&mut T) -> &mut bool) {
    if i < rows.len() {
        let was_primary = *flag(&mut rows[i]);
        rows.remove(i);
        if was_primary {
            if let Some(first) = rows.first_mut() {
                *flag(first) = true;
            }
        }
    }
}

/// A small "remove this row" button.
#[component]
fn RemoveRow(
    /// Accessible name, e.g. "Remove email 2".
    label: String,
    /// What removing does.
    on_remove: Callback<()>,
) -> impl IntoView {
    view! {
        <button type="button" class="button small ghost" aria-label=label title="Remove" on:click=move |_| on_remove.run(())>
            "✕"
        </button>
    }
}

/// The addresses of the lead, one block each, with "Add address".
#[component]
pub(crate) fn AddressRows() -> impl IntoView {
    let state = form_state();
    let count = move || state.form.with(|f| f.addresses.len());
    let add = move |_| {
        state.form.update(|f| {
            let primary = f.addresses.is_empty();
            f.addresses.push(AddressInput {
                primary,
                ..Default::default()
            })
        })
    };
    view! {
        <fieldset class="repeat" id=html_id("addresses")>
            <legend>"Addresses"</legend>
            <For each=move || 0..count() key=|i| *i let:i>
                <AddressBlock i />
            </For>
            <FieldMessage field="addresses" />
            <button type="button" class="button small" on:click=add>"+ Add address"</button>
        </fieldset>
    }
}

/// One address block.
#[component]
fn AddressBlock(
    /// The row index.
    i: usize,
) -> impl IntoView {
    let state = form_state();
    let key = move |name: &str| format!("addresses.{i}.{name}");
    let l = move |name: &str,
                  get: fn(&AddressInput) -> &String,
                  get_mut: fn(&mut AddressInput) -> &mut String| {
        row_lens(
            i,
            "addresses",
            key(name),
            |f| &f.addresses,
            |f| &mut f.addresses,
            get,
            get_mut,
        )
    };
    let n = i + 1;
    view! {
        <div class="address-block" role="group" aria-label=format!("Address {n}")>
            <div class="grid-2">
                <TextField label="Label" key=key("label") lens=l("label", |a| &a.label, |a| &mut a.label) hint="e.g. Head office" />
                <CountrySelect i lens=l("country", |a| &a.country, |a| &mut a.country) />
                <TextField label="Street" key=key("street") lens=l("street", |a| &a.street, |a| &mut a.street) />
                <TextField label="Street 2" key=key("street2") lens=l("street2", |a| &a.street2, |a| &mut a.street2) />
                <TextField label="City" key=key("city") lens=l("city", |a| &a.city, |a| &mut a.city) />
                <TextField label="Postal code" key=key("postal_code") lens=l("postal_code", |a| &a.postal_code, |a| &mut a.postal_code) />
                <TextField label="Region" key=key("region") lens=l("region", |a| &a.region, |a| &mut a.region) />
            </div>
            <div class="row-actions">
                <PrimaryChoice
                    group="addresses"
                    i
                    what="address"
                    checked=Signal::derive(move || state.form.with(|f| f.addresses.get(i).is_some_and(|r| r.primary)))
                    choose=Callback::new(move |_| state.edit(&["addresses"], |f| make_primary(&mut f.addresses, i, |r| &mut r.primary)))
                />
                <RemoveRow label=format!("Remove address {n}") on_remove=Callback::new(move |_| state.edit(&["addresses"], |f| remove_row(&mut f.addresses, i, |r| &mut r.primary))) />
            </div>
        </div>
    }
}

/// The country picker of address `i` (required).
#[component]
fn CountrySelect(
    /// The row index.
    i: usize,
    /// The value and its setter.
    lens: Lens,
) -> impl IntoView {
    let key = format!("addresses.{i}.country");
    let id = html_id(&key);
    let Lens { get, set } = lens;
    let state = form_state();
    let invalid = {
        let key = key.clone();
        move || state.error_for(&key).is_some().to_string()
    };
    let initial = get.get_untracked();
    view! {
        <div class="field">
            <label for=id.clone()>"Country" <span class="required" aria-hidden="true">" *"</span></label>
            <select
                id=id.clone()
                name=html_name(&key)
                aria-invalid=invalid
                aria-describedby=format!("{id}-error")
                prop:value=move || get.get()
                on:change=move |ev| set.run(event_target_value(&ev))
            >
                <option value="" selected=initial.is_empty()>"Choose a country…"</option>
                {countries()
                    .into_iter()
                    .map(|(code, name)| view! { <option value=code selected=initial == code>{name}</option> })
                    .collect_view()}
            </select>
            <FieldMessage field=key />
        </div>
    }
}
