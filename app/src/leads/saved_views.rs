//! The user's own views of the lead list (a name for a set of filters, a
//! sort and columns, one of them the default) and their remembered
//! columns, with everything else the list's filter bar needs to offer.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::grid::{GridColumn, ListQuery};
use crate::{error::AppError, users::model::Assignee};

/// The longest view name.
pub const MAX_NAME: usize = 80;
/// The most views a user keeps.
pub const MAX_VIEWS: usize = 50;

/// A saved view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedView {
    /// Id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// The list's URL parameters it stands for (filters, sort, columns).
    pub query: String,
    /// Whether the list opens with it.
    pub is_default: bool,
}

/// A lead source as the filter offers it (retired ones too: old leads
/// keep them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceChoice {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// No longer offered for new leads.
    pub retired: bool,
}

/// What the list's toolbar needs, in one answer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListSettings {
    /// The user's id (`owner=me`).
    pub me: i64,
    /// Their saved views, by name.
    pub views: Vec<SavedView>,
    /// The columns they chose to see, if they did.
    pub columns: Option<Vec<GridColumn>>,
    /// Every lead source.
    pub sources: Vec<SourceChoice>,
    /// The owners they may filter by (and assign to).
    pub owners: Vec<Assignee>,
}

impl ListSettings {
    /// The view the list opens with when the URL names none.
    pub fn default_view(&self) -> Option<&SavedView> {
        self.views.iter().find(|v| v.is_default)
    }
}

/// Parses a view name: trimmed, 1 to 80 characters.
pub fn parse_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::field("name", "Give the view a name"));
    }
    if name.chars().count() > MAX_NAME {
        return Err(AppError::field(
            "name",
            format!("At most {MAX_NAME} characters"),
        ));
    }
    Ok(name.to_string())
}

/// A view's query as stored: its valid parts, normalised, without the
/// `view` marker.
pub fn normalise_query(query: &str) -> String {
    let mut parsed = ListQuery::parse(query);
    parsed.view = None;
    parsed.to_query()
}

/// Everything the list's toolbar needs.
#[server(endpoint = "leads/list_settings")]
pub async fn load_list_settings() -> Result<ListSettings, AppError> {
    use crate::state::{run, store as app_store};
    run(async move {
        let user = crate::users::auth::leads_user()?;
        let store = app_store()?;
        let (views, columns) = super::store::list_views(&store, user.id).await?;
        let columns = columns.map(|c| GridColumn::parse_list(&c).0);
        Ok(ListSettings {
            me: user.id,
            views,
            columns,
            sources: super::store::source_choices(&store).await?,
            owners: crate::users::store::list_assignees(&store, user.scope()).await?,
        })
    })
    .await
}

/// Saves the current list as a view named `name` (replacing the user's
/// view of that name, if any); `is_default` makes it the one the list
/// opens with.
#[server(endpoint = "leads/save_view")]
pub async fn save_view(
    name: String,
    query: String,
    #[server(default)] is_default: bool,
) -> Result<SavedView, AppError> {
    use crate::state::{run, store as app_store};
    run(async move {
        let user = crate::users::auth::leads_user()?;
        let name = parse_name(&name)?;
        let query = normalise_query(&query);
        if query.len() > 4000 {
            return Err(AppError::field(
                "query",
                "This view's filters are too long to save",
            ));
        }
        super::store::save_view(&app_store()?, user.id, &name, &query, is_default).await
    })
    .await
}

/// Makes view `id` the default (or, with `None`, Open leads again).
#[server(endpoint = "leads/default_view")]
pub async fn set_default_view(id: Option<i64>) -> Result<(), AppError> {
    use crate::state::{run, store as app_store};
    run(async move {
        let user = crate::users::auth::leads_user()?;
        super::store::set_default_view(&app_store()?, user.id, id).await
    })
    .await
}

/// Deletes one of the user's views.
#[server(endpoint = "leads/delete_view")]
pub async fn delete_view(id: i64) -> Result<(), AppError> {
    use crate::state::{run, store as app_store};
    run(async move {
        let user = crate::users::auth::leads_user()?;
        super::store::delete_view(&app_store()?, user.id, id).await
    })
    .await
}

/// Remembers the columns the user shows (codes, comma-separated).
#[server(endpoint = "leads/save_columns")]
pub async fn save_columns(columns: String) -> Result<(), AppError> {
    use crate::state::{run, store as app_store};
    run(async move {
        let user = crate::users::auth::leads_user()?;
        let (columns, errors) = GridColumn::parse_list(&columns);
        if !errors.is_empty() {
            return Err(AppError::Validation { fields: errors });
        }
        super::store::save_setting(
            &app_store()?,
            user.id,
            super::store::COLUMNS_SETTING,
            &GridColumn::list_code(&columns),
        )
        .await
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_needs_a_short_name() {
        assert!(parse_name("  ").is_err());
        assert!(parse_name(&"x".repeat(81)).is_err());
        assert_eq!(parse_name(" Hot leads ").unwrap(), "Hot leads");
    }

    #[test]
    fn a_stored_query_keeps_only_what_is_valid() {
        assert_eq!(
            normalise_query("view=3&status=new,won&sort=name&q=acme"),
            "q=acme&status=new&sort=name"
        );
    }
}
