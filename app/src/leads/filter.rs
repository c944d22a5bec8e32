//! Which leads a list, an export or a count is about: the filters of the
//! lead list, parsed from and written back to the URL, shared by browser
//! and server.
//!
//! A URL is user input like any other: `LeadFilter::from_pairs` turns every
//! bad parameter into a field error naming the parameter, never into a
//! silently ignored filter.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{fields::CountryCode, model::LeadStatus, search::SearchWord};
use crate::error::FieldError;

/// The URL parameters a filter is made of (others, such as paging, are
/// left to their owners).
pub const FILTER_KEYS: [&str; 11] = [
    "q",
    "status",
    "source",
    "owner",
    "country",
    "created_from",
    "created_to",
    "updated_from",
    "updated_to",
    "employees_min",
    "employees_max",
];

/// The longest free-text filter accepted.
pub const MAX_QUERY_CHARS: usize = 255;

/// A filter on a reference that may be empty (source, owner).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RefFilter {
    /// Leads without one (`none`).
    Unset,
    /// Leads with this id.
    Id(i64),
    /// The signed-in user (`me`; owner only).
    Me,
}

impl RefFilter {
    fn parse(value: &str, allow_me: bool) -> Result<Self, String> {
        match value {
            "none" => Ok(Self::Unset),
            "me" if allow_me => Ok(Self::Me),
            id => id
                .parse::<i64>()
                .ok()
                .filter(|id| *id > 0)
                .map(Self::Id)
                .ok_or_else(|| {
                    if allow_me {
                        format!("\"{value}\" is not a user id, \"me\" or \"none\"")
                    } else {
                        format!("\"{value}\" is not a source id or \"none\"")
                    }
                }),
        }
    }

    fn code(self) -> String {
        match self {
            Self::Unset => "none".to_string(),
            Self::Id(id) => id.to_string(),
            Self::Me => "me".to_string(),
        }
    }
}

/// The filters of the lead list. Every part is optional; parts combine
/// with AND. The default matches every lead.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LeadFilter {
    /// Free text: every word must appear in the name, first or last name,
    /// company, an email or a phone (case-insensitive).
    pub q: String,
    /// Any of these statuses (empty: any status).
    pub status: Vec<LeadStatus>,
    /// Lead source.
    pub source: Option<RefFilter>,
    /// Owner.
    pub owner: Option<RefFilter>,
    /// Country of the primary address.
    pub country: Option<String>,
    /// Created on or after this day (UTC).
    pub created_from: Option<NaiveDate>,
    /// Created on or before this day (UTC).
    pub created_to: Option<NaiveDate>,
    /// Last changed on or after this day (UTC).
    pub updated_from: Option<NaiveDate>,
    /// Last changed on or before this day (UTC).
    pub updated_to: Option<NaiveDate>,
    /// At least this many employees.
    pub employees_min: Option<i64>,
    /// At most this many employees.
    pub employees_max: Option<i64>,
}

