//! The frame around every page: the top bar with navigation and the
//! signed-in user, and the pages every app needs (home, not found).

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::components::{Redirect, A};

use crate::{
    error::AppError,
    users::{
        api::{get_session, SignOut},
        model::{CurrentUser, SessionInfo},
    },
};

/// Who is signed in, loaded once per page load and shared through context.
#[derive(Clone, Copy)]
pub struct Session(pub Resource<Result<SessionInfo, AppError>>);

/// Loads the session and provides it to every component below.
pub fn provide_session() {
    provide_context(Session(Resource::new(|| (), |_| get_session())));
}

/// The session resource (see `provide_session`).
pub fn use_session() -> Resource<Result<SessionInfo, AppError>> {
    expect_context::<Session>().0
}

/// The top bar: brand, navigation, the main call to action, and the user.
#[component]
pub fn Header() -> impl IntoView {
    let session = use_session();
    view! {
        <header class="topbar">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                "Leadline"
            </a>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let info = session.await.ok();
                    let leads = info.as_ref().is_some_and(|i| i.leads_enabled);
                    let user = info.and_then(|i| i.user);
                    let admin = user.as_ref().is_some_and(CurrentUser::is_admin);
                    let signed_in = user.is_some();
                    view! {
                        <nav aria-label="Main">
                            {(signed_in && leads).then(|| view! {
                                <A href="/leads">"Leads"</A>
                                <A href="/opportunities">"Opportunities"</A>
                                <A href="/accounts">"Accounts"</A>
                                <A href="/contacts">"Contacts"</A>
                            })}
                            {admin.then(|| view! { <A href="/admin">"Admin"</A> })}
                        </nav>
                        {(signed_in && leads).then(|| view! { <a class="button primary" href="/leads/new">"Create lead"</a> })}
                        {user.map(|user| view! { <UserMenu user /> })}
                    }
                })}
            </Transition>
        </header>
    }
}

/// The signed-in user's name and role, and the sign-out button.
#[component]
fn UserMenu(
    /// The signed-in user.
    user: CurrentUser,
) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            #[cfg(feature = "hydrate")]
            let _ = window().location().assign("/sign-in");
        }
    });
    let role = match &user.team_name {
        Some(team) => format!("{} · {team}", user.role.label()),
        None => user.role.label().to_string(),
    };
    view! {
        <div class="user-menu">
            <a class="user-name" href="/account" title="Your account">
                <strong>{user.display_name.clone()}</strong>
                <small>{role}</small>
            </a>
            <ActionForm action=sign_out>
                <button type="submit" class="button ghost on-dark">"Sign out"</button>
            </ActionForm>
        </div>
    }
}

/// `/`: the leads list when the Leads area is on; otherwise a note (and
/// the way to switch it on, for admins).
#[component]
pub fn HomePage() -> impl IntoView {
    let session = use_session();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match session.await {
                    Ok(SessionInfo { leads_enabled: true, .. }) => {
                        view! { <Redirect path="/leads" /> }.into_any()
                    }
                    Ok(info) => {
                        let admin = info.user.as_ref().is_some_and(CurrentUser::is_admin);
                        view! {
                            <Title text="Home" />
                            <section class="empty-state">
                                <h1>"Leads are switched off"</h1>
                                <p>"Your administrator has switched off the Leads area of Leadline."</p>
                                {admin.then(|| view! {
                                    <a class="button primary" href="/admin/settings">"Open settings"</a>
                                })}
                            </section>
                        }
                        .into_any()
                    }
                    Err(_) => view! { <Redirect path="/sign-in" /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The page for anything that does not exist; answers HTTP 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found" />
        <section class="empty-state">
            <h1>"Not found"</h1>
            <p>"There is nothing here. It may have been deleted, or the link is wrong."</p>
            <a class="button" href="/">"Back to Leadline"</a>
        </section>
    }
}
