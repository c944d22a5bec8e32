//! `/account`: who you are, and changing your own password.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

use super::admin_nav::{outcome, ActionOutcome};
use crate::{components::use_session, users::api::ChangePassword};

/// `/account`.
#[component]
pub fn AccountPage() -> impl IntoView {
    let session = use_session();
    let change = ServerAction::<ChangePassword>::new();
    view! {
        <Title text="Your account" />
        <div class="page-head">
            <div>
                <p class="crumb">"Account"</p>
                <h1>"Your account"</h1>
            </div>
        </div>
        <div class="admin-grid">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    session.await.ok().and_then(|s| s.user).map(|user| view! {
                        <section class="card" aria-labelledby="who">
                            <h2 id="who">{user.display_name.clone()}</h2>
                            <dl>
                                <dt>"Username"</dt><dd>{user.username.clone()}</dd>
                                <dt>"Role"</dt><dd>{user.role.label()}</dd>
                                <dt>"Team"</dt><dd>{user.team_name.clone().unwrap_or_else(|| "—".into())}</dd>
                            </dl>
                            <p class="hint">"Your admin changes your name, role and team."</p>
                        </section>
                    })
                })}
            </Suspense>
            <section class="card" aria-labelledby="change-password">
                <h2 id="change-password">"Change your password"</h2>
                <ActionOutcome value=outcome(change) done="Password changed. You stay signed in here; other sessions have ended." />
                <ActionForm action=change attr:novalidate=true>
                    <div class="field">
                        <label for="current-password">"Current password"</label>
                        <input id="current-password" name="current" type="password" autocomplete="current-password" />
                    </div>
                    <div class="field">
                        <label for="new-password">"New password"</label>
                        <input id="new-password" name="new" type="password" autocomplete="new-password" />
                        <p class="hint">"At least 10 characters."</p>
                    </div>
                    <button type="submit" class="button primary">"Change password"</button>
                </ActionForm>
            </section>
        </div>
    }
}
