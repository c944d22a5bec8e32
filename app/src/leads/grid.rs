//! The lead list's shape: its columns, its sort, and the whole state of a
//! list as it lives in the URL (filters, sort, visible columns, view), so
//! that a reload or a shared link shows the same list.

use serde::{Deserialize, Serialize};

use super::{
    filter::{encode_component, query_pairs, LeadFilter, RefFilter, FILTER_KEYS},
    saved_views::ListSettings,
};
use crate::error::FieldError;

/// A column of the lead list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum GridColumn {
    /// Lead name (always shown).
    Name,
    /// Status.
    Status,
    /// First name.
    FirstName,
    /// Last name.
    LastName,
    /// Primary email.
    Email,
    /// Primary phone.
    Phone,
    /// Company.
    Company,
    /// Country of the primary address.
    Country,
    /// City of the primary address.
    City,
    /// Postal code of the primary address.
    PostalCode,
    /// Owner.
    Owner,
    /// Source.
    Source,
    /// Created.
    Created,
    /// Last changed.
    Updated,
}

impl GridColumn {
    /// Every column, in the list's order.
    pub const ALL: [GridColumn; 14] = [
        Self::Name,
        Self::Status,
        Self::FirstName,
        Self::LastName,
        Self::Email,
        Self::Phone,
        Self::Company,
        Self::Country,
        Self::City,
        Self::PostalCode,
        Self::Owner,
        Self::Source,
        Self::Created,
        Self::Updated,
    ];

    /// The columns shown until the user chooses.
    pub const DEFAULT: [GridColumn; 9] = [
        Self::Name,
        Self::Status,
        Self::FirstName,
        Self::LastName,
        Self::Email,
        Self::Phone,
        Self::Company,
        Self::Owner,
        Self::Created,
    ];

    /// The URL code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Status => "status",
            Self::FirstName => "first_name",
            Self::LastName => "last_name",
            Self::Email => "email",
            Self::Phone => "phone",
            Self::Company => "company",
            Self::Country => "country",
            Self::City => "city",
            Self::PostalCode => "postal_code",
            Self::Owner => "owner",
            Self::Source => "source",
            Self::Created => "created",
            Self::Updated => "updated",
        }
    }

    /// Its width in the list (rem; the table is at least as wide as its
    /// columns, and wider ones share the rest). The default columns fit a
    /// 1280-pixel window.
    pub fn width_rem(self) -> f64 {
        match self {
            Self::Name => 10.25,
            Self::Status => 7.25,
            Self::FirstName | Self::LastName => 6.5,
            Self::Email => 10.5,
            Self::Phone => 8.5,
            Self::Company => 8.5,
            Self::Country => 8.0,
            Self::City => 7.0,
            Self::PostalCode => 5.5,
            Self::Owner | Self::Source => 7.5,
            Self::Created | Self::Updated => 6.0,
        }
    }

    /// The heading.
    pub fn label(self) -> &'static str {
        match self {
            Self::Name => "Lead name",
            Self::Status => "Status",
            Self::FirstName => "First name",
            Self::LastName => "Last name",
            Self::Email => "Primary email",
            Self::Phone => "Primary phone",
            Self::Company => "Company",
            Self::Country => "Country",
            Self::City => "City",
            Self::PostalCode => "Postal code",
            Self::Owner => "Owner",
            Self::Source => "Source",
            Self::Created => "Created",
            Self::Updated => "Updated",
        }
    }

    /// Parses a URL code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Whether the newest (largest) values come first when this column is
    /// first clicked (dates), rather than A to Z.
    pub fn descending_first(self) -> bool {
        matches!(self, Self::Created | Self::Updated)
    }

    /// Parses a comma-separated list of codes: the known columns in the
    /// list's order (the name always included), and a problem for each
    /// unknown code.
    pub fn parse_list(text: &str) -> (Vec<GridColumn>, Vec<FieldError>) {
        let mut errors = Vec::new();
        let mut chosen = vec![Self::Name];
        for code in text.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            match Self::from_code(code) {
                Some(c) if !chosen.contains(&c) => chosen.push(c),
                Some(_) => {}
                None => errors.push(FieldError::new(
                    "cols",
                    format!("Unknown column \"{code}\""),
                )),
            }
        }
        chosen.sort();
        (chosen, errors)
    }

    /// The URL form of a list of columns.
    pub fn list_code(columns: &[GridColumn]) -> String {
        columns
            .iter()
            .map(|c| c.code())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// The list's order: a column, ascending or descending; ties are broken by
/// the lead's id in the same direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GridSort {
    /// The column.
    pub column: GridColumn,
    /// Largest first.
    pub descending: bool,
}

