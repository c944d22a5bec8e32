//! The constrained values a lead is made of, each a type that can only hold
//! a valid value. Messages are written for the person at the form.

use serde::{Deserialize, Serialize};

/// The longest value a short text field takes, in characters.
pub const MAX_SHORT: usize = 255;
/// The longest value a long text field (comments) takes, in characters.
pub const MAX_LONG: usize = 65_535;
/// The longest tag, in characters.
pub const MAX_TAG: usize = 50;
/// The most tags on one lead.
pub const MAX_TAGS: usize = 50;

fn has_control_chars(s: &str) -> bool {
    s.chars().any(|c| c.is_control())
}

/// Trims a short optional text: blank is `None`; longer than 255 characters
/// or containing control characters is an error.
pub fn parse_short_text(value: &str) -> Result<Option<String>, String> {
    let value = value.trim();
    let len = value.chars().count();
    if len == 0 {
        Ok(None)
    } else if len > MAX_SHORT {
        Err(format!(
            "Must be at most {MAX_SHORT} characters (this is {len})"
        ))
    } else if has_control_chars(value) {
        Err("Must be a single line of text".into())
    } else {
        Ok(Some(value.to_string()))
    }
}

/// Trims a long optional text (line breaks allowed): blank is `None`.
pub fn parse_long_text(value: &str) -> Result<Option<String>, String> {
    let value = value.trim();
    let len = value.chars().count();
    if len == 0 {
        Ok(None)
    } else if len > MAX_LONG {
        Err(format!(
            "Must be at most {MAX_LONG} characters (this is {len})"
        ))
    } else if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        Err("Contains characters that are not text".into())
    } else {
        Ok(Some(value.to_string()))
    }
}

/// A lead's name: trimmed, not blank, at most 255 characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadName(String);

impl LeadName {
    /// Parses a lead name.
    pub fn parse(value: &str) -> Result<Self, String> {
        match parse_short_text(value)? {
            Some(name) => Ok(Self(name)),
            None => Err("Lead name is required".into()),
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A syntactically valid email address with a dotted domain, trimmed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Parses an email address.
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        let invalid = || format!("\"{}\" is not a valid email address", shorten(value));
        if value.chars().count() > 254 {
            return Err("An email address is at most 254 characters".into());
        }
        let parsed = email_address::EmailAddress::parse_with_options(
            value,
            email_address::Options::default().without_display_text(),
        )
        .map_err(|_| invalid())?;
        // RFC 5322 allows `a@localhost`; a prospect's address never is one.
        if !parsed.domain().contains('.') || parsed.domain().starts_with('[') {
            return Err(invalid());
        }
        Ok(Self(value.to_string()))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone number: digits with the usual separators, trimmed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Parses a phone number. Allowed: digits, spaces and `+ - ( ) . /`,
    /// plus an extension written `x123` or `ext. 123`.
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        if value.chars().count() > 50 {
            return Err("A phone number is at most 50 characters".into());
        }
        let lower = value.to_lowercase();
        let (main, ext) = match lower.split_once("ext") {
            Some((main, ext)) => (main, ext.trim_start_matches('.')),
            None => match lower.split_once('x') {
                Some((main, ext)) => (main, ext),
                None => (lower.as_str(), ""),
            },
        };
        let main_ok = main
            .chars()
            .all(|c| c.is_ascii_digit() || " +-()./".contains(c));
        let ext_ok = ext.trim().chars().all(|c| c.is_ascii_digit());
        let digits = main.chars().filter(char::is_ascii_digit).count();
        if !main_ok || !ext_ok || digits < 3 {
            return Err(format!(
                "\"{}\" is not a valid phone number",
                shorten(value)
            ));
        }
        Ok(Self(value.to_string()))
    }

    /// The number as typed (trimmed).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The comparison key: digits and a leading `+` only, so that
    /// "+1 555 0100" and "+15550100" are the same number.
    pub fn key(&self) -> String {
        phone_key(&self.0)
    }
}

/// The comparison key of any phone text: a leading `+` and the digits.
pub fn phone_key(phone: &str) -> String {
    let phone = phone.trim();
    let mut key = String::with_capacity(phone.len());
    if phone.starts_with('+') {
        key.push('+');
    }
    key.extend(phone.chars().filter(char::is_ascii_digit));
    key
}

/// An ISO-3166 alpha-2 country code, upper case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountryCode(String);

impl CountryCode {
    /// Parses a country code (any case).
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        if value.is_empty() {
            return Err("Country is required for an address".into());
        }
        isocountry::CountryCode::for_alpha2_caseless(value)
            .map(|c| Self(c.alpha2().to_string()))
            .map_err(|_| {
                format!(
                    "\"{}\" is not an ISO 3166 two-letter country code",
                    shorten(value)
                )
            })
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The English name of a country code, or the code itself if unknown.
pub fn country_name(code: &str) -> &str {
    isocountry::CountryCode::for_alpha2(code)
        .map(|c| c.name())
        .unwrap_or(code)
}

/// Every country as (code, name), sorted by name, for pickers.
pub fn countries() -> Vec<(&'static str, &'static str)> {
    let mut all: Vec<_> = isocountry::CountryCode::iter()
        .map(|c| (c.alpha2(), c.name()))
        .collect();
    all.sort_by_key(|(_, name)| *name);
    all
}

/// A website: an absolute http or https URL with a host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebsiteUrl(String);

impl WebsiteUrl {
    /// Parses a website URL.
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        if value.chars().count() > MAX_SHORT {
            return Err(format!("Must be at most {MAX_SHORT} characters"));
        }
        let message = || "Must be a web address starting with http:// or https://".to_string();
        let url = url::Url::parse(value).map_err(|_| message())?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
            return Err(message());
        }
        Ok(Self(value.to_string()))
    }

