//! Reading leads back from CSV rows (see `csv_file`) into storage: the
//! server side of import, which parses every row again and never trusts
//! what the browser checked. Rows are matched by `Id`: a row with an id
//! updates that lead (only the columns the file has; a row equal to the
//! lead changes nothing and keeps its version), a row without one creates
//! a lead.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// What happened to one row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowOutcome {
    /// A new lead with this id.
    Created(i64),
    /// This lead was changed.
    Updated(i64),
    /// This lead already held exactly these values.
    Unchanged(i64),
    /// The row was refused, for these reasons.
    Failed(Vec<FieldError>),
}

/// Counts of an import.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    /// Rows read.
    pub read: usize,
    /// Leads created.
    pub created: usize,
    /// Leads updated.
    pub updated: usize,
    /// Rows equal to their lead.
    pub unchanged: usize,
    /// Rows refused.
    pub failed: usize,
}

impl ImportSummary {
    /// The counts of `outcomes`.
    pub fn of(outcomes: &[RowOutcome]) -> Self {
        let mut s = Self {
            read: outcomes.len(),
            ..Self::default()
        };
        for outcome in outcomes {
            match outcome {
                RowOutcome::Created(_) => s.created += 1,
                RowOutcome::Updated(_) => s.updated += 1,
                RowOutcome::Unchanged(_) => s.unchanged += 1,
                RowOutcome::Failed(_) => s.failed += 1,
            }
        }
        s
    }
}

#[cfg(feature = "ssr")]
pub use ssr::import_rows;

#[cfg(feature = "ssr")]
mod ssr {
    use std::collections::HashMap;

    use super::RowOutcome;
    use crate::{
        error::{AppError, FieldError},
        leads::{
            api::ssr::resolve_owner,
            csv_file::{Column, ImportRow},
            model::{LeadForm, ValidLead},
            store,
        },
        store::Store,
        users::model::CurrentUser,
    };

    /// Source names (lower-cased) to ids, and usernames to ids, looked up
    /// once per import.
    #[derive(Default)]
    struct Names {
        sources: Option<HashMap<String, i64>>,
        users: HashMap<String, Option<i64>>,
    }

    impl Names {
        async fn source(&mut self, store: &Store, name: &str) -> Result<String, FieldError> {
            if name.is_empty() {
                return Ok(String::new());
            }
            if self.sources.is_none() {
                let all = store::list_all_sources(store)
                    .await
                    .map_err(|_| FieldError::new("Source", "The lead sources could not be read"))?;
                self.sources = Some(
                    all.into_iter()
                        .map(|s| (s.name.to_lowercase(), s.id))
                        .collect(),
                );
            }
            match self
                .sources
                .as_ref()
                .and_then(|m| m.get(&name.to_lowercase()))
            {
                Some(id) => Ok(id.to_string()),
                None => Err(FieldError::new(
                    "Source",
                    format!("There is no lead source \"{name}\""),
                )),
            }
        }

        async fn owner(&mut self, store: &Store, username: &str) -> Result<String, FieldError> {
            if username.is_empty() {
                return Ok("none".to_string());
            }
            let key = username.to_lowercase();
            if !self.users.contains_key(&key) {
                let id = crate::users::store::find_user_id(store, username)
                    .await
                    .map_err(|_| FieldError::new("Owner Username", "Users could not be read"))?;
                self.users.insert(key.clone(), id);
            }
            match self.users.get(&key).copied().flatten() {
                Some(id) => Ok(id.to_string()),
                None => Err(FieldError::new(
                    "Owner Username",
                    format!("There is no user \"{username}\""),
                )),
            }
        }
    }

