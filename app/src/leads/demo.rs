//! Realistic generated leads, for trying the app and for every benchmark.
//! Deterministic: the same seed gives the same leads.

use chrono::{Duration, SubsecRound, Utc};
use rand::{rngs::SmallRng, seq::SliceRandom, Rng, SeedableRng};

use super::{
    model::{AddressInput, EmailInput, LeadForm, PhoneInput, ValidLead},
    store,
};
use crate::{error::AppError, store::Store, users::model::Scope};

const FIRST: &[&str] = &[
    "Ada",
    "Grace",
    "Linus",
    "Alan",
    "Barbara",
    "Ken",
    "Dennis",
    "Margaret",
    "Edsger",
    "Donald",
    "Frances",
    "John",
    "Radia",
    "Tim",
    "Jürgen",
    "Siobhán",
    "Zoë",
    "François",
    "Mei",
    "Arjun",
    "Olga",
    "Kwame",
    "Lucía",
    "Hiroshi",
    "Ingrid",
    "Mateo",
    "Priya",
    "Sven",
    "Amara",
    "Noah",
];
const LAST: &[&str] = &[
    "Lovelace",
    "Hopper",
    "Torvalds",
    "Turing",
    "Liskov",
    "Thompson",
    "Ritchie",
    "Hamilton",
    "Dijkstra",
    "Knuth",
    "Allen",
    "Backus",
    "Perlman",
    "Berners-Lee",
    "Müller",
    "O'Brien",
    "Ångström",
    "Weiß",
    "Chen",
    "Patel",
    "Nakamura",
    "Okafor",
    "García",
    "Johansson",
    "Rossi",
];
const COMPANY: &[&str] = &[
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark",
    "Wayne",
    "Wonka",
    "Cyberdyne",
    "Soylent",
    "Tyrell",
    "Aperture",
    "Vandelay",
    "Pied Piper",
    "Massive Dynamic",
    "Nakatomi",
    "Oceanic",
    "Gringotts",
    "Monarch",
    "Dunder Mifflin",
];
const SUFFIX: &[&str] = &["Ltd", "GmbH", "Inc.", "LLC", "AB", "SA", "plc", "KK"];
const CITIES: &[(&str, &str, &str)] = &[
    ("Berlin", "DE", "+49 30"),
    ("Munich", "DE", "+49 89"),
    ("Paris", "FR", "+33 1"),
    ("Lyon", "FR", "+33 4"),
    ("London", "GB", "+44 20"),
    ("Manchester", "GB", "+44 161"),
    ("New York", "US", "+1 212"),
    ("Austin", "US", "+1 512"),
    ("Chicago", "US", "+1 312"),
    ("Tokyo", "JP", "+81 3"),
    ("Sydney", "AU", "+61 2"),
    ("Toronto", "CA", "+1 416"),
    ("Madrid", "ES", "+34 91"),
    ("Stockholm", "SE", "+46 8"),
    ("Milan", "IT", "+39 02"),
    ("Lagos", "NG", "+234 1"),
    ("São Paulo", "BR", "+55 11"),
    ("Mumbai", "IN", "+91 22"),
];
const TITLES: &[&str] = &[
    "CEO",
    "CTO",
    "Head of Procurement",
    "Buyer",
    "IT Manager",
    "Operations Director",
    "Engineer",
    "",
];
const INDUSTRIES: &[&str] = &[
    "Software",
    "Manufacturing",
    "Energy",
    "Retail",
    "Finance",
    "Healthcare",
    "Education",
    "Logistics",
    "",
];
const TOPICS: &[&str] = &[
    "renewal",
    "expansion",
    "inquiry",
    "demo request",
    "trade show",
    "pilot",
    "upgrade",
];
const STREETS: &[&str] = &[
    "Main St",
    "High Street",
    "Hauptstraße",
    "Rue de la Paix",
    "Market Road",
    "Station Road",
];
const TAGS: &[&str] = &[
    "vip",
    "trade show",
    "webinar",
    "partner referral",
    "budget approved",
    "cold",
];

