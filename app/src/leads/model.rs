//! Lead types shared by browser and server: the form as typed, the parsed
//! lead that storage accepts, and the lead as read back.
//!
//! Parse, don't validate: `ValidLead::try_from(LeadForm)` is the only way to
//! get a value that storage will write, and the same code runs live in the
//! form and again on the server.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::fields::{
    parse_long_text, parse_short_text, CountryCode, EmailAddress, EmployeeCount, LeadName,
    PhoneNumber, Tag, WebsiteUrl, MAX_TAGS,
};
use crate::error::FieldError;

/// The lifecycle state of a lead. The codes never change.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LeadStatus {
    /// Being worked (`new`).
    #[default]
    New,
    /// Converted into an opportunity (`qualified`).
    Qualified,
    /// Disqualified (`canceled`).
    Canceled,
}

impl LeadStatus {
    /// Every status, in pipeline order.
    pub const ALL: [LeadStatus; 3] = [Self::New, Self::Qualified, Self::Canceled];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Qualified => "qualified",
            Self::Canceled => "canceled",
        }
    }

    /// The label users see.
    pub fn label(self) -> &'static str {
        match self {
            Self::New => "New",
            Self::Qualified => "Qualified",
            Self::Canceled => "Disqualified",
        }
    }

    /// Parses a stored code (`new`, `qualified`, `canceled`).
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// What changing a lead's status from one to another means, by the rules
/// of the lead page's buttons (the board's drag and the mass action
/// follow them too).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusMove {
    /// To Qualified: through the qualify wizard (it creates an opportunity).
    Qualify,
    /// To Disqualified.
    Disqualify,
    /// Back to New.
    Reactivate,
    /// Nothing to do: already there.
    Stay,
    /// Not allowed, with the reason.
    Refused(&'static str),
}

impl LeadStatus {
    /// What moving from this status to `to` means.
    pub fn move_to(self, to: LeadStatus) -> StatusMove {
        use LeadStatus::*;
        match (self, to) {
            (a, b) if a == b => StatusMove::Stay,
            (New, Qualified) => StatusMove::Qualify,
            (_, Canceled) => StatusMove::Disqualify,
            (_, New) => StatusMove::Reactivate,
            _ => StatusMove::Refused(
                "A disqualified lead is reactivated before it can be qualified.",
            ),
        }
    }
}

/// One email row of the form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EmailInput {
    /// The address as typed.
    pub email: String,
    /// Whether this is the lead's primary email.
    pub primary: bool,
}

/// One phone row of the form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PhoneInput {
    /// The number as typed.
    pub phone: String,
    /// Whether this is the lead's primary phone.
    pub primary: bool,
}

/// One address block of the form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AddressInput {
    /// A free label such as "Billing" or "Head office".
    pub label: String,
    /// First street line.
    pub street: String,
    /// Second street line.
    pub street2: String,
    /// City.
    pub city: String,
    /// Postal code.
    pub postal_code: String,
    /// Region, state or province.
    pub region: String,
    /// ISO-3166 alpha-2 country code.
    pub country: String,
    /// Whether this is the lead's primary address.
    pub primary: bool,
}

impl AddressInput {
    fn is_blank(&self) -> bool {
        [
            &self.label,
            &self.street,
            &self.street2,
            &self.city,
            &self.postal_code,
            &self.region,
            &self.country,
        ]
        .iter()
        .all(|s| s.trim().is_empty())
    }
}

/// A lead as typed into the form (or sent by an API client): every value a
/// string, nothing trusted yet.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LeadForm {
    /// Lead name (required).
    pub name: String,
    /// Status code; blank means `new`.
    pub status: String,
    /// Company name.
    pub company_name: String,
    /// Lead source id; blank means no source.
    pub source_id: String,
    /// Owner: a user id, `none` for unassigned, blank for the default (the
    /// creator on create, unchanged on edit).
    pub owner_id: String,
    /// Additional comments.
    pub notes: String,
    /// Name prefix (Mr, Dr …).
    pub name_prefix: String,
    /// First name.
    pub first_name: String,
    /// Middle name.
    pub middle_name: String,
    /// Last name.
    pub last_name: String,
    /// Name suffix (Jr, PhD …).
    pub name_suffix: String,
    /// Job title.
    pub job_title: String,
    /// Email rows; blank rows are ignored.
    pub emails: Vec<EmailInput>,
    /// Phone rows; blank rows are ignored.
    pub phones: Vec<PhoneInput>,
    /// Twitter handle or URL.
    pub twitter: String,
    /// LinkedIn handle or URL.
    pub linkedin: String,
    /// Address blocks; entirely blank blocks are ignored.
    pub addresses: Vec<AddressInput>,
    /// Website (http or https URL).
    pub website: String,
    /// Number of employees, digits only.
    pub number_of_employees: String,
    /// Industry, free text.
    pub industry: String,
    /// Tags, separated by commas.
    pub tags: String,
}

