//! Application services behind every host (the Tauri shell, the `reqlink`
//! command-line tool, tests). A host builds a [`Core`] and forwards each
//! command of `reqlink_domain::with_commands!` to the method of the same
//! name; nothing here knows about windows.

mod ats_hooks;
mod ats_sync;
mod checks;
mod config;
mod connect;
mod connections;
mod connectors;
mod core;
mod events;
mod export;
mod inbox;
mod invites;
mod links;
mod outbox;
mod pipeline;
mod platform_conn;
mod reconcile;
mod reports;
mod restore;
mod sync;
mod users;
mod webhooks;
mod workspace;
mod writeback;

pub use config::{resolve_data_dir, DATA_DIR_ENV};
pub use core::{Core, CoreOptions, RECEIVER_ADDR_ENV};
pub use events::EventSink;
pub use export::export_notification;
pub use inbox::{process_pending, Processed};
pub use reconcile::Reconciled;
pub use reports::{sanitize_html, to_detail, to_record};
pub use reqlink_sandbox::SandboxConfig;