impl LeadFilter {
    /// Parses URL parameters (unknown keys are ignored, they belong to
    /// someone else); every bad value is reported with its parameter name.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, Vec<FieldError>> {
        let (filter, errors) = Self::parse_pairs(pairs);
        if errors.is_empty() {
            Ok(filter)
        } else {
            Err(errors)
        }
    }

    /// Parses URL parameters, keeping every part that is valid: the filter
    /// of the good parts, and a problem per bad one (which is left out).
    /// The list uses this, so a stale or hand-edited link still opens.
    pub fn parse_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> (Self, Vec<FieldError>) {
        let mut filter = Self::default();
        let mut errors = Vec::new();
        let mut fail = |key: &str, message: String| errors.push(FieldError::new(key, message));
        for (key, value) in pairs {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match key {
                "q" => {
                    if value.chars().count() > MAX_QUERY_CHARS {
                        fail(key, format!("At most {MAX_QUERY_CHARS} characters"));
                    } else {
                        filter.q = value.to_string();
                    }
                }
                "status" => {
                    for code in value.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                        match LeadStatus::from_code(code) {
                            Some(s) if !filter.status.contains(&s) => filter.status.push(s),
                            Some(_) => {}
                            None => fail(
                                key,
                                format!(
                                    "Unknown status \"{code}\" (use new, qualified or canceled)"
                                ),
                            ),
                        }
                    }
                }
                "source" => match RefFilter::parse(value, false) {
                    Ok(r) => filter.source = Some(r),
                    Err(m) => fail(key, m),
                },
                "owner" => match RefFilter::parse(value, true) {
                    Ok(r) => filter.owner = Some(r),
                    Err(m) => fail(key, m),
                },
                "country" => match CountryCode::parse(value) {
                    Ok(c) => filter.country = Some(c.as_str().to_string()),
                    Err(m) => fail(key, m),
                },
                "created_from" | "created_to" | "updated_from" | "updated_to" => {
                    match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
                        Ok(day) => {
                            let slot = match key {
                                "created_from" => &mut filter.created_from,
                                "created_to" => &mut filter.created_to,
                                "updated_from" => &mut filter.updated_from,
                                _ => &mut filter.updated_to,
                            };
                            *slot = Some(day);
                        }
                        Err(_) => fail(key, format!("\"{value}\" is not a date (YYYY-MM-DD)")),
                    }
                }
                "employees_min" | "employees_max" => match value.parse::<u32>() {
                    Ok(n) if key == "employees_min" => filter.employees_min = Some(n.into()),
                    Ok(n) => filter.employees_max = Some(n.into()),
                    Err(_) => fail(
                        key,
                        format!("\"{value}\" is not a whole number of 0 or more"),
                    ),
                },
                _ => {}
            }
        }
        for (from, to, key) in [
            (filter.created_from, filter.created_to, "created_to"),
            (filter.updated_from, filter.updated_to, "updated_to"),
        ] {
            if let (Some(from), Some(to)) = (from, to) {
                if from > to {
                    fail(key, "The end date is before the start date".to_string());
                    match key {
                        "created_to" => filter.created_to = None,
                        _ => filter.updated_to = None,
                    }
                }
            }
        }
        if let (Some(min), Some(max)) = (filter.employees_min, filter.employees_max) {
            if min > max {
                fail(
                    "employees_max",
                    "The maximum is below the minimum".to_string(),
                );
                filter.employees_max = None;
            }
        }
        (filter, errors)
    }

    /// Parses a URL query string, keeping the valid parts (see
    /// `parse_pairs`).
    pub fn parse_query(query: &str) -> (Self, Vec<FieldError>) {
        let pairs = query_pairs(query);
        Self::parse_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    /// Parses a URL query string (`a=1&b=2`, without the `?`).
    pub fn from_query(query: &str) -> Result<Self, Vec<FieldError>> {
        let pairs = query_pairs(query);
        Self::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    /// The filter as URL parameters, in a fixed order; empty parts left out.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if !self.q.is_empty() {
            out.push(("q", self.q.clone()));
        }
        if !self.status.is_empty() {
            let codes: Vec<&str> = self.status.iter().map(|s| s.code()).collect();
            out.push(("status", codes.join(",")));
        }
        if let Some(source) = self.source {
            out.push(("source", source.code()));
        }
        if let Some(owner) = self.owner {
            out.push(("owner", owner.code()));
        }
        if let Some(country) = &self.country {
            out.push(("country", country.clone()));
        }
        if let Some(day) = self.created_from {
            out.push(("created_from", day.to_string()));
        }
        if let Some(day) = self.created_to {
            out.push(("created_to", day.to_string()));
        }
        if let Some(day) = self.updated_from {
            out.push(("updated_from", day.to_string()));
        }
        if let Some(day) = self.updated_to {
            out.push(("updated_to", day.to_string()));
        }
        if let Some(n) = self.employees_min {
            out.push(("employees_min", n.to_string()));
        }
        if let Some(n) = self.employees_max {
            out.push(("employees_max", n.to_string()));
        }
        out
    }

    /// The filter as a URL query string (without `?`; empty when it
    /// matches everything).
    pub fn to_query(&self) -> String {
        self.to_pairs()
            .iter()
            .map(|(k, v)| format!("{k}={}", encode_component(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Replaces `owner=me` by the user's id: storage does not know who
    /// "me" is.
    pub fn resolve_me(&mut self, me: i64) {
        if self.owner == Some(RefFilter::Me) {
            self.owner = Some(RefFilter::Id(me));
        }
    }

    /// Whether the filter matches every lead.
    pub fn is_empty(&self) -> bool {
        self.to_pairs().is_empty()
    }

    /// The words of the free-text filter, ready to match.
    pub fn words(&self) -> Vec<SearchWord> {
        super::search::words(&self.q)
    }

    /// The filter without its status part: what the per-status counts
    /// beside the status filter are about.
    pub fn without_status(&self) -> Self {
        Self {
            status: Vec::new(),
            ..self.clone()
        }
    }
}

/// The decoded `key=value` pairs of a query string (without `?`).
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode_component(k), decode_component(v))
        })
        .collect()
}