impl LeadForm {
    /// The form for a new lead: status New, one empty email and phone row.
    pub fn new_lead() -> Self {
        Self {
            status: LeadStatus::New.code().to_string(),
            emails: vec![EmailInput {
                primary: true,
                ..Default::default()
            }],
            phones: vec![PhoneInput {
                primary: true,
                ..Default::default()
            }],
            ..Default::default()
        }
    }
}

/// A parsed email of a lead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidEmail {
    /// The address.
    pub email: EmailAddress,
    /// Whether it is the primary one.
    pub primary: bool,
}

/// A parsed phone of a lead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidPhone {
    /// The number.
    pub phone: PhoneNumber,
    /// Whether it is the primary one.
    pub primary: bool,
}

/// A parsed address of a lead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidAddress {
    /// Free label.
    pub label: Option<String>,
    /// First street line.
    pub street: Option<String>,
    /// Second street line.
    pub street2: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// Country (required).
    pub country: CountryCode,
    /// Whether it is the primary one.
    pub primary: bool,
}

/// Whom the form assigns the lead to. Whether the user may do so is
/// decided on the server (see `users::model::CurrentUser::may_assign_to`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OwnerChoice {
    /// The creator on create; unchanged on edit.
    #[default]
    Default,
    /// Nobody.
    Unassigned,
    /// This user.
    User(i64),
}

impl OwnerChoice {
    /// Parses the form value: blank, `none`, or a user id.
    pub fn parse(value: &str) -> Result<Self, String> {
        match value.trim() {
            "" => Ok(Self::Default),
            "none" => Ok(Self::Unassigned),
            id => id
                .parse::<i64>()
                .map(Self::User)
                .map_err(|_| "Unknown owner".to_string()),
        }
    }
}

/// A lead whose every field has been parsed: the only input storage accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidLead {
    /// Lead name.
    pub name: LeadName,
    /// Status.
    pub status: LeadStatus,
    /// Company name.
    pub company_name: Option<String>,
    /// Source id (existence is checked by storage).
    pub source_id: Option<i64>,
    /// Whom to assign it to.
    pub owner: OwnerChoice,
    /// Additional comments.
    pub notes: Option<String>,
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
    /// Emails, exactly one primary if any.
    pub emails: Vec<ValidEmail>,
    /// Phones, exactly one primary if any.
    pub phones: Vec<ValidPhone>,
    /// Twitter.
    pub twitter: Option<String>,
    /// LinkedIn.
    pub linkedin: Option<String>,
    /// Addresses, exactly one primary if any.
    pub addresses: Vec<ValidAddress>,
    /// Website.
    pub website: Option<WebsiteUrl>,
    /// Number of employees.
    pub number_of_employees: Option<EmployeeCount>,
    /// Industry.
    pub industry: Option<String>,
    /// Tags, unique case-insensitively, in the order given.
    pub tags: Vec<Tag>,
}

/// Collects field errors while parsing, so the user sees all of them at once.
#[derive(Default)]
struct Errors(Vec<FieldError>);

impl Errors {
    fn take<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.0.push(FieldError::new(field, message));
                None
            }
        }
    }

    fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }
}

/// Checks the "exactly one primary" rule; with none marked, the first wins.
fn settle_primary<T>(
    rows: &mut [T],
    flag: fn(&mut T) -> &mut bool,
    field: &str,
    what: &str,
    errors: &mut Errors,
) {
    match rows
        .iter_mut()
        .map(|row| *flag(row))
        .filter(|primary| *primary)
        .count()
    {
        0 => {
            if let Some(first) = rows.first_mut() {
                *flag(first) = true;
            }
        }
        1 => {}
        _ => errors.push(field, format!("Only one {what} can be primary")),
    }
}

impl TryFrom<LeadForm> for ValidLead {
    type Error = Vec<FieldError>;

    fn try_from(form: LeadForm) -> Result<Self, Self::Error> {
        ValidLead::parse(&form)
    }
}

