//! The text filter of the list pages: a search box whose text lives in the
//! URL (`?q=`), so reload and shared links keep it. Without JavaScript it
//! is a plain GET form; with it, the list narrows as you type.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

/// The current `?q=` text (reactive).
pub fn use_search_text() -> Memo<String> {
    let query = use_query_map();
    Memo::new(move |_| query.with(|q| q.get("q").unwrap_or_default()))
}

/// The search box.
#[component]
pub fn SearchBox(
    /// The list's path (`/accounts` …).
    path: &'static str,
    /// The accessible label and placeholder.
    label: &'static str,
) -> impl IntoView {
    let text = use_search_text();
    let navigate = use_navigate();
    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let target = if value.trim().is_empty() {
            path.to_string()
        } else {
            format!("{path}?q={}", url_encode(&value))
        };
        navigate(
            &target,
            leptos_router::NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    };
    view! {
        <form class="search" method="get" action=path role="search">
            <label class="visually-hidden" for="list-search">{label}</label>
            <input id="list-search" type="search" name="q" placeholder=label autocomplete="off"
                value=move || text.get() prop:value=move || text.get() on:input=on_input />
        </form>
    }
}

/// Percent-encodes a query value.
fn url_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}
