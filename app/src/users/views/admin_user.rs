//! Admin: one user — profile, role and team; deactivate; reset password.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::hooks::use_params_map;

use super::{
    admin_nav::{outcome, ActionOutcome, AdminNav},
    admin_users::UserFields,
};
use crate::{
    components::{ErrorNotice, NotFound},
    error::AppError,
    users::api::{get_user, list_teams, ResetPassword, SetUserActive, UpdateUser},
};

/// `/admin/users/:id`.
#[component]
pub fn AdminUserPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok())));
    let update = ServerAction::<UpdateUser>::new();
    let activate = ServerAction::<SetUserActive>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let data = Resource::new(
        move || (id.get(), update.version().get(), activate.version().get()),
        |(id, _, _)| async move {
            let id = id.ok_or(AppError::NotFound)?;
            Ok::<_, AppError>((get_user(id).await?, list_teams().await?))
        },
    );
    view! {
        <AdminNav title="Users" />
        <Transition fallback=|| view! { <p class="muted">"Loading user…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((user, teams)) => {
                        let (uid, active) = (user.id, user.active);
                        view! {
                            <p class="crumb"><a href="/admin/users">"All users"</a></p>
                            <h2 class="subject">
                                {user.display_name.clone()}
                                {(!active).then(|| view! { <span class="badge status-canceled">"Deactivated"</span> })}
                            </h2>
                            <div class="admin-grid">
                                <section class="card" aria-labelledby="profile">
                                    <h2 id="profile">"Profile, role and team"</h2>
                                    <ActionOutcome value=outcome(update) done="Changes saved." />
                                    <ActionForm action=update attr:novalidate=true>
                                        <input type="hidden" name="id" value=uid />
                                        <UserFields user=Some(user) teams />
                                        <button type="submit" class="button primary">"Save changes"</button>
                                    </ActionForm>
                                </section>
                                <div>
                                    <section class="card" aria-labelledby="access">
                                        <h2 id="access">"Access"</h2>
                                        <ActionOutcome value=outcome(activate) done="Done." />
                                        <p class="muted">{if active {
                                            "This user can sign in. Deactivating ends their sessions at once; their leads stay."
                                        } else {
                                            "This user cannot sign in. Their leads are kept."
                                        }}</p>
                                        <ActionForm action=activate>
                                            <input type="hidden" name="id" value=uid />
                                            <input type="hidden" name="active" value=(!active).to_string() />
                                            <button type="submit" class=if active { "button danger" } else { "button" }>
                                                {if active { "Deactivate user" } else { "Reactivate user" }}
                                            </button>
                                        </ActionForm>
                                    </section>
                                    <section class="card" aria-labelledby="password">
                                        <h2 id="password">"Reset password"</h2>
                                        <ActionOutcome value=outcome(reset) done="Password changed. The user's sessions have ended." />
                                        <ActionForm action=reset attr:novalidate=true>
                                            <input type="hidden" name="id" value=uid />
                                            <div class="field">
                                                <label for="new-password">"New password"</label>
                                                <input id="new-password" name="password" type="password" autocomplete="new-password" />
                                            </div>
                                            <button type="submit" class="button">"Set password"</button>
                                        </ActionForm>
                                    </section>
                                </div>
                            </div>
                        }.into_any()
                    }
                    Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}