impl ValidLead {
    /// Parses a form, returning every problem found (not just the first).
    pub fn parse(form: &LeadForm) -> Result<Self, Vec<FieldError>> {
        let mut e = Errors::default();
        let short = |e: &mut Errors, field: &str, value: &str| {
            e.take(field, parse_short_text(value)).flatten()
        };
        let name = e.take("name", LeadName::parse(&form.name));
        let status = match form.status.trim() {
            "" => Some(LeadStatus::New),
            code => e.take(
                "status",
                LeadStatus::from_code(code).ok_or_else(|| format!("Unknown status \"{code}\"")),
            ),
        };
        let source_id = match form.source_id.trim() {
            "" => Some(None),
            id => e.take(
                "source_id",
                id.parse::<i64>()
                    .map(Some)
                    .map_err(|_| "Unknown lead source".to_string()),
            ),
        };
        let owner = e.take("owner_id", OwnerChoice::parse(&form.owner_id));
        let company_name = short(&mut e, "company_name", &form.company_name);
        let notes = e.take("notes", parse_long_text(&form.notes)).flatten();
        let name_prefix = short(&mut e, "name_prefix", &form.name_prefix);
        let first_name = short(&mut e, "first_name", &form.first_name);
        let middle_name = short(&mut e, "middle_name", &form.middle_name);
        let last_name = short(&mut e, "last_name", &form.last_name);
        let name_suffix = short(&mut e, "name_suffix", &form.name_suffix);
        let job_title = short(&mut e, "job_title", &form.job_title);
        let twitter = short(&mut e, "twitter", &form.twitter);
        let linkedin = short(&mut e, "linkedin", &form.linkedin);
        let industry = short(&mut e, "industry", &form.industry);
        let website = match form.website.trim() {
            "" => None,
            _ => e.take("website", WebsiteUrl::parse(&form.website)),
        };
        let number_of_employees = match form.number_of_employees.trim() {
            "" => None,
            _ => e.take(
                "number_of_employees",
                EmployeeCount::parse(&form.number_of_employees),
            ),
        };
        let emails = parse_emails(&form.emails, &mut e);
        let phones = parse_phones(&form.phones, &mut e);
        let addresses = parse_addresses(&form.addresses, &mut e);
        let tags = parse_tags(&form.tags, &mut e);

        if !e.0.is_empty() {
            return Err(e.0);
        }
        Ok(ValidLead {
            name: name.expect("checked above"),
            status: status.expect("checked above"),
            company_name,
            source_id: source_id.expect("checked above"),
            owner: owner.expect("checked above"),
            notes,
            name_prefix,
            first_name,
            middle_name,
            last_name,
            name_suffix,
            job_title,
            emails,
            phones,
            twitter,
            linkedin,
            addresses,
            website,
            number_of_employees,
            industry,
            tags,
        })
    }
}

/// Parses the emails, phones and addresses of a person (a lead or a
/// contact) with the lead's rules: valid values, no duplicates, exactly one
/// primary of each. Field keys are `emails.N.email` and so on.
pub fn parse_channels(
    emails: &[EmailInput],
    phones: &[PhoneInput],
    addresses: &[AddressInput],
) -> (
    Vec<ValidEmail>,
    Vec<ValidPhone>,
    Vec<ValidAddress>,
    Vec<FieldError>,
) {
    let mut e = Errors::default();
    let emails = parse_emails(emails, &mut e);
    let phones = parse_phones(phones, &mut e);
    let addresses = parse_addresses(addresses, &mut e);
    (emails, phones, addresses, e.0)
}

fn parse_emails(rows: &[EmailInput], e: &mut Errors) -> Vec<ValidEmail> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if row.email.trim().is_empty() {
            continue;
        }
        let field = format!("emails.{i}.email");
        if let Some(email) = e.take(&field, EmailAddress::parse(&row.email)) {
            if !seen.insert(email.as_str().to_lowercase()) {
                e.push(field, "This email is already listed");
                continue;
            }
            out.push(ValidEmail {
                email,
                primary: row.primary,
            });
        }
    }
    settle_primary(&mut out, |row| &mut row.primary, "emails", "email", e);
    out
}

