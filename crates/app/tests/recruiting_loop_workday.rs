//! The Workday quickstart's loop on the Workday emulator: a requisition is
//! linked with the Assessment stage as the trigger; moving an application
//! to Assessment (seen by a sync: Workday sends no webhooks) invites the
//! candidate, and the results land as one note and one attachment on the
//! candidate, written as the mapped worker.

mod common;

use std::time::{Duration, Instant};

use reqlink_app::Core;
use reqlink_domain::{
    AuthKind, ConnectRequest, JobStagesRequest, LinkRequest, LinkSettings, Provider, SyncState,
};
use reqlink_sandbox::WorkdayWriteKind;

async fn within<F, Fut>(limit: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while started.elapsed() < limit {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} did not happen within {limit:?}");
}

async fn synced(core: &Core, id: &str, after: Option<String>) {
    within(Duration::from_secs(60), "a Workday sync", || async {
        core.list_connections().await.unwrap().iter().any(|c| {
            c.id == id
                && c.last_sync_at.is_some()
                && c.last_sync_at != after
                && c.sync.state == SyncState::Idle
        })
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moving_to_assessment_writes_note_and_attachment_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut sandbox = common::sandbox(3, 20, 20);
    sandbox.interview_start_delay = Duration::from_millis(50);
    sandbox.interview_duration = Duration::from_millis(50);
    sandbox.report_delay = Duration::from_millis(50);
    let core = Core::start(common::options(dir.path(), sandbox))
        .await
        .unwrap();
    let conn = core
        .connect(ConnectRequest {
            provider: Provider::Workday,
            kind: AuthKind::RefreshToken,
            sandbox: true,
            fields: Default::default(),
        })
        .await
        .unwrap();
    synced(&core, &conn.id, None).await;

    let control = core.with_sandbox(|s| s.unwrap().control());
    let app = control
        .workday_applications()
        .into_iter()
        .find(|a| a.active && a.stage != "Assessment")
        .expect("an active application before Assessment");
    let stages = core
        .job_stages(JobStagesRequest {
            connection_id: conn.id.clone(),
            job_id: app.requisition_id.clone(),
        })
        .await
        .unwrap();
    let assessment = stages
        .iter()
        .find(|s| s.name == "Assessment")
        .expect("the requisition has an Assessment stage")
        .id
        .clone();
    let agent = core.list_agents().await.unwrap()[0].posting_id.clone();
    let warnings = core
        .preview_link(LinkRequest {
            connection_id: conn.id.clone(),
            job_ids: vec![app.requisition_id.clone()],
            posting_id: agent.clone(),
            settings: LinkSettings {
                trigger_stage_ids: vec![assessment.clone()],
                write_note: true,
                write_pdf: true,
                ..LinkSettings::default()
            },
            replace: None,
        })
        .await
        .unwrap();
    assert!(warnings.iter().all(|w| !w.blocking), "{warnings:?}");
    core.save_link(LinkRequest {
        connection_id: conn.id.clone(),
        job_ids: vec![app.requisition_id.clone()],
        posting_id: agent,
        settings: LinkSettings {
            trigger_stage_ids: vec![assessment],
            write_note: true,
            write_pdf: true,
            ..LinkSettings::default()
        },
        replace: None,
    })
    .await
    .unwrap();

    control
        .workday_move_application(&app.id, "Assessment")
        .unwrap();
    core.run_sync_of(&conn.id).await.unwrap();
    let counts = || {
        let writes = control.workday_writes();
        let of = |kind: WorkdayWriteKind| {
            writes
                .iter()
                .filter(|w| w.candidate_id == app.candidate_id && w.kind == kind)
                .count()
        };
        (of(WorkdayWriteKind::Note), of(WorkdayWriteKind::Attachment))
    };
    within(
        Duration::from_secs(30),
        "note and attachment in Workday",
        || async { counts() == (1, 1) },
    )
    .await;
    core.run_sync_of(&conn.id).await.unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        counts(),
        (1, 1),
        "a later sync invites and writes nothing again"
    );
    assert!(control
        .workday_writes()
        .iter()
        .filter(|w| w.candidate_id == app.candidate_id)
        .all(|w| !w.worker_id.is_empty()));
    core.shutdown().await;
}