/// Percent-encodes a URL query component (RFC 3986 unreserved kept).
pub fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Decodes a URL query component (`+` is a space; bad escapes kept as
/// typed; invalid UTF-8 replaced).
pub fn decode_component(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(digit: u8) -> Option<u8> {
    (digit as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &str) -> Result<LeadFilter, Vec<FieldError>> {
        LeadFilter::from_query(query)
    }

    #[test]
    fn an_empty_query_matches_everything() {
        assert_eq!(parse("").unwrap(), LeadFilter::default());
        assert!(parse("q=&status=").unwrap().is_empty());
    }

    #[test]
    fn every_part_round_trips_through_the_url() {
        let filter = parse(
            "q=acme+gmbh&status=new,canceled&source=none&owner=me&country=de\
             &created_from=2026-01-01&created_to=2026-02-01&employees_min=10&employees_max=500",
        )
        .unwrap();
        assert_eq!(filter.q, "acme gmbh");
        assert_eq!(filter.status, vec![LeadStatus::New, LeadStatus::Canceled]);
        assert_eq!(filter.source, Some(RefFilter::Unset));
        assert_eq!(filter.owner, Some(RefFilter::Me));
        assert_eq!(filter.country.as_deref(), Some("DE"));
        assert_eq!(parse(&filter.to_query()).unwrap(), filter);
    }

    #[test]
    fn non_ascii_text_survives_encoding() {
        let filter = LeadFilter {
            q: "Müller & Söhne 50%".into(),
            ..Default::default()
        };
        assert_eq!(parse(&filter.to_query()).unwrap(), filter);
    }

    #[test]
    fn bad_parameters_are_named() {
        let errors = parse(
            "status=won&owner=bob&source=-3&country=XX&created_from=yesterday&employees_min=-1",
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "status",
                "owner",
                "source",
                "country",
                "created_from",
                "employees_min"
            ]
        );
        assert!(errors[0].message.contains("won"));
    }

    #[test]
    fn ranges_must_be_in_order() {
        let errors = parse("created_from=2026-03-01&created_to=2026-02-01").unwrap_err();
        assert_eq!(errors[0].field, "created_to");
        let errors = parse("employees_min=10&employees_max=5").unwrap_err();
        assert_eq!(errors[0].field, "employees_max");
    }

    #[test]
    fn words_are_lower_cased() {
        let filter = parse("q=%20Ada%20%20LOVELACE%20").unwrap();
        let words: Vec<String> = filter.words().into_iter().map(|w| w.text).collect();
        assert_eq!(words, ["ada", "lovelace"]);
    }

    #[test]
    fn a_lenient_parse_keeps_the_good_parts_and_names_the_bad() {
        let (filter, errors) =
            LeadFilter::parse_query("q=acme&status=new,won&owner=bob&updated_from=2026-01-02");
        assert_eq!(filter.q, "acme");
        assert_eq!(filter.status, vec![LeadStatus::New]);
        assert_eq!(filter.owner, None);
        assert_eq!(filter.updated_from, NaiveDate::from_ymd_opt(2026, 1, 2));
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["status", "owner"]);
    }

    #[test]
    fn a_lenient_parse_drops_the_end_of_a_backwards_range() {
        let (filter, errors) =
            LeadFilter::parse_query("updated_from=2026-03-01&updated_to=2026-02-01");
        assert_eq!(filter.updated_to, None);
        assert!(filter.updated_from.is_some());
        assert_eq!(errors[0].field, "updated_to");
    }

    #[test]
    fn truncated_escapes_are_kept_as_typed() {
        assert_eq!(decode_component("50%"), "50%");
        assert_eq!(decode_component("a%2"), "a%2");
        assert_eq!(decode_component("%zz"), "%zz");
        assert_eq!(decode_component("%41"), "A");
    }
}