fn parse_phones(rows: &[PhoneInput], e: &mut Errors) -> Vec<ValidPhone> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if row.phone.trim().is_empty() {
            continue;
        }
        let field = format!("phones.{i}.phone");
        if let Some(phone) = e.take(&field, PhoneNumber::parse(&row.phone)) {
            if !seen.insert(phone.key()) {
                e.push(field, "This phone is already listed");
                continue;
            }
            out.push(ValidPhone {
                phone,
                primary: row.primary,
            });
        }
    }
    settle_primary(&mut out, |row| &mut row.primary, "phones", "phone", e);
    out
}

fn parse_addresses(rows: &[AddressInput], e: &mut Errors) -> Vec<ValidAddress> {
    let mut out = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if row.is_blank() {
            continue;
        }
        let f = |name: &str| format!("addresses.{i}.{name}");
        let short = |e: &mut Errors, name: &str, value: &str| {
            e.take(&f(name), parse_short_text(value)).flatten()
        };
        let label = short(e, "label", &row.label);
        let street = short(e, "street", &row.street);
        let street2 = short(e, "street2", &row.street2);
        let city = short(e, "city", &row.city);
        let postal_code = short(e, "postal_code", &row.postal_code);
        let region = short(e, "region", &row.region);
        let country = e.take(&f("country"), CountryCode::parse(&row.country));
        if let Some(country) = country {
            out.push(ValidAddress {
                label,
                street,
                street2,
                city,
                postal_code,
                region,
                country,
                primary: row.primary,
            });
        }
    }
    settle_primary(&mut out, |row| &mut row.primary, "addresses", "address", e);
    out
}

fn parse_tags(text: &str, e: &mut Errors) -> Vec<Tag> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for part in text.split(',').filter(|p| !p.trim().is_empty()) {
        match Tag::parse(part) {
            Ok(tag) => {
                if seen.insert(tag.as_str().to_lowercase()) {
                    out.push(tag);
                }
            }
            Err(message) => e.push("tags", message),
        }
    }
    if out.len() > MAX_TAGS {
        e.push("tags", format!("At most {MAX_TAGS} tags"));
    }
    out
}

/// A lead source as chosen in the form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadSource {
    /// Id.
    pub id: i64,
    /// Display name.
    pub name: String,
}

/// A user as shown next to a lead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerRef {
    /// Id.
    pub id: i64,
    /// Display name.
    pub name: String,
}

/// One change in a lead's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (their name at the time of reading).
    pub user: Option<String>,
    /// Which field (`status`, `opportunity`, `disqualify_reason` …).
    pub field: String,
    /// The value before.
    pub old_value: Option<String>,
    /// The value after.
    pub new_value: Option<String>,
}

/// A stored email of a lead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadEmail {
    /// Address.
    pub email: String,
    /// Primary flag.
    pub primary: bool,
}

/// A stored phone of a lead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadPhone {
    /// Number.
    pub phone: String,
    /// Primary flag.
    pub primary: bool,
}

/// A stored address of a lead.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadAddress {
    /// Label.
    pub label: Option<String>,
    /// First street line.
    pub street: Option<String>,
    /// Second street line.
    pub street2: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// ISO alpha-2 country code.
    pub country: String,
    /// Primary flag.
    pub primary: bool,
}

impl LeadAddress {
    /// The address as form input, as the user would have typed it.
    pub fn to_input(&self) -> AddressInput {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        AddressInput {
            label: s(&self.label),
            street: s(&self.street),
            street2: s(&self.street2),
            city: s(&self.city),
            postal_code: s(&self.postal_code),
            region: s(&self.region),
            country: self.country.clone(),
            primary: self.primary,
        }
    }

