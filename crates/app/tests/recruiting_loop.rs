//! The loop the product exists for, against the emulators over real HTTP:
//! link a Greenhouse job to an agent, move a candidate into the trigger
//! stage in the emulator, and the signed webhook, the invite, the
//! platform's interview events, the report and the writeback follow. The
//! emulator's write log is the judge.

mod common;

use std::time::{Duration, Instant};

use reqlink_app::Core;
use reqlink_domain::{
    JobStagesRequest, LinkIdRequest, LinkQuery, LinkRequest, LinkSettings, LinkWarningCode,
    OutboxQuery, OutboxState,
};
use reqlink_sandbox::{GhWriteKind, WriteFault};
use serde_json::Value;

const GH: &str = "sandbox-greenhouse";

async fn start(dir: &std::path::Path) -> Core {
    start_with_report_delay(dir, Duration::from_millis(50)).await
}

/// A synced core whose emulated interviews take 50 ms each, with their
/// report `report_delay` after completion.
async fn start_with_report_delay(dir: &std::path::Path, report_delay: Duration) -> Core {
    let mut sandbox = common::sandbox(4, 30, 40);
    sandbox.interview_start_delay = Duration::from_millis(50);
    sandbox.interview_duration = Duration::from_millis(50);
    sandbox.report_delay = report_delay;
    sandbox.greenhouse.webhook_retry_delays = vec![];
    let core = Core::start(common::options(dir, sandbox))
        .await
        .expect("core starts");
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

/// A job with at least three stages and an active application that is in
/// none of the stages the test uses, plus those stage ids.
struct Setup {
    job_id: String,
    trigger: String,
    pass: String,
    application_id: u64,
    candidate_id: u64,
}

async fn setup(core: &Core) -> Setup {
    let apps = harvest(core, "/applications?per_page=500").await;
    for app in apps.as_array().unwrap() {
        if app["status"] != "active" || app["prospect"] == true {
            continue;
        }
        let Some(job_id) = app["jobs"][0]["id"].as_u64() else {
            continue;
        };
        let stages = core
            .job_stages(JobStagesRequest {
                connection_id: GH.into(),
                job_id: job_id.to_string(),
            })
            .await
            .unwrap();
        let current = app["current_stage"]["id"].as_u64().map(|s| s.to_string());
        let others: Vec<_> = stages
            .iter()
            .filter(|s| Some(&s.id) != current.as_ref())
            .collect();
        if others.len() < 2 {
            continue;
        }
        let candidate_id = app["candidate_id"].as_u64().unwrap();
        let candidate = harvest(core, &format!("/candidates/{candidate_id}")).await;
        if candidate["email_addresses"]
            .as_array()
            .is_none_or(|a| a.is_empty())
        {
            continue;
        }
        return Setup {
            job_id: job_id.to_string(),
            trigger: others[0].id.clone(),
            pass: others[1].id.clone(),
            application_id: app["id"].as_u64().unwrap(),
            candidate_id,
        };
    }
    panic!("the sandbox has no suitable application");
}

fn link_request(core_posting: &str, s: &Setup) -> LinkRequest {
    LinkRequest {
        connection_id: GH.into(),
        job_ids: vec![s.job_id.clone()],
        posting_id: core_posting.into(),
        settings: LinkSettings {
            trigger_stage_ids: vec![s.trigger.clone()],
            complete_stage_id: None,
            pass_threshold: Some(0.0),
            pass_stage_id: Some(s.pass.clone()),
            fail_stage_id: None,
            write_note: true,
            write_pdf: true,
            write_move: true,
        },
        replace: None,
    }
}

fn writes_for(core: &Core, candidate_id: u64) -> (usize, usize, Vec<u64>) {
    let writes = core.with_sandbox(|s| s.unwrap().control().greenhouse_writes());
    let mut notes = 0;
    let mut files = 0;
    let mut moves = Vec::new();
    for w in writes {
        match w.kind {
            GhWriteKind::Note {
                candidate_id: c, ..
            } if c == candidate_id => notes += 1,
            GhWriteKind::Attachment {
                candidate_id: c, ..
            } if c == candidate_id => files += 1,
            GhWriteKind::StageMove {
                candidate_id: c,
                to_stage_id,
                ..
            } if c == candidate_id => moves.push(to_stage_id),
            _ => {}
        }
    }
    (notes, files, moves)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moving_a_candidate_into_the_trigger_stage_writes_the_result_back_once() {
    let dir = tempfile::tempdir().unwrap();
    let core = start(dir.path()).await;
    let posting = core.list_agents().await.unwrap()[0].posting_id.clone();
    let s = setup(&core).await;

    let warnings = core.preview_link(link_request(&posting, &s)).await.unwrap();
    assert!(
        warnings.iter().all(|w| !w.blocking),
        "the sandbox maps its user by itself: {warnings:?}"
    );
    let links = core.save_link(link_request(&posting, &s)).await.unwrap();
    let link_id = links[0].id.clone();
    // Troubleshooting's "wrong job" check now names the link.
    let checks = core
        .run_checks(reqlink_domain::ConnectionRequest {
            connection_id: links[0].connection_id.clone(),
        })
        .await
        .unwrap();
    let job_check = checks.iter().find(|c| c.id == "job_mapping").unwrap();
    assert_eq!(
        job_check.status,
        reqlink_domain::CheckStatus::Pass,
        "{job_check:?}"
    );
    assert!(
        job_check.detail.contains(&links[0].job_name),
        "{job_check:?}"
    );

    core.with_sandbox(|sb| {
        sb.unwrap()
            .control()
            .greenhouse_move_application(s.application_id, s.trigger.parse().unwrap())
    })
    .unwrap();

    within(
        Duration::from_secs(30),
        "note, PDF and stage move",
        || async {
            let (n, f, m) = writes_for(&core, s.candidate_id);
            n == 1 && f == 1 && m.len() == 1
        },
    )
    .await;
    let (_, _, moves) = writes_for(&core, s.candidate_id);
    assert_eq!(moves, vec![s.pass.parse::<u64>().unwrap()]);

    // The pass move sends another webhook; moving back into the trigger
    // stage must not invite again.
    core.with_sandbox(|sb| {
        sb.unwrap()
            .control()
            .greenhouse_move_application(s.application_id, s.trigger.parse().unwrap())
    })
    .unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let pipeline = core
        .pipeline(LinkIdRequest {
            link_id: link_id.clone(),
        })
        .await
        .unwrap();
    let mine: Vec<_> = pipeline
        .candidates
        .iter()
        .filter(|c| c.application_id == s.application_id.to_string())
        .collect();
    assert_eq!(mine.len(), 1, "one invite per application and link");
    assert_eq!(mine[0].step, "written_back");
    assert!(mine[0].interview_id.is_some());
    assert!(mine[0].timeline.iter().any(|e| e.kind == "note_written"));
    assert_eq!(pipeline.link.funnel.invited, 1);
    assert_eq!(pipeline.link.funnel.written_back, 1);
    let invited = core
        .with_sandbox(|sb| sb.unwrap().control().deliveries())
        .len();
    assert!(invited >= 3, "the platform delivered its three events");
    let (n, f, _) = writes_for(&core, s.candidate_id);
    assert_eq!((n, f), (1, 1), "nothing written twice");
    core.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ambiguous_timeout_is_checked_before_writing_again() {
    let dir = tempfile::tempdir().unwrap();
    std::env::set_var("REQLINK_ATS_TIMEOUT_MS", "700");
    let core = start(dir.path()).await;
    let posting = core.list_agents().await.unwrap()[0].posting_id.clone();
    let s = setup(&core).await;
    let mut req = link_request(&posting, &s);
    req.settings.write_pdf = false;
    req.settings.write_move = false;
    core.save_link(req).await.unwrap();
    // The first write hangs past the client's timeout but is applied.
    core.with_sandbox(|sb| {
        let c = sb.unwrap().control();
        c.greenhouse_fail_writes(
            1,
            WriteFault::Hang {
                duration: Duration::from_millis(1500),
                applied: true,
            },
        );
        c.greenhouse_move_application(s.application_id, s.trigger.parse().unwrap())
    })
    .unwrap();
    within(
        Duration::from_secs(40),
        "the note write settles",
        || async {
            core.list_outbox(OutboxQuery::default())
                .await
                .unwrap()
                .iter()
                .any(|r| r.state == OutboxState::Done)
        },
    )
    .await;
    let (notes, _, _) = writes_for(&core, s.candidate_id);
    assert_eq!(
        notes, 1,
        "the retried note found the first one and did not write again"
    );
    core.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_warn_block_and_unlink_keeps_history() {
    let dir = tempfile::tempdir().unwrap();
    let core = start(dir.path()).await;
    let agents = core.list_agents().await.unwrap();
    let s = setup(&core).await;
    let mut req = link_request(&agents[0].posting_id, &s);
    req.settings.trigger_stage_ids.clear();
    let warnings = core.preview_link(req.clone()).await.unwrap();
    assert!(warnings
        .iter()
        .any(|w| w.code == LinkWarningCode::NoTriggerStage && w.blocking));
    assert!(core.save_link(req).await.is_err());

    let first = core
        .save_link(link_request(&agents[0].posting_id, &s))
        .await
        .unwrap();
    let other = link_request(&agents[1].posting_id, &s);
    let warnings = core.preview_link(other.clone()).await.unwrap();
    assert!(warnings
        .iter()
        .any(|w| w.code == LinkWarningCode::LinkedElsewhere && w.blocking));
    assert!(core.save_link(other.clone()).await.is_err());
    let replaced = core
        .save_link(LinkRequest {
            replace: Some(true),
            ..other
        })
        .await
        .unwrap();
    assert_ne!(replaced[0].id, first[0].id);
    let all = core
        .list_links(LinkQuery {
            include_inactive: true,
            ..LinkQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all.iter().filter(|l| l.active).count(), 1);
    core.unlink(LinkIdRequest {
        link_id: replaced[0].id.clone(),
    })
    .await
    .unwrap();
    let active = core.list_links(LinkQuery::default()).await.unwrap();
    assert!(active.is_empty());
    core.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stage_change_seen_only_by_a_sync_invites_too_and_skipped_ones_can_be_invited() {
    let dir = tempfile::tempdir().unwrap();
    let core = start(dir.path()).await;
    let posting = core.list_agents().await.unwrap()[0].posting_id.clone();
    let s = setup(&core).await;
    // Webhooks off: only a sync can see the move.
    core.with_sandbox(|sb| {
        let c = sb.unwrap().control();
        for hook in c.greenhouse_webhooks() {
            c.greenhouse_set_webhook_enabled(hook.id, false).unwrap();
        }
    });
    let mut req = link_request(&posting, &s);
    req.settings.write_pdf = false;
    req.settings.write_move = false;
    let link = core.save_link(req).await.unwrap().remove(0);
    core.with_sandbox(|sb| {
        sb.unwrap()
            .control()
            .greenhouse_move_application(s.application_id, s.trigger.parse().unwrap())
    })
    .unwrap();
    core.run_sync().await.unwrap();
    within(Duration::from_secs(30), "the note after a sync", || async {
        writes_for(&core, s.candidate_id).0 == 1
    })
    .await;

    // Someone already in the trigger stage when a job is linked is not
    // invited until asked.
    core.unlink(LinkIdRequest {
        link_id: link.id.clone(),
    })
    .await
    .unwrap();
    let mut req = link_request(&posting, &s);
    req.settings.write_pdf = false;
    req.settings.write_move = false;
    let relinked = core.save_link(req).await.unwrap().remove(0);
    let pipeline = core
        .pipeline(LinkIdRequest {
            link_id: relinked.id.clone(),
        })
        .await
        .unwrap();
    let skipped = pipeline
        .candidates
        .iter()
        .find(|c| c.application_id == s.application_id.to_string())
        .expect("the candidate in the trigger stage is listed");
    assert_eq!(
        skipped.invite_state,
        Some(reqlink_domain::InviteState::Skipped)
    );
    core.invite_now(reqlink_domain::InviteRequest {
        invite_id: skipped.invite_id.clone().unwrap(),
    })
    .await
    .unwrap();
    within(
        Duration::from_secs(30),
        "a second interview's note",
        || async { writes_for(&core, s.candidate_id).0 == 2 },
    )
    .await;
    core.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_move_on_completion_goes_before_the_report_and_only_once() {
    let dir = tempfile::tempdir().unwrap();
    // The report comes long after the interview is completed.
    let core = start_with_report_delay(dir.path(), Duration::from_secs(8)).await;
    let posting = core.list_agents().await.unwrap()[0].posting_id.clone();
    let s = setup(&core).await;
    let mut req = link_request(&posting, &s);
    req.settings.pass_threshold = None;
    req.settings.pass_stage_id = None;
    req.settings.complete_stage_id = Some(s.pass.clone());
    core.save_link(req).await.unwrap();

    core.with_sandbox(|sb| {
        sb.unwrap()
            .control()
            .greenhouse_move_application(s.application_id, s.trigger.parse().unwrap())
    })
    .unwrap();
    within(Duration::from_secs(6), "the move on completion", || async {
        !writes_for(&core, s.candidate_id).2.is_empty()
    })
    .await;
    let (notes, files, _) = writes_for(&core, s.candidate_id);
    assert_eq!((notes, files), (0, 0), "the report is not in yet");

    within(Duration::from_secs(30), "note and PDF", || async {
        let (n, f, _) = writes_for(&core, s.candidate_id);
        n == 1 && f == 1
    })
    .await;
    let (_, _, moves) = writes_for(&core, s.candidate_id);
    assert_eq!(moves, vec![s.pass.parse::<u64>().unwrap()], "moved once");
    core.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_is_waited_out_as_told_and_nothing_is_written_twice() {
    let dir = tempfile::tempdir().unwrap();
    let core = start(dir.path()).await;
    let posting = core.list_agents().await.unwrap()[0].posting_id.clone();
    let s = setup(&core).await;
    core.save_link(link_request(&posting, &s)).await.unwrap();
    core.with_sandbox(|sb| {
        sb.unwrap().control().greenhouse_fail_writes(
            1,
            WriteFault::RateLimited {
                retry_after_secs: 3,
            },
        )
    });

    let moved = Instant::now();
    core.with_sandbox(|sb| {
        sb.unwrap()
            .control()
            .greenhouse_move_application(s.application_id, s.trigger.parse().unwrap())
    })
    .unwrap();
    within(Duration::from_secs(30), "note, PDF and move", || async {
        let (n, f, m) = writes_for(&core, s.candidate_id);
        n == 1 && f == 1 && m.len() == 1
    })
    .await;
    // Without the 429 the loop takes well under a second here.
    assert!(
        moved.elapsed() >= Duration::from_secs(3),
        "Retry-After was not waited out: {:?}",
        moved.elapsed()
    );
    let rows = core
        .list_outbox(OutboxQuery {
            state: None,
            link_id: None,
        })
        .await
        .unwrap();
    assert!(
        rows.iter().all(|r| r.state == OutboxState::Done),
        "{rows:?}"
    );
    let (n, f, m) = writes_for(&core, s.candidate_id);
    assert_eq!((n, f, m.len()), (1, 1, 1));
    core.shutdown().await;
}
