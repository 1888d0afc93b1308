//! Greenhouse and Lever webhooks end to end: the emulators send signed
//! deliveries over HTTP to the core's real receiver, the inbox worker
//! applies them to the SQLite copy, and the screens' queries show it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use reqlink_app::{Core, CoreOptions, SandboxConfig};
use reqlink_domain::{
    ActivityLevel, ActivityQuery, AppEvent, AtsWebhookView, CandidateQuery, CandidateRow,
    DeliveryQuery, DeliveryStatus, ErrorCode, JobQuery, Provider, WebhookSecretRequest,
};
use reqlink_sandbox::{GreenhouseConfig, LeverConfig};
use reqlink_store::NewConnection;
use serde_json::Value;
use sha2::Sha256;

const GH: &str = "sandbox-greenhouse";
const LEVER: &str = "lever-test";

async fn start(dir: &std::path::Path, events: Option<reqlink_app::EventSink>) -> Core {
    let mut options = CoreOptions::new(dir.to_path_buf());
    options.sandbox = SandboxConfig {
        jobs: 4,
        candidates: 30,
        applications: 40,
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
    };
    options.sync_on_start = false;
    options.events = events;
    options.receiver_addr = "127.0.0.1:0".parse().unwrap();
    options.secret_store = reqlink_secrets::StoreChoice::File;
    Core::start(options).await.expect("core starts")
}

/// A synced core plus what the emulator's Harvest API says.
async fn synced(dir: &std::path::Path, events: Option<reqlink_app::EventSink>) -> Core {
    let core = start(dir, events).await;
    core.run_sync().await.expect("sync succeeds");
    core
}

async fn harvest(core: &Core, path: &str) -> Value {
    let (base, key) = core.with_sandbox(|s| {
        let s = s.unwrap();
        (s.greenhouse_base_url(), s.greenhouse_api_key())
    });
    reqwest::Client::new()
        .get(format!("{base}{path}"))
        .basic_auth(key, Some(""))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Active applications whose candidate has only this one, so the
/// candidate's row shows its stage.
async fn single_applications(core: &Core) -> Vec<Value> {
    let apps = harvest(core, "/applications?per_page=500").await;
    let apps = apps.as_array().unwrap();
    let mut per_candidate: HashMap<u64, usize> = HashMap::new();
    for a in apps {
        *per_candidate
            .entry(a["candidate_id"].as_u64().unwrap())
            .or_default() += 1;
    }
    apps.iter()
        .filter(|a| {
            a["status"] == "active"
                && a["prospect"] == false
                && per_candidate[&a["candidate_id"].as_u64().unwrap()] == 1
        })
        .cloned()
        .collect()
}

async fn candidates(core: &Core, connection_id: &str) -> Vec<CandidateRow> {
    core.list_candidates(CandidateQuery {
        connection_id: Some(connection_id.into()),
        limit: 500,
        ..CandidateQuery::default()
    })
    .await
    .unwrap()
    .items
}

async fn candidate(core: &Core, connection_id: &str, id: &str) -> Option<CandidateRow> {
    candidates(core, connection_id)
        .await
        .into_iter()
        .find(|c| c.id == id)
}

/// Polls the local copy until `check` holds; returns how long it took.
async fn within<F, Fut>(limit: Duration, what: &str, mut check: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while started.elapsed() < limit {
        if check().await {
            return started.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{what} did not happen within {limit:?}");
}

async fn view(core: &Core, connection_id: &str) -> AtsWebhookView {
    core.ats_webhook_view(connection_id).await.expect("a view")
}

async fn warnings(core: &Core) -> Vec<String> {
    core.list_activity(ActivityQuery::default())
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.level == ActivityLevel::Warn && a.kind == "webhook_rejected")
        .map(|a| a.message)
        .collect()
}

fn gh_sign(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256 {}", hex::encode(mac.finalize().into_bytes()))
}

#[tokio::test]
async fn sandbox_greenhouse_is_wired_at_start_and_its_ping_counts() {
    let dir = tempfile::tempdir().unwrap();
    let core = start(dir.path(), None).await;
    let hooks = core.with_sandbox(|s| s.unwrap().control().greenhouse_webhooks());
    assert_eq!(hooks.len(), 1);
    assert!(hooks[0].enabled, "the registration ping was answered 200");
    let v = view(&core, GH).await;
    assert!(v.secret_configured);
    assert!(v.missing_events.is_empty());
    assert_eq!((v.received, v.rejected), (1, 0));
    assert!(v.last_received_at.is_some());
    assert!(v.url.contains("/hooks/greenhouse/") && v.url.starts_with("http://127.0.0.1:"));
    assert_eq!(hooks[0].url, v.url);

    // The ping is processed with nothing to do.
    within(Duration::from_secs(2), "the ping processed", || async {
        core.list_deliveries(DeliveryQuery::default())
            .await
            .unwrap()
            .iter()
            .any(|d| {
                d.event_type.as_deref() == Some("ping") && d.status == DeliveryStatus::Processed
            })
    })
    .await;

    // A restart registers again (the emulator is new) with the same
    // endpoint and secret.
    core.shutdown().await;
    let core = start(dir.path(), None).await;
    let again = view(&core, GH).await;
    assert_eq!(again.url.rsplit('/').next(), v.url.rsplit('/').next());
    assert!(
        core.with_sandbox(|s| s.unwrap().control().greenhouse_webhooks()[0].enabled),
        "the stored secret still verifies"
    );
    assert_eq!(view(&core, GH).await.received, 2);
    core.shutdown().await;
}

#[tokio::test]
async fn a_stage_move_in_greenhouse_shows_in_candidates_within_a_second() {
    let dir = tempfile::tempdir().unwrap();
    let seen: Arc<Mutex<Vec<AppEvent>>> = Arc::default();
    let sink = {
        let seen = seen.clone();
        Arc::new(move |e: AppEvent| seen.lock().unwrap().push(e)) as reqlink_app::EventSink
    };
    let core = synced(dir.path(), Some(sink)).await;
    let app = single_applications(&core).await[0].clone();
    let (aid, cid) = (
        app["id"].as_u64().unwrap(),
        app["candidate_id"].as_u64().unwrap().to_string(),
    );
    let job = app["jobs"][0]["id"].as_u64().unwrap();
    let stages = harvest(&core, &format!("/jobs/{job}/stages")).await;
    let target = stages
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] != app["current_stage"]["id"])
        .unwrap()
        .clone();
    let target_name = target["name"].as_str().unwrap().to_owned();
    assert_ne!(
        candidate(&core, GH, &cid)
            .await
            .unwrap()
            .stage_name
            .as_deref(),
        Some(target_name.as_str())
    );
    seen.lock().unwrap().clear();

    core.with_sandbox(|s| {
        s.unwrap()
            .control()
            .greenhouse_move_application(aid, target["id"].as_u64().unwrap())
    })
    .unwrap();
    within(
        Duration::from_secs(1),
        "the new stage in the local copy",
        || async {
            candidate(&core, GH, &cid)
                .await
                .unwrap()
                .stage_name
                .as_deref()
                == Some(target_name.as_str())
        },
    )
    .await;
    assert!(seen.lock().unwrap().iter().any(
        |e| matches!(e, AppEvent::DataChanged { entities } if entities.iter().any(|x| x == "candidates"))
    ));
    let delivered = core
        .list_deliveries(DeliveryQuery::default())
        .await
        .unwrap();
    assert!(delivered.iter().any(|d| d.source == "greenhouse"
        && d.event_type.as_deref() == Some("candidate_stage_change")
        && d.status == DeliveryStatus::Processed));
    assert!(warnings(&core).await.is_empty());
    core.shutdown().await;
}

