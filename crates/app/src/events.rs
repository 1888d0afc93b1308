use std::sync::Arc;

use reqlink_domain::AppEvent;

/// Where the core pushes change and progress events; the Tauri shell emits
/// them to the window, the command-line tool prints or drops them.
pub type EventSink = Arc<dyn Fn(AppEvent) + Send + Sync>;

pub fn discard() -> EventSink {
    Arc::new(|_| {})
}
