//! Opportunities: what a qualified lead becomes. Shared by browser and
//! server; the form is parsed by the same code on both sides.

use serde::{Deserialize, Serialize};

use crate::{
    error::FieldError,
    leads::{
        fields::{parse_long_text, parse_short_text},
        model::OwnerRef,
    },
};

/// Where an opportunity stands. The codes never change.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpportunityStatus {
    /// Open (`in_progress`).
    #[default]
    InProgress,
    /// Identification & Alignment.
    IdentificationAlignment,
    /// Needs Analysis.
    NeedsAnalysis,
    /// Solution Development.
    SolutionDevelopment,
    /// Negotiation.
    Negotiation,
    /// Closed Won.
    Won,
    /// Closed Lost.
    Lost,
}

impl OpportunityStatus {
    /// Every status, in pipeline order.
    pub const ALL: [Self; 7] = [
        Self::InProgress,
        Self::IdentificationAlignment,
        Self::NeedsAnalysis,
        Self::SolutionDevelopment,
        Self::Negotiation,
        Self::Won,
        Self::Lost,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::InProgress => "in_progress",
            Self::IdentificationAlignment => "identification_alignment",
            Self::NeedsAnalysis => "needs_analysis",
            Self::SolutionDevelopment => "solution_development",
            Self::Negotiation => "negotiation",
            Self::Won => "won",
            Self::Lost => "lost",
        }
    }

    /// The label people read.
    pub fn label(self) -> &'static str {
        match self {
            Self::InProgress => "Open",
            Self::IdentificationAlignment => "Identification & Alignment",
            Self::NeedsAnalysis => "Needs Analysis",
            Self::SolutionDevelopment => "Solution Development",
            Self::Negotiation => "Negotiation",
            Self::Won => "Closed Won",
            Self::Lost => "Closed Lost",
        }
    }

    /// The status with this code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code.trim())
    }
}

/// Parses a money amount as typed — `12500`, `12,500.50`, `12 500` — into
/// cents. At most two decimals; never negative.
pub fn parse_money(value: &str) -> Result<Option<i64>, String> {
    let text: String = value
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '\u{a0}' | '_'))
        .collect();
    if text.is_empty() {
        return Ok(None);
    }
    let invalid = || format!("\"{}\" is not an amount (e.g. 12,500.00)", value.trim());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !fraction.chars().all(|c| c.is_ascii_digit())
    {
        return Err(invalid());
    }
    if fraction.len() > 2 {
        return Err("At most two decimals".into());
    }
    if whole.len() > 13 {
        return Err("This amount is too large".into());
    }
    let whole: i64 = whole.parse().map_err(|_| invalid())?;
    let cents: i64 = format!("{fraction:0<2}").parse().unwrap_or(0);
    Ok(Some(whole * 100 + cents))
}

/// Shows cents as `12,500.50`.
pub fn format_money(cents: i64) -> String {
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{grouped}.{:02}", cents % 100)
}

/// The opportunity form as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OpportunityForm {
    /// Name (required).
    pub name: String,
    /// Status code; blank is Open.
    pub status: String,
    /// Probability in percent, 0–100.
    pub probability: String,
    /// Budget amount.
    pub budget: String,
    /// Expected close date, `YYYY-MM-DD`.
    pub expected_close_date: String,
    /// Customer need.
    pub customer_need: String,
    /// Proposed solution.
    pub proposed_solution: String,
    /// Notes.
    pub notes: String,
}

/// A parsed opportunity form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidOpportunity {
    /// Name.
    pub name: String,
    /// Status.
    pub status: OpportunityStatus,
    /// Probability in percent.
    pub probability: Option<i32>,
    /// Budget in cents.
    pub budget_cents: Option<i64>,
    /// Expected close date.
    pub expected_close_date: Option<chrono::NaiveDate>,
    /// Customer need.
    pub customer_need: Option<String>,
    /// Proposed solution.
    pub proposed_solution: Option<String>,
    /// Notes.
    pub notes: Option<String>,
}

