//! The leads a viewer may see, held in the browser in a compact form and
//! filtered there on every keystroke.
//!
//! The server sends them once as plain text (`encode_*`, one line per
//! lead, compressed on the wire); the browser decodes them into a
//! `LeadIndex` and runs the list's filters, sort and per-status counts
//! over it with the same rules the server's SQL follows (`leads::search`
//! for the text, `LeadFilter` for the rest). Live updates patch it in
//! place.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use memchr::memmem::Finder;

use super::{
    filter::{LeadFilter, RefFilter},
    grid::{GridColumn, GridSort},
    model::{LeadRow, LeadStatus},
    search::{self, SearchWord},
};

/// The first line of the format, with its version.
pub const FORMAT: &str = "leadline-index 1";

/// One lead as the index format carries it (empty text: none).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndexRecord {
    /// Id.
    pub id: i64,
    /// Status.
    pub status: LeadStatus,
    /// Lead name.
    pub name: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Company.
    pub company: String,
    /// Every email, the primary first.
    pub emails: Vec<String>,
    /// Every phone, the primary first.
    pub phones: Vec<String>,
    /// Country code of the primary address.
    pub country: String,
    /// City of the primary address.
    pub city: String,
    /// Postal code of the primary address.
    pub postal_code: String,
    /// Owner's id.
    pub owner_id: Option<i64>,
    /// Source's id.
    pub source_id: Option<i64>,
    /// Number of employees.
    pub employees: Option<i64>,
    /// Created, in milliseconds since 1970 (UTC).
    pub created_ms: i64,
    /// Last changed, in milliseconds since 1970 (UTC).
    pub updated_ms: i64,
}

// ------------------------------------------------------------------ format

fn push_escaped(out: &mut String, text: &str) {
    if !text.contains(['\\', '\t', '\n', '\r', '\u{1f}']) {
        out.push_str(text);
        return;
    }
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{1f}' => out.push_str("\\u"),
            ch => out.push(ch),
        }
    }
}

