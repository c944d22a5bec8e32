//! Admin: lead sources — add, rename, retire (old leads keep a retired
//! source; new leads cannot pick it), restore.

use leptos::{form::ActionForm, prelude::*};

use super::admin_nav::{outcome, ActionOutcome, AdminNav};
use crate::{
    components::ErrorNotice,
    users::api::{list_all_sources, CreateSource, RenameSource, SetSourceRetired},
};

/// `/admin/sources`.
#[component]
pub fn AdminSourcesPage() -> impl IntoView {
    let create = ServerAction::<CreateSource>::new();
    let rename = ServerAction::<RenameSource>::new();
    let retire = ServerAction::<SetSourceRetired>::new();
    let sources = Resource::new(
        move || {
            (
                create.version().get(),
                rename.version().get(),
                retire.version().get(),
            )
        },
        |_| list_all_sources(),
    );
    view! {
        <AdminNav title="Lead sources" />
        <ActionOutcome value=outcome(rename) done="Source renamed." />
        <ActionOutcome value=outcome(retire) done="Source updated." />
        <div class="admin-grid">
            <Transition fallback=|| view! { <p class="muted">"Loading sources…"</p> }>
                {move || Suspend::new(async move {
                    match sources.await {
                        Ok(sources) => view! {
                            <ul class="plain admin-list" aria-label="Lead sources">
                                {sources.into_iter().map(|source| { let label = source.name.clone(); view! {
                                    <li class="admin-row" class:inactive=source.retired>
                                        <ActionForm action=rename attr:class="inline-form">
                                            <input type="hidden" name="id" value=source.id />
                                            <label class="visually-hidden" for=format!("source-{}", source.id)>"Source name"</label>
                                            <input id=format!("source-{}", source.id) name="name" value=source.name.clone() />
                                            <button type="submit" class="button">"Rename"</button>
                                        </ActionForm>
                                        <span class="muted">
                                            {format!("{} lead{}", source.leads, if source.leads == 1 { "" } else { "s" })}
                                            {source.retired.then_some(" · retired")}
                                        </span>
                                        <ActionForm action=retire>
                                            <input type="hidden" name="id" value=source.id />
                                            <input type="hidden" name="retired" value=(!source.retired).to_string() />
                                            <button type="submit" class="button ghost" aria-label=format!("{} {label}", if source.retired { "Restore" } else { "Retire" })>
                                                {if source.retired { "Restore" } else { "Retire" }}
                                            </button>
                                        </ActionForm>
                                    </li>
                                }}).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
            <section class="card" aria-labelledby="add-source">
                <h2 id="add-source">"Add a source"</h2>
                <ActionOutcome value=outcome(create) done="Source added." />
                <ActionForm action=create attr:novalidate=true>
                    <div class="field">
                        <label for="new-source">"Source name"</label>
                        <input id="new-source" name="name" />
                    </div>
                    <button type="submit" class="button primary">"Add source"</button>
                </ActionForm>
            </section>
        </div>
    }
}
