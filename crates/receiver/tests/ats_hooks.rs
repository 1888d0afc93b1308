//! Greenhouse and Lever deliveries into the receiver over real HTTP with a
//! real SQLite inbox, sent by the sandbox emulators (real signatures) and,
//! for what an emulator never sends, by hand.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hmac::{Hmac, Mac};
use reqlink_domain::{DeliveryStatus, Provider};
use reqlink_receiver::{HookKeys, Receiver, RejectedNotice};
use reqlink_sandbox::{GreenhouseConfig, LeverConfig, Sandbox, SandboxConfig};
use reqlink_store::{Endpoint, NewConnection, Store};
use sha2::Sha256;
use tokio::sync::Notify;

const GH_SECRET: &str = "gh-secret-key";

#[derive(Default)]
struct Keys {
    greenhouse: Mutex<Option<Vec<u8>>>,
    lever: Mutex<HashMap<String, Vec<u8>>>,
    rejected: Mutex<Vec<RejectedNotice>>,
}

impl HookKeys for Keys {
    fn greenhouse_secret(&self, connection_id: &str) -> Option<Vec<u8>> {
        assert_eq!(connection_id, "gh-conn");
        self.greenhouse.lock().unwrap().clone()
    }

    fn lever_tokens(&self, connection_id: &str) -> HashMap<String, Vec<u8>> {
        assert_eq!(connection_id, "lv-conn");
        self.lever.lock().unwrap().clone()
    }

    fn on_rejected(&self, notice: &RejectedNotice) {
        self.rejected.lock().unwrap().push(notice.clone());
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    store: Arc<Store>,
    keys: Arc<Keys>,
    receiver: Receiver,
    sandbox: Sandbox,
    http: reqwest::Client,
}

impl Fixture {
    async fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(Store::open_in_dir(dir.path()).unwrap());
        let ws = store.ensure_sandbox_workspace().unwrap();
        for (id, provider, source, token) in [
            ("gh-conn", Provider::Greenhouse, "greenhouse", "gh-token"),
            ("lv-conn", Provider::Lever, "lever", "lv-token"),
        ] {
            store
                .upsert_connection(&NewConnection {
                    id,
                    workspace_id: &ws.id,
                    provider,
                    label: id,
                    auth_style: "API key",
                    base_url: "http://127.0.0.1:1",
                    sandbox: true,
                })
                .unwrap();
            store
                .create_endpoint(&Endpoint {
                    token: token.into(),
                    source: source.into(),
                    connection_id: Some(id.into()),
                    posting_id: None,
                    event_type: None,
                    webhook_id: None,
                })
                .unwrap();
        }
        store
            .create_endpoint(&Endpoint {
                token: "platform-token".into(),
                source: "platform".into(),
                connection_id: None,
                posting_id: Some("P1".into()),
                event_type: Some("interview_started".into()),
                webhook_id: None,
            })
            .unwrap();
        let keys = Arc::new(Keys::default());
        *keys.greenhouse.lock().unwrap() = Some(GH_SECRET.as_bytes().to_vec());
        let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let receiver =
            Receiver::start_with_keys(store.clone(), addr, Arc::new(Notify::new()), keys.clone())
                .await
                .unwrap();
        let sandbox = Sandbox::start(SandboxConfig {
            jobs: 4,
            candidates: 20,
            applications: 20,
            rate_limit: None,
            greenhouse: GreenhouseConfig {
                webhook_retry_delays: vec![],
                ..GreenhouseConfig::default()
            },
            lever: LeverConfig {
                rate_limit: None,
                webhook_retry_delays: vec![],
                ..LeverConfig::default()
            },
            ..SandboxConfig::default()
        })
        .await
        .unwrap();
        Fixture {
            _dir: dir,
            store,
            keys,
            receiver,
            sandbox,
            http: reqwest::Client::new(),
        }
    }

