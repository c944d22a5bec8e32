//! The board's charts, drawn as SVG: every bar carries its own label and
//! number, so there is no legend to look up.

use leptos::prelude::*;

use crate::leads::{charts::ChartData, model::LeadStatus};

const BAR_W: f64 = 140.0;
const ROW_H: f64 = 18.0;
/// Sources drawn one by one (the rest: one bar).
const SOURCES: usize = 5;

fn status_colour(status: LeadStatus) -> &'static str {
    match status {
        LeadStatus::New => "#3b6fd8",
        LeadStatus::Qualified => "#1f8a4c",
        LeadStatus::Canceled => "#8a90a0",
    }
}

/// Horizontal bars, each with its label on the left and its number at its
/// end.
#[component]
fn Bars(
    /// The chart's title.
    title: &'static str,
    /// Label, value and colour of each bar.
    bars: Vec<(String, i64, &'static str)>,
) -> impl IntoView {
    let max = bars.iter().map(|(_, n, _)| *n).max().unwrap_or(0).max(1) as f64;
    let label_w = 112.0;
    let height = ROW_H * bars.len().max(1) as f64 + 4.0;
    let width = label_w + BAR_W + 52.0;
    view! {
        <figure class="chart">
            <figcaption>{title}</figcaption>
            <svg role="img" aria-label=title viewBox=format!("0 0 {width} {height}") width=width height=height>
                {bars.into_iter().enumerate().map(|(i, (label, n, colour))| {
                    let y = i as f64 * ROW_H + 2.0;
                    let w = (n as f64 / max * BAR_W).max(if n > 0 { 2.0 } else { 0.0 });
                    let short: String = if label.chars().count() > 16 {
                        format!("{}…", label.chars().take(15).collect::<String>())
                    } else {
                        label.clone()
                    };
                    view! {
                        <g>
                            <title>{format!("{label}: {n}")}</title>
                            <text x=label_w - 6.0 y=y + 13.0 text-anchor="end" class="chart-label">{short}</text>
                            <rect x=label_w y=y + 3.0 width=w height=ROW_H - 6.0 rx="2" fill=colour />
                            <text x=label_w + w + 5.0 y=y + 13.0 class="chart-value">{n}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
        </figure>
    }
}

/// Leads created per week: a column per week, its number above it and the
/// week's Monday below.
#[component]
fn Weeks(data: Vec<(chrono::NaiveDate, i64)>) -> impl IntoView {
    let max = data.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1) as f64;
    let col = 27.0;
    let plot = 64.0;
    let width = col * data.len() as f64 + 10.0;
    let height = plot + 42.0;
    view! {
        <figure class="chart">
            <figcaption>"Created per week"</figcaption>
            <svg role="img" aria-label="Leads created per week" viewBox=format!("0 0 {width} {height}") width=width height=height>
                {data.into_iter().enumerate().map(|(i, (week, n))| {
                    let h = (n as f64 / max * plot).max(if n > 0 { 2.0 } else { 0.0 });
                    let x = 5.0 + i as f64 * col;
                    let top = 16.0 + plot - h;
                    view! {
                        <g>
                            <title>{format!("Week of {}: {n}", week.format("%Y-%m-%d"))}</title>
                            <text x=x + col / 2.0 y=top - 4.0 text-anchor="middle" class="chart-value">{n}</text>
                            <rect x=x + 4.0 y=top width=col - 8.0 height=h rx="3" fill="#3b6fd8" />
                            <text x=x + col / 2.0 y=height - 14.0 text-anchor="middle" class="chart-label small">
                                {week.format("%d").to_string()}
                            </text>
                            <text x=x + col / 2.0 y=height - 2.0 text-anchor="middle" class="chart-label small">
                                {week.format("%b").to_string()}
                            </text>
                        </g>
                    }
                }).collect_view()}
            </svg>
        </figure>
    }
}

/// The charts of the filtered set.
#[component]
pub fn Charts(
    /// The figures (none while they load).
    #[prop(into)]
    data: Signal<Option<ChartData>>,
) -> impl IntoView {
    view! {
        <details class="charts" open>
            <summary>"Charts of these leads"</summary>
            {move || data.get().map(|d| {
                let total = d.total();
                let rate = d.qualification_rate();
                let status_bars: Vec<_> = d.by_status.iter()
                    .map(|(s, n)| (s.label().to_string(), *n, status_colour(*s)))
                    .collect();
                let source_bars: Vec<_> = d.by_source.iter().take(SOURCES)
                    .map(|(name, n)| (name.clone(), *n, "#6a7fb8"))
                    .collect();
                let others: i64 = d.by_source.iter().skip(SOURCES).map(|(_, n)| n).sum();
                let mut source_bars = source_bars;
                if others > 0 {
                    source_bars.push(("Other sources".into(), others, "#a5aec4"));
                }
                view! {
                    <div class="chart-row">
                        <Bars title="By status" bars=status_bars />
                        <Bars title="By source" bars=source_bars />
                        <Weeks data=d.per_week.clone() />
                        <figure class="chart rate">
                            <figcaption>"Qualification rate"</figcaption>
                            <p class="rate-figure">{rate.map(|r| format!("{r:.0} %")).unwrap_or_else(|| "—".into())}</p>
                            <p class="muted small">"Qualified of the leads decided (qualified or disqualified), "
                                {format!("of {total} leads here.")}</p>
                        </figure>
                    </div>
                }
            })}
        </details>
    }
}
