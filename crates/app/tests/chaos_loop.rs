//! Chaos run of the recruiting loop: 200 candidates go through trigger →
//! invite → interview → report → writeback while the emulated Greenhouse
//! fails a share of writes (5xx, and hangs past the client's timeout that
//! were or were not applied), and the app is killed mid-flight and started
//! again on the same data directory and receiver port. Afterwards every
//! candidate has exactly one note and one attachment in the emulator's
//! write log, and nothing is left in the dead-letter list.

mod common;

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use reqlink_app::{Core, SandboxConfig};
use reqlink_domain::{
    JobStagesRequest, LinkRequest, LinkSettings, OutboxQuery, OutboxRequest, OutboxState,
};
use reqlink_sandbox::{GhWriteKind, WriteFault};
use serde_json::Value;

const GH: &str = "sandbox-greenhouse";
const CANDIDATES: usize = 200;
const TIMEOUT_MS: u64 = 500;
const FAULT_PERCENT: u8 = 20;
const DEADLINE: Duration = Duration::from_secs(180);

fn sandbox_config() -> SandboxConfig {
    let mut sandbox = common::sandbox(24, 400, 600);
    sandbox.interview_start_delay = Duration::from_millis(50);
    sandbox.interview_duration = Duration::from_millis(50);
    sandbox.report_delay = Duration::from_millis(50);
    // Deliveries that hit the restart window must get through afterwards.
    sandbox.delivery_attempts = 10;
    sandbox.delivery_backoff = Duration::from_millis(300);
    sandbox.greenhouse.webhook_retry_delays = [300u64, 1000, 2000, 4000, 8000, 16000]
        .iter()
        .map(|&ms| Duration::from_millis(ms))
        .collect();
    sandbox
}

fn free_port() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    l.local_addr().unwrap()
}

async fn start(
    dir: &std::path::Path,
    addr: SocketAddr,
    running: Option<reqlink_sandbox::Sandbox>,
) -> Core {
    let mut options = common::options(dir, sandbox_config());
    options.receiver_addr = addr;
    options.running_sandbox = running;
    Core::start(options).await.expect("core starts")
}

async fn harvest_all(core: &Core, path: &str) -> Vec<Value> {
    let (base, key) = core.with_sandbox(|s| {
        let s = s.unwrap();
        (s.greenhouse_base_url(), s.greenhouse_api_key())
    });
    let client = reqwest::Client::new();
    let mut out = Vec::new();
    for page in 1.. {
        let batch: Value = client
            .get(format!("{base}{path}?per_page=500&page={page}"))
            .basic_auth(&key, Some(""))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let batch = batch.as_array().unwrap().clone();
        if batch.is_empty() {
            break;
        }
        out.extend(batch);
    }
    out
}

/// Notes and attachments per candidate in the emulator's write log.
fn written(core: &Core) -> (HashMap<u64, usize>, HashMap<u64, usize>, usize) {
    let writes = core.with_sandbox(|s| s.unwrap().control().greenhouse_writes());
    let mut notes = HashMap::new();
    let mut files = HashMap::new();
    for w in &writes {
        match w.kind {
            GhWriteKind::Note { candidate_id, .. } => *notes.entry(candidate_id).or_default() += 1,
            GhWriteKind::Attachment { candidate_id, .. } => {
                *files.entry(candidate_id).or_default() += 1
            }
            _ => {}
        }
    }
    (notes, files, writes.len())
}

