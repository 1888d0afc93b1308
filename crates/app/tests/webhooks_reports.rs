//! Subscriptions on the sandbox platform, deliveries into the real
//! receiver, processing into reports, and the report queries.

use reqlink_app::{Core, CoreOptions, SandboxConfig};
use reqlink_domain::{
    DeliveryQuery, DeliveryRequest, DeliveryStatus, ErrorCode, PostingRequest, PublicUrlRequest,
    ReportQuery, ReportRequest, WebhookRequest, WebhookTarget,
};

const REPORT: &str = include_str!("../../platform/tests/fixtures/report_available.json");
const STARTED: &str = include_str!("../../platform/tests/fixtures/interview_started.json");
const SEED_POSTING: &str = "F9E8D7C6";

async fn start(dir: &std::path::Path) -> Core {
    let mut options = CoreOptions::new(dir.to_path_buf());
    options.sandbox = SandboxConfig {
        jobs: 6,
        candidates: 20,
        applications: 20,
        rate_limit: None,
        ..SandboxConfig::default()
    };
    options.sync_on_start = false;
    options.receiver_addr = "127.0.0.1:0".parse().unwrap();
    options.secret_store = reqlink_secrets::StoreChoice::File;
    Core::start(options).await.unwrap()
}

/// A core whose sandbox plays interviews in a fraction of a second.
async fn start_fast_interviews(dir: &std::path::Path) -> Core {
    let quick = std::time::Duration::from_millis(30);
    let mut options = CoreOptions::new(dir.to_path_buf());
    options.sandbox = SandboxConfig {
        jobs: 6,
        candidates: 20,
        applications: 20,
        rate_limit: None,
        interview_start_delay: quick,
        interview_duration: quick,
        report_delay: quick,
        ..SandboxConfig::default()
    };
    options.sync_on_start = false;
    options.receiver_addr = "127.0.0.1:0".parse().unwrap();
    options.secret_store = reqlink_secrets::StoreChoice::File;
    Core::start(options).await.unwrap()
}

/// Waits until the background inbox worker has processed everything.
async fn settle(core: &Core) {
    for _ in 0..100 {
        if core.store().pending_deliveries(1).unwrap().is_empty() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("deliveries still pending after 5 s");
}

/// The delivery log without the sandbox Greenhouse's registration ping
/// (it arrives at every start).
async fn platform_deliveries(core: &Core) -> Vec<reqlink_domain::DeliveryRow> {
    core.list_deliveries(DeliveryQuery::default())
        .await
        .unwrap()
        .into_iter()
        .filter(|d| d.source == "platform")
        .collect()
}

/// Subscribes the first agent and returns (posting id, event -> hook URL).
async fn subscribe(core: &Core) -> (String, std::collections::HashMap<String, String>) {
    let posting = core.list_agents().await.unwrap()[0].posting_id.clone();
    core.subscribe_all(PostingRequest {
        posting_id: posting.clone(),
    })
    .await
    .unwrap();
    let agent = core
        .list_agents()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.posting_id == posting)
        .unwrap();
    let urls = agent
        .webhooks
        .iter()
        .map(|w| (w.event_type.clone(), w.url.clone()))
        .collect();
    (posting, urls)
}

#[tokio::test]
async fn subscribe_all_creates_three_live_subscriptions_once() {
    let dir = tempfile::tempdir().unwrap();
    let core = start(dir.path()).await;
    let (posting, urls) = subscribe(&core).await;
    assert_eq!(urls.len(), 3);
    let status = core.receiver_status().await.unwrap();
    let base = status.public_base_url.unwrap();
    assert!(urls
        .values()
        .all(|u| u.starts_with(&format!("{base}/hooks/platform/"))));

    // Subscribing again changes nothing.
    core.subscribe_all(PostingRequest {
        posting_id: posting.clone(),
    })
    .await
    .unwrap();
    let agent = core
        .list_agents()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.posting_id == posting)
        .unwrap();
    assert_eq!(agent.webhooks.len(), 3);
    assert!(agent
        .webhooks
        .iter()
        .all(|w| w.target == WebhookTarget::ThisReceiver && w.is_active));

    // Moving the public URL makes them stale; Subscribe all fixes that.
    core.set_public_base_url(PublicUrlRequest {
        url: Some("https://tunnel.example.com".into()),
    })
    .await
    .unwrap();
    let agent = core
        .list_agents()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.posting_id == posting)
        .unwrap();
    assert!(
        agent
            .webhooks
            .iter()
            .all(|w| w.target == WebhookTarget::Stale),
        "{:?}",
        agent.webhooks
    );
    core.subscribe_all(PostingRequest {
        posting_id: posting.clone(),
    })
    .await
    .unwrap();
    let agent = core
        .list_agents()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.posting_id == posting)
        .unwrap();
    let active: Vec<_> = agent.webhooks.iter().filter(|w| w.is_active).collect();
    assert_eq!(active.len(), 3);
    assert!(active.iter().all(|w| w
        .url
        .starts_with("https://tunnel.example.com/hooks/platform/")));

    let bad = core
        .set_public_base_url(PublicUrlRequest {
            url: Some("ftp://x".into()),
        })
        .await
        .unwrap_err();
    assert_eq!(bad.code, ErrorCode::InvalidInput);
    core.shutdown().await;
}

