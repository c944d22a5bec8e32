//! Qualifying a lead: what the wizard sends, how each step is checked (the
//! same code in the browser, step by step, and on the server, all at once),
//! and what the wizard needs to start.

use serde::{Deserialize, Serialize};

use crate::{
    accounts::model::AccountName,
    contacts::model::{ContactForm, ValidContact},
    error::FieldError,
    leads::model::{DuplicateLead, Lead},
    opportunities::model::{OpportunityForm, Ref, ValidOpportunity},
};

/// The account step's choice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AccountChoice {
    /// Link this existing account.
    Existing {
        /// Its id.
        id: i64,
        /// Its name (for the summary).
        name: String,
    },
    /// Create an account with this name (or link the one that has it).
    New {
        /// The name as typed.
        name: String,
    },
}

impl Default for AccountChoice {
    fn default() -> Self {
        Self::New {
            name: String::new(),
        }
    }
}

/// The contact step's choice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ContactChoice {
    /// Link this existing contact.
    Existing {
        /// Its id.
        id: i64,
        /// Its name (for the summary).
        name: String,
    },
    /// Create a contact from this form.
    New {
        /// The contact as edited.
        form: ContactForm,
    },
}

impl Default for ContactChoice {
    fn default() -> Self {
        Self::New {
            form: ContactForm::default(),
        }
    }
}

/// Everything the wizard sends on confirm.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualifyRequest {
    /// The lead.
    pub lead_id: i64,
    /// The lead's version when the wizard started.
    pub lead_version: i64,
    /// The account step.
    pub account: AccountChoice,
    /// The contact step.
    pub contact: ContactChoice,
    /// The opportunity step.
    pub opportunity: OpportunityForm,
}

/// The account as the server will use it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountPlan {
    /// An existing account.
    Existing(i64),
    /// A new account (or the existing one with the same name).
    New(AccountName),
}

/// The contact as the server will use it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContactPlan {
    /// An existing contact.
    Existing(i64),
    /// A new contact.
    New(Box<ValidContact>),
}

/// A checked qualify request: the only input the conversion accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QualifyPlan {
    /// The lead.
    pub lead_id: i64,
    /// The version the wizard started from.
    pub lead_version: i64,
    /// Account.
    pub account: AccountPlan,
    /// Contact.
    pub contact: ContactPlan,
    /// Opportunity.
    pub opportunity: ValidOpportunity,
}

/// Checks the account step.
pub fn check_account(choice: &AccountChoice) -> Result<AccountPlan, Vec<FieldError>> {
    match choice {
        AccountChoice::Existing { id, .. } => Ok(AccountPlan::Existing(*id)),
        AccountChoice::New { name } => AccountName::parse(name)
            .map(AccountPlan::New)
            .map_err(|m| vec![FieldError::new("account.name", m)]),
    }
}

/// Checks the contact step.
pub fn check_contact(choice: &ContactChoice) -> Result<ContactPlan, Vec<FieldError>> {
    match choice {
        ContactChoice::Existing { id, .. } => Ok(ContactPlan::Existing(*id)),
        ContactChoice::New { form } => {
            ValidContact::parse(form, "contact.").map(|c| ContactPlan::New(Box::new(c)))
        }
    }
}

/// Checks the opportunity step.
pub fn check_opportunity(form: &OpportunityForm) -> Result<ValidOpportunity, Vec<FieldError>> {
    ValidOpportunity::parse(form, "opportunity.")
}

impl QualifyRequest {
    /// Checks every step; every problem at once.
    pub fn parse(&self) -> Result<QualifyPlan, Vec<FieldError>> {
        let account = check_account(&self.account);
        let contact = check_contact(&self.contact);
        let opportunity = check_opportunity(&self.opportunity);
        match (account, contact, opportunity) {
            (Ok(account), Ok(contact), Ok(opportunity)) => Ok(QualifyPlan {
                lead_id: self.lead_id,
                lead_version: self.lead_version,
                account,
                contact,
                opportunity,
            }),
            (a, c, o) => Err([a.err(), c.err(), o.err()]
                .into_iter()
                .flatten()
                .flatten()
                .collect()),
        }
    }
}

/// What the wizard needs to start: the lead, and what already exists that
/// it may link to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualifyStart {
    /// The lead as it is now.
    pub lead: Lead,
    /// The account whose name matches the lead's company, if any.
    pub matching_account: Option<Ref>,
    /// The lead's own contact, if it has one.
    pub lead_contact: Option<Ref>,
    /// A contact with one of the lead's emails, if any.
    pub contact_by_email: Option<Ref>,
    /// Other leads with the same email or phone.
    pub duplicate_leads: Vec<DuplicateLead>,
    /// Contacts with the same email or phone.
    pub duplicate_contacts: Vec<Ref>,
}

impl QualifyStart {
    /// The wizard's first answers: the matching account (or a new one
    /// named after the company), the lead's contact (or the one with its
    /// email, or a new one from the lead), and an opportunity named after
    /// the lead with its comments as notes.
    pub fn initial_request(&self) -> QualifyRequest {
        let lead = &self.lead;
        let account = match &self.matching_account {
            Some(a) => AccountChoice::Existing {
                id: a.id,
                name: a.name.clone(),
            },
            None => AccountChoice::New {
                name: lead.company_name.clone().unwrap_or_default(),
            },
        };
        let contact = match self
            .lead_contact
            .as_ref()
            .or(self.contact_by_email.as_ref())
        {
            Some(c) => ContactChoice::Existing {
                id: c.id,
                name: c.name.clone(),
            },
            None => ContactChoice::New {
                form: ContactForm::from_lead(lead),
            },
        };
        QualifyRequest {
            lead_id: lead.id,
            lead_version: lead.version,
            account,
            contact,
            opportunity: OpportunityForm {
                name: lead.name.clone(),
                notes: lead.notes.clone().unwrap_or_default(),
                ..Default::default()
            },
        }
    }
}

/// The answer to a successful qualification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Qualified {
    /// The new opportunity.
    pub opportunity_id: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_is_checked_and_all_problems_come_back_at_once() {
        let request = QualifyRequest {
            lead_id: 1,
            lead_version: 1,
            account: AccountChoice::New { name: "  ".into() },
            contact: ContactChoice::New {
                form: ContactForm::default(),
            },
            opportunity: OpportunityForm {
                probability: "101".into(),
                ..Default::default()
            },
        };
        let fields: Vec<String> = request
            .parse()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "account.name",
                "contact.last_name",
                "opportunity.name",
                "opportunity.probability"
            ]
        );
    }

    #[test]
    fn existing_records_need_no_form() {
        let request = QualifyRequest {
            lead_id: 1,
            lead_version: 3,
            account: AccountChoice::Existing {
                id: 7,
                name: "Acme".into(),
            },
            contact: ContactChoice::Existing {
                id: 9,
                name: "Ada".into(),
            },
            opportunity: OpportunityForm {
                name: "Deal".into(),
                ..Default::default()
            },
        };
        let plan = request.parse().unwrap();
        assert_eq!(plan.account, AccountPlan::Existing(7));
        assert_eq!(plan.contact, ContactPlan::Existing(9));
    }
}
