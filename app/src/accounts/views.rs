//! Account pages: the list (with a text filter) and one account with its
//! contacts and opportunities, renamed in place.

use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;

use crate::{
    accounts::model::Account,
    components::{use_search_text, ErrorNotice, NotFound, SearchBox},
    error::AppError,
    opportunities::{
        api::{get_account, list_accounts, RenameAccount},
        model::format_money,
        views::{id_param, OpportunityBadge},
    },
};

/// `/accounts?q=…`.
#[component]
pub fn AccountListPage() -> impl IntoView {
    let text = use_search_text();
    let rows = Resource::new(move || text.get(), list_accounts);
    view! {
        <Title text="Accounts" />
        <div class="page-head"><h1>"Accounts"</h1></div>
        <SearchBox path="/accounts" label="Filter by name" />
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match rows.await {
                    Ok(rows) if rows.is_empty() => view! {
                        <section class="empty-state"><p>"No accounts here yet. Qualifying a lead creates one."</p></section>
                    }.into_any(),
                    Ok(rows) => view! {
                        <div class="table-wrap"><table class="grid">
                            <thead><tr><th scope="col">"Account"</th><th scope="col">"Owner"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().map(|a| view! {
                                    <tr>
                                        <td><a href=format!("/accounts/{}", a.id)>{a.name}</a></td>
                                        <td>{a.owner}</td>
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

/// `/accounts/:id`.
#[component]
pub fn AccountPage() -> impl IntoView {
    let id = id_param();
    let rename = ServerAction::<RenameAccount>::new();
    let data = Resource::new(
        move || (id.get(), rename.version().get()),
        |(id, _)| async move { get_account(id.ok_or(AppError::NotFound)?).await },
    );
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(account) => view! { <AccountView account rename /> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// One account.
#[component]
fn AccountView(
    /// The account.
    account: Account,
    /// The rename action (its version reloads the page's data).
    rename: ServerAction<RenameAccount>,
) -> impl IntoView {
    let id = account.id;
    view! {
        <Title text=account.name.clone() />
        <div class="page-head">
            <div>
                <p class="crumb"><a href="/accounts">"Accounts"</a></p>
                <h1>{account.name.clone()}</h1>
                <p class="muted">{account.owner.clone().map(|o| format!("Owner: {}", o.name))}</p>
            </div>
            <details class="popover">
                <summary class="button">"Rename"</summary>
                <div class="popover-body">
                    <ActionForm action=rename attr:novalidate=true>
                        <input type="hidden" name="id" value=id />
                        <input type="hidden" name="version" value=account.version />
                        <div class="field">
                            <label for="account-name">"Account name"</label>
                            <input id="account-name" name="name" value=account.name.clone() />
                        </div>
                        <button type="submit" class="button primary">"Save name"</button>
                    </ActionForm>
                </div>
            </details>
        </div>
        {move || rename.value().get().and_then(Result::err).map(|error| view! { <ErrorNotice error list_fields=true /> })}
        <div class="sections">
            <section class="card" aria-labelledby="a-opportunities">
                <h2 id="a-opportunities">"Opportunities"</h2>
                <ul class="plain">
                    {account.opportunities.into_iter().map(|o| view! {
                        <li>
                            <a href=format!("/opportunities/{}", o.id)>{o.name}</a> " "
                            <OpportunityBadge status=o.status />
                            <span class="muted">{o.budget_cents.map(|b| format!(" · {}", format_money(b)))}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
            <section class="card" aria-labelledby="a-contacts">
                <h2 id="a-contacts">"Contacts"</h2>
                <ul class="plain">
                    {account.contacts.into_iter().map(|c| view! {
                        <li>
                            <a href=format!("/contacts/{}", c.id)>{c.name}</a>
                            <span class="muted">{c.job_title.map(|t| format!(" · {t}"))}{c.email.map(|e| format!(" · {e}"))}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        </div>
    }
}
