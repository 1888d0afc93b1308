//! The loop on the Lever emulator: an opportunity moved into the trigger
//! stage of a linked posting is invited, interviewed, and gets exactly one
//! note, one file and the stage change, each with `perform_as`.

mod common;

use std::time::{Duration, Instant};

use reqlink_app::Core;
use reqlink_domain::{AuthKind, ConnectRequest, LinkRequest, LinkSettings, Provider};

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lever_opportunity_in_the_trigger_stage_gets_note_file_and_stage_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut sandbox = common::sandbox(3, 20, 20);
    sandbox.interview_start_delay = Duration::from_millis(50);
    sandbox.interview_duration = Duration::from_millis(50);
    sandbox.report_delay = Duration::from_millis(50);
    sandbox.lever.rate_limit = None;
    sandbox.lever.webhook_retry_delays = vec![];
    let core = Core::start(common::options(dir.path(), sandbox))
        .await
        .unwrap();
    let conn = core
        .connect(ConnectRequest {
            provider: Provider::Lever,
            kind: AuthKind::ApiKey,
            sandbox: true,
            fields: Default::default(),
        })
        .await
        .unwrap();
    // Connecting starts the first sync; wait for it.
    within(Duration::from_secs(60), "the first Lever sync", || async {
        core.list_connections().await.unwrap().iter().any(|c| {
            c.id == conn.id
                && c.last_sync_at.is_some()
                && c.sync.state == reqlink_domain::SyncState::Idle
        })
    })
    .await;

    // An active opportunity on a posting, with an e-mail, and two stages
    // other than its own.
    let control = core.with_sandbox(|s| s.unwrap().control());
    let stages = control.lever_stages();
    let (opp, posting, trigger, pass) = control
        .lever_opportunity_ids()
        .into_iter()
        .find_map(|id| {
            let o = control.lever_opportunity(&id)?;
            let posting = o["applications"][0]["posting"]
                .as_str()
                .or_else(|| o["postings"][0].as_str())?
                .to_string();
            if o["archived"].is_object() || o["emails"].as_array()?.is_empty() {
                return None;
            }
            let current = o["stage"].as_str()?.to_string();
            let free: Vec<_> = stages.iter().filter(|(s, _)| *s != current).collect();
            Some((id, posting, free[0].0.clone(), free[1].0.clone()))
        })
        .expect("an opportunity to move");

    let agent = core.list_agents().await.unwrap()[0].posting_id.clone();
    let links = core
        .save_link(LinkRequest {
            connection_id: conn.id.clone(),
            job_ids: vec![posting],
            posting_id: agent,
            settings: LinkSettings {
                trigger_stage_ids: vec![trigger.clone()],
                complete_stage_id: Some(pass.clone()),
                write_note: true,
                write_pdf: true,
                write_move: true,
                ..LinkSettings::default()
            },
            replace: None,
        })
        .await
        .unwrap();
    assert_eq!(links.len(), 1);

    control.lever_move_stage(&opp, &trigger).unwrap();
    let counts = || {
        let writes = control.lever_writes();
        let of = |kind: &str| {
            writes
                .iter()
                .filter(|w| w.opportunity_id == opp && w.kind == kind)
                .count()
        };
        (of("note"), of("file"), of("stage"))
    };
    within(
        Duration::from_secs(30),
        "note, file and stage on Lever",
        || async { counts() == (1, 1, 1) },
    )
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(counts(), (1, 1, 1), "nothing written twice");
    let user = core.with_sandbox(|s| s.unwrap().lever_user_id());
    assert!(
        control
            .lever_writes()
            .iter()
            .filter(|w| w.opportunity_id == opp)
            .all(|w| !w.perform_as.is_empty()),
        "writes name the acting user ({user})"
    );
    core.shutdown().await;
}
