//! The CSV file of leads, shared by export, import and the template: the
//! columns and their headers, how a lead becomes a row, how a row becomes
//! a lead form again, and the spreadsheet-safety rule for cells.
//!
//! One header names each column everywhere (export, template, import), so
//! an exported file imports unchanged. Multi-valued fields get numbered
//! columns, as many as the data needs: `Emails 1 Email`, `Emails 2 Email` …;
//! the first of each is the primary one.
//!
//! **Formula injection.** A spreadsheet runs a cell that begins with `=`,
//! `+`, `-` or `@` (and some also after a leading tab, CR, LF or NUL) as a
//! formula. Such a cell is written with one leading apostrophe (`'`), which
//! spreadsheets show as text: `+1 555 0100` is written `'+1 555 0100`. A
//! value that already begins with apostrophes followed by one of those
//! characters gets one more, so that reading removes exactly one apostrophe
//! from any cell of that shape and every value comes back as it was.

use std::borrow::Cow;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::model::{AddressInput, EmailInput, LeadAddress, LeadForm, LeadStatus, PhoneInput};
use crate::error::FieldError;

/// The characters that make a spreadsheet treat a cell as a formula.
const FORMULA_STARTS: [char; 8] = ['=', '+', '-', '@', '\t', '\r', '\n', '\0'];

/// Whether `value` begins with apostrophes (maybe none) and then a formula
/// character.
fn looks_like_formula(value: &str) -> bool {
    value.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// The cell to write for `value`: one apostrophe added when a spreadsheet
/// would run it as a formula (see the module notes).
pub fn neutralise(value: &str) -> Cow<'_, str> {
    if looks_like_formula(value) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// The value a cell written by [`neutralise`] stands for.
pub fn restore(cell: &str) -> &str {
    if cell.starts_with('\'') && looks_like_formula(cell) {
        &cell[1..]
    } else {
        cell
    }
}

/// One part of a numbered address column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AddressPart {
    /// Label.
    Label,
    /// First street line.
    Street,
    /// Second street line.
    Street2,
    /// City.
    City,
    /// Postal code.
    PostalCode,
    /// Region.
    Region,
    /// ISO alpha-2 country code.
    Country,
}

impl AddressPart {
    /// Every part, in column order.
    pub const ALL: [AddressPart; 7] = [
        Self::Label,
        Self::Street,
        Self::Street2,
        Self::City,
        Self::PostalCode,
        Self::Region,
        Self::Country,
    ];

    fn header(self) -> &'static str {
        match self {
            Self::Label => "Label",
            Self::Street => "Street",
            Self::Street2 => "Street 2",
            Self::City => "City",
            Self::PostalCode => "Zip/Postal Code",
            Self::Region => "Region",
            Self::Country => "Country ISO2 code",
        }
    }
}

/// One column of the lead CSV. Numbers are 1-based, as in the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Column {
    /// `Id`: the match key on import.
    Id,
    /// `Lead name`.
    Name,
    /// `Status Id`: the status code (`new`, `qualified`, `canceled`).
    Status,
    /// `Name prefix`.
    NamePrefix,
    /// `First name`.
    FirstName,
    /// `Middle name`.
    MiddleName,
    /// `Last name`.
    LastName,
    /// `Name suffix`.
    NameSuffix,
    /// `Job title`.
    JobTitle,
    /// `Company name`.
    Company,
    /// `Website`.
    Website,
    /// `Number of employees`.
    Employees,
    /// `Industry`.
    Industry,
    /// `Source`: the source's name.
    Source,
    /// `Owner Username`.
    Owner,
    /// `Tags`, comma-separated.
    Tags,
    /// `Twitter`.
    Twitter,
    /// `LinkedIn`.
    LinkedIn,
    /// `Additional comments`.
    Notes,
    /// `Emails N Email`.
    Email(u16),
    /// `Phones N Phone`.
    Phone(u16),
    /// `Address N <part>`.
    Address(u16, AddressPart),
    /// `Created At` (ISO-8601 UTC; read-only).
    CreatedAt,
    /// `Updated At` (ISO-8601 UTC; read-only).
    UpdatedAt,
}

/// The single-valued columns before the numbered ones, in file order.
const LEADING: [Column; 19] = [
    Column::Id,
    Column::Name,
    Column::Status,
    Column::NamePrefix,
    Column::FirstName,
    Column::MiddleName,
    Column::LastName,
    Column::NameSuffix,
    Column::JobTitle,
    Column::Company,
    Column::Website,
    Column::Employees,
    Column::Industry,
    Column::Source,
    Column::Owner,
    Column::Tags,
    Column::Twitter,
    Column::LinkedIn,
    Column::Notes,
];