fn unescape(text: &str) -> String {
    if !text.contains('\\') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(ch) = chars.next() {
        if ch != '\\' {
            out.push(ch);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('u') => out.push('\u{1f}'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

fn push_opt(out: &mut String, value: Option<i64>) {
    if let Some(v) = value {
        out.push_str(&v.to_string());
    }
}

/// Writes the format's first lines: the version and who is looking.
pub fn encode_head(out: &mut String, me: i64) {
    out.push_str(FORMAT);
    out.push('\n');
    out.push_str(&format!("M\t{me}\n"));
}

/// Writes a user (an owner's name) line.
pub fn encode_user(out: &mut String, id: i64, name: &str) {
    out.push_str(&format!("U\t{id}\t"));
    push_escaped(out, name);
    out.push('\n');
}

/// Writes a lead source line.
pub fn encode_source(out: &mut String, id: i64, name: &str) {
    out.push_str(&format!("S\t{id}\t"));
    push_escaped(out, name);
    out.push('\n');
}

/// Writes one lead's line.
pub fn encode_record(out: &mut String, r: &IndexRecord) {
    out.push_str("L\t");
    out.push_str(&r.id.to_string());
    out.push('\t');
    out.push(match r.status {
        LeadStatus::New => 'n',
        LeadStatus::Qualified => 'q',
        LeadStatus::Canceled => 'c',
    });
    for text in [&r.name, &r.first_name, &r.last_name, &r.company] {
        out.push('\t');
        push_escaped(out, text);
    }
    for list in [&r.emails, &r.phones] {
        out.push('\t');
        for (i, item) in list.iter().enumerate() {
            if i > 0 {
                out.push('\u{1f}');
            }
            push_escaped(out, item);
        }
    }
    for text in [&r.country, &r.city, &r.postal_code] {
        out.push('\t');
        push_escaped(out, text);
    }
    for value in [r.owner_id, r.source_id, r.employees] {
        out.push('\t');
        push_opt(out, value);
    }
    out.push_str(&format!("\t{}\t{}\n", r.created_ms, r.updated_ms));
}

/// Writes the last line: how many leads came before it (a response cut
/// short is then told from a complete one).
pub fn encode_end(out: &mut String, leads: u64) {
    out.push_str(&format!("E\t{leads}\n"));
}

/// Writes the line that says the viewer may see more leads than the
/// browser is given (`limit`): the list then filters on the server.
pub fn encode_too_many(out: &mut String, total: i64, limit: i64) {
    out.push_str(&format!("X\t{total}\t{limit}\n"));
}

/// Why a text is not in the index format.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the lead index is damaged at line {line}: {problem}")]
pub struct FormatError {
    /// The line (from 1).
    pub line: usize,
    /// What is wrong.
    pub problem: &'static str,
}

/// The decoded text of an index response.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Decoded {
    /// The viewer's user id.
    pub me: i64,
    /// Owners' names by id.
    pub users: Vec<(i64, String)>,
    /// Sources' names by id.
    pub sources: Vec<(i64, String)>,
    /// The leads.
    pub records: Vec<IndexRecord>,
    /// Set when there are more leads than the browser is given: how many
    /// the viewer may see, and the limit.
    pub too_many: Option<(i64, i64)>,
}

fn parse_opt(text: &str, line: usize) -> Result<Option<i64>, FormatError> {
    if text.is_empty() {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| FormatError {
        line,
        problem: "a number is not a number",
    })
}

fn parse_num(text: &str, line: usize) -> Result<i64, FormatError> {
    parse_opt(text, line)?.ok_or(FormatError {
        line,
        problem: "a number is missing",
    })
}

fn split_list(text: &str) -> Vec<String> {
    if text.is_empty() {
        Vec::new()
    } else {
        text.split('\u{1f}').map(unescape).collect()
    }
}

/// Reads an index response.
pub fn decode(text: &str) -> Result<Decoded, FormatError> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, FORMAT)) => {}
        _ => {
            return Err(FormatError {
                line: 1,
                problem: "this is not a lead index of a version this page reads",
            })
        }
    }
    let mut out = Decoded::default();
    let mut ended = false;
    for (i, line) in lines {
        let n = i + 1;
        let mut parts = line.split('\t');
        let bad = |problem| FormatError { line: n, problem };
        match parts.next() {
            Some("M") => out.me = parse_num(parts.next().unwrap_or(""), n)?,
            Some(kind @ ("U" | "S")) => {
                let id = parse_num(parts.next().unwrap_or(""), n)?;
                let name = unescape(parts.next().ok_or(bad("a name is missing"))?);
                if kind == "U" {
                    out.users.push((id, name));
                } else {
                    out.sources.push((id, name));
                }
            }
            Some("L") => {
                let f: Vec<&str> = parts.collect();
                if f.len() != 16 {
                    return Err(bad("a lead line has the wrong number of fields"));
                }
                let status = match f[1] {
                    "n" => LeadStatus::New,
                    "q" => LeadStatus::Qualified,
                    "c" => LeadStatus::Canceled,
                    _ => return Err(bad("unknown status")),
                };
                out.records.push(IndexRecord {
                    id: parse_num(f[0], n)?,
                    status,
                    name: unescape(f[2]),
                    first_name: unescape(f[3]),
                    last_name: unescape(f[4]),
                    company: unescape(f[5]),
                    emails: split_list(f[6]),
                    phones: split_list(f[7]),
                    country: unescape(f[8]),
                    city: unescape(f[9]),
                    postal_code: unescape(f[10]),
                    owner_id: parse_opt(f[11], n)?,
                    source_id: parse_opt(f[12], n)?,
                    employees: parse_opt(f[13], n)?,
                    created_ms: parse_num(f[14], n)?,
                    updated_ms: parse_num(f[15], n)?,
                });
            }
            Some("X") => {
                let total = parse_num(parts.next().unwrap_or(""), n)?;
                let limit = parse_num(parts.next().unwrap_or(""), n)?;
                out.too_many = Some((total, limit));
            }
            Some("E") => {
                let count = parse_num(parts.next().unwrap_or(""), n)?;
                if count != out.records.len() as i64 {
                    return Err(bad("the number of leads does not match the end line"));
                }
                ended = true;
            }
            Some("") | None => {}
            Some(_) => return Err(bad("unknown line")),
        }
    }
    if !ended {
        return Err(FormatError {
            line: text.lines().count(),
            problem: "the response ended early",
        });
    }
    Ok(out)
}

// ------------------------------------------------------------------- index

/// The shown text fields of a row, in this order.
const NAME: usize = 0;
const FIRST: usize = 1;
const LAST: usize = 2;
const EMAIL: usize = 3;
const PHONE: usize = 4;
const COMPANY: usize = 5;
const COUNTRY: usize = 6;
const CITY: usize = 7;
const POSTAL: usize = 8;

/// One lead in the index.
#[derive(Clone, Debug)]
struct Row {
    id: i64,
    status: LeadStatus,
    owner: Option<i64>,
    source: Option<i64>,
    employees: Option<i64>,
    created_ms: i64,
    updated_ms: i64,
    text: [Box<str>; 9],
    /// Searchable text (see `leads::search`).
    hay: Box<str>,
    /// Phone digits.
    phones: Box<str>,
}

