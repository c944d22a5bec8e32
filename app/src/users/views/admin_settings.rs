//! Admin: settings — the "Enable leads" switch.

use leptos::{form::ActionForm, prelude::*};

use super::admin_nav::{outcome, ActionOutcome, AdminNav};
use crate::{components::use_session, users::api::SetLeadsEnabled};

/// `/admin/settings`.
#[component]
pub fn AdminSettingsPage() -> impl IntoView {
    let session = use_session();
    let switch = ServerAction::<SetLeadsEnabled>::new();
    // The menu and every page depend on the switch: load the app afresh.
    Effect::new(move |_| {
        if let Some(Ok(())) = switch.value().get() {
            #[cfg(feature = "hydrate")]
            let _ = window().location().reload();
        }
    });
    view! {
        <AdminNav title="Settings" />
        <ActionOutcome value=outcome(switch) done="Setting saved." />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let enabled = session.await.map(|s| s.leads_enabled).unwrap_or(true);
                view! {
                    <section class="card setting" aria-labelledby="leads-setting">
                        <div>
                            <h2 id="leads-setting">"Enable leads"</h2>
                            <p class="muted">
                                "When off, the Leads area disappears from the menu for everyone, and its pages and endpoints answer “not found”. No lead is deleted."
                            </p>
                            <p>
                                "The Leads area is "
                                <strong>{if enabled { "on" } else { "off" }}</strong>
                                "."
                            </p>
                        </div>
                        <ActionForm action=switch>
                            <input type="hidden" name="enabled" value=(!enabled).to_string() />
                            <button type="submit" class=if enabled { "button danger" } else { "button primary" }>
                                {if enabled { "Switch leads off" } else { "Switch leads on" }}
                            </button>
                        </ActionForm>
                    </section>
                }
            })}
        </Suspense>
    }
}