impl Column {
    /// The header cell.
    pub fn header(self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Self::Id => "Id",
            Self::Name => "Lead name",
            Self::Status => "Status Id",
            Self::NamePrefix => "Name prefix",
            Self::FirstName => "First name",
            Self::MiddleName => "Middle name",
            Self::LastName => "Last name",
            Self::NameSuffix => "Name suffix",
            Self::JobTitle => "Job title",
            Self::Company => "Company name",
            Self::Website => "Website",
            Self::Employees => "Number of employees",
            Self::Industry => "Industry",
            Self::Source => "Source",
            Self::Owner => "Owner Username",
            Self::Tags => "Tags",
            Self::Twitter => "Twitter",
            Self::LinkedIn => "LinkedIn",
            Self::Notes => "Additional comments",
            Self::CreatedAt => "Created At",
            Self::UpdatedAt => "Updated At",
            Self::Email(n) => return Cow::Owned(format!("Emails {n} Email")),
            Self::Phone(n) => return Cow::Owned(format!("Phones {n} Phone")),
            Self::Address(n, part) => return Cow::Owned(format!("Address {n} {}", part.header())),
        })
    }

    /// The column a header names: this file's own headers, case- and
    /// space-insensitively. `None` for anything else.
    pub fn from_header(header: &str) -> Option<Column> {
        let key = normalise_header(header);
        let single = LEADING
            .into_iter()
            .chain([Column::CreatedAt, Column::UpdatedAt])
            .find(|c| normalise_header(&c.header()) == key);
        if single.is_some() {
            return single;
        }
        let numbered = |prefix: &str| -> Option<(u16, String)> {
            let rest = key.strip_prefix(prefix)?;
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            let n = digits.parse::<u16>().ok().filter(|n| *n >= 1)?;
            Some((n, rest[digits.len()..].to_string()))
        };
        if let Some((n, rest)) = numbered("emails") {
            return (rest == "email").then_some(Column::Email(n));
        }
        if let Some((n, rest)) = numbered("phones") {
            return (rest == "phone").then_some(Column::Phone(n));
        }
        if let Some((n, rest)) = numbered("address") {
            return AddressPart::ALL
                .into_iter()
                .find(|p| normalise_header(p.header()) == rest)
                .map(|p| Column::Address(n, p));
        }
        None
    }

    /// The cell of this column for `lead` (before neutralising).
    fn cell<'a>(self, lead: &'a LeadRecord) -> Cow<'a, str> {
        let opt = |v: &'a Option<String>| Cow::Borrowed(v.as_deref().unwrap_or(""));
        match self {
            Self::Id => Cow::Owned(lead.id.to_string()),
            Self::Name => Cow::Borrowed(&lead.name),
            Self::Status => Cow::Borrowed(lead.status.code()),
            Self::NamePrefix => opt(&lead.name_prefix),
            Self::FirstName => opt(&lead.first_name),
            Self::MiddleName => opt(&lead.middle_name),
            Self::LastName => opt(&lead.last_name),
            Self::NameSuffix => opt(&lead.name_suffix),
            Self::JobTitle => opt(&lead.job_title),
            Self::Company => opt(&lead.company_name),
            Self::Website => opt(&lead.website),
            Self::Employees => match lead.number_of_employees {
                Some(n) => Cow::Owned(n.to_string()),
                None => Cow::Borrowed(""),
            },
            Self::Industry => opt(&lead.industry),
            Self::Source => opt(&lead.source),
            Self::Owner => opt(&lead.owner_username),
            Self::Tags => Cow::Owned(lead.tags.join(", ")),
            Self::Twitter => opt(&lead.twitter),
            Self::LinkedIn => opt(&lead.linkedin),
            Self::Notes => opt(&lead.notes),
            Self::Email(n) => nth(&lead.emails, n),
            Self::Phone(n) => nth(&lead.phones, n),
            Self::Address(n, part) => match lead.addresses.get(usize::from(n) - 1) {
                None => Cow::Borrowed(""),
                Some(a) => match part {
                    AddressPart::Label => opt(&a.label),
                    AddressPart::Street => opt(&a.street),
                    AddressPart::Street2 => opt(&a.street2),
                    AddressPart::City => opt(&a.city),
                    AddressPart::PostalCode => opt(&a.postal_code),
                    AddressPart::Region => opt(&a.region),
                    AddressPart::Country => Cow::Borrowed(&a.country),
                },
            },
            Self::CreatedAt => Cow::Owned(iso_utc(lead.created_at)),
            Self::UpdatedAt => Cow::Owned(iso_utc(lead.updated_at)),
        }
    }
}