    /// Copies the columns the file has from `row` onto `base`.
    fn overlay(base: &mut LeadForm, row: &ImportRow) {
        let f = &row.form;
        let mut lists = (false, false, false);
        for column in &row.present {
            match column {
                Column::Name => base.name = f.name.clone(),
                Column::Status => base.status = f.status.clone(),
                Column::NamePrefix => base.name_prefix = f.name_prefix.clone(),
                Column::FirstName => base.first_name = f.first_name.clone(),
                Column::MiddleName => base.middle_name = f.middle_name.clone(),
                Column::LastName => base.last_name = f.last_name.clone(),
                Column::NameSuffix => base.name_suffix = f.name_suffix.clone(),
                Column::JobTitle => base.job_title = f.job_title.clone(),
                Column::Company => base.company_name = f.company_name.clone(),
                Column::Website => base.website = f.website.clone(),
                Column::Employees => base.number_of_employees = f.number_of_employees.clone(),
                Column::Industry => base.industry = f.industry.clone(),
                Column::Tags => base.tags = f.tags.clone(),
                Column::Twitter => base.twitter = f.twitter.clone(),
                Column::LinkedIn => base.linkedin = f.linkedin.clone(),
                Column::Notes => base.notes = f.notes.clone(),
                Column::Email(_) => lists.0 = true,
                Column::Phone(_) => lists.1 = true,
                Column::Address(..) => lists.2 = true,
                Column::Id | Column::Source | Column::Owner => {}
                Column::CreatedAt | Column::UpdatedAt => {}
            }
        }
        // A file with email (phone, address) columns holds the lead's
        // whole list of them.
        if lists.0 {
            base.emails = f.emails.clone();
        }
        if lists.1 {
            base.phones = f.phones.clone();
        }
        if lists.2 {
            base.addresses = f.addresses.clone();
        }
    }

    /// Imports parsed rows as `user`, one lead at a time; returns each
    /// row's outcome in order. A refused row changes nothing.
    pub async fn import_rows(
        store: &Store,
        user: &CurrentUser,
        rows: &[ImportRow],
    ) -> Result<Vec<RowOutcome>, AppError> {
        let mut names = Names::default();
        let mut outcomes = Vec::with_capacity(rows.len());
        for row in rows {
            let outcome = match import_row(store, user, row, &mut names).await {
                Ok(outcome) => outcome,
                Err(AppError::Validation { fields }) => RowOutcome::Failed(fields),
                Err(AppError::NotFound) => RowOutcome::Failed(vec![FieldError::new(
                    "Id",
                    "There is no lead with this id that you may change",
                )]),
                Err(AppError::Conflict(message)) => {
                    RowOutcome::Failed(vec![FieldError::new("Id", message)])
                }
                Err(other) => return Err(other),
            };
            outcomes.push(outcome);
        }
        Ok(outcomes)
    }

    async fn import_row(
        store: &Store,
        user: &CurrentUser,
        row: &ImportRow,
        names: &mut Names,
    ) -> Result<RowOutcome, AppError> {
        let scope = user.scope();
        let existing = match row.id {
            Some(id) => Some(store::load_lead(store, scope, id).await?),
            None => None,
        };
        let mut form = match &existing {
            Some(lead) => lead.to_form(),
            None => LeadForm::default(),
        };
        overlay(&mut form, row);
        let mut errors = Vec::new();
        if let Some(source) = &row.source {
            match names.source(store, source).await {
                Ok(id) => form.source_id = id,
                Err(e) => errors.push(e),
            }
        }
        match &row.owner {
            Some(owner) => match names.owner(store, owner).await {
                Ok(id) => form.owner_id = id,
                Err(e) => errors.push(e),
            },
            // No owner column: keep the owner (or the importer, for new).
            None if existing.is_none() => form.owner_id = String::new(),
            None => {}
        }
        let lead = ValidLead::parse(&form);
        let lead = match (lead, errors.is_empty()) {
            (Ok(lead), true) => lead,
            (Ok(_), false) => return Err(AppError::Validation { fields: errors }),
            (Err(mut fields), _) => {
                errors.append(&mut fields);
                return Err(AppError::Validation { fields: errors });
            }
        };
        match existing {
            None => {
                let owner = resolve_owner(store, user, lead.owner, None)
                    .await?
                    .flatten();
                Ok(RowOutcome::Created(
                    store::insert_lead(store, owner, &lead, user.id).await?,
                ))
            }
            Some(current) => {
                let current_owner = current.owner.as_ref().map(|o| o.id);
                let owner = resolve_owner(store, user, lead.owner, Some(current_owner))
                    .await?
                    .filter(|owner| *owner != current_owner);
                let before = ValidLead::parse(&current.to_form())
                    .map_err(|fields| AppError::Validation { fields })?;
                let same = ValidLead {
                    owner: before.owner,
                    ..lead.clone()
                } == before;
                if owner.is_none() && same {
                    return Ok(RowOutcome::Unchanged(current.id));
                }
                store::update_lead(
                    store,
                    scope,
                    user.id,
                    current.id,
                    current.version,
                    &lead,
                    owner,
                )
                .await?;
                Ok(RowOutcome::Updated(current.id))
            }
        }
    }
}
