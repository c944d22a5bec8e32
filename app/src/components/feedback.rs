//! Status badges and error notices.

use leptos::prelude::*;

use crate::{error::AppError, leads::model::LeadStatus};

/// A coloured badge for a lead's status.
#[component]
pub fn StatusBadge(
    /// The status to show.
    status: LeadStatus,
) -> impl IntoView {
    view! { <span class=format!("badge status-{}", status.code())>{status.label()}</span> }
}

/// A visible, polite error message for a failed request.
#[component]
pub fn ErrorNotice(
    /// The error to explain.
    error: AppError,
    /// Also list each field problem (when the fields cannot show their own).
    #[prop(optional)]
    list_fields: bool,
) -> impl IntoView {
    // A server-rendered page that shows an error answers with its status.
    // (Not for a form's validation or conflict errors: that page is fine.)
    #[cfg(feature = "ssr")]
    if matches!(
        error,
        AppError::NotFound | AppError::Forbidden | AppError::Internal
    ) {
        crate::state::set_status(error.status_code());
    }
    let text = match &error {
        AppError::NotFound => {
            "This does not exist, or you may not see it. It may have been deleted.".to_string()
        }
        other => other.to_string(),
    };
    view! {
        <div class="notice error" role="alert">
            <p>{text}</p>
            {list_fields.then(|| view! {
                <ul>
                    {error.field_errors().iter().map(|e| view! {
                        <li>{field_label(&e.field)} ": " {e.message.clone()}</li>
                    }).collect_view()}
                </ul>
            })}
            {matches!(error, AppError::NotFound)
                .then(|| view! { <a class="button" href="/">"Back to Leadline"</a> })}
            {matches!(error, AppError::Unauthenticated)
                .then(|| view! { <a class="button primary" href="/sign-in">"Sign in"</a> })}
        </div>
    }
}

/// A readable name for a field key: `emails.1.email` → "Email 2".
pub fn field_label(key: &str) -> String {
    let parts: Vec<&str> = key.split('.').collect();
    let base = |name: &str| match name {
        "name" => "Lead name".to_string(),
        "source_id" => "Source".to_string(),
        "owner_id" => "Owner".to_string(),
        "team_id" => "Team".to_string(),
        "current" => "Current password".to_string(),
        "new" => "New password".to_string(),
        "company_name" => "Company".to_string(),
        "notes" => "Additional comments".to_string(),
        "number_of_employees" => "Number of employees".to_string(),
        "postal_code" => "Postal code".to_string(),
        "street2" => "Street 2".to_string(),
        other => {
            let text = other.replace('_', " ");
            let mut chars = text.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
    };
    match parts.as_slice() {
        [group, index, field] => {
            let n = index.parse::<usize>().map(|i| i + 1).unwrap_or(0);
            let item = match *group {
                "emails" => "Email",
                "phones" => "Phone",
                _ => "Address",
            };
            if matches!(*field, "email" | "phone") {
                format!("{item} {n}")
            } else {
                format!("{item} {n}, {}", base(field).to_lowercase())
            }
        }
        _ => base(key),
    }
}

#[cfg(test)]
mod tests {
    use super::field_label;

    #[test]
    fn field_keys_read_as_labels() {
        assert_eq!(field_label("name"), "Lead name");
        assert_eq!(field_label("emails.1.email"), "Email 2");
        assert_eq!(field_label("addresses.0.country"), "Address 1, country");
        assert_eq!(field_label("job_title"), "Job title");
    }
}
