//! The browser entry point: hydrates the server-rendered page into the live app.

// Leptos view types nest deeply; the default limit (128) is too low for them.
#![recursion_limit = "256"]

/// Called by the generated JS loader once the WASM module is instantiated.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // End-to-end tests (and curious users) can tell when the page is live.
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