    /// One line for display: street, postal code + city, region, country.
    pub fn one_line(&self) -> String {
        let city = [self.postal_code.as_deref(), self.city.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        [
            self.street.clone(),
            self.street2.clone(),
            Some(city).filter(|c| !c.is_empty()),
            self.region.clone(),
            Some(super::fields::country_name(&self.country).to_string()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// A lead as read back from storage, with everything the lead page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lead {
    /// Id.
    pub id: i64,
    /// Optimistic-concurrency token.
    pub version: i64,
    /// Lead name.
    pub name: String,
    /// Status.
    pub status: LeadStatus,
    /// Company name.
    pub company_name: Option<String>,
    /// Source.
    pub source: Option<LeadSource>,
    /// Owner.
    pub owner: Option<OwnerRef>,
    /// Additional comments.
    pub notes: Option<String>,
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
    /// Twitter.
    pub twitter: Option<String>,
    /// LinkedIn.
    pub linkedin: Option<String>,
    /// Addresses, primary first.
    pub addresses: Vec<LeadAddress>,
    /// Website.
    pub website: Option<String>,
    /// Number of employees.
    pub number_of_employees: Option<i64>,
    /// Industry.
    pub industry: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Created (UTC).
    pub created_at: DateTime<Utc>,
    /// Last updated (UTC).
    pub updated_at: DateTime<Utc>,
    /// The account it was qualified into.
    pub account: Option<crate::opportunities::model::Ref>,
    /// Its contact.
    pub contact: Option<crate::opportunities::model::Ref>,
    /// The opportunity it became.
    pub opportunity: Option<crate::opportunities::model::Ref>,
}

impl Lead {
    /// Whether the Qualify action applies: a New lead without an
    /// opportunity.
    pub fn can_qualify(&self) -> bool {
        self.opportunity.is_none() && self.status == LeadStatus::New
    }

    /// Whether the Reactivate action applies (qualified or disqualified).
    pub fn can_reactivate(&self) -> bool {
        self.status != LeadStatus::New
    }

    /// The person's full name from its parts, if any part is set.
    pub fn person_name(&self) -> Option<String> {
        let parts: Vec<&str> = [
            &self.name_prefix,
            &self.first_name,
            &self.middle_name,
            &self.last_name,
            &self.name_suffix,
        ]
        .into_iter()
        .filter_map(|p| p.as_deref())
        .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    }

    /// The lead as an editable form, as the user would have typed it.
    pub fn to_form(&self) -> LeadForm {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        LeadForm {
            name: self.name.clone(),
            status: self.status.code().to_string(),
            company_name: s(&self.company_name),
            source_id: self
                .source
                .as_ref()
                .map(|src| src.id.to_string())
                .unwrap_or_default(),
            owner_id: self
                .owner
                .as_ref()
                .map_or_else(|| "none".to_string(), |o| o.id.to_string()),
            notes: s(&self.notes),
            name_prefix: s(&self.name_prefix),
            first_name: s(&self.first_name),
            middle_name: s(&self.middle_name),
            last_name: s(&self.last_name),
            name_suffix: s(&self.name_suffix),
            job_title: s(&self.job_title),
            emails: self
                .emails
                .iter()
                .map(|e| EmailInput {
                    email: e.email.clone(),
                    primary: e.primary,
                })
                .collect(),
            phones: self
                .phones
                .iter()
                .map(|p| PhoneInput {
                    phone: p.phone.clone(),
                    primary: p.primary,
                })
                .collect(),
            twitter: s(&self.twitter),
            linkedin: s(&self.linkedin),
            addresses: self.addresses.iter().map(LeadAddress::to_input).collect(),
            website: s(&self.website),
            number_of_employees: self
                .number_of_employees
                .map(|n| n.to_string())
                .unwrap_or_default(),
            industry: s(&self.industry),
            tags: self.tags.join(", "),
        }
    }
}

/// One row of the lead list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadRow {
    /// Id.
    pub id: i64,
    /// Lead name.
    pub name: String,
    /// Status.
    pub status: LeadStatus,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Primary email.
    pub email: Option<String>,
    /// Primary phone.
    pub phone: Option<String>,
    /// Company.
    pub company_name: Option<String>,
    /// Country code of the primary address.
    pub country: Option<String>,
    /// City of the primary address.
    pub city: Option<String>,
    /// Postal code of the primary address.
    pub postal_code: Option<String>,
    /// Owner's id.
    pub owner_id: Option<i64>,
    /// Owner's display name.
    pub owner: Option<String>,
    /// Source name.
    pub source: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// A position in the list: the sort value of a row (`None`: empty) and its
/// id, the tie-breaker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadCursor {
    /// The row's value of the sort column, as text (dates in
    /// milliseconds, the status as its rank).
    pub key: Option<String>,
    /// The row's id.
    pub id: i64,
}

impl LeadCursor {
    /// The cursor pointing at `row` in a list sorted by `column`.
    pub fn of(row: &LeadRow, column: super::grid::GridColumn) -> Self {
        use super::grid::GridColumn as C;
        let key = match column {
            C::Created => Some(row.created_at.timestamp_millis().to_string()),
            C::Updated => Some(row.updated_at.timestamp_millis().to_string()),
            C::Status => Some(
                LeadStatus::ALL
                    .iter()
                    .position(|s| *s == row.status)
                    .unwrap_or(0)
                    .to_string(),
            ),
            C::Name => Some(row.name.clone()),
            C::FirstName => row.first_name.clone(),
            C::LastName => row.last_name.clone(),
            C::Email => row.email.clone(),
            C::Phone => row.phone.clone(),
            C::Company => row.company_name.clone(),
            C::Country => row.country.clone(),
            C::City => row.city.clone(),
            C::PostalCode => row.postal_code.clone(),
            C::Owner => row.owner.clone(),
            C::Source => row.source.clone(),
        };
        Self { key, id: row.id }
    }

    /// The URL form: `<key>_<id>`, the key prefixed by `v` (a value) or
    /// alone `n` (none).
    pub fn encode(&self) -> String {
        match &self.key {
            Some(key) => format!("v{key}_{}", self.id),
            None => format!("n_{}", self.id),
        }
    }

    /// Parses the URL form; `None` for anything malformed.
    pub fn decode(text: &str) -> Option<Self> {
        let (key, id) = text.rsplit_once('_')?;
        let id = id.parse().ok()?;
        let key = match key.strip_prefix('v') {
            Some(value) => Some(value.to_string()),
            None if key == "n" => None,
            None => return None,
        };
        Some(Self { key, id })
    }

    /// The key as milliseconds (for date sorts).
    pub fn millis(&self) -> Option<i64> {
        self.key.as_deref()?.parse().ok()
    }
}

/// Which page of the list to load.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LeadPageRequest {
    /// Load the rows after this cursor (in the list's order).
    pub before: Option<LeadCursor>,
    /// Load the rows before this cursor (in the list's order).
    pub after: Option<LeadCursor>,
    /// Rows per page (clamped to 1..=200, default 50).
    pub limit: Option<u32>,
    /// The order (default: Created, newest first).
    pub sort: Option<super::grid::GridSort>,
    /// Also count the matching leads per status (a query of its own).
    pub with_counts: bool,
    /// Which leads (default: all the user may see). Travels separately,
    /// as URL parameters (see `api::list_leads`).
    #[serde(skip)]
    pub filter: super::filter::LeadFilter,
}

impl LeadPageRequest {
    /// The page size to use.
    pub fn page_size(&self) -> u32 {
        self.limit.unwrap_or(50).clamp(1, 200)
    }
}

/// How many leads match, per status and in all.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCounts {
    /// Per status (every status, in pipeline order) for the filter without
    /// its status part: the counts beside the status filter.
    pub per_status: Vec<(LeadStatus, i64)>,
    /// How many match the whole filter.
    pub total: i64,
}

/// One page of the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadPage {
    /// The rows, in the list's order.
    pub rows: Vec<LeadRow>,
    /// Cursor for the next page, if there is one.
    pub older: Option<LeadCursor>,
    /// Cursor for the previous page, if there is one.
    pub newer: Option<LeadCursor>,
    /// The counts, when asked for.
    pub counts: Option<StatusCounts>,
}