fn nth(values: &[String], n: u16) -> Cow<'_, str> {
    Cow::Borrowed(
        values
            .get(usize::from(n) - 1)
            .map(String::as_str)
            .unwrap_or(""),
    )
}

/// A timestamp as the file writes it: ISO-8601, UTC, milliseconds.
pub fn iso_utc(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Lower-case, with spaces, underscores and dashes removed.
fn normalise_header(header: &str) -> String {
    header
        .trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// How many numbered columns of each kind a file has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    /// `Emails N Email` columns.
    pub emails: u16,
    /// `Phones N Phone` columns.
    pub phones: u16,
    /// `Address N …` column groups.
    pub addresses: u16,
}

impl Default for Layout {
    /// One of each: the template's layout.
    fn default() -> Self {
        Self {
            emails: 1,
            phones: 1,
            addresses: 1,
        }
    }
}

/// Every column, for a full export or the template.
pub fn full_columns(layout: Layout) -> Vec<Column> {
    let mut columns = LEADING.to_vec();
    columns.extend((1..=layout.emails).map(Column::Email));
    columns.extend((1..=layout.phones).map(Column::Phone));
    for n in 1..=layout.addresses {
        columns.extend(AddressPart::ALL.into_iter().map(|p| Column::Address(n, p)));
    }
    columns.extend([Column::CreatedAt, Column::UpdatedAt]);
    columns
}

/// The columns of the lead list (`columns`, or its default ones), in its
/// order, as an export of the view writes them: the Id first, so the file
/// can be matched on import; the owner by username, as the importer reads
/// it.
pub fn view_columns(columns: &[crate::leads::grid::GridColumn]) -> Vec<Column> {
    use crate::leads::grid::GridColumn as G;
    let columns = if columns.is_empty() {
        &G::DEFAULT[..]
    } else {
        columns
    };
    let mut out = vec![Column::Id];
    out.extend(columns.iter().map(|c| match c {
        G::Name => Column::Name,
        G::Status => Column::Status,
        G::FirstName => Column::FirstName,
        G::LastName => Column::LastName,
        G::Email => Column::Email(1),
        G::Phone => Column::Phone(1),
        G::Company => Column::Company,
        G::Country => Column::Address(1, AddressPart::Country),
        G::City => Column::Address(1, AddressPart::City),
        G::PostalCode => Column::Address(1, AddressPart::PostalCode),
        G::Owner => Column::Owner,
        G::Source => Column::Source,
        G::Created => Column::CreatedAt,
        G::Updated => Column::UpdatedAt,
    }));
    out
}

/// A lead as the file holds it: references by name, children in order,
/// primary first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadRecord {
    /// Id.
    pub id: i64,
    /// Lead name.
    pub name: String,
    /// Status.
    pub status: LeadStatus,
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
    /// Company.
    pub company_name: Option<String>,
    /// Website.
    pub website: Option<String>,
    /// Number of employees.
    pub number_of_employees: Option<i64>,
    /// Industry.
    pub industry: Option<String>,
    /// Source name.
    pub source: Option<String>,
    /// Owner's username.
    pub owner_username: Option<String>,
    /// Tags in order.
    pub tags: Vec<String>,
    /// Twitter.
    pub twitter: Option<String>,
    /// LinkedIn.
    pub linkedin: Option<String>,
    /// Additional comments.
    pub notes: Option<String>,
    /// Emails, primary first.
    pub emails: Vec<String>,
    /// Phones, primary first.
    pub phones: Vec<String>,
    /// Addresses, primary first.
    pub addresses: Vec<LeadAddress>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last updated.
    pub updated_at: DateTime<Utc>,
}

/// Writes the header row.
pub fn write_header(out: &mut String, columns: &[Column]) {
    write_cells(out, columns.iter().map(|c| c.header()));
}

/// Writes one lead as a row of `columns`.
pub fn write_record(out: &mut String, columns: &[Column], lead: &LeadRecord) {
    write_cells(out, columns.iter().map(|c| c.cell(lead)));
}

/// Writes one row: cells neutralised, quoted where needed, CRLF-terminated
/// (RFC 4180).
pub fn write_cells<'a>(out: &mut String, cells: impl Iterator<Item = Cow<'a, str>>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        let cell = neutralise(&cell);
        if cell.contains([',', '"', '\r', '\n']) {
            out.push('"');
            for ch in cell.chars() {
                if ch == '"' {
                    out.push('"');
                }
                out.push(ch);
            }
            out.push('"');
        } else {
            out.push_str(&cell);
        }
    }
    out.push_str("\r\n");
}