impl Row {
    fn of(r: IndexRecord) -> Self {
        let hay = search::search_text(
            &r.name,
            Some(&r.first_name),
            Some(&r.last_name),
            Some(&r.company),
            r.emails.iter().map(String::as_str),
        );
        let phones = search::phone_text(r.phones.iter().map(String::as_str));
        let email = r.emails.into_iter().next().unwrap_or_default();
        let phone = r.phones.into_iter().next().unwrap_or_default();
        Self {
            id: r.id,
            status: r.status,
            owner: r.owner_id,
            source: r.source_id,
            employees: r.employees,
            created_ms: r.created_ms,
            updated_ms: r.updated_ms,
            text: [
                r.name.into(),
                r.first_name.into(),
                r.last_name.into(),
                email.into(),
                phone.into(),
                r.company.into(),
                r.country.into(),
                r.city.into(),
                r.postal_code.into(),
            ],
            hay: hay.into(),
            phones: phones.into(),
        }
    }
}

/// The leads a viewer may see, ready to filter.
/// Text of every row laid end to end, each row's followed by a NUL (which
/// no search word holds): one long haystack searched in one pass, with the
/// row of a match found from the offsets.
#[derive(Debug, Default)]
struct Column {
    bytes: Vec<u8>,
    /// Where row `i` starts; one more entry, the end.
    starts: Vec<u32>,
}

impl Column {
    fn build<'a>(texts: impl Iterator<Item = &'a str>) -> Self {
        let mut column = Self::default();
        for text in texts {
            column.starts.push(column.bytes.len() as u32);
            column.bytes.extend_from_slice(text.as_bytes());
            column.bytes.push(0);
        }
        column.starts.push(column.bytes.len() as u32);
        column
    }

    fn row(&self, i: usize) -> &[u8] {
        &self.bytes[self.starts[i] as usize..self.starts[i + 1] as usize - 1]
    }

    /// Sets the bit of every row whose text contains `finder`'s needle.
    fn mark(&self, finder: &Finder<'_>, bits: &mut [u64]) {
        let mut at = 0_usize;
        let mut row = 0_usize;
        while let Some(found) = finder.find(&self.bytes[at..]) {
            let offset = (at + found) as u32;
            // Rows are in offset order: walk forward to the one holding it.
            while self.starts[row + 1] <= offset {
                row += 1;
            }
            let end = self.starts[row + 1] as usize - 1;
            if at + found + finder.needle().len() > end {
                // It runs into the next row (a needle with a NUL): not a
                // match; look again just after it.
                at += found + 1;
                continue;
            }
            bits[row / 64] |= 1 << (row % 64);
            // One match is enough: go on from the next row.
            at = self.starts[row + 1] as usize;
            if at >= self.bytes.len() {
                break;
            }
        }
    }
}

#[derive(Debug, Default)]
pub struct LeadIndex {
    rows: Vec<Row>,
    /// Each row's status (as `status_index`), apart: counting and the
    /// status filter read only these bytes.
    statuses: Vec<u8>,
    hay: Column,
    phones: Column,
    by_id: HashMap<i64, u32>,
    users: HashMap<i64, String>,
    sources: HashMap<i64, String>,
    me: i64,
    version: u64,
    sorted: Mutex<HashMap<GridSort, Arc<Vec<u32>>>>,
}

/// A filter compiled for the index.
struct Compiled {
    words: Vec<(Finder<'static>, Option<Finder<'static>>)>,
    source: Option<RefFilter>,
    owner: Option<RefFilter>,
    country: Option<String>,
    created: (i64, i64),
    updated: (i64, i64),
    employees: (i64, i64),
}

fn day_ms(day: NaiveDate) -> i64 {
    day.and_time(NaiveTime::MIN).and_utc().timestamp_millis()
}

/// `[from, to)` in milliseconds for an inclusive day range.
fn day_range(from: Option<NaiveDate>, to: Option<NaiveDate>) -> (i64, i64) {
    (
        from.map(day_ms).unwrap_or(i64::MIN),
        to.map(|d| day_ms(d.succ_opt().unwrap_or(d)))
            .unwrap_or(i64::MAX),
    )
}

impl Compiled {
    fn new(filter: &LeadFilter, me: i64) -> Self {
        let mut filter = filter.clone();
        filter.resolve_me(me);
        Self {
            words: filter
                .words()
                .into_iter()
                .map(|w: SearchWord| {
                    (
                        Finder::new(w.text.as_bytes()).into_owned(),
                        w.digits.map(|d| Finder::new(d.as_bytes()).into_owned()),
                    )
                })
                .collect(),
            source: filter.source,
            owner: filter.owner,
            country: filter.country.clone(),
            created: day_range(filter.created_from, filter.created_to),
            updated: day_range(filter.updated_from, filter.updated_to),
            employees: (
                filter.employees_min.unwrap_or(i64::MIN),
                filter.employees_max.unwrap_or(i64::MAX),
            ),
        }
    }

