//! Lever webhook verification against deliveries the emulator really sent:
//! good, tampered and missing signatures, another event's token, replays
//! (retries share the token) and the connection-test ping.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Router;
use reqlink_ats::{AtsEvent, WebhookRejection};
use reqlink_lever::verify_webhook;
use reqlink_sandbox::{LeverConfig, Sandbox, SandboxConfig, LEVER_EVENTS};
use serde_json::Value;

#[derive(Default)]
struct Inbox {
    bodies: Mutex<Vec<Vec<u8>>>,
    /// Statuses to answer before 200.
    plan: Mutex<Vec<u16>>,
}

async fn receiver() -> (String, Arc<Inbox>) {
    async fn take(State(inbox): State<Arc<Inbox>>, body: axum::body::Bytes) -> StatusCode {
        inbox.bodies.lock().unwrap().push(body.to_vec());
        let mut plan = inbox.plan.lock().unwrap();
        let status = if plan.is_empty() { 200 } else { plan.remove(0) };
        StatusCode::from_u16(status).unwrap()
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let inbox = Arc::new(Inbox::default());
    let app = Router::new().fallback(take).with_state(inbox.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}/webhooks/lever"), inbox)
}

async fn wait_for(inbox: &Inbox, n: usize) -> Vec<Vec<u8>> {
    for _ in 0..300 {
        let got = inbox.bodies.lock().unwrap().clone();
        if got.len() >= n {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("expected {n} deliveries");
}

/// A sandbox whose every webhook goes to a fresh receiver, and the
/// signature tokens as a user would paste them from Lever's settings.
async fn setup() -> (Sandbox, Arc<Inbox>, HashMap<String, Vec<u8>>) {
    let sb = Sandbox::start(SandboxConfig {
        jobs: 6,
        candidates: 40,
        applications: 50,
        rate_limit: None,
        lever: LeverConfig {
            rate_limit: None,
            webhook_retry_delays: vec![Duration::from_millis(10), Duration::from_millis(10)],
            ..LeverConfig::default()
        },
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let (url, inbox) = receiver().await;
    let mut tokens = HashMap::new();
    for e in LEVER_EVENTS {
        let token = sb.control().lever_register_webhook(e, &url).unwrap();
        tokens.insert(e.to_owned(), token.into_bytes());
    }
    (sb, inbox, tokens)
}

fn other_stage(sb: &Sandbox, opp: &str) -> String {
    let current = sb.control().lever_opportunity(opp).unwrap()["stage"]
        .as_str()
        .unwrap()
        .to_owned();
    sb.control()
        .lever_stages()
        .into_iter()
        .map(|s| s.0)
        .find(|s| *s != current)
        .unwrap()
}

#[tokio::test]
async fn a_stage_change_verifies_and_maps_to_stage_changed() {
    let (sb, inbox, tokens) = setup().await;
    let opp = sb.control().lever_opportunity_ids()[3].clone();
    let contact = sb.control().lever_opportunity(&opp).unwrap()["contact"]
        .as_str()
        .unwrap()
        .to_owned();
    let to = other_stage(&sb, &opp);
    sb.control().lever_move_stage(&opp, &to).unwrap();
    let body = &wait_for(&inbox, 1).await[0];
    let ev = verify_webhook(&tokens, body).unwrap();
    assert_eq!(ev.action, "candidateStageChange");
    let sent: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(ev.event_id, sent["token"].as_str().unwrap());
    match ev.event {
        AtsEvent::StageChanged {
            application_id,
            candidate_id,
            from_stage_id,
            to_stage_id,
        } => {
            assert_eq!(application_id, opp);
            assert_eq!(candidate_id.as_deref(), Some(contact.as_str()));
            assert!(from_stage_id.is_some());
            assert_eq!(to_stage_id, to);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn tampered_missing_and_foreign_signatures_are_refused() {
    let (sb, inbox, tokens) = setup().await;
    let opp = sb.control().lever_opportunity_ids()[0].clone();
    sb.control()
        .lever_move_stage(&opp, &other_stage(&sb, &opp))
        .unwrap();
    let body = wait_for(&inbox, 1).await.remove(0);
    let sent: Value = serde_json::from_slice(&body).unwrap();

    let mut tampered = sent.clone();
    tampered["token"] = Value::String("0".repeat(40));
    let raw = serde_json::to_vec(&tampered).unwrap();
    assert_eq!(
        verify_webhook(&tokens, &raw).unwrap_err(),
        WebhookRejection::BadSignature
    );

    let mut later = sent.clone();
    later["triggeredAt"] = Value::from(sent["triggeredAt"].as_i64().unwrap() + 1);
    let raw = serde_json::to_vec(&later).unwrap();
    assert_eq!(
        verify_webhook(&tokens, &raw).unwrap_err(),
        WebhookRejection::BadSignature
    );

    let mut unsigned = sent.clone();
    unsigned.as_object_mut().unwrap().remove("signature");
    let raw = serde_json::to_vec(&unsigned).unwrap();
    assert_eq!(
        verify_webhook(&tokens, &raw).unwrap_err(),
        WebhookRejection::MissingSignature
    );

    // The stage-change delivery checked against the hired event's token.
    let mut crossed = tokens.clone();
    crossed.insert(
        "candidateStageChange".into(),
        tokens["candidateHired"].clone(),
    );
    assert_eq!(
        verify_webhook(&crossed, &body).unwrap_err(),
        WebhookRejection::BadSignature
    );

    // An event whose token was never configured cannot be vouched for.
    let mut without = tokens.clone();
    without.remove("candidateStageChange");
    assert_eq!(
        verify_webhook(&without, &body).unwrap_err(),
        WebhookRejection::BadSignature
    );

    assert!(matches!(
        verify_webhook(&tokens, b"{not json").unwrap_err(),
        WebhookRejection::Malformed(_)
    ));
}

#[tokio::test]
async fn a_retried_delivery_has_the_same_event_id() {
    let (sb, inbox, tokens) = setup().await;
    inbox.plan.lock().unwrap().push(503);
    let opp = sb.control().lever_opportunity_ids()[1].clone();
    sb.control()
        .lever_move_stage(&opp, &other_stage(&sb, &opp))
        .unwrap();
    let got = wait_for(&inbox, 2).await;
    let first = verify_webhook(&tokens, &got[0]).unwrap();
    let replay = verify_webhook(&tokens, &got[1]).unwrap();
    assert_eq!(
        first.event_id, replay.event_id,
        "dedupe on the delivery token"
    );
    assert_eq!(first, replay);

    // A new change is a new event.
    sb.control()
        .lever_move_stage(&opp, &other_stage(&sb, &opp))
        .unwrap();
    let got = wait_for(&inbox, 3).await;
    assert_ne!(
        verify_webhook(&tokens, &got[2]).unwrap().event_id,
        first.event_id
    );
}

#[tokio::test]
async fn ping_delete_hire_and_create_map_as_documented() {
    let (sb, inbox, tokens) = setup().await;
    let c = sb.control();
    c.lever_ping_webhook("candidateStageChange").unwrap();
    let got = wait_for(&inbox, 1).await;
    assert_eq!(
        verify_webhook(&tokens, &got[0]).unwrap().event,
        AtsEvent::Ping
    );

    let ids = c.lever_opportunity_ids();
    let contact = c.lever_opportunity(&ids[2]).unwrap()["contact"]
        .as_str()
        .unwrap()
        .to_owned();
    c.lever_delete(&ids[2]).unwrap();
    let got = wait_for(&inbox, 2).await;
    assert_eq!(
        verify_webhook(&tokens, &got[1]).unwrap().event,
        AtsEvent::ApplicationDeleted {
            application_id: ids[2].clone(),
            candidate_id: Some(contact)
        }
    );

    c.lever_hire(&ids[3]).unwrap();
    let got = wait_for(&inbox, 4).await;
    let mut actions: Vec<String> = got[2..]
        .iter()
        .map(|b| {
            let ev = verify_webhook(&tokens, b).unwrap();
            assert_eq!(
                ev.event,
                AtsEvent::Ignored {
                    action: ev.action.clone()
                }
            );
            ev.action
        })
        .collect();
    actions.sort();
    assert_eq!(actions, ["candidateArchiveChange", "candidateHired"]);

    let posting = c.lever_postings()[0].0.clone();
    c.lever_create(&reqlink_sandbox::LeverNewOpportunity {
        name: "Lin Wu".into(),
        email: None,
        posting_id: Some(posting),
        stage_id: None,
    })
    .unwrap();
    let got = wait_for(&inbox, 5).await;
    let ev = verify_webhook(&tokens, &got[4]).unwrap();
    assert_eq!(ev.action, "applicationCreated");
    assert!(matches!(ev.event, AtsEvent::Ignored { .. }));
}
