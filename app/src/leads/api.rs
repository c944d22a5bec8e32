//! Server functions for leads: the only way the browser reads or changes
//! them. Every input is parsed again here; the browser is never trusted.
//! Each one starts from the signed-in user (`leads_user`) and passes their
//! scope to storage, which writes it into the SQL.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::model::{
    DuplicateLead, DuplicateProbe, Lead, LeadForm, LeadPage, LeadPageRequest, LeadSource,
};
use crate::{error::AppError, users::model::Assignee};

/// Where to go after a successful save from a plain (no-JavaScript) form.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AfterSave {
    /// Stay on the edit form ("Save").
    #[default]
    Stay,
    /// Go to the lead's page ("Save and Close").
    Close,
    /// Start another lead ("Save and New").
    New,
}

impl AfterSave {
    /// The page to show after saving lead `id`.
    pub fn target(self, id: i64) -> String {
        match self {
            Self::Stay => format!("/leads/{id}/edit"),
            Self::Close => format!("/leads/{id}"),
            Self::New => "/leads/new".to_string(),
        }
    }
}

/// What the server answers to a save.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    /// The lead's id.
    pub id: i64,
    /// Its version after the save (the token for the next edit).
    pub version: i64,
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    pub use crate::{
        leads::{model::ValidLead, store},
        state::{announce, redirect_plain_form, run, store as app_store},
        users::auth::leads_user,
    };

    use super::AppError;
    use crate::{leads::model::OwnerChoice, store::Store, users::model::CurrentUser};

    /// Parses a form, as a validation error naming each field.
    pub fn parse(form: &crate::leads::model::LeadForm) -> Result<ValidLead, AppError> {
        ValidLead::parse(form).map_err(|fields| AppError::Validation { fields })
    }

    /// The owner to store for `choice`, checked against what `user` may
    /// assign. `current` is the lead's owner when editing (`None` when
    /// creating). Returns `None` for "leave the owner as it is".
    pub async fn resolve_owner(
        store: &Store,
        user: &CurrentUser,
        choice: OwnerChoice,
        current: Option<Option<i64>>,
    ) -> Result<Option<Option<i64>>, AppError> {
        match choice {
            OwnerChoice::Default => Ok(match current {
                None => Some(Some(user.id)),
                Some(_) => None,
            }),
            OwnerChoice::Unassigned => Ok(Some(None)),
            OwnerChoice::User(id) if current == Some(Some(id)) => Ok(None),
            OwnerChoice::User(id) => {
                let team = crate::users::store::active_user_team(store, id)
                    .await
                    .map_err(|err| match err {
                        AppError::NotFound => {
                            AppError::field("owner_id", "This user does not exist or is inactive")
                        }
                        other => other,
                    })?;
                user.may_assign_to(id, team)
                    .map_err(|message| AppError::field("owner_id", message))?;
                Ok(Some(Some(id)))
            }
        }
    }
}

/// One page of the lead list, newest first: only leads the user may see,
/// matching `filter` (the list's URL parameters, e.g. `q=acme&status=new`;
/// a bad parameter is a validation error naming it).
#[server(endpoint = "leads/list")]
pub async fn list_leads(
    #[server(default)] page: LeadPageRequest,
    #[server(default)] filter: String,
) -> Result<LeadPage, AppError> {
    use ssr::*;
    run(async move {
        let user = leads_user()?;
        let mut page = page;
        page.filter = crate::leads::filter::LeadFilter::from_query(&filter)
            .map_err(|fields| AppError::Validation { fields })?;
        page.filter.resolve_me(user.id);
        store::list_leads(&app_store()?, user.scope(), &page).await
    })
    .await
}

/// One lead with everything on it; 404 if there is none or the user may
/// not see it.
#[server(endpoint = "leads/get")]
pub async fn get_lead(id: i64) -> Result<Lead, AppError> {
    use ssr::*;
    run(async move {
        let user = leads_user()?;
        store::load_lead(&app_store()?, user.scope(), id).await
    })
    .await
}

/// Creates a lead, owned by the current user unless the form names an
/// owner they may assign; returns its id and version.
#[server(endpoint = "leads/create")]
pub async fn create_lead(form: LeadForm, after: Option<AfterSave>) -> Result<Saved, AppError> {
    use ssr::*;
    run(async move {
        let user = leads_user()?;
        let lead = parse(&form)?;
        let store = app_store()?;
        let owner = resolve_owner(&store, &user, lead.owner, None)
            .await?
            .flatten();
        let id = store::insert_lead(&store, owner, &lead, user.id).await?;
        tracing::info!(lead_id = id, user_id = user.id, "lead created");
        announce(vec![id]).await;
        redirect_plain_form(&after.unwrap_or_default().target(id));
        Ok(Saved { id, version: 1 })
    })
    .await
}

/// Saves an edit of lead `id` made from `version`. A stale version is
/// refused with a conflict and nothing is overwritten.
#[server(endpoint = "leads/update")]
pub async fn update_lead(
    id: i64,
    version: i64,
    form: LeadForm,
    after: Option<AfterSave>,
) -> Result<Saved, AppError> {
    use ssr::*;
    run(async move {
        let user = leads_user()?;
        let lead = parse(&form)?;
        let store = app_store()?;
        let current = store::lead_owner(&store, user.scope(), id).await?;
        let owner = resolve_owner(&store, &user, lead.owner, Some(current)).await?;
        let version =
            store::update_lead(&store, user.scope(), user.id, id, version, &lead, owner).await?;
        tracing::info!(lead_id = id, version, user_id = user.id, "lead updated");
        announce(vec![id]).await;
        redirect_plain_form(&after.unwrap_or_default().target(id));
        Ok(Saved { id, version })
    })
    .await
}

/// Deletes lead `id`; 404 if there is none or the user may not see it.
#[server(endpoint = "leads/delete")]
pub async fn delete_lead(id: i64) -> Result<(), AppError> {
    use ssr::*;
    run(async move {
        let user = leads_user()?;
        store::delete_lead(&app_store()?, user.scope(), id).await?;
        tracing::info!(lead_id = id, user_id = user.id, "lead deleted");
        announce(vec![id]).await;
        redirect_plain_form("/leads");
        Ok(())
    })
    .await
}

/// Leads the user may see that share an email or phone with the form
/// being edited.
#[server(endpoint = "leads/duplicates")]
pub async fn find_duplicates(probe: DuplicateProbe) -> Result<Vec<DuplicateLead>, AppError> {
    use ssr::*;
    run(async move {
        let user = leads_user()?;
        if probe.is_empty() {
            return Ok(Vec::new());
        }
        store::find_duplicates(&app_store()?, user.scope(), &probe).await
    })
    .await
}

/// The lead sources a user can choose from.
#[server(endpoint = "leads/sources")]
pub async fn list_sources() -> Result<Vec<LeadSource>, AppError> {
    use ssr::*;
    run(async move {
        leads_user()?;
        store::list_sources(&app_store()?).await
    })
    .await
}

/// The people the current user may assign a lead to: themselves (reps),
/// their team (managers), everyone active (admins).
#[server(endpoint = "leads/assignees")]
pub async fn list_assignees() -> Result<Vec<Assignee>, AppError> {
    use ssr::*;
    run(async move {
        let user = leads_user()?;
        crate::users::store::list_assignees(&app_store()?, user.scope()).await
    })
    .await
}