    /// Whether `row` matches every part but the status.
    fn matches(&self, row: &Row) -> bool {
        let by_ref = |wanted: Option<RefFilter>, value: Option<i64>| match wanted {
            None => true,
            Some(RefFilter::Unset) => value.is_none(),
            Some(RefFilter::Id(id)) => value == Some(id),
            // Resolved before; an unresolved "me" matches nothing, as on
            // the server.
            Some(RefFilter::Me) => false,
        };
        if !by_ref(self.source, row.source) || !by_ref(self.owner, row.owner) {
            return false;
        }
        if let Some(country) = &self.country {
            if &*row.text[COUNTRY] != country.as_str() {
                return false;
            }
        }
        if row.created_ms < self.created.0 || row.created_ms >= self.created.1 {
            return false;
        }
        if row.updated_ms < self.updated.0 || row.updated_ms >= self.updated.1 {
            return false;
        }
        if self.employees != (i64::MIN, i64::MAX) {
            match row.employees {
                Some(n) if n >= self.employees.0 && n <= self.employees.1 => {}
                _ => return false,
            }
        }
        true
    }

    /// Whether row `i`'s text holds every word (one row at a time).
    fn text_matches(&self, index: &LeadIndex, i: usize) -> bool {
        self.words.iter().all(|(text, digits)| {
            text.find(index.hay.row(i)).is_some()
                || digits
                    .as_ref()
                    .is_some_and(|d| d.find(index.phones.row(i)).is_some())
        })
    }

    /// The rows whose text holds every word, as bits, found by searching
    /// all the text at once (faster when most rows are candidates).
    fn text_bits(&self, index: &LeadIndex) -> Vec<u64> {
        let words = index.rows.len().div_ceil(64);
        let mut all = vec![u64::MAX; words];
        for (text, digits) in &self.words {
            let mut bits = vec![0_u64; words];
            index.hay.mark(text, &mut bits);
            if let Some(digits) = digits {
                index.phones.mark(digits, &mut bits);
            }
            for (a, b) in all.iter_mut().zip(bits) {
                *a &= b;
            }
        }
        all
    }

    /// The candidates (row positions, in order) that match.
    fn select(&self, index: &LeadIndex, candidates: &[u32]) -> Vec<u32> {
        let rest = |i: &u32| self.matches(&index.rows[*i as usize]);
        if self.words.is_empty() {
            return candidates.iter().copied().filter(rest).collect();
        }
        // One pass over all the text beats a search per row once the
        // candidates are a good share of the rows.
        if candidates.len() >= index.rows.len() / 4 {
            let bits = self.text_bits(index);
            candidates
                .iter()
                .copied()
                .filter(|i| bits[*i as usize / 64] & (1 << (*i % 64)) != 0)
                .filter(rest)
                .collect()
        } else {
            candidates
                .iter()
                .copied()
                .filter(|i| self.text_matches(index, *i as usize))
                .filter(rest)
                .collect()
        }
    }
}

fn status_index(status: LeadStatus) -> usize {
    match status {
        LeadStatus::New => 0,
        LeadStatus::Qualified => 1,
        LeadStatus::Canceled => 2,
    }
}

fn ms_time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

impl LeadIndex {
    /// An index of decoded leads.
    pub fn new(decoded: Decoded) -> Self {
        let mut index = Self {
            me: decoded.me,
            users: decoded.users.into_iter().collect(),
            sources: decoded.sources.into_iter().collect(),
            rows: decoded.records.into_iter().map(Row::of).collect(),
            ..Self::default()
        };
        index.reindex();
        index
    }

