//! Notes on a lead's activity timeline: anyone who may see the lead adds
//! them; only their author edits or deletes one.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The longest note.
pub const MAX_NOTE: usize = 10_000;

/// A note as the timeline shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// Id.
    pub id: i64,
    /// The lead it is on.
    pub lead_id: i64,
    /// Who wrote it.
    pub author: Option<String>,
    /// Whether the viewer wrote it (and so may change it).
    pub mine: bool,
    /// The text.
    pub body: String,
    /// Written.
    pub created_at: DateTime<Utc>,
    /// Last edited.
    pub updated_at: DateTime<Utc>,
}

/// Parses a note's text: trimmed, 1 to 10,000 characters.
pub fn parse_body(body: &str) -> Result<String, AppError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(AppError::field("body", "Write something first"));
    }
    if body.chars().count() > MAX_NOTE {
        return Err(AppError::field(
            "body",
            format!("At most {MAX_NOTE} characters"),
        ));
    }
    Ok(body.to_string())
}

/// The notes on lead `lead_id`, newest first.
#[server(endpoint = "leads/notes")]
pub async fn list_notes(lead_id: i64) -> Result<Vec<Note>, AppError> {
    use crate::state::{run, store as app_store};
    run(async move {
        let user = crate::users::auth::leads_user()?;
        let store = app_store()?;
        super::store::lead_owner(&store, user.scope(), lead_id).await?;
        super::store::list_notes(&store, lead_id, user.id).await
    })
    .await
}

/// Adds a note to lead `lead_id`.
#[server(endpoint = "leads/add_note")]
pub async fn add_lead_note(lead_id: i64, body: String) -> Result<Note, AppError> {
    use crate::state::{run, store as app_store};
    run(async move {
        let user = crate::users::auth::leads_user()?;
        let body = parse_body(&body)?;
        let store = app_store()?;
        super::store::lead_owner(&store, user.scope(), lead_id).await?;
        super::store::add_note(&store, lead_id, user.id, &body).await
    })
    .await
}

/// Changes the text of one of the user's own notes.
#[server(endpoint = "leads/edit_note")]
pub async fn edit_lead_note(id: i64, body: String) -> Result<Note, AppError> {
    use crate::state::{run, store as app_store};
    run(async move {
        let user = crate::users::auth::leads_user()?;
        let body = parse_body(&body)?;
        super::store::edit_note(&app_store()?, user.scope(), user.id, id, &body).await
    })
    .await
}

/// Deletes one of the user's own notes.
#[server(endpoint = "leads/delete_note")]
pub async fn delete_lead_note(id: i64) -> Result<(), AppError> {
    use crate::state::{run, store as app_store};
    run(async move {
        let user = crate::users::auth::leads_user()?;
        super::store::delete_note(&app_store()?, user.scope(), user.id, id).await
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_is_trimmed_and_not_empty() {
        assert!(parse_body(" \n ").is_err());
        assert_eq!(
            parse_body("  Called, no answer ").unwrap(),
            "Called, no answer"
        );
        assert!(parse_body(&"x".repeat(MAX_NOTE + 1)).is_err());
    }
}