impl Default for GridSort {
    /// Created, newest first.
    fn default() -> Self {
        Self {
            column: GridColumn::Created,
            descending: true,
        }
    }
}

impl GridSort {
    /// The URL form: the column's code, with `-` in front for descending.
    pub fn code(self) -> String {
        if self.descending {
            format!("-{}", self.column.code())
        } else {
            self.column.code().to_string()
        }
    }

    /// Parses the URL form.
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let (descending, code) = match text.strip_prefix('-') {
            Some(code) => (true, code),
            None => (false, text),
        };
        GridColumn::from_code(code.trim())
            .map(|column| Self { column, descending })
            .ok_or_else(|| FieldError::new("sort", format!("Unknown sort column \"{text}\"")))
    }

    /// The order after clicking `column`'s heading: the other direction
    /// when it is already the sort, else its natural first direction.
    pub fn toggled(self, column: GridColumn) -> Self {
        if self.column == column {
            Self {
                column,
                descending: !self.descending,
            }
        } else {
            Self {
                column,
                descending: column.descending_first(),
            }
        }
    }
}

/// Which of the built-in or saved views a list starts from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ViewKey {
    /// Open leads (status New): the default.
    #[default]
    Open,
    /// Every lead.
    All,
    /// The user's own leads.
    Mine,
    /// A view the user saved.
    Saved(i64),
}

impl ViewKey {
    /// The URL code (`open`, `all`, `mine`, or the saved view's id).
    pub fn code(self) -> String {
        match self {
            Self::Open => "open".into(),
            Self::All => "all".into(),
            Self::Mine => "mine".into(),
            Self::Saved(id) => id.to_string(),
        }
    }

    /// Parses the URL code.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "open" => Some(Self::Open),
            "all" => Some(Self::All),
            "mine" => Some(Self::Mine),
            id => id.parse().ok().filter(|id| *id > 0).map(Self::Saved),
        }
    }

    /// The filter of a built-in view (`None` for a saved one).
    pub fn builtin_query(self) -> Option<&'static str> {
        match self {
            Self::Open => Some("status=new"),
            Self::All => Some(""),
            Self::Mine => Some("owner=me"),
            Self::Saved(_) => None,
        }
    }
}

/// Everything the URL says about a list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListQuery {
    /// The view the list started from (`view=`), if named.
    pub view: Option<ViewKey>,
    /// Whether the URL holds filter parameters of its own (then they, not
    /// the view's, apply).
    pub has_filter: bool,
    /// The filters.
    pub filter: LeadFilter,
    /// The order (`sort=`), if given.
    pub sort: Option<GridSort>,
    /// The visible columns (`cols=`), if given.
    pub columns: Option<Vec<GridColumn>>,
    /// What in the URL was not understood and left out.
    pub notices: Vec<FieldError>,
}

impl ListQuery {
    /// Reads a list URL's query string; nothing in it is fatal: every bad
    /// part becomes a notice and is left out.
    pub fn parse(query: &str) -> Self {
        let pairs = query_pairs(query);
        let has_filter = pairs
            .iter()
            .any(|(k, v)| FILTER_KEYS.contains(&k.as_str()) && !v.trim().is_empty());
        let (filter, mut notices) =
            LeadFilter::parse_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let mut out = Self {
            has_filter,
            filter,
            ..Self::default()
        };
        for (key, value) in &pairs {
            let value = value.trim();
            match key.as_str() {
                "view" if !value.is_empty() => match ViewKey::parse(value) {
                    Some(view) => out.view = Some(view),
                    None => {
                        notices.push(FieldError::new("view", format!("Unknown view \"{value}\"")))
                    }
                },
                "sort" if !value.is_empty() => match GridSort::parse(value) {
                    Ok(sort) => out.sort = Some(sort),
                    Err(e) => notices.push(e),
                },
                "cols" if !value.is_empty() => {
                    let (columns, mut errors) = GridColumn::parse_list(value);
                    notices.append(&mut errors);
                    out.columns = Some(columns);
                }
                _ => {}
            }
        }
        out.notices = notices;
        out
    }

