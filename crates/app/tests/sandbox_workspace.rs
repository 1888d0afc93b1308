//! The sandbox workspace end to end without a window: real emulators on
//! loopback, a real sync over HTTP, a real SQLite file in a temp directory.

use std::sync::{Arc, Mutex};

use reqlink_app::{Core, CoreOptions, SandboxConfig};
use reqlink_domain::{
    ActivityQuery, AppEvent, CandidateQuery, ConnectionState, ErrorCode, JobQuery,
    JobStagesRequest, Provider, SyncState, WorkspaceKind,
};

fn small_sandbox() -> SandboxConfig {
    SandboxConfig {
        jobs: 12,
        candidates: 150,
        applications: 220,
        rate_limit: None,
        ..SandboxConfig::default()
    }
}

async fn start(dir: &std::path::Path, events: Option<reqlink_app::EventSink>) -> Core {
    let mut options = CoreOptions::new(dir.to_path_buf());
    options.sandbox = small_sandbox();
    options.sync_on_start = false;
    options.events = events;
    options.receiver_addr = "127.0.0.1:0".parse().unwrap();
    options.secret_store = reqlink_secrets::StoreChoice::File;
    Core::start(options).await.expect("core starts")
}

#[tokio::test]
async fn opens_on_the_sandbox_and_syncs_jobs_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let seen: Arc<Mutex<Vec<AppEvent>>> = Arc::default();
    let sink = {
        let seen = seen.clone();
        Arc::new(move |e: AppEvent| seen.lock().unwrap().push(e)) as reqlink_app::EventSink
    };
    let core = start(dir.path(), Some(sink)).await;

    let status = core.app_status().await.unwrap();
    assert_eq!(status.workspace.kind, WorkspaceKind::Sandbox);
    assert_eq!(status.sync.state, SyncState::Idle);
    assert_eq!(core.list_jobs(JobQuery::default()).await.unwrap().total, 0);

    let summary = core.run_sync().await.expect("sync succeeds");
    assert_eq!(summary.counts.jobs, 12);
    assert_eq!(summary.counts.candidates, 150);
    assert_eq!(summary.counts.applications, 220);
    assert!(summary.counts.stages >= 12 * 5, "every job has 5+ stages");
    // The data came over HTTP: the emulator counted the requests (plus the
    // test call that proved the sandbox key when it was connected).
    let served = core.with_sandbox(|s| s.unwrap().control().request_count());
    assert_eq!(served, summary.requests as u64 + 1);

    let jobs = core.list_jobs(JobQuery::default()).await.unwrap();
    assert_eq!(jobs.total, 12);
    let first = &jobs.items[0];
    assert!(!first.name.is_empty());
    assert!(first.stage_count >= 5);
    let stages = core
        .job_stages(JobStagesRequest {
            connection_id: first.connection_id.clone(),
            job_id: first.id.clone(),
        })
        .await
        .unwrap();
    assert_eq!(stages.len() as u32, first.stage_count);

    let candidates = core
        .list_candidates(CandidateQuery::default())
        .await
        .unwrap();
    assert_eq!(candidates.total, 150);
    assert!(candidates.items.iter().all(|c| c.job_name.is_some()));

    let connections = core.list_connections().await.unwrap();
    let gh = connections
        .iter()
        .find(|c| c.provider == Provider::Greenhouse)
        .unwrap();
    assert_eq!(gh.state, ConnectionState::Connected);
    assert!(gh.sandbox && gh.last_sync_at.is_some());
    assert_eq!(gh.counts.jobs, 12);
    let platform = connections
        .iter()
        .find(|c| c.provider == Provider::InterviewPlatform)
        .unwrap();
    assert_eq!(platform.state, ConnectionState::Connected);

    let events = seen.lock().unwrap().clone();
    assert!(events
        .iter()
        .any(|e| matches!(e, AppEvent::SyncProgress { phase, .. } if phase == "candidates")));
    assert!(events
        .iter()
        .any(|e| matches!(e, AppEvent::SyncFinished { .. })));
    let activity = core.list_activity(ActivityQuery::default()).await.unwrap();
    assert_eq!(activity[0].kind, "sync_finished");
    core.shutdown().await;
}

