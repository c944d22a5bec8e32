//! A lead's change history: which fields an edit changed, and how a stored
//! change reads on the lead's timeline. Every write to a lead (form, status
//! action, qualification, mass action, import) records its changes here.

use super::{
    fields::country_name,
    model::{Lead, LeadAddress, LeadStatus, ValidLead},
};

/// One changed field: its key and its value before and after, as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    /// The field's key (`name`, `emails`, `owner` …).
    pub field: &'static str,
    /// Before.
    pub old: Option<String>,
    /// After.
    pub new: Option<String>,
}

impl FieldChange {
    /// A change of `field` (none when the values are equal).
    pub fn of(field: &'static str, old: Option<String>, new: Option<String>) -> Option<Self> {
        let blank = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
        let (old, new) = (blank(old), blank(new));
        (old != new).then_some(Self { field, old, new })
    }
}

/// A list of values as one text, the primary first (marked).
fn list_text<'a>(items: impl IntoIterator<Item = (&'a str, bool)>) -> Option<String> {
    let mut items: Vec<(&str, bool)> = items.into_iter().collect();
    if items.is_empty() {
        return None;
    }
    // Primary first, the rest in their order.
    items.sort_by_key(|(_, primary)| !*primary);
    Some(
        items
            .iter()
            .map(|(v, primary)| {
                if *primary {
                    format!("{v} (primary)")
                } else {
                    v.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(", "),
    )
}

fn addresses_text(addresses: &[LeadAddress]) -> Option<String> {
    let lines: Vec<String> = addresses.iter().map(LeadAddress::one_line).collect();
    list_text(
        lines
            .iter()
            .map(String::as_str)
            .zip(addresses.iter().map(|a| a.primary)),
    )
}

/// The changes an edit from `old` to `new` makes, field by field (the
/// owner is compared by the caller, who knows the new owner's name).
/// `new_source` is the name of the new source, if any.
pub fn changes(old: &Lead, new: &ValidLead, new_source: Option<&str>) -> Vec<FieldChange> {
    let s = |v: &Option<String>| v.clone();
    let new_addresses: Vec<LeadAddress> = new
        .addresses
        .iter()
        .map(|a| LeadAddress {
            label: a.label.clone(),
            street: a.street.clone(),
            street2: a.street2.clone(),
            city: a.city.clone(),
            postal_code: a.postal_code.clone(),
            region: a.region.clone(),
            country: a.country.as_str().to_string(),
            primary: a.primary,
        })
        .collect();
    [
        FieldChange::of(
            "name",
            Some(old.name.clone()),
            Some(new.name.as_str().to_string()),
        ),
        FieldChange::of(
            "status",
            Some(old.status.code().to_string()),
            Some(new.status.code().to_string()),
        ),
        FieldChange::of("company_name", s(&old.company_name), s(&new.company_name)),
        FieldChange::of(
            "source",
            old.source.as_ref().map(|s| s.name.clone()),
            new_source.map(str::to_string),
        ),
        FieldChange::of("notes", s(&old.notes), s(&new.notes)),
        FieldChange::of("name_prefix", s(&old.name_prefix), s(&new.name_prefix)),
        FieldChange::of("first_name", s(&old.first_name), s(&new.first_name)),
        FieldChange::of("middle_name", s(&old.middle_name), s(&new.middle_name)),
        FieldChange::of("last_name", s(&old.last_name), s(&new.last_name)),
        FieldChange::of("name_suffix", s(&old.name_suffix), s(&new.name_suffix)),
        FieldChange::of("job_title", s(&old.job_title), s(&new.job_title)),
        FieldChange::of(
            "emails",
            list_text(old.emails.iter().map(|e| (e.email.as_str(), e.primary))),
            list_text(new.emails.iter().map(|e| (e.email.as_str(), e.primary))),
        ),
        FieldChange::of(
            "phones",
            list_text(old.phones.iter().map(|p| (p.phone.as_str(), p.primary))),
            list_text(new.phones.iter().map(|p| (p.phone.as_str(), p.primary))),
        ),
        FieldChange::of(
            "addresses",
            addresses_text(&old.addresses),
            addresses_text(&new_addresses),
        ),
        FieldChange::of("twitter", s(&old.twitter), s(&new.twitter)),
        FieldChange::of("linkedin", s(&old.linkedin), s(&new.linkedin)),
        FieldChange::of(
            "website",
            s(&old.website),
            new.website.as_ref().map(|w| w.as_str().to_string()),
        ),
        FieldChange::of(
            "number_of_employees",
            old.number_of_employees.map(|n| n.to_string()),
            new.number_of_employees.map(|n| n.get().to_string()),
        ),
        FieldChange::of("industry", s(&old.industry), s(&new.industry)),
        FieldChange::of(
            "tags",
            (!old.tags.is_empty()).then(|| old.tags.join(", ")),
            (!new.tags.is_empty()).then(|| {
                new.tags
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }),
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The readable name of a history field.
pub fn field_label(field: &str) -> &str {
    match field {
        "created" => "Created",
        "name" => "Lead name",
        "status" => "Status",
        "company_name" => "Company",
        "source" => "Source",
        "owner" => "Owner",
        "notes" => "Additional comments",
        "name_prefix" => "Name prefix",
        "first_name" => "First name",
        "middle_name" => "Middle name",
        "last_name" => "Last name",
        "name_suffix" => "Name suffix",
        "job_title" => "Job title",
        "emails" => "Emails",
        "phones" => "Phones",
        "addresses" => "Addresses",
        "twitter" => "Twitter",
        "linkedin" => "LinkedIn",
        "website" => "Website",
        "number_of_employees" => "Number of employees",
        "industry" => "Industry",
        "tags" => "Tags",
        "opportunity" => "Opportunity",
        "disqualify_reason" => "Reason",
        "country" => "Country",
        other => other,
    }
}

/// A stored history value, as people read it.
pub fn value_text(field: &str, value: Option<&str>) -> String {
    match (field, value) {
        ("status", Some(code)) => LeadStatus::from_code(code)
            .map(|s| s.label().to_string())
            .unwrap_or_else(|| code.to_string()),
        ("country", Some(code)) => country_name(code).to_string(),
        (_, Some(v)) => v.to_string(),
        (_, None) => "—".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leads::model::{LeadEmail, LeadForm};

    fn lead() -> Lead {
        Lead {
            id: 1,
            version: 1,
            name: "Acme".into(),
            status: LeadStatus::New,
            company_name: None,
            source: None,
            owner: None,
            notes: None,
            name_prefix: None,
            first_name: None,
            middle_name: None,
            last_name: None,
            name_suffix: None,
            job_title: None,
            emails: vec![
                LeadEmail {
                    email: "b@acme.io".into(),
                    primary: false,
                },
                LeadEmail {
                    email: "a@acme.io".into(),
                    primary: true,
                },
            ],
            phones: vec![],
            twitter: None,
            linkedin: None,
            addresses: vec![],
            website: None,
            number_of_employees: None,
            industry: None,
            tags: vec![],
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
            account: None,
            contact: None,
            opportunity: None,
        }
    }

    fn valid(form: LeadForm) -> ValidLead {
        ValidLead::parse(&form).unwrap()
    }

    #[test]
    fn an_unchanged_lead_has_no_changes() {
        let old = lead();
        let mut form = old.to_form();
        form.name = " Acme ".into();
        assert_eq!(changes(&old, &valid(form), None), vec![]);
    }

    #[test]
    fn each_changed_field_is_named_with_both_values() {
        let old = lead();
        let mut form = old.to_form();
        form.name = "Acme Corp".into();
        form.company_name = "Acme".into();
        form.emails.remove(0);
        let found = changes(&old, &valid(form), Some("Website"));
        let fields: Vec<&str> = found.iter().map(|c| c.field).collect();
        assert_eq!(fields, ["name", "company_name", "source", "emails"]);
        assert_eq!(found[0].old.as_deref(), Some("Acme"));
        assert_eq!(found[1].old, None);
        assert_eq!(
            found[3].old.as_deref(),
            Some("a@acme.io (primary), b@acme.io")
        );
        assert_eq!(found[3].new.as_deref(), Some("a@acme.io (primary)"));
    }

    #[test]
    fn stored_values_read_as_people_say_them() {
        assert_eq!(value_text("status", Some("canceled")), "Disqualified");
        assert_eq!(value_text("country", Some("DE")), "Germany");
        assert_eq!(value_text("notes", None), "—");
        assert_eq!(field_label("number_of_employees"), "Number of employees");
    }
}