/// One realistic lead form; `i` keeps emails unique across a run.
pub fn demo_lead(rng: &mut SmallRng, i: usize) -> LeadForm {
    let pick =
        |rng: &mut SmallRng, list: &[&'static str]| *list.choose(rng).expect("non-empty list");
    let first = pick(rng, FIRST);
    let last = pick(rng, LAST);
    let company = format!("{} {}", pick(rng, COMPANY), pick(rng, SUFFIX));
    let domain: String = company
        .split_whitespace()
        .next()
        .unwrap_or("example")
        .to_lowercase()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let local: String = first
        .to_lowercase()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let (city, country, prefix) = *CITIES.choose(rng).expect("non-empty list");
    let status = match rng.gen_range(0..10) {
        0..=5 => "new",
        6..=7 => "qualified",
        _ => "canceled",
    };
    let mut emails = vec![EmailInput {
        email: format!("{local}.{i}@{domain}.example"),
        primary: true,
    }];
    if rng.gen_bool(0.2) {
        emails.push(EmailInput {
            email: format!("{local}.{i}@mail.example"),
            primary: false,
        });
    }
    let tags: Vec<&str> = TAGS
        .iter()
        .copied()
        .filter(|_| rng.gen_bool(0.12))
        .collect();
    LeadForm {
        name: format!("{company} – {} {i}", pick(rng, TOPICS)),
        status: status.into(),
        company_name: company,
        source_id: match rng.gen_range(0..9) {
            0 | 8 => String::new(),
            n => n.to_string(),
        },
        notes: if rng.gen_bool(0.2) {
            "Met at the fair; wants a demo.".into()
        } else {
            String::new()
        },
        first_name: first.into(),
        last_name: last.into(),
        job_title: pick(rng, TITLES).into(),
        emails,
        phones: vec![PhoneInput {
            phone: format!("{prefix} {}", rng.gen_range(1_000_000..9_999_999)),
            primary: true,
        }],
        addresses: vec![AddressInput {
            street: format!("{} {}", rng.gen_range(1..999), pick(rng, STREETS)),
            city: city.into(),
            postal_code: rng.gen_range(10000..99999).to_string(),
            country: country.into(),
            primary: true,
            ..Default::default()
        }],
        website: if rng.gen_bool(0.6) {
            format!("https://{domain}.example")
        } else {
            String::new()
        },
        number_of_employees: if rng.gen_bool(0.7) {
            rng.gen_range(1..50_000).to_string()
        } else {
            String::new()
        },
        industry: pick(rng, INDUSTRIES).into(),
        tags: tags.join(", "),
        ..Default::default()
    }
}

/// Adds `count` generated leads, created over the last two years, in
/// batches of 1,000 (each batch one transaction). Owners are spread over
/// the active users, with about one lead in ten left unassigned.
pub async fn fill(store: &Store, count: usize, seed: u64) -> Result<(), AppError> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let start = store::count_leads(store, Scope::All).await? as usize;
    let owners: Vec<i64> = crate::users::store::list_assignees(store, Scope::All)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    let now = Utc::now().trunc_subsecs(3);
    let mut batch = Vec::with_capacity(1000);
    for i in 0..count {
        let form = demo_lead(&mut rng, start + i);
        let lead = ValidLead::parse(&form).map_err(|fields| AppError::Validation { fields })?;
        let age = Duration::milliseconds(rng.gen_range(0..730_i64 * 24 * 3600 * 1000));
        let owner = if owners.is_empty() || rng.gen_bool(0.1) {
            None
        } else {
            Some(owners[rng.gen_range(0..owners.len())])
        };
        batch.push((lead, now - age, owner));
        if batch.len() == 1000 {
            store::insert_leads(store, &batch).await?;
            batch.clear();
        }
    }
    if !batch.is_empty() {
        store::insert_leads(store, &batch).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_lead_passes_validation() {
        let mut rng = SmallRng::seed_from_u64(7);
        for i in 0..2000 {
            let form = demo_lead(&mut rng, i);
            assert!(ValidLead::parse(&form).is_ok(), "{form:?}");
        }
    }
}