    /// The URL as typed (trimmed).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A number of employees: a non-negative whole number, digits only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmployeeCount(u32);

impl EmployeeCount {
    /// Parses a number of employees.
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        if value.is_empty() || !value.chars().all(|c| c.is_ascii_digit()) {
            return Err("Must be a whole number of 0 or more, digits only".into());
        }
        value
            .parse::<u32>()
            .map(Self)
            .map_err(|_| "That is more employees than any company has".into())
    }

    /// The number.
    pub fn get(self) -> u32 {
        self.0
    }
}

/// A tag: trimmed, 1–50 characters, no commas.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag(String);

impl Tag {
    /// Parses one tag.
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        let len = value.chars().count();
        if len == 0 {
            Err("A tag cannot be empty".into())
        } else if len > MAX_TAG {
            Err(format!("A tag is at most {MAX_TAG} characters"))
        } else if value.contains(',') || has_control_chars(value) {
            Err("A tag cannot contain commas or line breaks".into())
        } else {
            Ok(Self(value.to_string()))
        }
    }

    /// The tag.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Shortens a value for quoting in a message.
fn shorten(value: &str) -> String {
    if value.chars().count() > 40 {
        format!("{}…", value.chars().take(40).collect::<String>())
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lead_name_is_trimmed() {
        assert_eq!(LeadName::parse("  Deal \n").unwrap().as_str(), "Deal");
    }

    #[test]
    fn a_blank_lead_name_is_rejected() {
        assert!(LeadName::parse(" \t ").unwrap_err().contains("required"));
    }

    #[test]
    fn a_lead_name_of_255_characters_is_accepted_and_256_rejected() {
        assert!(LeadName::parse(&"é".repeat(255)).is_ok());
        let err = LeadName::parse(&"é".repeat(256)).unwrap_err();
        assert!(err.contains("255"), "{err}");
    }

    #[test]
    fn a_lead_name_with_html_is_kept_verbatim() {
        let name = "<script>alert(1)</script>";
        assert_eq!(LeadName::parse(name).unwrap().as_str(), name);
    }

    #[test]
    fn short_text_rejects_line_breaks_and_keeps_blank_as_none() {
        assert_eq!(parse_short_text("   ").unwrap(), None);
        assert!(parse_short_text("a\nb").is_err());
    }

    #[test]
    fn long_text_keeps_line_breaks_but_has_a_limit() {
        assert_eq!(parse_long_text(" a\nb ").unwrap().as_deref(), Some("a\nb"));
        assert!(parse_long_text(&"x".repeat(MAX_LONG + 1)).is_err());
        assert!(parse_long_text("bell\u{7}").is_err());
    }

    #[test]
    fn emails_are_trimmed_and_checked() {
        assert_eq!(
            EmailAddress::parse(" ada@example.com ").unwrap().as_str(),
            "ada@example.com"
        );
        for bad in [
            "ada",
            "ada@",
            "@example.com",
            "ada@localhost",
            "a b@example.com",
            "ada@@example.com",
        ] {
            assert!(
                EmailAddress::parse(bad).is_err(),
                "{bad} should be rejected"
            );
        }
    }

    #[test]
    fn an_overlong_email_is_rejected() {
        let email = format!("{}@example.com", "a".repeat(250));
        assert!(EmailAddress::parse(&email).is_err());
    }

    #[test]
    fn phones_allow_separators_and_extensions() {
        for ok in [
            "+1 (555) 010-0100",
            "030/123 456",
            "+44 20 7946 0958 ext. 12",
            "555-0100 x7",
        ] {
            assert!(PhoneNumber::parse(ok).is_ok(), "{ok} should be accepted");
        }
        for bad in ["call me", "12", "+1 555 abc", "555-0100 x7a"] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn a_phone_key_keeps_only_plus_and_digits() {
        assert_eq!(
            PhoneNumber::parse("+1 (555) 010-0100").unwrap().key(),
            "+15550100100"
        );
    }

    #[test]
    fn country_codes_are_iso_alpha_2_in_any_case() {
        assert_eq!(CountryCode::parse(" de ").unwrap().as_str(), "DE");
        assert!(CountryCode::parse("").unwrap_err().contains("required"));
        assert!(CountryCode::parse("XX").is_err());
        assert!(CountryCode::parse("DEU").is_err());
        assert_eq!(country_name("FR"), "France");
    }

    #[test]
    fn the_country_list_is_complete_and_sorted() {
        let all = countries();
        assert!(all.len() >= 249);
        assert!(all.windows(2).all(|w| w[0].1 <= w[1].1));
    }

    #[test]
    fn websites_must_be_http_or_https() {
        assert!(WebsiteUrl::parse("https://acme.example/about").is_ok());
        assert!(WebsiteUrl::parse("http://acme.example").is_ok());
        for bad in [
            "acme.example",
            "ftp://acme.example",
            "javascript:alert(1)",
            "https://",
            "mailto:a@b.c",
        ] {
            assert!(WebsiteUrl::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn employee_counts_are_digits_only() {
        assert_eq!(EmployeeCount::parse(" 250 ").unwrap().get(), 250);
        assert_eq!(EmployeeCount::parse("0").unwrap().get(), 0);
        for bad in ["-1", "1.5", "1e3", "ten", "+5", "99999999999"] {
            assert!(
                EmployeeCount::parse(bad).is_err(),
                "{bad} should be rejected"
            );
        }
    }

    #[test]
    fn tags_have_a_length_limit() {
        assert_eq!(Tag::parse(" vip ").unwrap().as_str(), "vip");
        assert!(Tag::parse(&"t".repeat(51)).is_err());
    }
}
