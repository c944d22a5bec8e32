//! Admin: teams — add, rename, delete when empty.

use leptos::{form::ActionForm, prelude::*};

use super::admin_nav::{outcome, ActionOutcome, AdminNav};
use crate::{
    components::ErrorNotice,
    users::api::{list_teams, CreateTeam, DeleteTeam, RenameTeam},
};

/// `/admin/teams`.
#[component]
pub fn AdminTeamsPage() -> impl IntoView {
    let create = ServerAction::<CreateTeam>::new();
    let rename = ServerAction::<RenameTeam>::new();
    let delete = ServerAction::<DeleteTeam>::new();
    let teams = Resource::new(
        move || {
            (
                create.version().get(),
                rename.version().get(),
                delete.version().get(),
            )
        },
        |_| list_teams(),
    );
    view! {
        <AdminNav title="Teams" />
        <ActionOutcome value=outcome(rename) done="Team renamed." />
        <ActionOutcome value=outcome(delete) done="Team deleted." />
        <div class="admin-grid">
            <Transition fallback=|| view! { <p class="muted">"Loading teams…"</p> }>
                {move || Suspend::new(async move {
                    match teams.await {
                        Ok(teams) if teams.is_empty() => view! {
                            <p class="empty-state">"No teams yet. Managers see the leads of their team's members."</p>
                        }.into_any(),
                        Ok(teams) => view! {
                            <ul class="plain admin-list" aria-label="Teams">
                                {teams.into_iter().map(|team| { let label = team.name.clone(); view! {
                                    <li class="admin-row">
                                        <ActionForm action=rename attr:class="inline-form">
                                            <input type="hidden" name="id" value=team.id />
                                            <label class="visually-hidden" for=format!("team-{}", team.id)>"Team name"</label>
                                            <input id=format!("team-{}", team.id) name="name" value=team.name.clone() />
                                            <button type="submit" class="button">"Rename"</button>
                                        </ActionForm>
                                        <span class="muted">{format!("{} member{}", team.members, if team.members == 1 { "" } else { "s" })}</span>
                                        <ActionForm action=delete>
                                            <input type="hidden" name="id" value=team.id />
                                            <button type="submit" class="button ghost" aria-label=format!("Delete team {label}")>"Delete"</button>
                                        </ActionForm>
                                    </li>
                                }}).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
            <section class="card" aria-labelledby="add-team">
                <h2 id="add-team">"Add a team"</h2>
                <ActionOutcome value=outcome(create) done="Team added." />
                <ActionForm action=create attr:novalidate=true>
                    <div class="field">
                        <label for="new-team">"Team name"</label>
                        <input id="new-team" name="name" />
                    </div>
                    <button type="submit" class="button primary">"Add team"</button>
                </ActionForm>
            </section>
        </div>
    }
}
