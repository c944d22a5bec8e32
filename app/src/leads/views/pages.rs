//! The create and edit pages around the lead form.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{
    detail::lead_id_param,
    form::{Choices, Existing, LeadFormView},
};
use crate::{
    components::{ErrorNotice, NotFound},
    error::AppError,
    leads::{
        api::{get_lead, list_assignees, list_sources},
        model::LeadForm,
    },
    users::api::get_session,
};

/// `/leads/new`.
#[component]
pub fn NewLeadPage() -> impl IntoView {
    let data = Resource::new(
        || (),
        |_| async move {
            let user = get_session().await?.user.ok_or(AppError::Unauthenticated)?;
            let choices = Choices {
                sources: list_sources().await?,
                assignees: list_assignees().await?,
                ..Default::default()
            };
            let form = LeadForm {
                owner_id: user.id.to_string(),
                ..LeadForm::new_lead()
            };
            Ok::<_, AppError>((form, choices))
        },
    );
    view! {
        <Title text="Create lead" />
        <div class="page-head">
            <div>
                <p class="crumb"><a href="/leads">"Leads"</a></p>
                <h1>"Create lead"</h1>
            </div>
        </div>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((initial, choices)) => view! {
                        <LeadFormView initial existing=None choices />
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/leads/:id/edit`.
#[component]
pub fn EditLeadPage() -> impl IntoView {
    let id = lead_id_param();
    let data = Resource::new(
        move || id.get(),
        |id| async move {
            let Some(id) = id else {
                return Err(AppError::NotFound);
            };
            let lead = get_lead(id).await?;
            let choices = Choices {
                sources: list_sources().await?,
                assignees: list_assignees().await?,
                current_source: lead.source.clone(),
                current_owner: lead.owner.clone(),
            };
            Ok((lead, choices))
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((lead, choices)) => view! {
                        <Title text=format!("Edit {}", lead.name) />
                        <div class="page-head">
                            <div>
                                <p class="crumb"><a href="/leads">"Leads"</a> " / " <a href=format!("/leads/{}", lead.id)>{lead.name.clone()}</a></p>
                                <h1>"Edit lead"</h1>
                            </div>
                        </div>
                        <LeadFormView
                            initial=lead.to_form()
                            existing=Some(Existing { id: lead.id, version: lead.version })
                            choices
                        />
                    }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
