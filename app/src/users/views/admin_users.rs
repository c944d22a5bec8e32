//! Admin: the list of users and the form to add one.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::hooks::use_navigate;

use super::admin_nav::{outcome, ActionOutcome, AdminNav};
use crate::{
    components::ErrorNotice,
    users::{
        api::{list_teams, list_users, CreateUser},
        model::{Role, Team, UserRow},
    },
};

/// `/admin/users`.
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let data = Resource::new(
        move || create.version().get(),
        |_| async move { Ok::<_, crate::AppError>((list_users().await?, list_teams().await?)) },
    );
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&format!("/admin/users/{id}"), Default::default());
        }
    });
    view! {
        <AdminNav title="Users" />
        <Transition fallback=|| view! { <p class="muted">"Loading users…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((users, teams)) => view! {
                        <div class="admin-grid">
                            <UserTable users />
                            <section class="card" aria-labelledby="add-user">
                                <h2 id="add-user">"Add a user"</h2>
                                <ActionOutcome value=outcome(create) done="User added." />
                                <ActionForm action=create attr:novalidate=true>
                                    <UserFields user=None teams />
                                    <div class="field">
                                        <label for="user-password">"Password"</label>
                                        <input id="user-password" name="form[password]" type="password" autocomplete="new-password" />
                                        <p class="hint">"At least 10 characters. Tell it to the user; they can sign in at once."</p>
                                    </div>
                                    <button type="submit" class="button primary">"Add user"</button>
                                </ActionForm>
                            </section>
                        </div>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The table of users.
#[component]
fn UserTable(
    /// Every user.
    users: Vec<UserRow>,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="grid">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Username"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Team"</th>
                        <th scope="col">"Status"</th>
                    </tr>
                </thead>
                <tbody>
                    {users.into_iter().map(|u| view! {
                        <tr class:inactive=!u.active>
                            <td><a href=format!("/admin/users/{}", u.id)>{u.display_name}</a></td>
                            <td>{u.username}</td>
                            <td>{u.role.label()}</td>
                            <td>{u.team_name.unwrap_or_else(|| "—".into())}</td>
                            <td>{if u.active { "Active" } else { "Deactivated" }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// The profile fields of the user form (create and edit), named for the
/// `form` argument of the server functions.
#[component]
pub fn UserFields(
    /// The user being edited, if any.
    user: Option<UserRow>,
    /// The teams to choose from.
    teams: Vec<Team>,
) -> impl IntoView {
    let value = |f: fn(&UserRow) -> String| user.as_ref().map(f).unwrap_or_default();
    let role = user.as_ref().map_or(Role::Rep, |u| u.role);
    let team = user.as_ref().and_then(|u| u.team_id);
    view! {
        <div class="field">
            <label for="user-username">"Username"</label>
            <input id="user-username" name="form[username]" autocomplete="off" value=value(|u| u.username.clone()) />
        </div>
        <div class="field">
            <label for="user-display-name">"Display name"</label>
            <input id="user-display-name" name="form[display_name]" value=value(|u| u.display_name.clone()) />
        </div>
        <div class="field">
            <label for="user-email">"Email"</label>
            <input id="user-email" name="form[email]" type="email" value=value(|u| u.email.clone().unwrap_or_default()) />
        </div>
        <div class="field">
            <label for="user-role">"Role"</label>
            <select id="user-role" name="form[role]">
                {Role::ALL.into_iter().map(|r| view! {
                    <option value=r.code() selected=r == role>{r.label()}</option>
                }).collect_view()}
            </select>
        </div>
        <div class="field">
            <label for="user-team">"Team"</label>
            <select id="user-team" name="form[team_id]">
                <option value="" selected=team.is_none()>"No team"</option>
                {teams.into_iter().map(|t| view! {
                    <option value=t.id.to_string() selected=team == Some(t.id)>{t.name}</option>
                }).collect_view()}
            </select>
        </div>
    }
}