#[tokio::test]
async fn deletions_merges_anonymisation_and_jobs_update_the_local_copy() {
    let dir = tempfile::tempdir().unwrap();
    let core = synced(dir.path(), None).await;
    let singles = single_applications(&core).await;
    let id = |i: usize| singles[i]["candidate_id"].as_u64().unwrap();
    let (deleted, kept, removed, anonymized) = (id(0), id(1), id(2), id(3));
    let control = core.with_sandbox(|s| s.unwrap().control());
    control.greenhouse_delete_candidate(deleted).unwrap();
    control.greenhouse_merge_candidates(kept, removed).unwrap();
    control
        .greenhouse_anonymize_candidate(anonymized, &["full_name", "email_addresses"])
        .unwrap();
    let new_job = control.greenhouse_create_job("Webhook Engineer").unwrap();

    within(
        Duration::from_secs(2),
        "all four changes applied",
        || async {
            let rows = candidates(&core, GH).await;
            let find = |id: u64| rows.iter().find(|c| c.id == id.to_string());
            let jobs = core.list_jobs(JobQuery::default()).await.unwrap();
            find(deleted).is_none()
                && find(removed).is_none()
                && find(kept).is_some_and(|c| c.application_count == 2)
                && find(anonymized)
                    .is_some_and(|c| c.name == "Anonymized candidate" && c.email.is_none())
                && jobs.items.iter().any(|j| j.id == new_job.to_string())
        },
    )
    .await;

    control.greenhouse_delete_job(new_job).unwrap();
    within(Duration::from_secs(1), "the job deleted", || async {
        let jobs = core.list_jobs(JobQuery::default()).await.unwrap();
        !jobs.items.iter().any(|j| j.id == new_job.to_string())
    })
    .await;
    let log = core
        .list_deliveries(DeliveryQuery::default())
        .await
        .unwrap();
    assert!(
        log.iter().all(|d| d.status == DeliveryStatus::Processed),
        "{log:?}"
    );
    core.shutdown().await;
}

