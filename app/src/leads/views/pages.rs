//! The create and edit pages around the lead form.

use leptos::prelude::*;
use leptos_meta::Title;

use super::{
    detail::lead_id_param,
    form::{Existing, LeadFormView},
};
use crate::{
    components::{ErrorNotice, NotFound},
    error::AppError,
    leads::{
        api::{get_lead, list_sources},
        model::LeadForm,
    },
};

/// `/leads/new`.
#[component]
pub fn NewLeadPage() -> impl IntoView {
    let sources = Resource::new(|| (), |_| list_sources());
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
                match sources.await {
                    Ok(sources) => view! {
                        <LeadFormView initial=LeadForm::new_lead() existing=None sources />
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
            let sources = list_sources().await?;
            Ok((lead, sources))
        },
    );
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((lead, sources)) => view! {
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
                            sources
                        />
                    }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