impl ValidOpportunity {
    /// Parses the form; every problem at once, keys prefixed with `prefix`
    /// (e.g. `opportunity.`).
    pub fn parse(form: &OpportunityForm, prefix: &str) -> Result<Self, Vec<FieldError>> {
        fn take<T>(
            errors: &mut Vec<FieldError>,
            prefix: &str,
            field: &str,
            r: Result<T, String>,
        ) -> Option<T> {
            r.map_err(|m| errors.push(FieldError::new(format!("{prefix}{field}"), m)))
                .ok()
        }
        let mut errors = Vec::new();
        let e = &mut errors;
        let name = take(
            e,
            prefix,
            "name",
            parse_short_text(&form.name)
                .and_then(|v| v.ok_or_else(|| "An opportunity needs a name".to_string()))
                .map(Some),
        )
        .flatten();
        let status = take(
            e,
            prefix,
            "status",
            match form.status.trim() {
                "" => Ok(Some(OpportunityStatus::InProgress)),
                code => OpportunityStatus::from_code(code)
                    .map(Some)
                    .ok_or_else(|| format!("Unknown status \"{code}\"")),
            },
        )
        .flatten();
        let probability = take(
            e,
            prefix,
            "probability",
            match form.probability.trim().trim_end_matches('%').trim() {
                "" => Ok(None),
                p => match p.parse::<i32>() {
                    Ok(n) if (0..=100).contains(&n) => Ok(Some(n)),
                    _ => Err("A probability is a whole number from 0 to 100".to_string()),
                },
            },
        );
        let budget_cents = take(e, prefix, "budget", parse_money(&form.budget));
        let expected_close_date = take(
            e,
            prefix,
            "expected_close_date",
            match form.expected_close_date.trim() {
                "" => Ok(None),
                d => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map(Some)
                    .map_err(|_| "Use a date like 2027-03-31".to_string()),
            },
        );
        let customer_need = take(
            e,
            prefix,
            "customer_need",
            parse_long_text(&form.customer_need),
        );
        let proposed_solution = take(
            e,
            prefix,
            "proposed_solution",
            parse_long_text(&form.proposed_solution),
        );
        let notes = take(e, prefix, "notes", parse_long_text(&form.notes));
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self {
            name: name.expect("checked"),
            status: status.expect("checked"),
            probability: probability.expect("checked"),
            budget_cents: budget_cents.expect("checked"),
            expected_close_date: expected_close_date.expect("checked"),
            customer_need: customer_need.expect("checked"),
            proposed_solution: proposed_solution.expect("checked"),
            notes: notes.expect("checked"),
        })
    }
}

/// A link to another record: its id and the name to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ref {
    /// Id.
    pub id: i64,
    /// Shown name.
    pub name: String,
}

/// An opportunity with everything on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opportunity {
    /// Id.
    pub id: i64,
    /// Optimistic-concurrency token.
    pub version: i64,
    /// Name.
    pub name: String,
    /// Status.
    pub status: OpportunityStatus,
    /// Probability in percent.
    pub probability: Option<i32>,
    /// Budget in cents.
    pub budget_cents: Option<i64>,
    /// Expected close date.
    pub expected_close_date: Option<chrono::NaiveDate>,
    /// Customer need.
    pub customer_need: Option<String>,
    /// Proposed solution.
    pub proposed_solution: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// The account (required).
    pub account: Ref,
    /// The contact.
    pub contact: Option<Ref>,
    /// The lead it came from.
    pub lead: Option<Ref>,
    /// Owner.
    pub owner: Option<OwnerRef>,
    /// Created.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Last changed.
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl Opportunity {
    /// The opportunity as an editable form.
    pub fn to_form(&self) -> OpportunityForm {
        OpportunityForm {
            name: self.name.clone(),
            status: self.status.code().into(),
            probability: self.probability.map(|p| p.to_string()).unwrap_or_default(),
            budget: self.budget_cents.map(format_money).unwrap_or_default(),
            expected_close_date: self
                .expected_close_date
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            customer_need: self.customer_need.clone().unwrap_or_default(),
            proposed_solution: self.proposed_solution.clone().unwrap_or_default(),
            notes: self.notes.clone().unwrap_or_default(),
        }
    }
}

/// An opportunity in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpportunityRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Status.
    pub status: OpportunityStatus,
    /// Account name.
    pub account: String,
    /// Budget in cents.
    pub budget_cents: Option<i64>,
    /// Probability.
    pub probability: Option<i32>,
    /// Owner's name.
    pub owner: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_read_as_people_type_it() {
        assert_eq!(parse_money("12500"), Ok(Some(1_250_000)));
        assert_eq!(parse_money(" 12,500.5 "), Ok(Some(1_250_050)));
        assert_eq!(parse_money("12 500.05"), Ok(Some(1_250_005)));
        assert_eq!(parse_money(""), Ok(None));
        assert!(parse_money("-5").is_err());
        assert!(parse_money("1.234").is_err());
        assert!(parse_money("ten").is_err());
        assert_eq!(format_money(1_250_050), "12,500.50");
        assert_eq!(format_money(5), "0.05");
    }

    #[test]
    fn an_opportunity_form_lists_every_problem_with_its_prefix() {
        let errors = ValidOpportunity::parse(
            &OpportunityForm {
                status: "maybe".into(),
                probability: "150".into(),
                budget: "lots".into(),
                expected_close_date: "31/03/2027".into(),
                ..Default::default()
            },
            "opportunity.",
        )
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "opportunity.name",
                "opportunity.status",
                "opportunity.probability",
                "opportunity.budget",
                "opportunity.expected_close_date"
            ]
        );
    }

    #[test]
    fn a_valid_opportunity_defaults_to_open() {
        let o = ValidOpportunity::parse(
            &OpportunityForm {
                name: " Acme deal ".into(),
                probability: "40%".into(),
                expected_close_date: "2027-03-31".into(),
                ..Default::default()
            },
            "",
        )
        .unwrap();
        assert_eq!(o.name, "Acme deal");
        assert_eq!(o.status, OpportunityStatus::InProgress);
        assert_eq!(o.probability, Some(40));
    }
}