/// What to look for when checking for duplicates before saving.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct DuplicateProbe {
    /// The lead being edited (never its own duplicate).
    pub exclude_id: Option<i64>,
    /// Emails, as typed.
    pub emails: Vec<String>,
    /// Phones, as typed.
    pub phones: Vec<String>,
}

impl DuplicateProbe {
    /// The probe for a form: its parseable emails and phones only.
    pub fn of_form(form: &LeadForm, exclude_id: Option<i64>) -> Self {
        Self {
            exclude_id,
            emails: form
                .emails
                .iter()
                .filter_map(|e| EmailAddress::parse(&e.email).ok())
                .map(|e| e.as_str().to_string())
                .collect(),
            phones: form
                .phones
                .iter()
                .filter_map(|p| PhoneNumber::parse(&p.phone).ok())
                .map(|p| p.as_str().to_string())
                .collect(),
        }
    }

    /// Whether there is anything to look for.
    pub fn is_empty(&self) -> bool {
        self.emails.is_empty() && self.phones.is_empty()
    }
}

/// An existing lead that shares an email or phone with the one being edited.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateLead {
    /// Id.
    pub id: i64,
    /// Lead name.
    pub name: String,
    /// The shared email or phone.
    pub matched_on: String,
}

impl ValidLead {
    /// The lead's searchable text, as stored with it (see `super::search`).
    pub fn search_text(&self) -> String {
        super::search::search_text(
            self.name.as_str(),
            self.first_name.as_deref(),
            self.last_name.as_deref(),
            self.company_name.as_deref(),
            self.emails.iter().map(|e| e.email.as_str()),
        )
    }

