//! The figures behind the board's charts, for the current filtered set:
//! leads by status, by source, created per week, and the qualification
//! rate. Worked out in the browser from its leads, or by the server
//! (`lead_charts`) when the browser does not hold them.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::model::LeadStatus;
use crate::error::AppError;

/// Weeks shown in the "created per week" chart, the current one last.
pub const WEEKS: usize = 12;

/// The charts' figures.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartData {
    /// Leads per status, in pipeline order.
    pub by_status: Vec<(LeadStatus, i64)>,
    /// Leads per source name ("No source" included), most first.
    pub by_source: Vec<(String, i64)>,
    /// Leads created per week (Monday of the week), oldest first.
    pub per_week: Vec<(NaiveDate, i64)>,
}

impl ChartData {
    /// All the leads counted.
    pub fn total(&self) -> i64 {
        self.by_status.iter().map(|(_, n)| n).sum()
    }

    /// How many of the leads that were decided (qualified or disqualified)
    /// were qualified, in percent; `None` before any was decided.
    pub fn qualification_rate(&self) -> Option<f64> {
        let get = |s: LeadStatus| {
            self.by_status
                .iter()
                .find(|(x, _)| *x == s)
                .map_or(0, |(_, n)| *n)
        };
        let (q, c) = (get(LeadStatus::Qualified), get(LeadStatus::Canceled));
        (q + c > 0).then(|| 100.0 * q as f64 / (q + c) as f64)
    }
}

/// What the server counts for the charts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChartCounts {
    /// Per status.
    pub by_status: Vec<(LeadStatus, i64)>,
    /// Per source name.
    pub by_source: Vec<(String, i64)>,
    /// Per creation day (UTC).
    pub per_day: Vec<(NaiveDate, i64)>,
}

/// The Monday of `day`'s week.
pub fn week_of(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// Builds the figures from leads given as (status, source name, created).
pub fn chart_data<'a>(
    leads: impl IntoIterator<Item = (LeadStatus, Option<&'a str>, DateTime<Utc>)>,
    today: NaiveDate,
) -> ChartData {
    let this_week = week_of(today);
    let weeks: Vec<NaiveDate> = (0..WEEKS)
        .rev()
        .map(|i| this_week - Duration::weeks(i as i64))
        .collect();
    let mut by_status = [0_i64; 3];
    let mut by_source: std::collections::HashMap<&str, i64> = Default::default();
    let mut per_week = vec![0_i64; WEEKS];
    for (status, source, created) in leads {
        by_status[LeadStatus::ALL
            .iter()
            .position(|s| *s == status)
            .unwrap_or(0)] += 1;
        *by_source.entry(source.unwrap_or("No source")).or_default() += 1;
        let week = week_of(created.date_naive());
        if let Some(i) = weeks.iter().position(|w| *w == week) {
            per_week[i] += 1;
        }
    }
    let mut by_source: Vec<(String, i64)> = by_source
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    by_source.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ChartData {
        by_status: LeadStatus::ALL.iter().copied().zip(by_status).collect(),
        by_source,
        per_week: weeks.into_iter().zip(per_week).collect(),
    }
}

/// The charts' figures for the leads matching `filter` (the list's URL
/// parameters), counted by the server.
#[server(endpoint = "leads/charts")]
pub async fn lead_charts(#[server(default)] filter: String) -> Result<ChartData, AppError> {
    use crate::state::{run, store as app_store};
    run(async move {
        let user = crate::users::auth::leads_user()?;
        let mut filter = super::filter::LeadFilter::from_query(&filter)
            .map_err(|fields| AppError::Validation { fields })?;
        filter.resolve_me(user.id);
        let today = Utc::now().date_naive();
        let since = week_of(today) - Duration::weeks(WEEKS as i64 - 1);
        let counts =
            super::store::chart_counts(&app_store()?, user.scope(), &filter, since).await?;
        let mut data = ChartData {
            by_status: counts.by_status,
            by_source: counts.by_source,
            per_week: Vec::new(),
        };
        let per_day = counts.per_day;
        let weeks: Vec<NaiveDate> = (0..WEEKS as i64)
            .map(|i| since + Duration::weeks(i))
            .collect();
        let mut counts = vec![0_i64; WEEKS];
        for (day, n) in per_day {
            if let Some(i) = weeks.iter().position(|w| *w == week_of(day)) {
                counts[i] += n;
            }
        }
        data.per_week = weeks.into_iter().zip(counts).collect();
        data.by_source
            .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(data)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: &str) -> DateTime<Utc> {
        NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
            .and_utc()
    }

    #[test]
    fn figures_count_statuses_sources_and_weeks() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap(); // a Friday
        let data = chart_data(
            [
                (LeadStatus::New, Some("Website"), at("2026-12-01")),
                (LeadStatus::Qualified, Some("Website"), at("2026-11-30")),
                (LeadStatus::Canceled, None, at("2026-11-29")),
                (LeadStatus::Qualified, None, at("2020-01-01")),
            ],
            today,
        );
        assert_eq!(data.total(), 4);
        assert_eq!(data.by_source[0], ("No source".to_string(), 2));
        assert_eq!(data.per_week.len(), WEEKS);
        assert_eq!(
            data.per_week[WEEKS - 1],
            (NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(), 2)
        );
        assert_eq!(data.per_week[WEEKS - 2].1, 1);
        let rate = data.qualification_rate().unwrap();
        assert!((rate - 66.666).abs() < 0.01, "{rate}");
    }

    #[test]
    fn no_decided_leads_means_no_rate() {
        let data = chart_data([], NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        assert_eq!(data.qualification_rate(), None);
    }
}