struct Chosen {
    application_id: u64,
    candidate_id: u64,
    trigger: u64,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_candidates_are_written_back_exactly_once_through_faults_and_a_crash() {
    std::env::set_var("REQLINK_ATS_TIMEOUT_MS", TIMEOUT_MS.to_string());
    let dir = tempfile::tempdir().unwrap();
    let addr = free_port();
    let core = start(dir.path(), addr, None).await;
    core.run_sync().await.expect("sync succeeds");
    let agents = core.list_agents().await.unwrap();

    // Candidates with an e-mail; active, non-prospect applications by job.
    let with_email: HashSet<u64> = harvest_all(&core, "/candidates")
        .await
        .iter()
        .filter(|c| {
            c["email_addresses"]
                .as_array()
                .is_some_and(|a| !a.is_empty())
        })
        .filter_map(|c| c["id"].as_u64())
        .collect();
    let apps = harvest_all(&core, "/applications").await;
    let mut by_job: HashMap<u64, Vec<&Value>> = HashMap::new();
    for app in &apps {
        if app["status"] != "active" || app["prospect"] == true {
            continue;
        }
        if let Some(job) = app["jobs"][0]["id"].as_u64() {
            by_job.entry(job).or_default().push(app);
        }
    }

    // Link every job: the trigger is the stage fewest applications sit in.
    let mut jobs: Vec<u64> = by_job.keys().copied().collect();
    jobs.sort_unstable();
    let mut triggers: HashMap<u64, u64> = HashMap::new();
    for (i, &job) in jobs.iter().enumerate() {
        let stages = core
            .job_stages(JobStagesRequest {
                connection_id: GH.into(),
                job_id: job.to_string(),
            })
            .await
            .unwrap();
        let Some(trigger) = stages
            .iter()
            .map(|s| s.id.parse::<u64>().unwrap())
            .min_by_key(|id| {
                by_job[&job]
                    .iter()
                    .filter(|a| a["current_stage"]["id"].as_u64() == Some(*id))
                    .count()
            })
        else {
            continue;
        };
        let saved = core
            .save_link(LinkRequest {
                connection_id: GH.into(),
                job_ids: vec![job.to_string()],
                posting_id: agents[i % agents.len()].posting_id.clone(),
                settings: LinkSettings {
                    trigger_stage_ids: vec![trigger.to_string()],
                    complete_stage_id: None,
                    pass_threshold: None,
                    pass_stage_id: None,
                    fail_stage_id: None,
                    write_note: true,
                    write_pdf: true,
                    write_move: false,
                },
                replace: None,
            })
            .await;
        if saved.is_ok() {
            triggers.insert(job, trigger);
        }
    }

    // One application per candidate, and no candidate that has any
    // application already sitting in a trigger stage.
    let mut sitting = HashSet::new();
    for app in &apps {
        let job = app["jobs"][0]["id"].as_u64();
        let stage = app["current_stage"]["id"].as_u64();
        if let (Some(job), Some(stage)) = (job, stage) {
            if triggers.get(&job) == Some(&stage) {
                sitting.insert(app["candidate_id"].as_u64().unwrap());
            }
        }
    }
    let mut chosen: Vec<Chosen> = Vec::new();
    let mut taken = HashSet::new();
    for &job in &jobs {
        let Some(&trigger) = triggers.get(&job) else {
            continue;
        };
        for app in &by_job[&job] {
            let cid = app["candidate_id"].as_u64().unwrap();
            if !with_email.contains(&cid) || sitting.contains(&cid) || !taken.insert(cid) {
                continue;
            }
            chosen.push(Chosen {
                application_id: app["id"].as_u64().unwrap(),
                candidate_id: cid,
                trigger,
            });
        }
    }
    assert!(
        chosen.len() >= CANDIDATES,
        "the sandbox has only {} suitable candidates in {} linked jobs",
        chosen.len(),
        triggers.len()
    );
    chosen.truncate(CANDIDATES);
    let ours: HashSet<u64> = chosen.iter().map(|c| c.candidate_id).collect();

    let hang = |applied| WriteFault::Hang {
        duration: Duration::from_millis(TIMEOUT_MS * 3),
        applied,
    };
    core.with_sandbox(|s| {
        s.unwrap().control().greenhouse_fail_write_share(
            FAULT_PERCENT,
            vec![
                WriteFault::Status(500),
                WriteFault::Status(502),
                WriteFault::Status(503),
                hang(true),
                hang(false),
            ],
        )
    });

    let started = Instant::now();
    core.with_sandbox(|s| {
        let control = s.unwrap().control();
        for c in &chosen {
            control
                .greenhouse_move_application(c.application_id, c.trigger)
                .unwrap();
        }
    });

    // Kill the app once a share of the notes is in.
    let crash_at = CANDIDATES * 3 / 10;
    loop {
        let (notes, _, _) = written(&core);
        if ours.iter().filter(|c| notes.contains_key(c)).count() >= crash_at {
            break;
        }
        assert!(
            started.elapsed() < DEADLINE,
            "{crash_at} notes did not arrive"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let crashed_after = started.elapsed();
    let (notes_at_crash, _, seq_at_crash) = written(&core);
    let sandbox = core.crash().await.expect("the sandbox survives the crash");
    let restart = Instant::now();
    let core = start(dir.path(), addr, Some(sandbox)).await;
    let restarted_in = restart.elapsed();
    let (_, _, seq_at_restart) = written(&core);

    // Wait until every one of ours is written and nothing is pending.
    let mut retried = 0;
    loop {
        let rows = core.list_outbox(OutboxQuery::default()).await.unwrap();
        let pending = rows
            .iter()
            .filter(|r| r.state == OutboxState::Pending)
            .count();
        let dead: Vec<_> = rows
            .iter()
            .filter(|r| r.state == OutboxState::Dead)
            .collect();
        for r in &dead {
            eprintln!(
                "dead letter {} ({:?}, {} attempts): {:?}",
                r.id, r.kind, r.attempts, r.last_error
            );
            core.retry_outbox(OutboxRequest { id: r.id.clone() })
                .await
                .unwrap();
            retried += 1;
        }
        let (notes, files, _) = written(&core);
        let complete = ours
            .iter()
            .all(|c| notes.contains_key(c) && files.contains_key(c));
        if complete && pending == 0 && dead.is_empty() {
            break;
        }
        if started.elapsed() > DEADLINE {
            let missing_notes = ours.iter().filter(|c| !notes.contains_key(c)).count();
            let missing_files = ours.iter().filter(|c| !files.contains_key(c)).count();
            panic!(
                "not settled within {DEADLINE:?}: {pending} pending, {} outbox rows, \
                 {missing_notes} candidates without a note, {missing_files} without an attachment",
                rows.len()
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let elapsed = started.elapsed();

    let (notes, files, total_writes) = written(&core);
    let (injected, requests) = core.with_sandbox(|s| {
        let s = s.unwrap();
        (
            s.control().greenhouse_write_share_injected(),
            s.control().request_count(),
        )
    });
    let rows = core.list_outbox(OutboxQuery::default()).await.unwrap();
    let attempts: u32 = rows.iter().map(|r| r.attempts).sum();
    eprintln!(
        "chaos: {CANDIDATES} candidates, {} outbox rows, {attempts} attempts, \
         {total_writes} writes applied, {injected} faults injected ({FAULT_PERCENT}% share), \
         {requests} Greenhouse requests, crash after {:?} with {} notes, restart took {:?}, \
         settled after {:?}, {retried} dead letters retried",
        rows.len(),
        crashed_after,
        notes_at_crash.len(),
        restarted_in,
        elapsed
    );
    let dup_notes: Vec<_> = ours
        .iter()
        .filter(|c| notes.get(c) != Some(&1))
        .map(|c| (c, notes.get(c)))
        .collect();
    let dup_files: Vec<_> = ours
        .iter()
        .filter(|c| files.get(c) != Some(&1))
        .map(|c| (c, files.get(c)))
        .collect();
    if !dup_notes.is_empty() || !dup_files.is_empty() {
        // Where the duplicates sit relative to the crash and the restart.
        let log = core.with_sandbox(|s| s.unwrap().control().greenhouse_writes());
        let mut seen: HashMap<(u64, bool), u64> = HashMap::new();
        for w in &log {
            let key = match w.kind {
                GhWriteKind::Note { candidate_id, .. } => (candidate_id, true),
                GhWriteKind::Attachment { candidate_id, .. } => (candidate_id, false),
                _ => continue,
            };
            if let Some(first) = seen.insert(key, w.seq) {
                eprintln!(
                    "duplicate {} of {}: seq {first} then {} (crash at write {seq_at_crash}, \
                     new core up at write {seq_at_restart})",
                    if key.1 { "note" } else { "attachment" },
                    key.0,
                    w.seq
                );
            }
        }
    }
    assert!(
        dup_notes.is_empty(),
        "notes not exactly once: {dup_notes:?}"
    );
    assert!(
        dup_files.is_empty(),
        "attachments not exactly once: {dup_files:?}"
    );
    assert_eq!(retried, 0, "no write should end up as a dead letter");
    assert!(injected > 0, "the fault share was exercised");
    core.shutdown().await;
}
