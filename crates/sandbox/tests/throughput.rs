//! Throughput check for the 100k-candidate sync the console benchmarks
//! against. Ignored by default (timing depends on the machine and profile);
//! run with `cargo test -p reqlink-sandbox --release --test throughput -- --ignored --nocapture`.

use std::time::Instant;

use reqlink_sandbox::{Sandbox, SandboxConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "timing measurement; run explicitly"]
async fn sync_100k_candidates_through_http() {
    let t0 = Instant::now();
    let sb = Sandbox::start(SandboxConfig {
        jobs: 1000,
        candidates: 100_000,
        applications: 150_000,
        rate_limit: None,
        ..SandboxConfig::default()
    })
    .await
    .expect("start");
    let generated = t0.elapsed();

    let client = reqwest::Client::new();
    let t1 = Instant::now();
    let mut url = Some(format!(
        "{}/candidates?per_page=500",
        sb.greenhouse_base_url()
    ));
    let (mut records, mut bytes) = (0usize, 0usize);
    while let Some(u) = url.take() {
        let resp = client
            .get(&u)
            .basic_auth(sb.greenhouse_api_key(), Some(""))
            .send()
            .await
            .expect("send");
        url = resp
            .headers()
            .get("link")
            .and_then(|h| h.to_str().ok())
            .and_then(|h| {
                h.split(',')
                    .find(|p| p.ends_with("rel=\"next\""))
                    .and_then(|p| p.split(['<', '>']).nth(1))
                    .map(str::to_owned)
            });
        let body = resp.bytes().await.expect("body");
        bytes += body.len();
        records += serde_json::from_slice::<Vec<serde::de::IgnoredAny>>(&body)
            .expect("array")
            .len();
    }
    let served = t1.elapsed();
    assert_eq!(records, 100_000);
    println!(
        "generate+start: {generated:?}; served {records} candidates ({} MB) in {served:?} = {:.0} records/s",
        bytes / 1_000_000,
        records as f64 / served.as_secs_f64()
    );
    sb.shutdown().await;
}
