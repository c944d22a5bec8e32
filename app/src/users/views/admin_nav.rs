//! The admin area's frame: a title and tabs for its screens.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::{components::ErrorNotice, error::AppError};

/// The admin heading and tabs.
#[component]
pub fn AdminNav(
    /// The current screen's title.
    title: &'static str,
) -> impl IntoView {
    view! {
        <Title text=format!("{title} · Admin") />
        <div class="page-head">
            <div>
                <p class="crumb">"Admin"</p>
                <h1>{title}</h1>
            </div>
        </div>
        <nav class="tabs" aria-label="Admin">
            <A href="/admin/users">"Users"</A>
            <A href="/admin/teams">"Teams"</A>
            <A href="/admin/sources">"Lead sources"</A>
            <A href="/admin/exports">"Exports"</A>
            <A href="/admin/settings">"Settings"</A>
        </nav>
    }
}

/// The last result of a server action, without its value: what
/// `ActionOutcome` shows.
pub fn outcome<S>(action: ServerAction<S>) -> Signal<Option<Result<(), AppError>>>
where
    S: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().map(|r| r.map(|_| ())))
}

/// The outcome of the last admin action: an error (with each field
/// problem listed) or a short confirmation.
#[component]
pub fn ActionOutcome(
    /// The action's last result (see `outcome`).
    value: Signal<Option<Result<(), AppError>>>,
    /// What to say when it succeeded.
    done: &'static str,
) -> impl IntoView {
    move || {
        value.with(|v| match v {
            Some(Err(error)) => {
                view! { <ErrorNotice error=error.clone() list_fields=true /> }.into_any()
            }
            Some(Ok(_)) => {
                view! { <div class="notice success" role="status">{done}</div> }.into_any()
            }
            None => ().into_any(),
        })
    }
}
