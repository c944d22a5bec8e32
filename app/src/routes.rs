//! The HTML shell and the app's routes.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Redirect, Route, Router, Routes},
    path, SsrMode,
};

use crate::{
    accounts::views::{AccountListPage, AccountPage},
    components::{provide_session, Header, HomePage, NotFound},
    contacts::views::{ContactListPage, ContactPage, EditContactPage},
    leads::views::{
        EditLeadPage, LeadBoardPage, LeadDetailPage, LeadListPage, NewLeadPage, QualifyPage,
    },
    opportunities::views::{EditOpportunityPage, OpportunityListPage, OpportunityPage},
    users::views::{
        AccountPage as UserAccountPage, AdminExportsPage, AdminSettingsPage, AdminSourcesPage,
        AdminTeamsPage, AdminUserPage, AdminUsersPage, SignInPage,
    },
};

/// The document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The document title for a page title (which may be a lead's name).
fn title_text(page: String) -> String {
    let text = if page.is_empty() {
        "Leadline".to_string()
    } else {
        format!("{page} · Leadline")
    };
    // leptos_meta writes the server-rendered <title> without escaping, so
    // a lead named `</title><script>…` would run script. In the browser the
    // title is set as text and must not be escaped.
    #[cfg(feature = "ssr")]
    let text = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    text
}

/// The whole application: header and routed pages.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_session();
    // The leads the browser filters itself, shared by the list and the
    // board (loaded when one of them first opens).
    crate::leads::views::LiveLeads::provide();
    view! {
        <Stylesheet id="leptos" href="/pkg/leadline.css" />
        <Title formatter=title_text />
        <Router>
            <Header />
            <main class="page">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/sign-in") view=SignInPage ssr=SsrMode::Async />
                    <Route path=path!("/leads") view=LeadListPage ssr=SsrMode::Async />
                    <Route path=path!("/leads/board") view=LeadBoardPage ssr=SsrMode::Async />
                    <Route path=path!("/leads/new") view=NewLeadPage ssr=SsrMode::Async />
                    <Route path=path!("/leads/:id") view=LeadDetailPage ssr=SsrMode::Async />
                    <Route path=path!("/leads/:id/edit") view=EditLeadPage ssr=SsrMode::Async />
                    <Route path=path!("/leads/:id/qualify") view=QualifyPage ssr=SsrMode::Async />
                    <Route path=path!("/accounts") view=AccountListPage ssr=SsrMode::Async />
                    <Route path=path!("/accounts/:id") view=AccountPage ssr=SsrMode::Async />
                    <Route path=path!("/contacts") view=ContactListPage ssr=SsrMode::Async />
                    <Route path=path!("/contacts/:id") view=ContactPage ssr=SsrMode::Async />
                    <Route path=path!("/contacts/:id/edit") view=EditContactPage ssr=SsrMode::Async />
                    <Route path=path!("/opportunities") view=OpportunityListPage ssr=SsrMode::Async />
                    <Route path=path!("/opportunities/:id") view=OpportunityPage ssr=SsrMode::Async />
                    <Route path=path!("/opportunities/:id/edit") view=EditOpportunityPage ssr=SsrMode::Async />
                    <Route path=path!("/account") view=UserAccountPage ssr=SsrMode::Async />
                    <Route path=path!("/admin") view=|| view! { <Redirect path="/admin/users" /> } />
                    <Route path=path!("/admin/users") view=AdminUsersPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/users/:id") view=AdminUserPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/teams") view=AdminTeamsPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/sources") view=AdminSourcesPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/exports") view=AdminExportsPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/settings") view=AdminSettingsPage ssr=SsrMode::Async />
                </Routes>
            </main>
        </Router>
    }
}