    fn url(&self, source: &str, token: &str) -> String {
        format!(
            "http://{}/hooks/{source}/{token}",
            self.receiver.local_addr()
        )
    }

    fn rows(&self) -> Vec<reqlink_domain::DeliveryRow> {
        self.store.list_deliveries(&Default::default()).unwrap()
    }

    async fn shutdown(self) {
        self.sandbox.shutdown().await;
        self.receiver.shutdown().await;
    }
}

fn gh_sign(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap();
    mac.update(body);
    format!("sha256 {}", hex::encode(mac.finalize().into_bytes()))
}

/// Polls until `done` holds (deliveries arrive from emulator tasks).
async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..200 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test]
async fn greenhouse_ping_and_events_are_verified_and_stored_before_the_200() {
    let f = Fixture::new().await;
    let c = f.sandbox.control();
    let hook = c
        .greenhouse_register_webhook(
            "Reqlink",
            &f.url("greenhouse", "gh-token"),
            GH_SECRET,
            &["job_created", "job_deleted"],
        )
        .await
        .unwrap();
    assert!(hook.enabled, "the registration ping was answered 200");
    // Answered means stored: the ping is in the inbox the moment it returns.
    let pending = f.store.pending_deliveries(10).unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].source, "greenhouse");
    assert_eq!(pending[0].event_type, "ping");
    assert_eq!(pending[0].token.as_deref(), Some("gh-token"));

    let job = c.greenhouse_create_job("Data Engineer").unwrap();
    wait_until("job_created to be delivered", || {
        c.greenhouse_deliveries()
            .iter()
            .any(|d| d.action == "job_created" && d.delivered())
    })
    .await;
    let pending = f.store.pending_deliveries(10).unwrap();
    assert_eq!(pending.len(), 2);
    assert_eq!(pending[1].event_type, "job_created");
    let body: serde_json::Value = serde_json::from_slice(&pending[1].body).unwrap();
    assert_eq!(body["payload"]["job"]["id"], job);
    // Stored byte for byte as signed: the stored body still verifies.
    let event_id = c
        .greenhouse_deliveries()
        .into_iter()
        .find(|d| d.action == "job_created")
        .unwrap()
        .event_id;
    assert!(reqlink_greenhouse::verify_webhook(
        GH_SECRET.as_bytes(),
        Some(&gh_sign(GH_SECRET.as_bytes(), &pending[1].body)),
        Some(&event_id),
        &pending[1].body
    )
    .is_ok());
    let counts = f.store.endpoint_counts("gh-token").unwrap();
    assert_eq!((counts.received, counts.rejected), (2, 0));
    assert!(counts.last_received_at.is_some());
    assert!(f.keys.rejected.lock().unwrap().is_empty());
    f.shutdown().await;
}

#[tokio::test]
async fn greenhouse_wrong_secret_is_401_and_only_the_reason_is_kept() {
    let f = Fixture::new().await;
    let c = f.sandbox.control();
    let hook = c
        .greenhouse_register_webhook(
            "Wrong secret",
            &f.url("greenhouse", "gh-token"),
            "not-the-secret",
            &["job_created"],
        )
        .await
        .unwrap();
    assert!(!hook.enabled, "the refused ping leaves the hook disabled");
    let attempt = &c.greenhouse_deliveries()[0];
    assert_eq!(attempt.status, Some(401));

    assert_eq!(f.store.delivery_count().unwrap(), 0, "nothing stored");
    let rows = f.rows();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].status, DeliveryStatus::Rejected);
    assert_eq!(rows[0].source, "greenhouse");
    assert!(rows[0].error.as_deref().unwrap().contains("does not match"));
    assert!(rows[0].size > 0);
    let detail = f.store.delivery_detail(&rows[0].id).unwrap();
    assert_eq!(detail.payload, "", "no excerpt of an unauthenticated body");
    let notices = f.keys.rejected.lock().unwrap().clone();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].connection_id, "gh-conn");
    assert_eq!(notices[0].status, 401);
    assert_eq!(f.store.endpoint_counts("gh-token").unwrap().rejected, 1);
    f.shutdown().await;
}