    /// The query string of a list: view, filters, sort and columns, in a
    /// fixed order, leaving out what is default.
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(view) = self.view {
            parts.push(format!("view={}", view.code()));
        }
        let filter = self.filter.to_query();
        if !filter.is_empty() {
            parts.push(filter);
        }
        if let Some(sort) = self.sort.filter(|s| *s != GridSort::default()) {
            parts.push(format!("sort={}", encode_component(&sort.code())));
        }
        if let Some(columns) = &self.columns {
            parts.push(format!(
                "cols={}",
                encode_component(&GridColumn::list_code(columns))
            ));
        }
        parts.join("&")
    }
}

/// The list as it is shown: the URL's parts, or else its view's, with
/// references to sources and owners that no longer exist left out (and
/// said so).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListState {
    /// The view it started from.
    pub view: ViewKey,
    /// The filters in effect.
    pub filter: LeadFilter,
    /// The order.
    pub sort: GridSort,
    /// The visible columns.
    pub columns: Vec<GridColumn>,
    /// Whether it differs from its view.
    pub modified: bool,
    /// What in the URL or the view was not understood and left out.
    pub notices: Vec<FieldError>,
}

impl ListState {
    /// Works out the list from the URL and the user's settings.
    pub fn resolve(query: &ListQuery, settings: &ListSettings) -> Self {
        let mut notices = query.notices.clone();
        let view = query.view.unwrap_or_else(|| {
            settings
                .default_view()
                .map(|v| ViewKey::Saved(v.id))
                .unwrap_or_default()
        });
        let base = match view {
            ViewKey::Saved(id) => match settings.views.iter().find(|v| v.id == id) {
                Some(saved) => ListQuery::parse(&saved.query),
                None => {
                    notices.push(FieldError::new(
                        "view",
                        "This saved view no longer exists: showing Open leads",
                    ));
                    ListQuery::parse(ViewKey::Open.builtin_query().unwrap_or_default())
                }
            },
            builtin => ListQuery::parse(builtin.builtin_query().unwrap_or_default()),
        };
        notices.extend(base.notices.iter().cloned());
        let mut filter = if query.has_filter {
            query.filter.clone()
        } else {
            base.filter.clone()
        };
        if let Some(RefFilter::Id(id)) = filter.source {
            if !settings.sources.iter().any(|s| s.id == id) {
                notices.push(FieldError::new(
                    "source",
                    format!("Lead source #{id} no longer exists: that filter is left out"),
                ));
                filter.source = None;
            }
        }
        if let Some(RefFilter::Id(id)) = filter.owner {
            if id != settings.me && !settings.owners.iter().any(|o| o.id == id) {
                notices.push(FieldError::new(
                    "owner",
                    format!("User #{id} is not someone you can filter by: that filter is left out"),
                ));
                filter.owner = None;
            }
        }
        let sort = query.sort.or(base.sort).unwrap_or_default();
        let columns = query
            .columns
            .clone()
            .or_else(|| base.columns.clone())
            .or_else(|| settings.columns.clone())
            .unwrap_or_else(|| GridColumn::DEFAULT.to_vec());
        let modified = filter != base.filter
            || sort != base.sort.unwrap_or_default()
            || base.columns.as_ref().is_some_and(|c| *c != columns);
        Self {
            view,
            filter,
            sort,
            columns,
            modified,
            notices,
        }
    }

