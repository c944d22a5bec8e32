//! Mass actions on the lead list: delete, set status or set owner of the
//! selected leads, or of every lead matching the list's filter. One
//! transaction; every lead is checked by the same rules as one at a time,
//! and the answer says what changed and what was refused, and why.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::model::{LeadStatus, StatusMove};
use crate::error::AppError;

/// The most leads one request may name by id (the rest: by filter).
pub const MAX_IDS: usize = 100_000;
/// The most refusals listed one by one in a summary.
pub const MAX_LISTED: usize = 50;

/// Which leads a mass action is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MassTarget {
    /// These leads.
    Ids(Vec<i64>),
    /// Every lead matching this filter (the list's URL parameters).
    Filter(String),
}

/// What to do to them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MassAction {
    /// Delete them.
    Delete,
    /// Set their status (by the status buttons' rules).
    SetStatus(LeadStatus),
    /// Assign them to this user, or to nobody.
    SetOwner(Option<i64>),
}

/// A mass action request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MassRequest {
    /// Which leads.
    pub target: MassTarget,
    /// What to do.
    pub action: MassAction,
}

/// A lead the action was refused for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// The lead's id.
    pub id: i64,
    /// Its name, when the user may see it.
    pub name: Option<String>,
    /// Why.
    pub reason: String,
}

/// What a mass action did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MassSummary {
    /// Leads the action was asked for.
    pub asked: usize,
    /// Leads changed (or deleted).
    pub changed: usize,
    /// Leads that already were as asked.
    pub unchanged: usize,
    /// Leads refused, in all.
    pub refused: usize,
    /// The first refusals, with their reasons.
    pub refusals: Vec<Refusal>,
}

impl MassSummary {
    /// Adds a refusal (listed while there is room).
    pub fn refuse(&mut self, id: i64, name: Option<String>, reason: impl Into<String>) {
        self.refused += 1;
        if self.refusals.len() < MAX_LISTED {
            self.refusals.push(Refusal {
                id,
                name,
                reason: reason.into(),
            });
        }
    }

    /// One sentence for the list's notice.
    pub fn sentence(&self, action: &MassAction) -> String {
        let leads = |n: usize| {
            if n == 1 {
                "1 lead".to_string()
            } else {
                format!("{n} leads")
            }
        };
        let verb = match action {
            MassAction::Delete => "Deleted",
            MassAction::SetStatus(_) => "Changed the status of",
            MassAction::SetOwner(_) => "Changed the owner of",
        };
        let mut text = format!("{verb} {}.", leads(self.changed));
        if self.unchanged > 0 {
            text.push_str(&format!(" {} already as asked.", leads(self.unchanged)));
        }
        if self.refused > 0 {
            text.push_str(&format!(" {} refused.", leads(self.refused)));
        }
        text
    }
}

/// What a status change does to one lead: `Ok(true)` changes it,
/// `Ok(false)` leaves it (already so), `Err` refuses it.
pub fn status_outcome(from: LeadStatus, to: LeadStatus) -> Result<bool, &'static str> {
    match from.move_to(to) {
        StatusMove::Stay => Ok(false),
        StatusMove::Disqualify | StatusMove::Reactivate => Ok(true),
        StatusMove::Qualify => Err("Qualifying creates an opportunity: use Qualify on the lead"),
        StatusMove::Refused(reason) => Err(reason),
    }
}

/// Runs a mass action; the answer lists what changed and what was refused.
/// Travels as JSON (its enums do not fit a URL-encoded form).
#[server(endpoint = "leads/mass", input = leptos::server_fn::codec::Json)]
pub async fn mass_update(request: MassRequest) -> Result<MassSummary, AppError> {
    use crate::state::{announce, run, store as app_store};
    run(async move {
        let user = crate::users::auth::leads_user()?;
        let store = app_store()?;
        let target = match request.target {
            MassTarget::Ids(ids) if ids.len() > MAX_IDS => {
                return Err(AppError::field(
                    "target",
                    format!(
                        "At most {MAX_IDS} leads at once by id; choose \"all matching\" instead"
                    ),
                ))
            }
            MassTarget::Ids(ids) if ids.is_empty() => {
                return Err(AppError::field("target", "No leads are selected"))
            }
            MassTarget::Ids(ids) => super::store::MassLeads::Ids(ids),
            MassTarget::Filter(query) => {
                let mut filter = super::filter::LeadFilter::from_query(&query)
                    .map_err(|fields| AppError::Validation { fields })?;
                filter.resolve_me(user.id);
                super::store::MassLeads::Filter(filter)
            }
        };
        // Whom the leads may go to is the same question for every lead.
        let assign = match request.action {
            MassAction::SetOwner(Some(target)) => {
                let team = crate::users::store::active_user_team(&store, target)
                    .await
                    .map_err(|err| match err {
                        AppError::NotFound => {
                            AppError::field("owner", "This user does not exist or is inactive")
                        }
                        other => other,
                    })?;
                user.may_assign_to(target, team)
            }
            _ => Ok(()),
        };
        let (summary, changed) = super::store::mass_update(
            &store,
            user.scope(),
            user.id,
            &target,
            &request.action,
            assign,
        )
        .await?;
        tracing::info!(
            user_id = user.id,
            changed = summary.changed,
            refused = summary.refused,
            "mass action"
        );
        announce(changed).await;
        Ok(summary)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_changes_follow_the_buttons_rules() {
        use LeadStatus::*;
        assert_eq!(status_outcome(New, Canceled), Ok(true));
        assert_eq!(status_outcome(Qualified, New), Ok(true));
        assert_eq!(status_outcome(New, New), Ok(false));
        assert!(status_outcome(New, Qualified).is_err());
        assert!(status_outcome(Canceled, Qualified).is_err());
    }

    #[test]
    fn a_summary_says_what_happened() {
        let mut s = MassSummary {
            asked: 4,
            changed: 2,
            unchanged: 1,
            ..Default::default()
        };
        s.refuse(9, None, "No");
        assert_eq!(
            s.sentence(&MassAction::SetStatus(LeadStatus::Canceled)),
            "Changed the status of 2 leads. 1 lead already as asked. 1 lead refused."
        );
    }
}
