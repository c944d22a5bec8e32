//! Lead sources as the admin manages them: add, rename, retire. A retired
//! source is no longer offered for new leads but stays on old ones.

use serde::{Deserialize, Serialize};

use super::fields::parse_short_text;

/// A lead source with its use, for the admin screen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Retired: not offered for new leads.
    pub retired: bool,
    /// How many leads name it.
    pub leads: i64,
}

/// Parses a source name: trimmed, 1–255 characters, one line.
pub fn parse_source_name(value: &str) -> Result<String, String> {
    parse_short_text(value)?.ok_or_else(|| "A source needs a name".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_name_is_trimmed_and_required() {
        assert_eq!(parse_source_name("  Trade show ").unwrap(), "Trade show");
        assert!(parse_source_name("   ").is_err());
    }
}
