//! Application services behind every host (the Tauri shell, the `reqlink`
//! command-line tool, tests). A host builds a [`Core`] and forwards each
//! command of `reqlink_domain::with_commands!` to the method of the same
//! name; nothing here knows about windows.

mod config;
mod core;
mod events;
mod sync;
mod workspace;

pub use config::{DATA_DIR_ENV, resolve_data_dir};
pub use core::{Core, CoreOptions};
pub use events::EventSink;
pub use reqlink_sandbox::SandboxConfig;
