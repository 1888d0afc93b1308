//! The receiver over real HTTP with a real SQLite inbox.

use std::net::SocketAddr;
use std::sync::Arc;

use reqlink_receiver::Receiver;
use reqlink_store::{Endpoint, Store};
use tokio::sync::Notify;

struct Fixture {
    _dir: tempfile::TempDir,
    store: Arc<Store>,
    receiver: Receiver,
    http: reqwest::Client,
}

impl Fixture {
    async fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open_in_dir(dir.path()).unwrap());
        store
            .create_endpoint(&Endpoint {
                token: "tok-started".into(),
                source: "platform".into(),
                connection_id: None,
                posting_id: Some("F9E8D7C6".into()),
                event_type: Some("interview_started".into()),
                webhook_id: None,
            })
            .unwrap();
        let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let receiver = Receiver::start(store.clone(), addr, Arc::new(Notify::new()))
            .await
            .unwrap();
        Fixture {
            _dir: dir,
            store,
            receiver,
            http: reqwest::Client::new(),
        }
    }

    fn url(&self, token: &str) -> String {
        format!(
            "http://{}/hooks/platform/{token}",
            self.receiver.local_addr()
        )
    }
}

const STARTED: &str = r#"{
  "interview_id": "A1B2C3D4E5F60718",
  "posting_id": "F9E8D7C6",
  "timestamp": 1770816760.310334,
  "metadata": {
    "candidate_name": "Jane Doe",
    "candidate_email": "jane.doe@example.com",
    "candidate_id": "B4C5D6E7",
    "metadata": null
  }
}"#;

#[tokio::test]
async fn valid_delivery_is_stored_before_200_and_deduplicated() {
    let f = Fixture::new().await;
    let res = f
        .http
        .post(f.url("tok-started"))
        .body(STARTED)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["duplicate"], false);
    // Acknowledged means stored: the row is there the moment the 200 is.
    assert_eq!(f.store.delivery_count().unwrap(), 1);
    let pending = f.store.pending_deliveries(10).unwrap();
    assert_eq!(pending[0].event_type, "interview_started");
    assert_eq!(pending[0].body, STARTED.as_bytes());

    let again = f
        .http
        .post(f.url("tok-started"))
        .body(STARTED)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 200);
    let body: serde_json::Value = again.json().await.unwrap();
    assert_eq!(body["duplicate"], true);
    assert_eq!(f.store.delivery_count().unwrap(), 1);
}

#[tokio::test]
async fn get_deliveries_are_accepted() {
    let f = Fixture::new().await;
    let res = f
        .http
        .get(f.url("tok-started"))
        .query(&[("payload", STARTED)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(f.store.delivery_count().unwrap(), 1);
}

#[tokio::test]
async fn unknown_token_is_404_and_stores_nothing() {
    let f = Fixture::new().await;
    let res = f
        .http
        .post(f.url("guessed"))
        .body(STARTED)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(f.store.delivery_count().unwrap(), 0);
    let log = f.store.list_deliveries(&Default::default()).unwrap();
    assert!(
        log.is_empty(),
        "unknown tokens are not even logged: {log:?}"
    );
}

#[tokio::test]
async fn malformed_and_invalid_payloads_are_400_and_logged_as_rejected() {
    let f = Fixture::new().await;
    let res = f
        .http
        .post(f.url("tok-started"))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("json"),
        "{body}"
    );

    let wrong_posting = STARTED.replace("F9E8D7C6", "OTHER");
    let res = f
        .http
        .post(f.url("tok-started"))
        .body(wrong_posting)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);

    let missing_id = r#"{"posting_id": "F9E8D7C6", "timestamp": 1.0}"#;
    let res = f
        .http
        .post(f.url("tok-started"))
        .body(missing_id)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);

    assert_eq!(f.store.delivery_count().unwrap(), 0);
    let log = f.store.list_deliveries(&Default::default()).unwrap();
    assert_eq!(log.len(), 3);
    assert!(log.iter().all(|r| r.status == reqlink_domain_status()));
}

fn reqlink_domain_status() -> reqlink_domain::DeliveryStatus {
    reqlink_domain::DeliveryStatus::Rejected
}

#[tokio::test]
async fn oversized_body_is_refused() {
    let f = Fixture::new().await;
    let huge = vec![b' '; reqlink_receiver::MAX_BODY_BYTES + 1];
    let res = f
        .http
        .post(f.url("tok-started"))
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    assert_eq!(f.store.delivery_count().unwrap(), 0);
    // Kept in the log as rejected, with the reason and no body.
    let log = f.store.list_deliveries(&Default::default()).unwrap();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0].status, reqlink_domain_status());
}

#[tokio::test]
async fn concurrent_deliveries_are_all_stored_once() {
    let f = Fixture::new().await;
    let mut tasks = Vec::new();
    for i in 0..200 {
        let http = f.http.clone();
        let url = f.url("tok-started");
        let body = STARTED.replace("A1B2C3D4E5F60718", &format!("INT{i:05}"));
        tasks.push(tokio::spawn(async move {
            http.post(url).body(body).send().await.unwrap().status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    assert_eq!(f.store.delivery_count().unwrap(), 200);
}
