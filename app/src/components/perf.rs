//! Performance marks for the benchmarks (`end2end/scripts/bench-list.mjs`
//! reads them): where the time of a keystroke goes. Nothing on the server.

/// Marks `name` on the page's performance timeline (browser only).
pub fn mark(name: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(perf) = leptos::prelude::window().performance() {
        let _ = perf.mark(name);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = name;
}