    fn reindex(&mut self) {
        self.statuses = self
            .rows
            .iter()
            .map(|r| status_index(r.status) as u8)
            .collect();
        self.hay = Column::build(self.rows.iter().map(|r| &*r.hay));
        self.phones = Column::build(self.rows.iter().map(|r| &*r.phones));
        self.by_id = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id, i as u32))
            .collect();
        self.version += 1;
        self.sorted
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// How many leads it holds.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Changes with every patch: results computed before are stale.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The viewer's user id.
    pub fn me(&self) -> i64 {
        self.me
    }

    /// Brings in the answer to a request for `asked` ids: each returned
    /// lead is added or replaced, each asked one not returned (deleted, or
    /// no longer visible) is removed.
    pub fn patch(&mut self, asked: &[i64], answer: Decoded) {
        self.users.extend(answer.users);
        self.sources.extend(answer.sources);
        let returned: std::collections::HashSet<i64> =
            answer.records.iter().map(|r| r.id).collect();
        for record in answer.records {
            match self.by_id.get(&record.id) {
                Some(&i) => self.rows[i as usize] = Row::of(record),
                None => {
                    self.by_id.insert(record.id, self.rows.len() as u32);
                    self.rows.push(Row::of(record));
                }
            }
        }
        let gone: std::collections::HashSet<i64> = asked
            .iter()
            .copied()
            .filter(|id| !returned.contains(id))
            .collect();
        if !gone.is_empty() {
            self.rows.retain(|r| !gone.contains(&r.id));
        }
        self.reindex();
    }

    /// Whether the index holds lead `id`.
    pub fn contains(&self, id: i64) -> bool {
        self.by_id.contains_key(&id)
    }

    /// The lead at `row` (a position from a result), as the list shows it.
    pub fn row(&self, row: u32) -> Option<LeadRow> {
        let r = self.rows.get(row as usize)?;
        let text = |i: usize| (!r.text[i].is_empty()).then(|| r.text[i].to_string());
        Some(LeadRow {
            id: r.id,
            name: r.text[NAME].to_string(),
            status: r.status,
            first_name: text(FIRST),
            last_name: text(LAST),
            email: text(EMAIL),
            phone: text(PHONE),
            company_name: text(COMPANY),
            country: text(COUNTRY),
            city: text(CITY),
            postal_code: text(POSTAL),
            owner: r.owner.map(|id| self.user_name(id)),
            owner_id: r.owner,
            source: r.source.map(|id| self.source_name(id)),
            created_at: ms_time(r.created_ms),
            updated_at: ms_time(r.updated_ms),
        })
    }

    /// The lead id at `row`.
    pub fn id_at(&self, row: u32) -> Option<i64> {
        self.rows.get(row as usize).map(|r| r.id)
    }

    /// The status at `row`.
    pub fn status_at(&self, row: u32) -> Option<LeadStatus> {
        self.rows.get(row as usize).map(|r| r.status)
    }

    /// The source id at `row`.
    pub fn source_at(&self, row: u32) -> Option<i64> {
        self.rows.get(row as usize).and_then(|r| r.source)
    }

    /// The creation time at `row`, in milliseconds.
    pub fn created_ms_at(&self, row: u32) -> Option<i64> {
        self.rows.get(row as usize).map(|r| r.created_ms)
    }

    /// An owner's name ("User #id" when unknown).
    pub fn user_name(&self, id: i64) -> String {
        self.users
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("User #{id}"))
    }

    /// A source's name ("Source #id" when unknown).
    pub fn source_name(&self, id: i64) -> String {
        self.sources
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("Source #{id}"))
    }

    /// Every source the index knows, by name.
    pub fn sources(&self) -> Vec<(i64, String)> {
        let mut out: Vec<(i64, String)> =
            self.sources.iter().map(|(k, v)| (*k, v.clone())).collect();
        out.sort_by(|a, b| a.1.cmp(&b.1));
        out
    }

    /// The charts' figures for these rows.
    pub fn charts(&self, rows: &[u32], today: NaiveDate) -> super::charts::ChartData {
        super::charts::chart_data(
            rows.iter()
                .filter_map(|i| self.rows.get(*i as usize))
                .map(|r| {
                    (
                        r.status,
                        r.source
                            .and_then(|s| self.sources.get(&s))
                            .map(String::as_str),
                        ms_time(r.created_ms),
                    )
                }),
            today,
        )
    }

    /// Every row position, in `sort` order (computed once per version).
    pub fn sorted(&self, sort: GridSort) -> Arc<Vec<u32>> {
        if let Some(done) = self
            .sorted
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&sort)
        {
            return done.clone();
        }
        let mut order: Vec<u32> = (0..self.rows.len() as u32).collect();
        let rows = &self.rows;
        let by_id = |a: &u32, b: &u32| rows[*a as usize].id.cmp(&rows[*b as usize].id);
        match sort.column {
            GridColumn::Created => order.sort_unstable_by(|a, b| {
                rows[*a as usize]
                    .created_ms
                    .cmp(&rows[*b as usize].created_ms)
                    .then_with(|| by_id(a, b))
            }),
            GridColumn::Updated => order.sort_unstable_by(|a, b| {
                rows[*a as usize]
                    .updated_ms
                    .cmp(&rows[*b as usize].updated_ms)
                    .then_with(|| by_id(a, b))
            }),
            GridColumn::Status => order.sort_unstable_by(|a, b| {
                status_index(rows[*a as usize].status)
                    .cmp(&status_index(rows[*b as usize].status))
                    .then_with(|| by_id(a, b))
            }),
            column => {
                let keys: Vec<String> = rows.iter().map(|r| self.sort_key(r, column)).collect();
                order.sort_unstable_by(|a, b| {
                    keys[*a as usize]
                        .cmp(&keys[*b as usize])
                        .then_with(|| by_id(a, b))
                });
            }
        }
        if sort.descending {
            order.reverse();
        }
        let order = Arc::new(order);
        self.sorted
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(sort, order.clone());
        order
    }

    fn sort_key(&self, r: &Row, column: GridColumn) -> String {
        let text = match column {
            GridColumn::Name => &*r.text[NAME],
            GridColumn::FirstName => &*r.text[FIRST],
            GridColumn::LastName => &*r.text[LAST],
            GridColumn::Email => &*r.text[EMAIL],
            GridColumn::Phone => &*r.text[PHONE],
            GridColumn::Company => &*r.text[COMPANY],
            GridColumn::City => &*r.text[CITY],
            GridColumn::PostalCode => &*r.text[POSTAL],
            // By ISO code, as the server's index sorts it.
            GridColumn::Country => &*r.text[COUNTRY],
            GridColumn::Owner => {
                return r
                    .owner
                    .map(|id| search::lower(&self.user_name(id)))
                    .unwrap_or_default()
            }
            GridColumn::Source => {
                return r
                    .source
                    .map(|id| search::lower(&self.source_name(id)))
                    .unwrap_or_default()
            }
            GridColumn::Status | GridColumn::Created | GridColumn::Updated => "",
        };
        search::lower(text)
    }
}

