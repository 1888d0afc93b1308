//! Shared set-up of the app's integration tests: a core on a temp data
//! directory, a small sandbox without rate limits, a free receiver port,
//! secrets in a file (never the developer's keychain), no sync at start.

use reqlink_app::{CoreOptions, SandboxConfig};

pub fn sandbox(jobs: usize, candidates: usize, applications: usize) -> SandboxConfig {
    SandboxConfig {
        jobs,
        candidates,
        applications,
        rate_limit: None,
        ..SandboxConfig::default()
    }
}

pub fn options(dir: &std::path::Path, sandbox: SandboxConfig) -> CoreOptions {
    let mut options = CoreOptions::new(dir.to_path_buf());
    options.sandbox = sandbox;
    options.sync_on_start = false;
    options.receiver_addr = "127.0.0.1:0".parse().expect("valid address");
    options.secret_store = reqlink_secrets::StoreChoice::File;
    options
}