/// One row read back: the id to match (if the file has one) and the lead
/// as a form, with references still by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportRow {
    /// The `Id` cell, if present and not blank.
    pub id: Option<i64>,
    /// Every other value, trimmed, as a form (its `source_id` and
    /// `owner_id` are left blank: see `source` and `owner`).
    pub form: LeadForm,
    /// The `Source` cell (a source name), if the file has the column.
    pub source: Option<String>,
    /// The `Owner Username` cell, if the file has the column.
    pub owner: Option<String>,
    /// Which columns the file has, so an update only touches those.
    pub present: Vec<Column>,
}

/// Reads one row of cells in the file's column order (`None` for a column
/// the importer does not know, which is skipped). Problems with the id are
/// field errors named after its header; the form itself is checked by
/// `ValidLead::parse`.
pub fn read_row(columns: &[Option<Column>], cells: &[&str]) -> Result<ImportRow, Vec<FieldError>> {
    let mut row = ImportRow::default();
    let mut errors = Vec::new();
    let f = &mut row.form;
    for (column, raw) in columns.iter().zip(cells.iter()) {
        let Some(column) = *column else { continue };
        let value = restore(raw.trim()).trim().to_string();
        row.present.push(column);
        match column {
            Column::Id => {
                if !value.is_empty() {
                    match value.parse::<i64>() {
                        Ok(id) if id > 0 => row.id = Some(id),
                        _ => errors.push(FieldError::new(
                            "Id",
                            format!("\"{value}\" is not a lead id"),
                        )),
                    }
                }
            }
            Column::Name => f.name = value,
            Column::Status => f.status = value.to_lowercase(),
            Column::NamePrefix => f.name_prefix = value,
            Column::FirstName => f.first_name = value,
            Column::MiddleName => f.middle_name = value,
            Column::LastName => f.last_name = value,
            Column::NameSuffix => f.name_suffix = value,
            Column::JobTitle => f.job_title = value,
            Column::Company => f.company_name = value,
            Column::Website => f.website = value,
            Column::Employees => f.number_of_employees = value,
            Column::Industry => f.industry = value,
            Column::Source => row.source = Some(value),
            Column::Owner => row.owner = Some(value),
            Column::Tags => f.tags = value,
            Column::Twitter => f.twitter = value,
            Column::LinkedIn => f.linkedin = value,
            Column::Notes => f.notes = value,
            Column::Email(n) => {
                let i = usize::from(n) - 1;
                if f.emails.len() <= i {
                    f.emails.resize_with(i + 1, EmailInput::default);
                }
                f.emails[i].email = value;
            }
            Column::Phone(n) => {
                let i = usize::from(n) - 1;
                if f.phones.len() <= i {
                    f.phones.resize_with(i + 1, PhoneInput::default);
                }
                f.phones[i].phone = value;
            }
            Column::Address(n, part) => {
                let i = usize::from(n) - 1;
                if f.addresses.len() <= i {
                    f.addresses.resize_with(i + 1, AddressInput::default);
                }
                let a = &mut f.addresses[i];
                *match part {
                    AddressPart::Label => &mut a.label,
                    AddressPart::Street => &mut a.street,
                    AddressPart::Street2 => &mut a.street2,
                    AddressPart::City => &mut a.city,
                    AddressPart::PostalCode => &mut a.postal_code,
                    AddressPart::Region => &mut a.region,
                    AddressPart::Country => &mut a.country,
                } = if part == AddressPart::Country {
                    value.to_uppercase()
                } else {
                    value
                };
            }
            Column::CreatedAt | Column::UpdatedAt => {}
        }
    }
    // The first non-blank entry of each list is the primary one; blank
    // entries (gaps in the numbering) are dropped.
    f.emails.retain(|e| !e.email.is_empty());
    if let Some(first) = f.emails.first_mut() {
        first.primary = true;
    }
    f.phones.retain(|p| !p.phone.is_empty());
    if let Some(first) = f.phones.first_mut() {
        first.primary = true;
    }
    f.addresses.retain(|a| *a != AddressInput::default());
    if let Some(first) = f.addresses.first_mut() {
        first.primary = true;
    }
    if errors.is_empty() {
        Ok(row)
    } else {
        Err(errors)
    }
}

