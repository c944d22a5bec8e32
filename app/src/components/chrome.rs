//! The frame around every page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The top bar: brand, navigation and the main call to action.
#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header class="topbar">
            <a class="brand" href="/leads">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                "Leadline"
            </a>
            <nav aria-label="Main">
                <A href="/leads" exact=true>"Leads"</A>
            </nav>
            <a class="button primary" href="/leads/new">"Create lead"</a>
        </header>
    }
}

/// The page for anything that does not exist; answers HTTP 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found" />
        <section class="empty-state">
            <h1>"Not found"</h1>
            <p>"There is nothing here. It may have been deleted, or the link is wrong."</p>
            <a class="button" href="/leads">"Back to leads"</a>
        </section>
    }
}