// ---------------------------------------------------------------- results

/// What the list shows for a filter: the matching rows in order, and the
/// counts beside the status filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListResult {
    /// Row positions of the matching leads, in the list's order.
    pub rows: Arc<Vec<u32>>,
    /// The leads matching every part but the status, in order.
    pub base: Arc<Vec<u32>>,
    /// Per status (New, Qualified, Disqualified), of `base`.
    pub counts: [usize; 3],
    /// The index version these positions belong to.
    pub version: u64,
}

impl ListResult {
    /// The counts as the list shows them, in pipeline order.
    pub fn status_counts(&self) -> Vec<(LeadStatus, i64)> {
        LeadStatus::ALL
            .iter()
            .map(|s| (*s, self.counts[status_index(*s)] as i64))
            .collect()
    }
}

/// Runs filters over an index, reusing the last answer when the new filter
/// only narrows it (typing more letters searches only what matched).
/// How many recent answers a `Filterer` keeps (typing back over a word
/// finds each earlier answer there).
const REMEMBERED: usize = 32;

#[derive(Debug, Default)]
pub struct Filterer {
    /// Recent answers for filters without their status part, newest
    /// first, all of one version of the index and one sort.
    recent: Vec<(LeadFilter, Arc<Vec<u32>>)>,
    /// The version and sort of `recent`.
    of: Option<(u64, GridSort)>,
}

impl Filterer {
    pub fn run(&mut self, index: &LeadIndex, filter: &LeadFilter, sort: GridSort) -> ListResult {
        if self.of != Some((index.version, sort)) {
            self.recent.clear();
            self.of = Some((index.version, sort));
        }
        let base_filter = filter.without_status();
        let base = match self.recent.iter().position(|(f, _)| *f == base_filter) {
            Some(at) => {
                let hit = self.recent.remove(at);
                let rows = hit.1.clone();
                self.recent.insert(0, hit);
                rows
            }
            None => {
                // Start from the smallest earlier answer this filter
                // narrows, else from every lead.
                let candidates = self
                    .recent
                    .iter()
                    .filter(|(f, _)| narrows(&base_filter, f))
                    .min_by_key(|(_, rows)| rows.len())
                    .map(|(_, rows)| rows.clone())
                    .unwrap_or_else(|| index.sorted(sort));
                let compiled = Compiled::new(&base_filter, index.me);
                let rows = Arc::new(compiled.select(index, &candidates));
                self.recent.insert(0, (base_filter, rows.clone()));
                self.recent.truncate(REMEMBERED);
                rows
            }
        };
        let mut counts = [0_usize; 3];
        for i in base.iter() {
            counts[index.statuses[*i as usize] as usize] += 1;
        }
        let rows = if filter.status.is_empty() {
            base.clone()
        } else {
            let wanted: Vec<u8> = filter
                .status
                .iter()
                .map(|s| status_index(*s) as u8)
                .collect();
            Arc::new(
                base.iter()
                    .copied()
                    .filter(|i| wanted.contains(&index.statuses[*i as usize]))
                    .collect(),
            )
        };
        ListResult {
            rows,
            base,
            counts,
            version: index.version,
        }
    }
}

