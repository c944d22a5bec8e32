//! What the free-text filter looks at, defined once for the browser and
//! both databases.
//!
//! A lead's searchable text is its name, first and last name, company and
//! every email, lower-cased by Rust and joined by newlines (`search_text`);
//! its phones are their digits, joined by spaces (`phone_text`). Both are
//! stored on the lead when it is written, so the server filters (and
//! indexes) exactly the text the browser computes with these functions.
//!
//! A word of the filter matches a lead when the searchable text contains it,
//! or when the word has at least three digits and a phone contains them.

/// How many digits a word needs before it is also looked up in phones.
pub const MIN_PHONE_DIGITS: usize = 3;

/// The separator between the parts of `search_text`: a word never holds
/// one (words are split at whitespace), so no match spans two fields.
const SEPARATOR: char = '\n';

/// The lead's searchable text: name, first name, last name, company and
/// every email, lower-cased, one per line (empty parts left out).
pub fn search_text<'a>(
    name: &str,
    first_name: Option<&str>,
    last_name: Option<&str>,
    company: Option<&str>,
    emails: impl IntoIterator<Item = &'a str>,
) -> String {
    let mut out = String::with_capacity(name.len() + 64);
    let mut push = |part: &str| {
        let part = part.trim();
        if part.is_empty() {
            return;
        }
        if !out.is_empty() {
            out.push(SEPARATOR);
        }
        for ch in part.chars() {
            // Line breaks inside a value must not look like separators
            // (the filter never holds one, but a stray tab stays a tab).
            if ch == SEPARATOR {
                out.push(' ');
            } else {
                out.extend(ch.to_lowercase());
            }
        }
    };
    push(name);
    push(first_name.unwrap_or(""));
    push(last_name.unwrap_or(""));
    push(company.unwrap_or(""));
    for email in emails {
        push(email);
    }
    out
}

/// The digits of every phone, one group per phone, separated by spaces.
pub fn phone_text<'a>(phones: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for phone in phones {
        let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
        if digits.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&digits);
    }
    out
}

/// One word of the free-text filter, ready to match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchWord {
    /// The word, lower-cased.
    pub text: String,
    /// Its digits, when there are enough to look up in phones.
    pub digits: Option<String>,
}

impl SearchWord {
    /// The word as typed (one whitespace-free piece of the filter).
    pub fn new(word: &str) -> Self {
        let text = lower(word);
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        Self {
            text,
            digits: (digits.len() >= MIN_PHONE_DIGITS).then_some(digits),
        }
    }

    /// Whether a lead with this searchable text and phone text matches.
    pub fn matches(&self, search_text: &str, phone_text: &str) -> bool {
        search_text.contains(&self.text)
            || self
                .digits
                .as_ref()
                .is_some_and(|digits| phone_text.contains(digits.as_str()))
    }

    /// Whether every lead matching `self` also matches `wider` (so the
    /// leads found for `wider` can be narrowed instead of searched again).
    pub fn narrows(&self, wider: &SearchWord) -> bool {
        self.text.contains(&wider.text) && (wider.digits.is_some() || self.digits.is_none())
    }
}

/// Lower-cases character by character, the same on both sides of a match
/// (`str::to_lowercase` treats a final sigma by its context, which would
/// make a typed word differ from the same word inside a longer text).
pub fn lower(text: &str) -> String {
    text.chars().flat_map(char::to_lowercase).collect()
}

/// The words of a free-text filter.
pub fn words(query: &str) -> Vec<SearchWord> {
    query.split_whitespace().map(SearchWord::new).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text() -> String {
        search_text(
            "Müller GmbH",
            Some("Ada"),
            Some("Lovelace"),
            Some("ACME"),
            ["Ada@Example.com", "ops@acme.io"],
        )
    }

    #[test]
    fn the_searchable_text_is_lower_cased_one_part_per_line() {
        assert_eq!(
            text(),
            "müller gmbh\nada\nlovelace\nacme\nada@example.com\nops@acme.io"
        );
    }

    #[test]
    fn missing_parts_leave_no_empty_lines() {
        assert_eq!(search_text("Solo", None, Some(" "), None, []), "solo");
    }

    #[test]
    fn a_final_sigma_is_lowered_the_same_alone_and_inside_a_word() {
        let hay = search_text("ΟΔΟΣ ΑΘΗΝΑ", None, None, None, []);
        assert!(SearchWord::new("ΟΔΟΣ").matches(&hay, ""));
    }

    #[test]
    fn phones_are_kept_as_their_digits() {
        assert_eq!(
            phone_text(["+1 (555) 0100", "n/a", "030-123"]),
            "15550100 030123"
        );
    }

    #[test]
    fn a_word_matches_any_part_but_never_across_two() {
        let hay = text();
        assert!(SearchWord::new("MÜLLER").matches(&hay, ""));
        assert!(SearchWord::new("acme.io").matches(&hay, ""));
        assert!(!SearchWord::new("gmbhada").matches(&hay, ""));
    }

    #[test]
    fn a_word_with_three_digits_also_matches_phones() {
        assert!(SearchWord::new("555-01").matches("", "15550100"));
        assert!(!SearchWord::new("55").matches("", "15550100"));
        assert!(SearchWord::new("+1").digits.is_none());
    }

    #[test]
    fn a_longer_word_narrows_a_shorter_one() {
        let acm = SearchWord::new("acm");
        assert!(SearchWord::new("acme").narrows(&acm));
        assert!(!acm.narrows(&SearchWord::new("acme")));
        // "55" found no phones; "555" may: not a narrowing.
        assert!(!SearchWord::new("555").narrows(&SearchWord::new("55")));
        assert!(SearchWord::new("5550").narrows(&SearchWord::new("555")));
    }
}
