//! Admin: the lead exports — who took which leads out, when, and how many.

use leptos::prelude::*;

use super::admin_nav::AdminNav;
use crate::{components::ErrorNotice, leads::export::ExportEntry, users::api::list_exports};

/// `/admin/exports`.
#[component]
pub fn AdminExportsPage() -> impl IntoView {
    let exports = Resource::new(|| (), |_| list_exports());
    view! {
        <AdminNav title="Exports" />
        <p class="muted">"Every export of leads, newest first: from the app (a view or everything) and from the command line."</p>
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match exports.await {
                    Ok(rows) if rows.is_empty() => view! {
                        <p class="empty-state">"No leads have been exported yet."</p>
                    }.into_any(),
                    Ok(rows) => view! { <ExportTable rows /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ExportTable(rows: Vec<ExportEntry>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="grid">
                <thead>
                    <tr>
                        <th scope="col">"Started (UTC)"</th>
                        <th scope="col">"By"</th>
                        <th scope="col">"What"</th>
                        <th scope="col">"Filters"</th>
                        <th scope="col" class="num">"Rows"</th>
                        <th scope="col">"Outcome"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|x| {
                        let what = match (x.kind.as_str(), x.filter.is_empty()) {
                            ("view", _) => "A list view",
                            (_, true) => "All leads, all columns",
                            (_, false) => "Filtered leads, all columns",
                        };
                        let filter = if x.filter.is_empty() {
                            "—".to_string()
                        } else {
                            crate::leads::filter::decode_component(&x.filter.replace('&', " · "))
                        };
                        let badge = format!("badge outcome-{}", x.outcome);
                        view! {
                            <tr>
                                <td>{x.started_at.format("%Y-%m-%d %H:%M:%S").to_string()}</td>
                                <td>{x.user.unwrap_or_else(|| "Command line".into())}</td>
                                <td>{what}</td>
                                <td>{filter}</td>
                                <td class="num">{x.rows}</td>
                                <td><span class=badge>{x.outcome}</span></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
