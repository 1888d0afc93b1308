//! Receiver benchmark: sustained durable `report_available` deliveries per
//! second on loopback, then acknowledgement latency at a fixed 200/s.
//! Run: `cargo run --release -p reqlink-bench --bin bench-receiver`

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqlink_bench::{ms, percentile, report_body, Rng, REPORT_TEMPLATE};
use reqlink_receiver::Receiver;
use reqlink_store::{Endpoint, Store};
use tokio::sync::{Notify, Semaphore};

const POSTING: &str = "F9E8D7C6";
const TOKEN: &str = "bench-token";

#[tokio::main]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open_in_dir(dir.path()).unwrap());
    store
        .create_endpoint(&Endpoint {
            token: TOKEN.into(),
            source: "platform".into(),
            connection_id: None,
            posting_id: Some(POSTING.into()),
            event_type: Some("report_available".into()),
            webhook_id: None,
        })
        .unwrap();
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let receiver = Receiver::start(store.clone(), addr, Arc::new(Notify::new()))
        .await
        .unwrap();
    let url = format!("http://{}/hooks/platform/{TOKEN}", receiver.local_addr());
    let template: serde_json::Value = serde_json::from_str(REPORT_TEMPLATE).unwrap();
    let mut rng = Rng::new(7);
    let bodies: Vec<String> = (0..n + 2000)
        .map(|i| report_body(&template, i, POSTING, &mut rng))
        .collect();
    let avg = bodies.iter().map(String::len).sum::<usize>() / bodies.len();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(128)
        .build()
        .unwrap();

    // 1. Throughput: 64 concurrent senders, each waits for its 200.
    let permits = Arc::new(Semaphore::new(64));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(n);
    for body in bodies[..n].iter().cloned() {
        let permit = permits.clone().acquire_owned().await.unwrap();
        let http = http.clone();
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let status = http
                .post(url)
                .body(body)
                .send()
                .await
                .map(|r| r.status().as_u16());
            drop(permit);
            status
        }));
    }
    let mut ok = 0;
    for t in tasks {
        if matches!(t.await.unwrap(), Ok(200)) {
            ok += 1;
        }
    }
    let elapsed = started.elapsed();
    let stored = store.delivery_count().unwrap();
    println!("receiver throughput: {ok} of {n} deliveries acknowledged ({avg} bytes each), {stored} stored");
    println!(
        "receiver throughput: {:.0} durable deliveries/s (target >= 1000/s), {:.2} s total",
        ok as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64()
    );

    // 2. Latency at a fixed 200/s, open loop: sends are scheduled by the
    // clock, not by the previous reply.
    let rate = 200.0;
    let count = 2000;
    let interval = Duration::from_secs_f64(1.0 / rate);
    let begin = Instant::now();
    let mut tasks = Vec::with_capacity(count);
    for (k, body) in bodies[n..n + count].iter().cloned().enumerate() {
        let due = begin + interval * k as u32;
        tokio::time::sleep_until(due.into()).await;
        let http = http.clone();
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let t = Instant::now();
            let res = http.post(url).body(body).send().await;
            (
                t.elapsed(),
                matches!(res.map(|r| r.status().as_u16()), Ok(200)),
            )
        }));
    }
    let mut lat = Vec::with_capacity(count);
    let mut failures = 0;
    for t in tasks {
        let (d, ok) = t.await.unwrap();
        if ok {
            lat.push(d);
        } else {
            failures += 1;
        }
    }
    lat.sort();
    println!(
        "receiver latency at {rate:.0}/s over {count} deliveries: p50 {:.2} ms, p99 {:.2} ms (target p99 < 25 ms), max {:.2} ms, failures {failures}",
        ms(percentile(&lat, 50.0)),
        ms(percentile(&lat, 99.0)),
        ms(*lat.last().unwrap_or(&Duration::ZERO)),
    );
    receiver.shutdown().await;
}