#[tokio::test]
async fn greenhouse_missing_signature_or_secret_is_401() {
    let f = Fixture::new().await;
    let body = br#"{"action":"ping","payload":{"web_hook_id":1}}"#;
    let res = f
        .http
        .post(f.url("greenhouse", "gh-token"))
        .header("Greenhouse-Event-ID", "e-1")
        .body(&body[..])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let answer: serde_json::Value = res.json().await.unwrap();
    assert_eq!(answer["error"], "missing Signature header");

    // Correctly signed, but this connection has no secret yet.
    *f.keys.greenhouse.lock().unwrap() = None;
    let res = f
        .http
        .post(f.url("greenhouse", "gh-token"))
        .header("Greenhouse-Event-ID", "e-2")
        .header("Signature", gh_sign(GH_SECRET.as_bytes(), body))
        .body(&body[..])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let answer: serde_json::Value = res.json().await.unwrap();
    assert!(answer["error"].as_str().unwrap().contains("no secret key"));

    assert_eq!(f.store.delivery_count().unwrap(), 0);
    assert_eq!(f.rows().len(), 2);
    assert_eq!(f.keys.rejected.lock().unwrap().len(), 2);
    f.shutdown().await;
}

#[tokio::test]
async fn a_replayed_greenhouse_event_id_is_stored_once() {
    let f = Fixture::new().await;
    let body = br#"{"action":"job_deleted","payload":{"job":{"id":42,"name":"Gone"}}}"#;
    let send = || {
        f.http
            .post(f.url("greenhouse", "gh-token"))
            .header("Greenhouse-Event-ID", "7c4a-replayed")
            .header("Signature", gh_sign(GH_SECRET.as_bytes(), body))
            .body(&body[..])
            .send()
    };
    let first = send().await.unwrap();
    assert_eq!(first.status(), 200);
    let first: serde_json::Value = first.json().await.unwrap();
    assert_eq!(first["duplicate"], false);
    let again = send().await.unwrap();
    assert_eq!(again.status(), 200, "a replay is acknowledged");
    let again: serde_json::Value = again.json().await.unwrap();
    assert_eq!(again["duplicate"], true);
    assert_eq!(f.store.delivery_count().unwrap(), 1);
    f.shutdown().await;
}

#[tokio::test]
async fn a_signed_body_that_cannot_be_decoded_is_kept_for_the_worker() {
    let f = Fixture::new().await;
    let body = br#"{"action":"delete_candidate","payload":{}}"#;
    let res = f
        .http
        .post(f.url("greenhouse", "gh-token"))
        .header("Greenhouse-Event-ID", "e-odd")
        .header("Signature", gh_sign(GH_SECRET.as_bytes(), body))
        .body(&body[..])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "authentic: stored, decoded later");
    let pending = f.store.pending_deliveries(10).unwrap();
    assert_eq!(pending[0].event_type, "delete_candidate");
    f.shutdown().await;
}

#[tokio::test]
async fn unknown_revoked_or_foreign_tokens_are_404_and_store_nothing() {
    let f = Fixture::new().await;
    let body = br#"{"action":"ping","payload":{"web_hook_id":1}}"#;
    let signature = gh_sign(GH_SECRET.as_bytes(), body);
    for url in [
        f.url("greenhouse", "guessed"),
        f.url("greenhouse", "lv-token"),
        f.url("greenhouse", "platform-token"),
        f.url("lever", "gh-token"),
        // An ATS token on the platform route must not be stored unverified
        // (nor excerpted as a rejected platform delivery).
        f.url("platform", "gh-token"),
    ] {
        let res = f
            .http
            .post(&url)
            .header("Greenhouse-Event-ID", "e-1")
            .header("Signature", &signature)
            .body(&body[..])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{url}");
    }
    assert_eq!(f.store.delivery_count().unwrap(), 0);
    assert!(f.rows().is_empty(), "404s are not even logged");
    assert!(f.keys.rejected.lock().unwrap().is_empty());
    f.shutdown().await;
}