/// The template: the full header (one email, phone and address) and one
/// example row.
pub fn template() -> String {
    let columns = full_columns(Layout::default());
    let example = LeadRecord {
        id: 0,
        name: "Acme GmbH - demo request".into(),
        status: LeadStatus::New,
        first_name: Some("Ada".into()),
        last_name: Some("Lovelace".into()),
        job_title: Some("CTO".into()),
        company_name: Some("Acme GmbH".into()),
        website: Some("https://acme.example".into()),
        number_of_employees: Some(250),
        industry: Some("Software".into()),
        source: Some("Website".into()),
        tags: vec!["trade show".into(), "2026".into()],
        notes: Some("Met at the fair; wants a demo".into()),
        emails: vec!["ada@acme.example".into()],
        phones: vec!["+49 30 1234567".into()],
        addresses: vec![LeadAddress {
            label: Some("Head office".into()),
            street: Some("Hauptstraße 1".into()),
            city: Some("Berlin".into()),
            postal_code: Some("10115".into()),
            country: "DE".into(),
            primary: true,
            ..Default::default()
        }],
        ..Default::default()
    };
    let mut out = String::new();
    write_header(&mut out, &columns);
    // The example has no id (new leads get one) and no timestamps.
    let cells = columns.iter().map(|c| match c {
        Column::Id | Column::CreatedAt | Column::UpdatedAt => Cow::Borrowed(""),
        c => c.cell(&example),
    });
    write_cells(&mut out, cells);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_get_one_apostrophe_and_lose_it_on_reading() {
        for value in [
            "=1+1",
            "+1 555 0100",
            "-5",
            "@SUM(A1)",
            "\tx",
            "'=x",
            "''+y",
            "'plain",
            "plain",
            "",
            "a=b",
        ] {
            let cell = neutralise(value);
            assert_eq!(restore(&cell), value, "{value:?}");
            if value.trim_start_matches('\'').starts_with(FORMULA_STARTS) {
                assert!(cell.starts_with('\''), "{value:?} must be neutralised");
            } else {
                assert_eq!(cell, value, "{value:?} must be left alone");
            }
        }
        assert_eq!(neutralise("+1 555 0100"), "'+1 555 0100");
    }

    #[test]
    fn every_header_names_its_column() {
        let columns = full_columns(Layout {
            emails: 3,
            phones: 2,
            addresses: 2,
        });
        for column in &columns {
            assert_eq!(Column::from_header(&column.header()), Some(*column));
        }
        assert_eq!(Column::from_header(" lead NAME "), Some(Column::Name));
        assert_eq!(
            Column::from_header("Emails 12 Email"),
            Some(Column::Email(12))
        );
        assert_eq!(Column::from_header("Emails 0 Email"), None);
        assert_eq!(Column::from_header("Favourite colour"), None);
    }

    #[test]
    fn cells_with_delimiters_are_quoted() {
        let mut out = String::new();
        write_cells(
            &mut out,
            ["a,b", "say \"hi\"", "two\nlines", "plain"]
                .into_iter()
                .map(Cow::Borrowed),
        );
        assert_eq!(out, "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",plain\r\n");
    }

    #[test]
    fn a_row_reads_back_into_a_form() {
        let columns: Vec<Option<Column>> = [
            "Id",
            "Lead name",
            "Status Id",
            "Emails 1 Email",
            "Emails 2 Email",
            "Phones 1 Phone",
            "Address 1 Country ISO2 code",
            "Address 1 City",
            "Unknown",
        ]
        .iter()
        .map(|h| Column::from_header(h))
        .collect();
        let row = read_row(
            &columns,
            &[
                "7",
                " Acme ",
                "NEW",
                "",
                "b@x.example",
                "'+1 555 0100",
                "de",
                "Berlin",
                "x",
            ],
        )
        .unwrap();
        assert_eq!(row.id, Some(7));
        assert_eq!(row.form.name, "Acme");
        assert_eq!(row.form.status, "new");
        assert_eq!(row.form.emails.len(), 1);
        assert!(row.form.emails[0].primary);
        assert_eq!(row.form.phones[0].phone, "+1 555 0100");
        assert_eq!(row.form.addresses[0].country, "DE");
        assert_eq!(row.present.len(), 8);
        let errors = read_row(&columns, &["seven", "x"]).unwrap_err();
        assert_eq!(errors[0].field, "Id");
    }

    #[test]
    fn the_template_has_the_full_header_and_an_example() {
        let text = template();
        let mut lines = text.lines();
        let header = lines.next().unwrap();
        assert!(header.starts_with("Id,Lead name,Status Id,"));
        assert!(header.contains("Emails 1 Email,Phones 1 Phone,Address 1 Label"));
        let example = lines.next().unwrap();
        assert!(example.contains("'+49 30 1234567"));
    }
}
