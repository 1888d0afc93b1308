//! Reliability: kill `reqlink serve` with SIGKILL in the middle of a load of
//! deliveries; after a restart every delivery that was acknowledged with a
//! 200 is stored exactly once and processed.

use std::collections::HashSet;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqlink_store::{Endpoint, Store};

const TOKEN: &str = "crash-test-token-0123456789abcdef0123456789abcdef0123456789abcd";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn serve(data_dir: &std::path::Path, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_reqlink"))
        .args(["--data-dir", data_dir.to_str().unwrap(), "serve"])
        .env("REQLINK_RECEIVER_ADDR", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawning reqlink serve")
}

async fn wait_healthy(http: &reqwest::Client, port: u16) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(r) = http
            .get(format!("http://127.0.0.1:{port}/health"))
            .send()
            .await
        {
            if r.status() == 200 {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("reqlink serve did not come up on port {port}");
}

fn started(i: usize) -> String {
    format!(
        r#"{{"interview_id":"CRASH{i:06}","posting_id":"P1","timestamp":{ts},"metadata":{{"candidate_name":"C {i}","candidate_email":"c{i}@example.com","candidate_id":"c{i}","metadata":null}}}}"#,
        ts = 1_770_000_000 + i
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_deliveries_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open_in_dir(dir.path()).unwrap();
        store
            .create_endpoint(&Endpoint {
                token: TOKEN.into(),
                source: "platform".into(),
                connection_id: None,
                posting_id: Some("P1".into()),
                event_type: Some("interview_started".into()),
                webhook_id: None,
            })
            .unwrap();
    }
    let port = free_port();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let mut child = serve(dir.path(), port);
    wait_healthy(&http, port).await;

    let url = format!("http://127.0.0.1:{port}/hooks/platform/{TOKEN}");
    let total = 3000;
    let mut tasks = Vec::new();
    for i in 0..total {
        let http = http.clone();
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            // Spread the load so the kill lands in the middle of it.
            tokio::time::sleep(Duration::from_micros(300 * i as u64)).await;
            match http.post(url).body(started(i)).send().await {
                Ok(r) if r.status() == 200 => Some(i),
                _ => None,
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(400)).await;
    child.kill().expect("SIGKILL");
    child.wait().unwrap();

    let mut acked = HashSet::new();
    for t in tasks {
        if let Some(i) = t.await.unwrap() {
            acked.insert(format!("CRASH{i:06}"));
        }
    }
    assert!(
        !acked.is_empty(),
        "some deliveries were acknowledged before the kill"
    );
    assert!(
        acked.len() < total,
        "the kill interrupted the load ({} of {total} acked)",
        acked.len()
    );

    let mut child = serve(dir.path(), port);
    wait_healthy(&http, port).await;
    // Processing of the stored inbox resumes on its own after restart.
    let store = Store::open_in_dir(dir.path()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !store.pending_deliveries(1).unwrap().is_empty() {
        assert!(Instant::now() < deadline, "inbox not drained after restart");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();

    for id in &acked {
        assert_eq!(
            store.interview_stage(id).unwrap(),
            Some(1),
            "{id} acknowledged but not processed"
        );
    }
    let stored = store.delivery_count().unwrap() as usize;
    assert!(
        stored >= acked.len(),
        "every acknowledged delivery is stored"
    );
    assert!(
        stored <= total,
        "nothing stored twice ({stored} rows for {total} distinct deliveries)"
    );
    eprintln!(
        "acknowledged before SIGKILL: {}, stored: {stored}",
        acked.len()
    );
}