    /// The URL query of this list: the view, every filter, and the sort
    /// and columns when they are not the defaults.
    pub fn to_query(&self, settings: &ListSettings) -> String {
        let preferred = settings
            .columns
            .clone()
            .unwrap_or_else(|| GridColumn::DEFAULT.to_vec());
        // Without filter parameters the view's own filter applies: a list
        // without filters is "All leads", whatever it started from.
        let view = if self.filter.is_empty() {
            ViewKey::All
        } else {
            self.view
        };
        ListQuery {
            view: Some(view),
            has_filter: true,
            filter: self.filter.clone(),
            sort: Some(self.sort),
            columns: (self.columns != preferred).then(|| self.columns.clone()),
            notices: Vec::new(),
        }
        .to_query()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leads::model::LeadStatus;

    #[test]
    fn a_list_url_round_trips() {
        let query = ListQuery::parse("view=all&q=acme&status=new&sort=name&cols=status,email");
        assert_eq!(query.view, Some(ViewKey::All));
        assert!(query.has_filter);
        assert_eq!(query.filter.status, vec![LeadStatus::New]);
        assert_eq!(
            query.sort,
            Some(GridSort {
                column: GridColumn::Name,
                descending: false
            })
        );
        assert_eq!(
            query.columns,
            Some(vec![
                GridColumn::Name,
                GridColumn::Status,
                GridColumn::Email
            ])
        );
        assert!(query.notices.is_empty());
        assert_eq!(ListQuery::parse(&query.to_query()), query);
    }

    #[test]
    fn bad_parts_become_notices_and_the_rest_applies() {
        let query = ListQuery::parse("q=acme&sort=shoe_size&cols=name,nope&view=x&status=won");
        assert_eq!(query.filter.q, "acme");
        assert_eq!(query.sort, None);
        assert_eq!(query.columns, Some(vec![GridColumn::Name]));
        let fields: Vec<&str> = query.notices.iter().map(|n| n.field.as_str()).collect();
        assert_eq!(fields, ["status", "sort", "cols", "view"]);
    }

    #[test]
    fn clicking_a_heading_sorts_by_it_then_flips() {
        let sort = GridSort::default().toggled(GridColumn::Name);
        assert!(!sort.descending);
        assert!(sort.toggled(GridColumn::Name).descending);
        assert!(sort.toggled(GridColumn::Updated).descending);
        assert_eq!(GridSort::parse("-updated").unwrap().code(), "-updated");
    }

    fn settings() -> ListSettings {
        ListSettings {
            me: 7,
            views: vec![crate::leads::saved_views::SavedView {
                id: 3,
                name: "Hot".into(),
                query: "q=hot&sort=name&cols=name,email".into(),
                is_default: false,
            }],
            sources: vec![crate::leads::saved_views::SourceChoice {
                id: 1,
                name: "Website".into(),
                retired: false,
            }],
            ..Default::default()
        }
    }

    #[test]
    fn without_parameters_the_list_is_the_default_view() {
        let state = ListState::resolve(&ListQuery::parse(""), &settings());
        assert_eq!(state.view, ViewKey::Open);
        assert_eq!(state.filter.status, vec![LeadStatus::New]);
        assert!(!state.modified);
        let mut with_default = settings();
        with_default.views[0].is_default = true;
        let state = ListState::resolve(&ListQuery::parse(""), &with_default);
        assert_eq!(state.view, ViewKey::Saved(3));
        assert_eq!(state.filter.q, "hot");
        assert_eq!(state.columns, [GridColumn::Name, GridColumn::Email]);
    }

    #[test]
    fn the_urls_filters_replace_the_views_and_mark_it_modified() {
        let state = ListState::resolve(&ListQuery::parse("view=3&q=cold"), &settings());
        assert_eq!(state.view, ViewKey::Saved(3));
        assert_eq!(state.filter.q, "cold");
        assert_eq!(state.sort.column, GridColumn::Name);
        assert!(state.modified);
        let back = ListState::resolve(&ListQuery::parse(&state.to_query(&settings())), &settings());
        assert_eq!(back, state);
    }

    #[test]
    fn a_cleared_filter_is_all_leads() {
        let mut state = ListState::resolve(&ListQuery::parse(""), &settings());
        state.filter = LeadFilter::default();
        let query = state.to_query(&settings());
        assert_eq!(query, "view=all");
        let back = ListState::resolve(&ListQuery::parse(&query), &settings());
        assert!(back.filter.is_empty());
    }

    #[test]
    fn references_that_no_longer_exist_are_left_out_with_a_notice() {
        let state = ListState::resolve(
            &ListQuery::parse("view=9&source=99&owner=42&q=x"),
            &settings(),
        );
        assert_eq!(state.filter.source, None);
        assert_eq!(state.filter.owner, None);
        assert_eq!(state.filter.q, "x");
        let fields: Vec<&str> = state.notices.iter().map(|n| n.field.as_str()).collect();
        assert_eq!(fields, ["view", "source", "owner"]);
        let mine = ListState::resolve(&ListQuery::parse("owner=7"), &settings());
        assert!(mine.notices.is_empty());
    }

    #[test]
    fn the_name_column_is_always_shown() {
        let (columns, errors) = GridColumn::parse_list("city");
        assert_eq!(columns, [GridColumn::Name, GridColumn::City]);
        assert!(errors.is_empty());
    }
}