#[tokio::test]
async fn report_delivery_becomes_a_searchable_report_even_out_of_order() {
    let dir = tempfile::tempdir().unwrap();
    let core = start(dir.path()).await;
    let (posting, urls) = subscribe(&core).await;
    let http = reqwest::Client::new();

    // The report arrives before interview_started.
    let report = REPORT.replace(SEED_POSTING, &posting);
    let res = http
        .post(&urls["report_available"])
        .body(report.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let started = STARTED.replace(SEED_POSTING, &posting);
    let res = http
        .post(&urls["interview_started"])
        .body(started)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    // A repeated delivery is acknowledged but creates nothing new.
    let res = http
        .post(&urls["report_available"])
        .body(report)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);

    settle(&core).await;
    assert_eq!(
        platform_deliveries(&core).await.len(),
        2,
        "the repeat was not stored"
    );
    assert_eq!(
        core.store().interview_stage("A1B2C3D4E5F60718").unwrap(),
        Some(3)
    );

    let page = core.list_reports(ReportQuery::default()).await.unwrap();
    assert_eq!(page.total, 1);
    let row = &page.items[0];
    assert_eq!(row.match_score, Some(78.0));
    assert_eq!(row.candidate_name.as_deref(), Some("Jane Doe"));

    let hits = core
        .list_reports(ReportQuery {
            search: Some("distributed".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(hits.total, 1);
    assert!(hits.items[0]
        .snippet
        .as_deref()
        .unwrap()
        .contains('\u{E000}'));

    let detail = core
        .get_report(ReportRequest {
            interview_id: "A1B2C3D4E5F60718".into(),
        })
        .await
        .unwrap();
    assert_eq!(detail.scorecard.len(), 2);
    assert_eq!(detail.scorecard[1].excerpts[1].timestamp_str, "06:58");
    assert_eq!(detail.highlights.len(), 3);
    assert!(detail.transcript.len() >= 3);
    assert_eq!(detail.speech_score, Some(-1.0));

    let log = platform_deliveries(&core).await;
    assert_eq!(log.len(), 2);
    assert!(log.iter().all(|d| d.status == DeliveryStatus::Processed));
    core.shutdown().await;
}

#[tokio::test]
async fn rejected_and_replayed_deliveries_show_in_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let core = start(dir.path()).await;
    let (posting, urls) = subscribe(&core).await;
    let http = reqwest::Client::new();
    let res = http
        .post(&urls["report_available"])
        .body("<html>oops")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let log = core
        .list_deliveries(DeliveryQuery::default())
        .await
        .unwrap();
    assert_eq!(log[0].status, DeliveryStatus::Rejected);
    let detail = core
        .get_delivery(DeliveryRequest {
            id: log[0].id.clone(),
        })
        .await
        .unwrap();
    assert_eq!(detail.payload, "<html>oops");
    let err = core
        .replay_delivery(DeliveryRequest {
            id: log[0].id.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);

    let started = STARTED.replace(SEED_POSTING, &posting);
    http.post(&urls["interview_started"])
        .body(started)
        .send()
        .await
        .unwrap();
    settle(&core).await;
    let accepted: Vec<_> = core
        .list_deliveries(DeliveryQuery {
            status: Some(DeliveryStatus::Processed),
            limit: 0,
        })
        .await
        .unwrap()
        .into_iter()
        .filter(|d| d.source == "platform")
        .collect();
    assert_eq!(accepted.len(), 1);
    core.replay_delivery(DeliveryRequest {
        id: accepted[0].id.clone(),
    })
    .await
    .unwrap();
    settle(&core).await;
    let after = core
        .list_deliveries(DeliveryQuery::default())
        .await
        .unwrap();
    let replayed = after.iter().find(|d| d.id == accepted[0].id).unwrap();
    assert_eq!(
        replayed.status,
        DeliveryStatus::Processed,
        "replay processed it again"
    );
    core.shutdown().await;
}

#[tokio::test]
async fn deactivating_revokes_the_endpoint() {
    let dir = tempfile::tempdir().unwrap();
    let core = start(dir.path()).await;
    let (posting, urls) = subscribe(&core).await;
    let agent = core
        .list_agents()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.posting_id == posting)
        .unwrap();
    let hook = agent
        .webhooks
        .iter()
        .find(|w| w.event_type == "interview_started")
        .unwrap();
    core.deactivate_webhook(WebhookRequest {
        webhook_id: hook.webhook_id.clone(),
    })
    .await
    .unwrap();
    let res = reqwest::Client::new()
        .post(&urls["interview_started"])
        .body(STARTED.replace(SEED_POSTING, &posting))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404, "a revoked endpoint is unknown");
    core.shutdown().await;
}

#[tokio::test]
async fn a_pdf_that_cannot_be_fetched_now_is_retried_and_a_missing_one_is_given_up() {
    let dir = tempfile::tempdir().unwrap();
    let core = start(dir.path()).await;
    let (posting, urls) = subscribe(&core).await;
    let platform = core.with_sandbox(|s| s.unwrap().platform_base_url());
    let fixture_url = "https://cdn.heymilo.ai/reports/MOCK_REPORT_HASH/jane-doe-2026-02-11.pdf";
    let http = reqwest::Client::new();
    for (interview, url) in [
        // Nothing listens there: the network may come back.
        ("REFUSED000000001", "http://127.0.0.1:9/r.pdf".to_string()),
        // The platform answers 404: it will not appear later.
        (
            "MISSING000000001",
            format!("{platform}/reports/NO-SUCH-REPORT.pdf"),
        ),
    ] {
        let body = REPORT
            .replace(SEED_POSTING, &posting)
            .replace(fixture_url, &url)
            .replace("A1B2C3D4E5F60718", interview);
        let res = http
            .post(&urls["report_available"])
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
    }
    settle(&core).await;
    core.process_inbox().await;

    let page = core.list_reports(ReportQuery::default()).await.unwrap();
    let problem = |id: &str| {
        let row = page
            .items
            .iter()
            .find(|r| r.interview_id == id)
            .unwrap_or_else(|| panic!("{id} stored: {:?}", page.items));
        assert!(!row.has_pdf);
        (row.interview_id.clone(), row.pdf_problem.clone().unwrap())
    };
    let (refused, why) = problem("REFUSED000000001");
    assert!(why.contains("tries again automatically"), "{why}");
    assert_eq!(core.store().report_pdf_problem(&refused).unwrap(), None);
    let (missing, why) = problem("MISSING000000001");
    assert!(why.contains("HTTP 404"), "{why}");
    assert!(core.store().report_pdf_problem(&missing).unwrap().is_some());
    core.shutdown().await;
}

#[tokio::test]
async fn check_delivery_runs_a_sandbox_interview_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let core = start_fast_interviews(dir.path()).await;
    let posting = core.list_agents().await.unwrap()[0].posting_id.clone();

    let check = core
        .check_delivery(PostingRequest {
            posting_id: posting.clone(),
        })
        .await
        .unwrap();
    assert!(check.delivered, "{}", check.message);

    // The emulator goes on to complete the interview and send its report,
    // whose PDF the worker caches for offline reading.
    let mut report = None;
    for _ in 0..100 {
        let page = core.list_reports(ReportQuery::default()).await.unwrap();
        if let Some(row) = page
            .items
            .into_iter()
            .find(|r| r.interview_id == check.interview_id && r.has_pdf)
        {
            report = Some(row);
            break;
        }
        core.process_inbox().await;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let report = report.expect("report with cached PDF within 10 s");
    assert_eq!(report.posting_id, posting);
    assert!(report.match_score.is_some());
    let detail = core
        .get_report(ReportRequest {
            interview_id: check.interview_id.clone(),
        })
        .await
        .unwrap();
    assert!(detail.transcript.len() >= 30, "realistic transcript");
    assert!(!detail.scorecard.is_empty());
    assert_eq!(
        core.store().interview_stage(&check.interview_id).unwrap(),
        Some(3)
    );
    let pdf = core
        .store()
        .report_pdf_path(&check.interview_id)
        .unwrap()
        .unwrap();
    assert!(std::fs::read(pdf).unwrap().starts_with(b"%PDF-"));
    core.shutdown().await;
}

#[tokio::test]
async fn check_delivery_fails_when_events_cannot_reach_the_receiver() {
    let dir = tempfile::tempdir().unwrap();
    let core = start_fast_interviews(dir.path()).await;
    let posting = core.list_agents().await.unwrap()[0].posting_id.clone();
    // A public URL nothing listens on, as with a tunnel that is down.
    core.set_public_base_url(PublicUrlRequest {
        url: Some("http://127.0.0.1:9".into()),
    })
    .await
    .unwrap();

    let check = core
        .check_delivery(PostingRequest {
            posting_id: posting,
        })
        .await
        .unwrap();
    assert!(
        !check.delivered,
        "nothing can have arrived: {}",
        check.message
    );
    assert!(
        check.message.contains("No event arrived"),
        "{}",
        check.message
    );
    core.shutdown().await;
}

#[tokio::test]
async fn get_deliveries_from_the_platform_become_a_report() {
    use reqlink_platform::{CreateWebhook, EventType, HttpMethod, PlatformClient};
    let dir = tempfile::tempdir().unwrap();
    let core = start_fast_interviews(dir.path()).await;
    let (posting, urls) = subscribe(&core).await;
    let platform = core.with_sandbox(|s| {
        let s = s.unwrap();
        PlatformClient::new(&s.platform_base_url(), &s.platform_api_key()).unwrap()
    });
    // The same endpoints, subscribed with the documented `get` method
    // instead: the POST subscriptions are switched off on the platform.
    let agent = core
        .list_agents()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.posting_id == posting)
        .unwrap();
    for hook in &agent.webhooks {
        platform.deactivate_webhook(&hook.webhook_id).await.unwrap();
    }
    for (event, name) in [
        (EventType::InterviewStarted, "interview_started"),
        (EventType::InterviewCompleted, "interview_completed"),
        (EventType::ReportAvailable, "report_available"),
    ] {
        platform
            .create_webhook(&CreateWebhook {
                posting_id: &posting,
                url: &urls[name],
                event_type: event,
                http_method: HttpMethod::Get,
            })
            .await
            .unwrap();
    }

    let interview_id = core
        .with_sandbox(|s| {
            s.unwrap()
                .control()
                .run_interview(&posting, "Getty Method", "getty@example.com")
        })
        .unwrap();
    let mut reported = false;
    for _ in 0..100 {
        if core.store().interview_stage(&interview_id).unwrap() == Some(3) {
            reported = true;
            break;
        }
        core.process_inbox().await;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(reported, "the report arrived by GET within 10 s");
    let detail = core
        .get_report(ReportRequest {
            interview_id: interview_id.clone(),
        })
        .await
        .unwrap();
    assert_eq!(detail.row.candidate_name.as_deref(), Some("Getty Method"));
    let rejected = core
        .list_deliveries(DeliveryQuery {
            status: Some(DeliveryStatus::Rejected),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(rejected.is_empty(), "{rejected:?}");
    core.shutdown().await;
}

#[tokio::test]
async fn reconcile_recovers_a_report_whose_events_were_missed() {
    let dir = tempfile::tempdir().unwrap();
    let core = start_fast_interviews(dir.path()).await;
    let posting = core.list_agents().await.unwrap()[0].posting_id.clone();
    // No subscription: the platform's events go nowhere, as when offline.
    let interview_id = core
        .with_sandbox(|s| {
            s.unwrap()
                .control()
                .run_interview(&posting, "Offline Olga", "olga@example.com")
        })
        .unwrap();
    core.store()
        .record_invite(&interview_id, &posting, "Offline Olga", "olga@example.com")
        .unwrap();
    let mut reconciled = reqlink_app::Reconciled::default();
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        reconciled = core.reconcile().await.unwrap();
        if reconciled.reports == 1 {
            break;
        }
    }
    assert_eq!(reconciled.reports, 1, "{reconciled:?}");
    let detail = core
        .get_report(ReportRequest {
            interview_id: interview_id.clone(),
        })
        .await
        .unwrap();
    assert_eq!(detail.row.candidate_name.as_deref(), Some("Offline Olga"));
    assert!(!detail.transcript.is_empty() && !detail.highlights.is_empty());
    assert_eq!(
        core.store().interview_stage(&interview_id).unwrap(),
        Some(3)
    );
    // Nothing left to reconcile.
    assert_eq!(core.reconcile().await.unwrap().checked, 0);
    core.shutdown().await;
}
