//! Server functions for leads: the only way the browser reads or changes
//! them. Every input is parsed again here; the browser is never trusted.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::model::{
    DuplicateLead, DuplicateProbe, Lead, LeadForm, LeadPage, LeadPageRequest, LeadSource,
};
use crate::error::AppError;

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
mod ssr {
    pub use crate::{
        leads::{model::ValidLead, store},
        state::{respond_with, store as app_store},
    };

    use super::AppError;

    /// Runs a request body, setting the HTTP status from its error.
    pub async fn run<T>(
        fut: impl std::future::Future<Output = Result<T, AppError>>,
    ) -> Result<T, AppError> {
        fut.await.map_err(respond_with)
    }

    /// Parses a form, as a validation error naming each field.
    pub fn parse(form: &crate::leads::model::LeadForm) -> Result<ValidLead, AppError> {
        ValidLead::parse(form).map_err(|fields| AppError::Validation { fields })
    }

    /// A plain HTML form post (no JavaScript) navigates after saving.
    pub fn redirect_plain_form(target: &str) {
        if crate::state::is_plain_form_post() {
            leptos_axum::redirect(target);
        }
    }
}

/// One page of the lead list, newest first.
#[server(endpoint = "leads/list")]
pub async fn list_leads(#[server(default)] page: LeadPageRequest) -> Result<LeadPage, AppError> {
    use ssr::*;
    run(async move { store::list_leads(&app_store()?, &page).await }).await
}

/// One lead with everything on it; 404 if there is none.
#[server(endpoint = "leads/get")]
pub async fn get_lead(id: i64) -> Result<Lead, AppError> {
    use ssr::*;
    run(async move { store::load_lead(&app_store()?, id).await }).await
}

/// Creates a lead owned by the current user; returns its id and version.
#[server(endpoint = "leads/create")]
pub async fn create_lead(form: LeadForm, after: Option<AfterSave>) -> Result<Saved, AppError> {
    use ssr::*;
    run(async move {
        let lead = parse(&form)?;
        let id = store::insert_lead(&app_store()?, Some(store::DEFAULT_OWNER_ID), &lead).await?;
        tracing::info!(lead_id = id, "lead created");
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
        let lead = parse(&form)?;
        let version = store::update_lead(&app_store()?, id, version, &lead).await?;
        tracing::info!(lead_id = id, version, "lead updated");
        redirect_plain_form(&after.unwrap_or_default().target(id));
        Ok(Saved { id, version })
    })
    .await
}

/// Deletes lead `id`; 404 if there is none.
#[server(endpoint = "leads/delete")]
pub async fn delete_lead(id: i64) -> Result<(), AppError> {
    use ssr::*;
    run(async move {
        store::delete_lead(&app_store()?, id).await?;
        tracing::info!(lead_id = id, "lead deleted");
        redirect_plain_form("/leads");
        Ok(())
    })
    .await
}

/// Existing leads that share an email or phone with the form being edited.
#[server(endpoint = "leads/duplicates")]
pub async fn find_duplicates(probe: DuplicateProbe) -> Result<Vec<DuplicateLead>, AppError> {
    use ssr::*;
    run(async move {
        if probe.is_empty() {
            return Ok(Vec::new());
        }
        store::find_duplicates(&app_store()?, &probe).await
    })
    .await
}

/// The lead sources a user can choose from.
#[server(endpoint = "leads/sources")]
pub async fn list_sources() -> Result<Vec<LeadSource>, AppError> {
    use ssr::*;
    run(async move { store::list_sources(&app_store()?).await }).await
}
