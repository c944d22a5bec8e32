//! Opportunity pages: the list (with a text filter), one opportunity, and
//! its edit form.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::{
    components::{use_search_text, ErrorNotice, NotFound, SearchBox},
    error::AppError,
    opportunities::{
        api::{get_opportunity, list_opportunities, UpdateOpportunity},
        model::{format_money, Opportunity, OpportunityStatus},
    },
};

/// The numeric `:id` of the URL.
pub fn id_param() -> Memo<Option<i64>> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok())))
}

/// A status badge for an opportunity.
#[component]
pub fn OpportunityBadge(
    /// The status.
    status: OpportunityStatus,
) -> impl IntoView {
    view! { <span class=format!("badge opp-{}", status.code())>{status.label()}</span> }
}

/// `/opportunities?q=…`.
#[component]
pub fn OpportunityListPage() -> impl IntoView {
    let text = use_search_text();
    let rows = Resource::new(move || text.get(), list_opportunities);
    view! {
        <Title text="Opportunities" />
        <div class="page-head"><h1>"Opportunities"</h1></div>
        <SearchBox path="/opportunities" label="Filter by name or account" />
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(rows) if rows.is_empty() => view! {
                        <section class="empty-state"><p>"No opportunities here yet. Qualify a lead to create one."</p></section>
                    }.into_any(),
                    Ok(rows) => view! {
                        <div class="table-wrap"><table class="grid">
                            <thead><tr>
                                <th scope="col">"Opportunity"</th><th scope="col">"Status"</th>
                                <th scope="col">"Account"</th><th scope="col">"Budget"</th>
                                <th scope="col">"Probability"</th><th scope="col">"Owner"</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|o| view! {
                                    <tr>
                                        <td><a href=format!("/opportunities/{}", o.id)>{o.name}</a></td>
                                        <td><OpportunityBadge status=o.status /></td>
                                        <td>{o.account}</td>
                                        <td class="num">{o.budget_cents.map(format_money)}</td>
                                        <td class="num">{o.probability.map(|p| format!("{p}%"))}</td>
                                        <td>{o.owner}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// `/opportunities/:id`.
#[component]
pub fn OpportunityPage() -> impl IntoView {
    let id = id_param();
    let data = Resource::new(
        move || id.get(),
        |id| async move { get_opportunity(id.ok_or(AppError::NotFound)?).await },
    );
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(o) => view! { <OpportunityView o /> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn text(v: Option<String>) -> String {
    v.filter(|s| !s.is_empty()).unwrap_or_else(|| "—".into())
}

/// One opportunity, read-only.
#[component]
fn OpportunityView(
    /// The opportunity.
    o: Opportunity,
) -> impl IntoView {
    view! {
        <Title text=o.name.clone() />
        <div class="page-head">
            <div>
                <p class="crumb"><a href="/opportunities">"Opportunities"</a></p>
                <h1>{o.name.clone()} " " <OpportunityBadge status=o.status /></h1>
            </div>
            <div class="actions"><a class="button primary" href=format!("/opportunities/{}/edit", o.id)>"Edit"</a></div>
        </div>
        <div class="sections">
            <section class="card" aria-labelledby="o-general">
                <h2 id="o-general">"Opportunity"</h2>
                <dl>
                    <dt>"Account"</dt><dd><a href=format!("/accounts/{}", o.account.id)>{o.account.name.clone()}</a></dd>
                    <dt>"Contact"</dt><dd>{o.contact.clone().map(|c| view! { <a href=format!("/contacts/{}", c.id)>{c.name}</a> })}</dd>
                    <dt>"From lead"</dt><dd>{o.lead.clone().map(|l| view! { <a href=format!("/leads/{}", l.id)>{l.name}</a> })}</dd>
                    <dt>"Owner"</dt><dd>{text(o.owner.clone().map(|w| w.name))}</dd>
                    <dt>"Probability"</dt><dd>{text(o.probability.map(|p| format!("{p}%")))}</dd>
                    <dt>"Budget"</dt><dd>{text(o.budget_cents.map(format_money))}</dd>
                    <dt>"Expected close"</dt><dd>{text(o.expected_close_date.map(|d| d.format("%Y-%m-%d").to_string()))}</dd>
                    <dt>"Created"</dt><dd>{o.created_at.format("%Y-%m-%d %H:%M UTC").to_string()}</dd>
                </dl>
            </section>
            <section class="card" aria-labelledby="o-needs">
                <h2 id="o-needs">"Needs and solution"</h2>
                <dl>
                    <dt>"Customer need"</dt><dd>{text(o.customer_need.clone())}</dd>
                    <dt>"Proposed solution"</dt><dd>{text(o.proposed_solution.clone())}</dd>
                    <dt>"Notes"</dt><dd>{text(o.notes.clone())}</dd>
                </dl>
            </section>
        </div>
    }
}

/// `/opportunities/:id/edit`.
#[component]
pub fn EditOpportunityPage() -> impl IntoView {
    let id = id_param();
    let data = Resource::new(
        move || id.get(),
        |id| async move { get_opportunity(id.ok_or(AppError::NotFound)?).await },
    );
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(o) => view! { <OpportunityForm o /> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The edit form (a plain form: works without JavaScript too).
#[component]
fn OpportunityForm(
    /// The opportunity as loaded.
    o: Opportunity,
) -> impl IntoView {
    let save = ServerAction::<UpdateOpportunity>::new();
    let navigate = leptos_router::hooks::use_navigate();
    let id = o.id;
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            navigate(&format!("/opportunities/{id}"), Default::default());
        }
    });
    let f = o.to_form();
    let input = |label: &'static str, key: &'static str, value: String, kind: &'static str| {
        view! {
            <div class="field">
                <label for=format!("o-{key}")>{label}</label>
                <input id=format!("o-{key}") name=format!("form[{key}]") type=kind value=value />
            </div>
        }
    };
    let area = |label: &'static str, key: &'static str, value: String| {
        view! {
            <div class="field">
                <label for=format!("o-{key}")>{label}</label>
                <textarea id=format!("o-{key}") name=format!("form[{key}]") rows="3">{value}</textarea>
            </div>
        }
    };
    view! {
        <Title text=format!("Edit {}", o.name) />
        <div class="page-head"><div>
            <p class="crumb"><a href="/opportunities">"Opportunities"</a> " / " <a href=format!("/opportunities/{id}")>{o.name.clone()}</a></p>
            <h1>"Edit opportunity"</h1>
        </div></div>
        {move || save.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error list_fields=true /> })}
        <ActionForm action=save attr:class="card lead-form" attr:novalidate=true>
            <input type="hidden" name="id" value=id />
            <input type="hidden" name="version" value=o.version />
            <div class="grid-2">
                {input("Opportunity name", "name", f.name.clone(), "text")}
                <div class="field">
                    <label for="o-status">"Status"</label>
                    <select id="o-status" name="form[status]">
                        {OpportunityStatus::ALL.into_iter().map(|s| view! {
                            <option value=s.code() selected=s == o.status>{s.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                {input("Probability (%)", "probability", f.probability.clone(), "text")}
                {input("Budget", "budget", f.budget.clone(), "text")}
                {input("Expected close date", "expected_close_date", f.expected_close_date.clone(), "date")}
            </div>
            {area("Customer need", "customer_need", f.customer_need.clone())}
            {area("Proposed solution", "proposed_solution", f.proposed_solution.clone())}
            {area("Notes", "notes", f.notes.clone())}
            <div class="wizard-actions">
                <a class="button ghost" href=format!("/opportunities/{id}")>"Cancel"</a>
                <span class="spacer"></span>
                <button type="submit" class="button primary">"Save"</button>
            </div>
        </ActionForm>
    }
}
