//! Contacts: the people at accounts, made from leads when they qualify.
//! Their emails, phones and addresses follow the lead's rules exactly.

use serde::{Deserialize, Serialize};

use crate::{
    error::FieldError,
    leads::{
        fields::parse_short_text,
        model::{
            parse_channels, AddressInput, EmailInput, Lead, LeadAddress, LeadEmail, LeadPhone,
            OwnerRef, PhoneInput, ValidAddress, ValidEmail, ValidPhone,
        },
    },
    opportunities::model::Ref,
};

/// The contact form as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactForm {
    /// Name prefix.
    pub name_prefix: String,
    /// First name.
    pub first_name: String,
    /// Middle name.
    pub middle_name: String,
    /// Last name.
    pub last_name: String,
    /// Name suffix.
    pub name_suffix: String,
    /// Job title.
    pub job_title: String,
    /// Emails.
    pub emails: Vec<EmailInput>,
    /// Phones.
    pub phones: Vec<PhoneInput>,
    /// Addresses.
    pub addresses: Vec<AddressInput>,
}

impl ContactForm {
    /// The contact's fields inside a lead form, so the lead form's inputs
    /// (with their live validation) can edit them.
    pub fn to_lead_form(&self) -> crate::leads::model::LeadForm {
        crate::leads::model::LeadForm {
            name_prefix: self.name_prefix.clone(),
            first_name: self.first_name.clone(),
            middle_name: self.middle_name.clone(),
            last_name: self.last_name.clone(),
            name_suffix: self.name_suffix.clone(),
            job_title: self.job_title.clone(),
            emails: self.emails.clone(),
            phones: self.phones.clone(),
            addresses: self.addresses.clone(),
            ..Default::default()
        }
    }

    /// The contact's fields back out of a lead form.
    pub fn from_lead_form(form: &crate::leads::model::LeadForm) -> Self {
        Self {
            name_prefix: form.name_prefix.clone(),
            first_name: form.first_name.clone(),
            middle_name: form.middle_name.clone(),
            last_name: form.last_name.clone(),
            name_suffix: form.name_suffix.clone(),
            job_title: form.job_title.clone(),
            emails: form.emails.clone(),
            phones: form.phones.clone(),
            addresses: form.addresses.clone(),
        }
    }

    /// A new contact prefilled from a lead: name parts, job title, every
    /// email, phone and address, primaries kept.
    pub fn from_lead(lead: &Lead) -> Self {
        Self::from_lead_form(&lead.to_form())
    }
}

/// A parsed contact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidContact {
    /// Name prefix.
    pub name_prefix: Option<String>,
    /// First name.
    pub first_name: Option<String>,
    /// Middle name.
    pub middle_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Name suffix.
    pub name_suffix: Option<String>,
    /// Job title.
    pub job_title: Option<String>,
    /// Emails, one primary if any.
    pub emails: Vec<ValidEmail>,
    /// Phones, one primary if any.
    pub phones: Vec<ValidPhone>,
    /// Addresses, one primary if any.
    pub addresses: Vec<ValidAddress>,
}

impl ValidContact {
    /// Parses the form: a first or last name is required; keys prefixed
    /// with `prefix` (e.g. `contact.`).
    pub fn parse(form: &ContactForm, prefix: &str) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut short = |field: &str, value: &str| match parse_short_text(value) {
            Ok(v) => v,
            Err(m) => {
                errors.push(FieldError::new(format!("{prefix}{field}"), m));
                None
            }
        };
        let name_prefix = short("name_prefix", &form.name_prefix);
        let first_name = short("first_name", &form.first_name);
        let middle_name = short("middle_name", &form.middle_name);
        let last_name = short("last_name", &form.last_name);
        let name_suffix = short("name_suffix", &form.name_suffix);
        let job_title = short("job_title", &form.job_title);
        if first_name.is_none()
            && last_name.is_none()
            && form.first_name.trim().is_empty()
            && form.last_name.trim().is_empty()
        {
            errors.push(FieldError::new(
                format!("{prefix}last_name"),
                "A contact needs a first or last name",
            ));
        }
        let (emails, phones, addresses, channel_errors) =
            parse_channels(&form.emails, &form.phones, &form.addresses);
        errors.extend(
            channel_errors
                .into_iter()
                .map(|e| FieldError::new(format!("{prefix}{}", e.field), e.message)),
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self {
            name_prefix,
            first_name,
            middle_name,
            last_name,
            name_suffix,
            job_title,
            emails,
            phones,
            addresses,
        })
    }

    /// First and last name, for links and summaries.
    pub fn display_name(&self) -> String {
        [&self.first_name, &self.last_name]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A contact with everything on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Id.
    pub id: i64,
    /// Optimistic-concurrency token.
    pub version: i64,
    /// Name prefix.
    pub name_prefix: Option<String>,
    /// First name.
    pub first_name: Option<String>,
    /// Middle name.
    pub middle_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Name suffix.
    pub name_suffix: Option<String>,
    /// Job title.
    pub job_title: Option<String>,
    /// Emails, primary first.
    pub emails: Vec<LeadEmail>,
    /// Phones, primary first.
    pub phones: Vec<LeadPhone>,
    /// Addresses, primary first.
    pub addresses: Vec<LeadAddress>,
    /// The account.
    pub account: Option<Ref>,
    /// The lead it was made from.
    pub source_lead: Option<Ref>,
    /// Owner.
    pub owner: Option<OwnerRef>,
    /// Created.
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl Contact {
    /// The full name, parts that are set joined by spaces.
    pub fn full_name(&self) -> String {
        [
            &self.name_prefix,
            &self.first_name,
            &self.middle_name,
            &self.last_name,
            &self.name_suffix,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join(" ")
    }
}

/// A contact in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRow {
    /// Id.
    pub id: i64,
    /// First and last name.
    pub name: String,
    /// Job title.
    pub job_title: Option<String>,
    /// Primary email.
    pub email: Option<String>,
    /// Primary phone.
    pub phone: Option<String>,
    /// Account name.
    pub account: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contact_needs_a_first_or_last_name() {
        let errors = ValidContact::parse(&ContactForm::default(), "contact.").unwrap_err();
        assert_eq!(errors[0].field, "contact.last_name");
        let ok = ValidContact::parse(
            &ContactForm {
                first_name: "Ada".into(),
                ..Default::default()
            },
            "",
        )
        .unwrap();
        assert_eq!(ok.display_name(), "Ada");
    }

    #[test]
    fn a_contacts_channels_follow_the_lead_rules() {
        let errors = ValidContact::parse(
            &ContactForm {
                last_name: "Lovelace".into(),
                emails: vec![EmailInput {
                    email: "not-an-email".into(),
                    primary: true,
                }],
                ..Default::default()
            },
            "contact.",
        )
        .unwrap_err();
        assert_eq!(errors[0].field, "contact.emails.0.email");
    }
}
