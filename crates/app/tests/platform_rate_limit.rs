//! The platform client against the emulator's per-key limit: when another
//! client on the same key has used the budget, a 429 is answered by
//! waiting its `Retry-After`, and the call then succeeds.

use std::time::{Duration, Instant};

use reqlink_platform::PlatformClient;
use reqlink_sandbox::{RateLimit, Sandbox, SandboxConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_is_waited_out_and_the_call_succeeds() {
    let sandbox = Sandbox::start(SandboxConfig {
        jobs: 2,
        candidates: 4,
        applications: 4,
        rate_limit: None,
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    sandbox.control().set_platform_rate_limit(Some(RateLimit {
        limit: 3,
        window: Duration::from_secs(2),
    }));
    let base = sandbox.platform_base_url();
    let key = sandbox.platform_api_key();
    let other = PlatformClient::new(&base, &key).unwrap();
    let client = PlatformClient::new(&base, &key).unwrap();

    // Another client on the same key uses the whole window.
    for _ in 0..3 {
        other.list_webhooks(None, None).await.unwrap();
    }
    let started = Instant::now();
    let hooks = client.list_webhooks(None, None).await;
    let waited = started.elapsed();
    assert!(hooks.is_ok(), "the call succeeds after waiting: {hooks:?}");
    assert!(
        waited >= Duration::from_millis(900),
        "the client waited for Retry-After instead of failing at once ({waited:?})"
    );
    sandbox.shutdown().await;
}
