//! The plain lead list: newest first, paged by keyset.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    components::{ErrorNotice, StatusBadge},
    leads::{
        api::list_leads,
        fields::country_name,
        model::{LeadCursor, LeadPage, LeadPageRequest, LeadRow, LeadStatus},
    },
    opportunities::api::{DisqualifyLead, ReactivateLead},
};

/// The lead list page (`/leads?before=…` / `?after=…`).
#[component]
pub fn LeadListPage() -> impl IntoView {
    let query = use_query_map();
    let request = move || {
        query.with(|q| LeadPageRequest {
            before: q.get("before").and_then(|c| LeadCursor::decode(&c)),
            after: q.get("after").and_then(|c| LeadCursor::decode(&c)),
            limit: None,
        })
    };
    // Bumped after a row action, to load the page again.
    let refresh = RwSignal::new(0_u32);
    provide_context(ListRefresh(refresh));
    let page = Resource::new(
        move || (request(), refresh.get()),
        |(req, _)| list_leads(req),
    );
    view! {
        <Title text="Leads" />
        <div class="page-head">
            <h1>"Leads"</h1>
        </div>
        <Transition fallback=|| view! { <p class="muted">"Loading leads…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <LeadTable page /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The table of one page, with its pager.
#[component]
fn LeadTable(
    /// The page to show.
    page: LeadPage,
) -> impl IntoView {
    if page.rows.is_empty() && page.total == 0 {
        return view! {
            <section class="empty-state">
                <h2>"No leads yet"</h2>
                <p>"Leads you create appear here, newest first."</p>
                <a class="button primary" href="/leads/new">"Create lead"</a>
            </section>
        }
        .into_any();
    }
    let total = page.total;
    view! {
        <p class="muted" aria-live="polite">{format!("{total} leads in all")}</p>
        <div class="table-wrap">
            <table class="grid">
                <thead>
                    <tr>
                        <th scope="col">"Lead name"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"First name"</th>
                        <th scope="col">"Last name"</th>
                        <th scope="col">"Primary email"</th>
                        <th scope="col">"Primary phone"</th>
                        <th scope="col">"Company"</th>
                        <th scope="col">"Country"</th>
                        <th scope="col">"City"</th>
                        <th scope="col">"Owner"</th>
                        <th scope="col">"Source"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {page.rows.into_iter().map(|row| view! { <LeadTableRow row /> }).collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="pager" aria-label="Pages">
            {page.newer.map(|c| view! {
                <a class="button" href=format!("/leads?after={}", c.encode())>"← Newer"</a>
            })}
            {page.older.map(|c| view! {
                <a class="button" href=format!("/leads?before={}", c.encode())>"Older →"</a>
            })}
        </nav>
    }
    .into_any()
}

/// One row of the table.
#[component]
fn LeadTableRow(
    /// The lead to show.
    row: LeadRow,
) -> impl IntoView {
    let text = |v: Option<String>| v.unwrap_or_default();
    let name = row.name.clone();
    view! {
        <tr>
            <td><a href=format!("/leads/{}", row.id)>{row.name}</a></td>
            <td><StatusBadge status=row.status /></td>
            <td>{text(row.first_name)}</td>
            <td>{text(row.last_name)}</td>
            <td>{text(row.email)}</td>
            <td>{text(row.phone)}</td>
            <td>{text(row.company_name)}</td>
            <td>{row.country.as_deref().map(|c| country_name(c).to_string())}</td>
            <td>{text(row.city)}</td>
            <td>{text(row.owner)}</td>
            <td>{row.source.unwrap_or_else(|| "No source".into())}</td>
            <td><time datetime=row.created_at.to_rfc3339()>{row.created_at.format("%Y-%m-%d").to_string()}</time></td>
            <td><RowMenu id=row.id name=name status=row.status /></td>
        </tr>
    }
}

/// Reloads the list (after a row action changed a lead).
#[derive(Clone, Copy)]
struct ListRefresh(RwSignal<u32>);

/// A row's actions: view, edit, qualify, disqualify or reactivate — in a
/// disclosure, so they work without JavaScript too.
#[component]
fn RowMenu(
    /// The lead's id.
    id: i64,
    /// Its name, for the menu's accessible label.
    name: String,
    /// Its status.
    status: LeadStatus,
) -> impl IntoView {
    let disqualify = ServerAction::<DisqualifyLead>::new();
    let reactivate = ServerAction::<ReactivateLead>::new();
    let refresh = use_context::<ListRefresh>();
    let menu = NodeRef::<leptos::html::Details>::new();
    Effect::new(move |_| {
        let done = matches!(disqualify.value().get(), Some(Ok(_)))
            || matches!(reactivate.value().get(), Some(Ok(_)));
        if done {
            // The row stays; its menu closes once the action is done.
            if let Some(el) = menu.get_untracked() {
                let _ = el.remove_attribute("open");
            }
            if let Some(ListRefresh(r)) = refresh {
                r.update(|n| *n += 1);
            }
        }
    });
    let failure = move || {
        disqualify
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| reactivate.value().get().and_then(Result::err))
    };
    view! {
        <details class="popover row-menu" node_ref=menu>
            <summary class="button small" role="button" aria-label=format!("Actions for {name}")>"⋯"</summary>
            <div class="popover-body menu">
                <a href=format!("/leads/{id}")>"View"</a>
                <a href=format!("/leads/{id}/edit")>"Edit"</a>
                {(status != LeadStatus::Canceled).then(|| view! {
                    <a href=format!("/leads/{id}/qualify")>"Qualify"</a>
                    <ActionForm action=disqualify>
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class="link">"Disqualify"</button>
                    </ActionForm>
                })}
                {(status != LeadStatus::New).then(|| view! {
                    <ActionForm action=reactivate>
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class="link">"Reactivate"</button>
                    </ActionForm>
                })}
                <a href=format!("/leads/{id}?confirm=delete")>"Delete…"</a>
                {move || failure().map(|error| view! { <ErrorNotice error /> })}
            </div>
        </details>
    }
}