#[tokio::test]
async fn second_sync_fetches_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let core = start(dir.path(), None).await;
    let first = core.run_sync().await.unwrap();

    let job_id: u64 = core.list_jobs(JobQuery::default()).await.unwrap().items[0]
        .id
        .parse()
        .unwrap();
    let cand_ids: Vec<u64> = core
        .list_candidates(CandidateQuery {
            limit: 3,
            ..Default::default()
        })
        .await
        .unwrap()
        .items
        .iter()
        .map(|c| c.id.parse().unwrap())
        .collect();
    core.with_sandbox(|s| {
        let control = s.unwrap().control();
        control.rename_job(job_id, "Principal Sandbox Engineer");
        control.touch_candidates(&cand_ids);
    });

    let second = core.run_sync().await.unwrap();
    // users, jobs, stages of the one renamed job, candidates, applications:
    // one page each, instead of the first run's dozens of requests.
    assert!(
        second.requests <= 6,
        "incremental sync made {} requests",
        second.requests
    );
    assert!(first.requests > second.requests * 2);
    assert_eq!(second.counts.candidates, 150);
    let renamed = core
        .list_jobs(JobQuery {
            search: Some("Principal Sandbox".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(renamed.total, 1);
    core.shutdown().await;
}

#[tokio::test]
async fn rejected_key_marks_the_connection_for_reconnect() {
    let dir = tempfile::tempdir().unwrap();
    let core = start(dir.path(), None).await;
    core.with_sandbox(|s| s.unwrap().control().fail_next(1, 401));
    let err = core.run_sync().await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Unauthorized);
    assert!(err.message.contains("API key"), "{}", err.message);

    let status = core.app_status().await.unwrap();
    assert_eq!(status.sync.state, SyncState::Failed);
    assert_eq!(
        status.sync.last_error.unwrap().code,
        ErrorCode::Unauthorized
    );
    let gh = core
        .list_connections()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.provider == Provider::Greenhouse)
        .unwrap();
    assert_eq!(gh.state, ConnectionState::NeedsReconnect);
    assert!(gh.detail.unwrap().contains("API key"));
    let activity = core.list_activity(ActivityQuery::default()).await.unwrap();
    assert_eq!(activity[0].kind, "sync_failed");

    // Nothing partial was stored, and the next sync recovers.
    assert_eq!(core.list_jobs(JobQuery::default()).await.unwrap().total, 0);
    core.run_sync().await.unwrap();
    assert_eq!(core.list_jobs(JobQuery::default()).await.unwrap().total, 12);
    core.shutdown().await;
}

#[tokio::test]
async fn restart_shows_stored_data_before_any_sync() {
    let dir = tempfile::tempdir().unwrap();
    {
        let core = start(dir.path(), None).await;
        core.run_sync().await.unwrap();
        core.shutdown().await;
    }
    let core = start(dir.path(), None).await;
    assert_eq!(core.list_jobs(JobQuery::default()).await.unwrap().total, 12);
    assert_eq!(
        core.with_sandbox(|s| s.unwrap().control().request_count()),
        0
    );
    core.shutdown().await;
}

#[tokio::test]
async fn agents_come_from_the_platform_api() {
    let dir = tempfile::tempdir().unwrap();
    let core = start(dir.path(), None).await;
    let agents = core.list_agents().await.unwrap();
    assert_eq!(agents.len(), 6);
    assert!(agents
        .iter()
        .all(|a| !a.title.is_empty() && a.webhooks.is_empty()));
    core.shutdown().await;
}

/// One-shot command-line calls open the same data directory as a running
/// app; they must not start a second set of workers beside it.
#[tokio::test]
async fn a_one_shot_core_starts_no_background_work() {
    let dir = tempfile::tempdir().unwrap();
    let mut options = CoreOptions::new(dir.path().to_path_buf());
    options.sandbox = small_sandbox();
    options.sync_on_start = false;
    options.receiver_addr = "127.0.0.1:0".parse().unwrap();
    options.secret_store = reqlink_secrets::StoreChoice::File;
    options.background = false;
    let quiet = Core::start(options).await.expect("core starts");
    let hooks = quiet.with_sandbox(|s| s.unwrap().control().greenhouse_webhooks());
    assert!(hooks.is_empty(), "{hooks:?}");
    // Reading still works.
    let jobs = quiet.list_jobs(JobQuery::default()).await.unwrap();
    assert_eq!(jobs.total, 0, "nothing synced, nothing listed");
    quiet.shutdown().await;

    let busy = start(dir.path(), None).await;
    let hooks = busy.with_sandbox(|s| s.unwrap().control().greenhouse_webhooks());
    assert!(!hooks.is_empty(), "the app registers the sandbox webhooks");
    busy.shutdown().await;
}

#[tokio::test]
async fn a_second_core_with_background_work_is_refused_until_the_first_stops() {
    let dir = tempfile::tempdir().unwrap();
    let first = start(dir.path(), None).await;
    let mut options = CoreOptions::new(dir.path().to_path_buf());
    options.sandbox = small_sandbox();
    options.receiver_addr = "127.0.0.1:0".parse().unwrap();
    options.secret_store = reqlink_secrets::StoreChoice::File;
    let refused = match Core::start(options).await {
        Ok(_) => panic!("two cores ran workers on one data directory"),
        Err(e) => e,
    };
    assert!(
        refused
            .message
            .contains("already running on the data directory"),
        "{}",
        refused.message
    );
    // A crash frees the directory as a killed process would.
    first.crash().await.unwrap().shutdown().await;
    let second = start(dir.path(), None).await;
    second.shutdown().await;
    let third = start(dir.path(), None).await;
    third.shutdown().await;
}