    /// The digits of the lead's phones, as stored with it.
    pub fn phone_text(&self) -> String {
        super::search::phone_text(self.phones.iter().map(|p| p.phone.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(name: &str) -> LeadForm {
        LeadForm {
            name: name.into(),
            ..Default::default()
        }
    }

    fn errors_of(form: LeadForm) -> Vec<FieldError> {
        ValidLead::try_from(form).expect_err("the form should be rejected")
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_minimal_lead_parses_with_status_new() {
        let lead = ValidLead::try_from(form("  Acme deal  ")).unwrap();
        assert_eq!(lead.name.as_str(), "Acme deal");
        assert_eq!(lead.status, LeadStatus::New);
        assert!(lead.emails.is_empty());
    }

    #[test]
    fn a_new_lead_form_starts_as_new_and_its_empty_rows_are_ignored() {
        let mut f = LeadForm::new_lead();
        f.name = "x".into();
        let lead = ValidLead::try_from(f).unwrap();
        assert_eq!(lead.status, LeadStatus::New);
        assert!(lead.emails.is_empty() && lead.phones.is_empty());
    }

    #[test]
    fn a_lead_without_a_name_is_rejected() {
        assert_eq!(fields(&errors_of(form("   "))), ["name"]);
    }

    #[test]
    fn an_unknown_status_is_rejected() {
        let mut f = form("x");
        f.status = "won".into();
        let errors = errors_of(f);
        assert_eq!(fields(&errors), ["status"]);
        assert!(errors[0].message.contains("won"));
    }

    #[test]
    fn every_status_code_round_trips() {
        for status in LeadStatus::ALL {
            assert_eq!(LeadStatus::from_code(status.code()), Some(status));
        }
        assert_eq!(LeadStatus::Canceled.label(), "Disqualified");
    }

    #[test]
    fn a_non_numeric_source_is_rejected() {
        let mut f = form("x");
        f.source_id = "web".into();
        assert_eq!(fields(&errors_of(f)), ["source_id"]);
    }

    #[test]
    fn all_problems_are_reported_at_once() {
        let mut f = form("");
        f.website = "ftp://x.example".into();
        f.number_of_employees = "-3".into();
        f.emails = vec![EmailInput {
            email: "nope".into(),
            primary: true,
        }];
        let errors = errors_of(f);
        assert_eq!(
            fields(&errors),
            ["name", "website", "number_of_employees", "emails.0.email"]
        );
    }

    #[test]
    fn ten_kilobytes_in_a_short_field_is_rejected() {
        let mut f = form("x");
        f.job_title = "a".repeat(10_000);
        assert_eq!(fields(&errors_of(f)), ["job_title"]);
    }

    #[test]
    fn blank_email_rows_are_ignored_and_a_single_email_becomes_primary() {
        let mut f = form("x");
        f.emails = vec![
            EmailInput::default(),
            EmailInput {
                email: " ada@example.com ".into(),
                primary: false,
            },
        ];
        let lead = ValidLead::try_from(f).unwrap();
        assert_eq!(lead.emails.len(), 1);
        assert_eq!(lead.emails[0].email.as_str(), "ada@example.com");
        assert!(lead.emails[0].primary);
    }

    #[test]
    fn two_primary_emails_are_rejected() {
        let mut f = form("x");
        f.emails = ["a@example.com", "b@example.com"]
            .map(|email| EmailInput {
                email: email.into(),
                primary: true,
            })
            .to_vec();
        let errors = errors_of(f);
        assert_eq!(fields(&errors), ["emails"]);
        assert!(errors[0].message.contains("primary"));
    }

    #[test]
    fn two_primary_phones_and_addresses_are_rejected() {
        let mut f = form("x");
        f.phones = ["+1 555 0100", "+1 555 0101"]
            .map(|phone| PhoneInput {
                phone: phone.into(),
                primary: true,
            })
            .to_vec();
        f.addresses = ["DE", "FR"]
            .map(|country| AddressInput {
                country: country.into(),
                primary: true,
                ..Default::default()
            })
            .to_vec();
        assert_eq!(fields(&errors_of(f)), ["phones", "addresses"]);
    }

    #[test]
    fn the_same_email_twice_in_one_lead_is_rejected_whatever_its_case() {
        let mut f = form("x");
        f.emails = vec![
            EmailInput {
                email: "Ada@Example.com".into(),
                primary: true,
            },
            EmailInput {
                email: "ada@example.com".into(),
                primary: false,
            },
        ];
        assert_eq!(fields(&errors_of(f)), ["emails.1.email"]);
    }

    #[test]
    fn the_same_phone_twice_in_one_lead_is_rejected_however_it_is_spaced() {
        let mut f = form("x");
        f.phones = vec![
            PhoneInput {
                phone: "+1 555 0100".into(),
                primary: true,
            },
            PhoneInput {
                phone: "+15550100".into(),
                primary: false,
            },
        ];
        assert_eq!(fields(&errors_of(f)), ["phones.1.phone"]);
    }

    #[test]
    fn an_address_without_a_country_is_rejected() {
        let mut f = form("x");
        f.addresses = vec![AddressInput {
            city: "Berlin".into(),
            ..Default::default()
        }];
        let errors = errors_of(f);
        assert_eq!(fields(&errors), ["addresses.0.country"]);
    }

    #[test]
    fn an_entirely_blank_address_is_ignored() {
        let mut f = form("x");
        f.addresses = vec![AddressInput::default()];
        assert!(ValidLead::try_from(f).unwrap().addresses.is_empty());
    }

    #[test]
    fn tags_are_split_trimmed_and_deduplicated() {
        let mut f = form("x");
        f.tags = " vip, Trade show ,VIP,, ".into();
        let lead = ValidLead::try_from(f).unwrap();
        let tags: Vec<&str> = lead.tags.iter().map(|t| t.as_str()).collect();
        assert_eq!(tags, ["vip", "Trade show"]);
    }

    #[test]
    fn a_form_round_trips_through_a_stored_lead() {
        let lead = Lead {
            id: 7,
            version: 3,
            name: "Deal".into(),
            status: LeadStatus::Qualified,
            company_name: Some("Acme".into()),
            source: Some(LeadSource {
                id: 2,
                name: "Website".into(),
            }),
            owner: None,
            notes: None,
            name_prefix: None,
            first_name: Some("Ada".into()),
            middle_name: None,
            last_name: Some("Lovelace".into()),
            name_suffix: None,
            job_title: None,
            emails: vec![LeadEmail {
                email: "ada@example.com".into(),
                primary: true,
            }],
            phones: vec![],
            twitter: None,
            linkedin: None,
            addresses: vec![LeadAddress {
                city: Some("London".into()),
                country: "GB".into(),
                primary: true,
                ..Default::default()
            }],
            website: None,
            number_of_employees: Some(12),
            industry: None,
            tags: vec!["a".into(), "b".into()],
            created_at: Utc::now(),
            updated_at: Utc::now(),
            account: None,
            contact: None,
            opportunity: None,
        };
        let parsed = ValidLead::try_from(lead.to_form()).unwrap();
        assert_eq!(parsed.status, LeadStatus::Qualified);
        assert_eq!(parsed.source_id, Some(2));
        assert_eq!(parsed.number_of_employees.map(|n| n.get()), Some(12));
        assert_eq!(parsed.tags.len(), 2);
        assert_eq!(lead.person_name().as_deref(), Some("Ada Lovelace"));
        assert_eq!(
            lead.addresses[0].one_line(),
            "London, United Kingdom of Great Britain and Northern Ireland"
        );
    }

    #[test]
    fn a_cursor_survives_the_url_and_garbage_is_refused() {
        let cursor = LeadCursor {
            key: Some("1700000000123".to_string()),
            id: 42,
        };
        assert_eq!(LeadCursor::decode(&cursor.encode()), Some(cursor));
        let odd = LeadCursor {
            key: Some("Acme_ Ltd & Co".to_string()),
            id: 7,
        };
        assert_eq!(LeadCursor::decode(&odd.encode()), Some(odd));
        let none = LeadCursor { key: None, id: 3 };
        assert_eq!(LeadCursor::decode(&none.encode()), Some(none));
        assert_eq!(LeadCursor::decode("abc"), None);
        assert_eq!(LeadCursor::decode("1_x"), None);
    }

    #[test]
    fn the_duplicate_probe_takes_only_parseable_values() {
        let mut f = form("x");
        f.emails = vec![
            EmailInput {
                email: "half@".into(),
                primary: true,
            },
            EmailInput {
                email: " ok@example.com".into(),
                primary: false,
            },
        ];
        let probe = DuplicateProbe::of_form(&f, Some(3));
        assert_eq!(probe.emails, ["ok@example.com"]);
        assert_eq!(probe.exclude_id, Some(3));
    }
}