fn register_lever(f: &Fixture) -> HashMap<String, Vec<u8>> {
    let c = f.sandbox.control();
    reqlink_lever::WEBHOOK_EVENTS
        .iter()
        .map(|e| {
            let token = c
                .lever_register_webhook(e, &f.url("lever", "lv-token"))
                .unwrap();
            ((*e).to_owned(), token.into_bytes())
        })
        .collect()
}

fn other_stage(f: &Fixture, opp: &str) -> String {
    let c = f.sandbox.control();
    let current = c.lever_opportunity(opp).unwrap()["stage"]
        .as_str()
        .unwrap()
        .to_owned();
    c.lever_stages()
        .into_iter()
        .map(|s| s.0)
        .find(|s| *s != current)
        .unwrap()
}

#[tokio::test]
async fn lever_stage_change_is_verified_and_stored_keyed_by_its_token() {
    let f = Fixture::new().await;
    *f.keys.lever.lock().unwrap() = register_lever(&f);
    let c = f.sandbox.control();
    let opp = c.lever_opportunity_ids()[1].clone();
    c.lever_move_stage(&opp, &other_stage(&f, &opp)).unwrap();
    wait_until("the stage change", || {
        c.lever_deliveries().iter().any(|d| d.status == Some(200))
    })
    .await;
    let pending = f.store.pending_deliveries(10).unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].source, "lever");
    assert_eq!(pending[0].event_type, "candidateStageChange");

    // The same delivery again (Lever retries with the same token): once.
    let sent = c.lever_deliveries()[0].clone();
    let res = f
        .http
        .post(f.url("lever", "lv-token"))
        .body(sent.body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let answer: serde_json::Value = res.json().await.unwrap();
    assert_eq!(answer["duplicate"], true);
    assert_eq!(f.store.delivery_count().unwrap(), 1);
    f.shutdown().await;
}

#[tokio::test]
async fn lever_with_another_events_token_or_none_is_401() {
    let f = Fixture::new().await;
    let mut tokens = register_lever(&f);
    // The stage-change token swapped for the hire token: a per-event key
    // mix-up must not verify.
    let hired = tokens["candidateHired"].clone();
    tokens.insert("candidateStageChange".into(), hired);
    tokens.remove("candidateDeleted");
    *f.keys.lever.lock().unwrap() = tokens;
    let c = f.sandbox.control();
    let ids = c.lever_opportunity_ids();
    c.lever_move_stage(&ids[0], &other_stage(&f, &ids[0]))
        .unwrap();
    c.lever_delete(&ids[2]).unwrap();
    wait_until("both deliveries", || c.lever_deliveries().len() == 2).await;
    assert!(c.lever_deliveries().iter().all(|d| d.status == Some(401)));
    assert_eq!(f.store.delivery_count().unwrap(), 0);
    let mut reasons: Vec<String> = f.rows().into_iter().filter_map(|r| r.error).collect();
    reasons.sort();
    assert_eq!(
        reasons,
        [
            "no signature token is set for candidateDeleted on this Lever connection; enter it on Integrations",
            "signature does not match the signature token set for candidateStageChange",
        ]
    );

    // Not even the signed fields: 400, still nothing stored.
    let res = f
        .http
        .post(f.url("lever", "lv-token"))
        .body("{\"event\": \"candidateHired\"}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401, "no signature at all");
    let res = f
        .http
        .post(f.url("lever", "lv-token"))
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(f.store.delivery_count().unwrap(), 0);
    assert_eq!(f.keys.rejected.lock().unwrap().len(), 4);
    f.shutdown().await;
}