/// Whether every lead matching `new` also matches `old` (both without
/// status): the same filter but for more or longer words.
fn narrows(new: &LeadFilter, old: &LeadFilter) -> bool {
    let same_rest = LeadFilter {
        q: String::new(),
        ..new.clone()
    } == LeadFilter {
        q: String::new(),
        ..old.clone()
    };
    if !same_rest {
        return false;
    }
    let new_words = new.words();
    old.words()
        .iter()
        .all(|old_word| new_words.iter().any(|w| w.narrows(old_word)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: i64, name: &str) -> IndexRecord {
        IndexRecord {
            id,
            name: name.into(),
            created_ms: 1_700_000_000_000 + id * 86_400_000,
            updated_ms: 1_700_000_000_000 + id,
            ..Default::default()
        }
    }

    fn index(records: Vec<IndexRecord>) -> LeadIndex {
        LeadIndex::new(Decoded {
            me: 7,
            users: vec![(7, "Me".into()), (8, "Other".into())],
            sources: vec![(1, "Website".into())],
            records,
            ..Default::default()
        })
    }

    fn ids(index: &LeadIndex, result: &ListResult) -> Vec<i64> {
        result
            .rows
            .iter()
            .map(|r| index.id_at(*r).unwrap())
            .collect()
    }

    fn filter(query: &str) -> LeadFilter {
        LeadFilter::from_query(query).unwrap()
    }

    #[test]
    fn the_format_round_trips_every_field_and_odd_text() {
        let r = IndexRecord {
            id: 42,
            status: LeadStatus::Canceled,
            name: "Tab\there\\and\nnew line".into(),
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            company: "Unit\u{1f}Sep".into(),
            emails: vec!["a@x.io".into(), "b@x.io".into()],
            phones: vec!["+1 555".into()],
            country: "GB".into(),
            city: "London".into(),
            postal_code: "N1".into(),
            owner_id: Some(7),
            source_id: None,
            employees: Some(0),
            created_ms: -5,
            updated_ms: 9,
        };
        let mut text = String::new();
        encode_head(&mut text, 7);
        encode_user(&mut text, 7, "Ada\tL");
        encode_source(&mut text, 1, "Web");
        encode_record(&mut text, &r);
        encode_end(&mut text, 1);
        let decoded = decode(&text).unwrap();
        assert_eq!(decoded.me, 7);
        assert_eq!(decoded.users, vec![(7, "Ada\tL".to_string())]);
        assert_eq!(decoded.records, vec![r]);
    }

    #[test]
    fn a_damaged_index_is_refused_with_its_line() {
        assert_eq!(decode("hello").unwrap_err().line, 1);
        let err = decode(&format!("{FORMAT}\nL\t1\tn\n")).unwrap_err();
        assert_eq!(err.line, 2);
        let cut = decode(&format!("{FORMAT}\nM\t1\n")).unwrap_err();
        assert_eq!(cut.problem, "the response ended early");
    }

    #[test]
    fn text_filters_narrow_and_widen_again() {
        let mut a = record(1, "Acme GmbH");
        a.emails = vec!["sales@acme.io".into()];
        let mut b = record(2, "Beta");
        b.phones = vec!["+49 30 1234567".into()];
        let index = index(vec![a, b, record(3, "Acme Two")]);
        let mut f = Filterer::default();
        let sort = GridSort::default();
        assert_eq!(ids(&index, &f.run(&index, &filter("q=ac"), sort)), [3, 1]);
        assert_eq!(
            ids(&index, &f.run(&index, &filter("q=acme+two"), sort)),
            [3]
        );
        assert_eq!(ids(&index, &f.run(&index, &filter("q=ac"), sort)), [3, 1]);
        assert_eq!(
            ids(&index, &f.run(&index, &filter("q=sales%40"), sort)),
            [1]
        );
        assert_eq!(ids(&index, &f.run(&index, &filter("q=301-234"), sort)), [2]);
    }

    #[test]
    fn searching_all_the_text_at_once_and_row_by_row_agree() {
        // 40 leads: a first word that matches a few of them (searched in
        // one pass over all the text), then a longer filter that narrows
        // those few (searched row by row).
        let records: Vec<IndexRecord> = (1..=40)
            .map(|i| {
                let mut r = record(i, &format!("Lead {i}"));
                if i % 10 == 0 {
                    r.company = format!("Acme {}", if i == 20 { "Two" } else { "One" });
                }
                r.phones = vec![format!("+1 555 {i:04}")];
                r
            })
            .collect();
        let index = index(records);
        let mut f = Filterer::default();
        let sort = GridSort::default();
        assert_eq!(
            ids(&index, &f.run(&index, &filter("q=acme"), sort)),
            [40, 30, 20, 10]
        );
        assert_eq!(
            ids(&index, &f.run(&index, &filter("q=acme+two"), sort)),
            [20]
        );
        assert_eq!(
            ids(&index, &f.run(&index, &filter("q=acme+0030"), sort)),
            [30]
        );
        // The same answers from a fresh filterer (no earlier answers).
        assert_eq!(
            ids(
                &index,
                &Filterer::default().run(&index, &filter("q=acme+two"), sort)
            ),
            [20]
        );
        // A word never matches across two leads' text.
        assert_eq!(
            ids(&index, &f.run(&index, &filter("q=1%00lead"), sort)),
            [] as [i64; 0]
        );
        // Back to a wider filter: the earlier answer again.
        assert_eq!(
            ids(&index, &f.run(&index, &filter("q=acme"), sort)).len(),
            4
        );
        assert_eq!(ids(&index, &f.run(&index, &filter(""), sort)).len(), 40);
    }

    #[test]
    fn counts_ignore_the_status_filter_and_the_rows_follow_it() {
        let mut q = record(2, "Q");
        q.status = LeadStatus::Qualified;
        let index = index(vec![record(1, "N"), q]);
        let result =
            Filterer::default().run(&index, &filter("status=qualified"), GridSort::default());
        assert_eq!(ids(&index, &result), [2]);
        assert_eq!(result.counts, [1, 1, 0]);
    }

    #[test]
    fn owner_me_source_country_and_ranges_filter() {
        let mut mine = record(1, "Mine");
        mine.owner_id = Some(7);
        mine.source_id = Some(1);
        mine.country = "DE".into();
        mine.employees = Some(50);
        let mut theirs = record(2, "Theirs");
        theirs.owner_id = Some(8);
        let index = index(vec![mine, theirs, record(3, "Nobody's")]);
        let mut f = Filterer::default();
        let sort = GridSort::default();
        assert_eq!(ids(&index, &f.run(&index, &filter("owner=me"), sort)), [1]);
        assert_eq!(
            ids(&index, &f.run(&index, &filter("owner=none"), sort)),
            [3]
        );
        assert_eq!(
            ids(&index, &f.run(&index, &filter("source=1&country=de"), sort)),
            [1]
        );
        assert_eq!(
            ids(
                &index,
                &f.run(&index, &filter("employees_min=10&employees_max=50"), sort)
            ),
            [1]
        );
        // Lead 2 was created one day after lead 1.
        let day2 = ms_time(1_700_000_000_000 + 2 * 86_400_000).date_naive();
        let q = format!("created_from={day2}&created_to={day2}");
        assert_eq!(ids(&index, &f.run(&index, &filter(&q), sort)), [2]);
    }

    #[test]
    fn every_column_sorts_both_ways_with_ties_by_id() {
        let mut b = record(1, "beta");
        b.city = "Zurich".into();
        let mut a = record(2, "Alpha");
        a.city = "Zurich".into();
        let index = index(vec![b, a, record(3, "gamma")]);
        let mut f = Filterer::default();
        let by = |column, descending| GridSort { column, descending };
        let all = LeadFilter::default();
        assert_eq!(
            ids(&index, &f.run(&index, &all, by(GridColumn::Name, false))),
            [2, 1, 3]
        );
        assert_eq!(
            ids(&index, &f.run(&index, &all, by(GridColumn::Name, true))),
            [3, 1, 2]
        );
        assert_eq!(
            ids(&index, &f.run(&index, &all, by(GridColumn::City, false))),
            [3, 1, 2]
        );
        assert_eq!(
            ids(&index, &f.run(&index, &all, by(GridColumn::Created, true))),
            [3, 2, 1]
        );
    }

    #[test]
    fn a_patch_adds_replaces_and_removes() {
        let mut index = index(vec![record(1, "One"), record(2, "Two")]);
        let before = index.version();
        index.patch(
            &[2, 3, 1],
            Decoded {
                records: vec![record(3, "Three"), record(1, "Uno")],
                ..Default::default()
            },
        );
        assert!(index.version() > before);
        assert!(!index.contains(2));
        let result = Filterer::default().run(&index, &LeadFilter::default(), GridSort::default());
        let names: Vec<String> = result
            .rows
            .iter()
            .map(|r| index.row(*r).unwrap().name)
            .collect();
        assert_eq!(names, ["Three", "Uno"]);
    }
}
