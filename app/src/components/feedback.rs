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
) -> impl IntoView {
    if matches!(error, AppError::NotFound) {
        #[cfg(feature = "ssr")]
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    let text = match &error {
        AppError::NotFound => "This lead does not exist. It may have been deleted.".to_string(),
        other => other.to_string(),
    };
    view! {
        <div class="notice error" role="alert">
            <p>{text}</p>
            {matches!(error, AppError::NotFound)
                .then(|| view! { <a class="button" href="/leads">"Back to leads"</a> })}
        </div>
    }
}
