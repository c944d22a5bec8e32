//! Accounts: the companies opportunities belong to. One per name, whatever
//! the case or surrounding spaces.

use serde::{Deserialize, Serialize};

use crate::{
    contacts::model::ContactRow,
    leads::{fields::parse_short_text, model::OwnerRef},
    opportunities::model::OpportunityRow,
};

/// An account's name: trimmed, 1–255 characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountName(String);

impl AccountName {
    /// Parses a typed name.
    pub fn parse(value: &str) -> Result<Self, String> {
        parse_short_text(value)?
            .map(Self)
            .ok_or_else(|| "An account needs a name".to_string())
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What makes two names the same account: case and surrounding spaces
    /// do not count.
    pub fn key(&self) -> String {
        self.0.trim().to_lowercase()
    }
}

/// An account with its contacts and opportunities.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// Id.
    pub id: i64,
    /// Optimistic-concurrency token.
    pub version: i64,
    /// Name.
    pub name: String,
    /// Owner.
    pub owner: Option<OwnerRef>,
    /// Created.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Its contacts the viewer may see.
    pub contacts: Vec<ContactRow>,
    /// Its opportunities the viewer may see.
    pub opportunities: Vec<OpportunityRow>,
}

/// An account in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Owner's name.
    pub owner: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_names_match_whatever_the_case_and_spaces() {
        let a = AccountName::parse("  Acme GmbH ").unwrap();
        assert_eq!(a.as_str(), "Acme GmbH");
        assert_eq!(a.key(), AccountName::parse("ACME gmbh").unwrap().key());
        assert!(AccountName::parse("  ").is_err());
    }
}
