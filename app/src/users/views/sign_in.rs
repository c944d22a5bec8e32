//! The sign-in page. Works without JavaScript (a plain form post that the
//! server answers with a redirect); with it, errors show in place and a
//! successful sign-in reloads the app as the new user.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    error::AppError,
    users::{api::SignIn, model::safe_next},
};

/// The error of a failed plain (no-JavaScript) sign-in, from the URL.
fn plain_post_error() -> Option<AppError> {
    use leptos::server_fn::{error::ServerFnUrlError, ServerFn};
    let error = use_context::<leptos::server::ServerActionError>()?;
    (error.path() == SignIn::PATH).then(|| ServerFnUrlError::<AppError>::decode_err(error.err()))
}

/// `/sign-in?next=…`.
#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let next = query.with_untracked(|q| q.get("next").unwrap_or_default());
    let target = safe_next(&next);
    let action = ServerAction::<SignIn>::new();
    let url_error = plain_post_error();
    let error = Signal::derive(move || match action.value().get() {
        Some(Err(e)) => Some(e),
        Some(Ok(())) => None,
        None => url_error.clone(),
    });
    // Signed in: load the app afresh, so every part of it sees the user.
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            #[cfg(feature = "hydrate")]
            let _ = window().location().assign(&target);
            #[cfg(not(feature = "hydrate"))]
            let _ = &target;
        }
    });
    let pending = action.pending();
    view! {
        <Title text="Sign in" />
        <section class="sign-in card">
            <h1>"Sign in to Leadline"</h1>
            {move || error.get().map(|error| view! {
                <div class="notice error" role="alert"><p>{sign_in_message(&error)}</p></div>
            })}
            <ActionForm action attr:novalidate=true>
                <input type="hidden" name="form[next]" value=next.clone() />
                <div class="field">
                    <label for="sign-in-username">"Username"</label>
                    <input id="sign-in-username" name="form[username]" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus />
                </div>
                <div class="field">
                    <label for="sign-in-password">"Password"</label>
                    <input id="sign-in-password" name="form[password]" type="password" autocomplete="current-password" required />
                </div>
                <button type="submit" class="button primary wide" disabled=move || pending.get()>
                    {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </ActionForm>
            <p class="hint">"Forgot your password? Ask your Leadline admin to reset it."</p>
        </section>
    }
}

/// What to tell the person at the sign-in form.
fn sign_in_message(error: &AppError) -> String {
    match error {
        AppError::Validation { fields } => fields
            .iter()
            .map(|f| f.message.clone())
            .collect::<Vec<_>>()
            .join(". "),
        other => other.to_string(),
    }
}