#[tokio::test]
async fn a_wrong_secret_refuses_the_delivery_stores_nothing_and_warns() {
    let dir = tempfile::tempdir().unwrap();
    let core = synced(dir.path(), None).await;
    let app = single_applications(&core).await[0].clone();
    let cid = app["candidate_id"].as_u64().unwrap().to_string();
    let before = candidate(&core, GH, &cid).await.unwrap();

    let v = core
        .set_webhook_secret(WebhookSecretRequest {
            connection_id: GH.into(),
            event: None,
            secret: "not what greenhouse signs with".into(),
        })
        .await
        .unwrap();
    assert!(v.secret_configured);
    let stored_before = core.store().delivery_count().unwrap();
    let control = core.with_sandbox(|s| s.unwrap().control());
    control
        .greenhouse_reject_application(app["id"].as_u64().unwrap())
        .unwrap();
    within(Duration::from_secs(2), "the refusal", || async {
        control
            .greenhouse_deliveries()
            .iter()
            .any(|d| d.action == "reject_candidate" && d.status == Some(401))
    })
    .await;
    assert_eq!(core.store().delivery_count().unwrap(), stored_before);
    let rejected = core
        .list_deliveries(DeliveryQuery {
            status: Some(DeliveryStatus::Rejected),
            ..DeliveryQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(rejected.len(), 1);
    assert!(rejected[0]
        .error
        .as_deref()
        .unwrap()
        .contains("does not match"));
    let warned = warnings(&core).await;
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(warned[0].contains("Greenhouse (sandbox)") && warned[0].contains("HTTP 401"));
    assert_eq!(view(&core, GH).await.rejected, 1);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        candidate(&core, GH, &cid).await.unwrap(),
        before,
        "unchanged"
    );

    // No signature at all: refused too, with its own warning.
    let res = reqwest::Client::new()
        .post(&v.url)
        .header("Greenhouse-Event-ID", "e-unsigned")
        .body(r#"{"action":"delete_candidate","payload":{"person":{"id":1}}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(core.store().delivery_count().unwrap(), stored_before);
    assert_eq!(warnings(&core).await.len(), 2);
    core.shutdown().await;
}

#[tokio::test]
async fn a_replayed_event_is_applied_once_and_secrets_are_validated() {
    let dir = tempfile::tempdir().unwrap();
    let core = synced(dir.path(), None).await;
    let v = core
        .set_webhook_secret(WebhookSecretRequest {
            connection_id: GH.into(),
            event: None,
            secret: "  known-secret \n".into(),
        })
        .await
        .unwrap();
    let jobs = core.list_jobs(JobQuery::default()).await.unwrap();
    let victim = jobs.items[0].id.clone();
    let body =
        format!(r#"{{"action":"job_deleted","payload":{{"job":{{"id":{victim},"name":"x"}}}}}}"#);
    let received_before = view(&core, GH).await.received;
    for expect_duplicate in [false, true] {
        let res = reqwest::Client::new()
            .post(&v.url)
            .header(
                "Greenhouse-Event-ID",
                "11111111-2222-4333-8444-555555555555",
            )
            .header("Signature", gh_sign("known-secret", body.as_bytes()))
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let answer: Value = res.json().await.unwrap();
        assert_eq!(answer["duplicate"], expect_duplicate);
    }
    within(Duration::from_secs(1), "the job deleted", || async {
        let jobs = core.list_jobs(JobQuery::default()).await.unwrap();
        !jobs.items.iter().any(|j| j.id == victim)
    })
    .await;
    assert_eq!(view(&core, GH).await.received, received_before + 1);

    // Bad requests name the problem and store nothing.
    let err = core
        .set_webhook_secret(WebhookSecretRequest {
            connection_id: GH.into(),
            event: None,
            secret: "   ".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    let err = core
        .set_webhook_secret(WebhookSecretRequest {
            connection_id: GH.into(),
            event: Some("candidateStageChange".into()),
            secret: "x".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    let err = core
        .set_webhook_secret(WebhookSecretRequest {
            connection_id: "sandbox-platform".into(),
            event: None,
            secret: "x".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(core.ats_webhook_view("sandbox-platform").await.is_none());
    let err = core
        .set_webhook_secret(WebhookSecretRequest {
            connection_id: "nope".into(),
            event: None,
            secret: "x".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    // The secret never comes back, not even in Activity.
    let activity = core.list_activity(ActivityQuery::default()).await.unwrap();
    assert!(activity.iter().all(|a| !a.message.contains("known-secret")));
    assert!(!format!("{v:?}").contains("known-secret"));
    core.shutdown().await;
}

/// A Lever connection on the Lever emulator, with one opportunity (and the
/// stages) in the local copy, as a sync would leave it.
async fn lever_connection(core: &Core) -> (String, String) {
    let status = core.app_status().await.unwrap();
    let control = core.with_sandbox(|s| s.unwrap().control());
    core.store()
        .upsert_connection(&NewConnection {
            id: LEVER,
            workspace_id: &status.workspace.id,
            provider: Provider::Lever,
            label: "Lever (sandbox)",
            auth_style: "API key",
            base_url: &core.with_sandbox(|s| s.unwrap().lever_base_url()),
            sandbox: true,
        })
        .unwrap();
    let opp = control.lever_opportunity_ids()[0].clone();
    let o = control.lever_opportunity(&opp).unwrap();
    let contact = o["contact"].as_str().unwrap().to_owned();
    let stages: Vec<reqlink_domain::StageRecord> = control
        .lever_stages()
        .into_iter()
        .enumerate()
        .map(|(i, (id, name))| reqlink_domain::StageRecord {
            id,
            job_id: "general".into(),
            name,
            priority: i as u32,
            active: true,
        })
        .collect();
    core.store()
        .replace_job_stages(LEVER, "general", &stages)
        .unwrap();
    core.store()
        .put_application_event(
            LEVER,
            &reqlink_domain::ApplicationRecord {
                id: opp.clone(),
                candidate_id: contact.clone(),
                job_id: None,
                status: "active".into(),
                prospect: true,
                stage_id: o["stage"].as_str().map(str::to_owned),
                stage_name: None,
                applied_at: None,
                last_activity_at: None,
            },
            Some(&reqlink_domain::CandidateRecord {
                id: contact.clone(),
                first_name: "Lever".into(),
                last_name: "Person".into(),
                email: None,
                company: None,
                title: None,
                updated_at: None,
            }),
        )
        .unwrap();
    (opp, contact)
}

fn lever_stage_other_than(core: &Core, opp: &str) -> (String, String) {
    let control = core.with_sandbox(|s| s.unwrap().control());
    let current = control.lever_opportunity(opp).unwrap()["stage"]
        .as_str()
        .unwrap()
        .to_owned();
    control
        .lever_stages()
        .into_iter()
        .find(|(id, _)| *id != current)
        .unwrap()
}

#[tokio::test]
async fn lever_stage_changes_and_deletions_apply_and_a_wrong_event_token_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let core = start(dir.path(), None).await;
    let (opp, contact) = lever_connection(&core).await;

    let before = view(&core, LEVER).await;
    assert!(!before.secret_configured);
    assert_eq!(before.missing_events.len(), 5);
    let v = core.register_sandbox_lever_hooks(LEVER).await.unwrap();
    assert!(v.secret_configured && v.missing_events.is_empty(), "{v:?}");
    assert!(v.url.contains("/hooks/lever/"));

    let control = core.with_sandbox(|s| s.unwrap().control());
    let (to, name) = lever_stage_other_than(&core, &opp);
    control.lever_move_stage(&opp, &to).unwrap();
    within(
        Duration::from_secs(1),
        "the Lever stage in the local copy",
        || async {
            candidate(&core, LEVER, &contact)
                .await
                .unwrap()
                .stage_name
                .as_deref()
                == Some(name.as_str())
        },
    )
    .await;

    // The stage-change token replaced with another event's: refused.
    let hired = control.lever_signature_token("candidateHired").unwrap();
    core.set_webhook_secret(WebhookSecretRequest {
        connection_id: LEVER.into(),
        event: Some("candidateStageChange".into()),
        secret: hired,
    })
    .await
    .unwrap();
    let (back, back_name) = lever_stage_other_than(&core, &opp);
    control.lever_move_stage(&opp, &back).unwrap();
    within(Duration::from_secs(2), "the refusal", || async {
        control
            .lever_deliveries()
            .iter()
            .any(|d| d.status == Some(401))
    })
    .await;
    let warned = warnings(&core).await;
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(warned[0].contains("candidateStageChange"));
    assert_eq!(view(&core, LEVER).await.rejected, 1);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let row = candidate(&core, LEVER, &contact).await.unwrap();
    assert_eq!(row.stage_name.as_deref(), Some(name.as_str()));
    assert_ne!(row.stage_name.as_deref(), Some(back_name.as_str()));

    // A deleted opportunity leaves the local copy (its contact with it:
    // no other opportunity of theirs is here).
    control.lever_delete(&opp).unwrap();
    within(Duration::from_secs(1), "the deletion", || async {
        candidate(&core, LEVER, &contact).await.is_none()
    })
    .await;
    core.shutdown().await;
}
