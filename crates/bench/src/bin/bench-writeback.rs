//! Writeback benchmark (the recruiting-loop issue): N reports (default
//! 1,000) written back to the sandbox Greenhouse under its 50 requests per
//! 10 s, through the real loop: linked jobs, candidates moved into the
//! trigger stage in the emulator, invites, the platform's interview events
//! and reports (delays ~0), and the outbox writing a note and a PDF each.
//!
//! Measured from the first write the emulator receives to the outbox
//! drained: wall time, the Greenhouse requests served in that window, the
//! floor those requests set under a fixed window of L per 10 s
//! ((ceil(N/L) - 1) x 10 s), the ratio (target within 5 %), duplicates
//! (a candidate with more than one note or attachment; target 0) and the
//! 429s the client saw (target 0: it paces itself).
//!
//! Run: `cargo run --release -p reqlink-bench --bin bench-writeback`
//! (`--reports 100` for a quick run).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use reqlink_app::{Core, CoreOptions, SandboxConfig};
use reqlink_domain::{
    JobStagesRequest, LinkRequest, LinkSettings, OutboxQuery, OutboxState, Provider,
};
use reqlink_sandbox::{CreateLag, GhWriteKind, RateLimit};
use serde_json::Value;
use tracing_subscriber::layer::SubscriberExt;

#[derive(Parser, Debug)]
#[command(about = "Writeback of N reports to the sandbox Greenhouse at 50 requests per 10 s")]
struct Args {
    /// Reports (candidates) to write back.
    #[arg(long, default_value_t = 1000)]
    reports: usize,
    /// Requests allowed per window (Greenhouse: 50).
    #[arg(long, default_value_t = 50)]
    rate_limit: u32,
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

const WINDOW: Duration = reqlink_greenhouse::RATE_WINDOW;

/// Counts the Greenhouse client's "rate limit hit" warnings (one per 429).
struct Count429(Arc<AtomicU64>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Count429 {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        struct Msg(bool);
        impl tracing::field::Visit for Msg {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                if field.name() == "message" && format!("{value:?}").contains("rate limit hit") {
                    self.0 = true;
                }
            }
        }
        let mut m = Msg(false);
        event.record(&mut m);
        if m.0 {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Notes and attachments per candidate.
fn written(log: &[reqlink_sandbox::GhWrite]) -> (HashMap<u64, usize>, HashMap<u64, usize>) {
    let mut notes: HashMap<u64, usize> = HashMap::new();
    let mut files: HashMap<u64, usize> = HashMap::new();
    for w in log {
        match w.kind {
            GhWriteKind::Note { candidate_id, .. } => *notes.entry(candidate_id).or_default() += 1,
            GhWriteKind::Attachment { candidate_id, .. } => {
                *files.entry(candidate_id).or_default() += 1
            }
            _ => {}
        }
    }
    (notes, files)
}

async fn harvest_all(core: &Core, path: &str) -> Vec<Value> {
    let (base, key) = core.with_sandbox(|s| {
        let s = s.expect("sandbox workspace");
        (s.greenhouse_base_url(), s.greenhouse_api_key())
    });
    let client = reqwest::Client::new();
    let mut out = Vec::new();
    for page in 1.. {
        let resp = client
            .get(format!("{base}{path}?per_page=500&page={page}"))
            .basic_auth(&key, Some(""))
            .send()
            .await
            .expect("emulator answers");
        if resp.status() == 429 {
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        let batch: Value = resp.json().await.expect("JSON");
        let batch = batch.as_array().expect("a list").clone();
        if batch.is_empty() {
            break;
        }
        out.extend(batch);
    }
    out
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let args = Args::parse();
    let n = args.reports;
    let seen_429 = Arc::new(AtomicU64::new(0));
    let _ = tracing::subscriber::set_global_default(
        tracing_subscriber::registry().with(Count429(seen_429.clone())),
    );

    let dir = tempfile::tempdir().expect("temporary directory");
    let candidates = n * 2 + 200;
    let mut options = CoreOptions::new(dir.path().to_path_buf());
    let mut sandbox = SandboxConfig {
        seed: args.seed,
        jobs: (n / 25).clamp(8, 200),
        candidates,
        applications: candidates * 3 / 2,
        rate_limit: Some(RateLimit {
            limit: args.rate_limit,
            window: WINDOW,
        }),
        interview_start_delay: Duration::from_millis(5),
        interview_duration: Duration::from_millis(5),
        report_delay: Duration::from_millis(5),
        ..SandboxConfig::default()
    };
    sandbox.greenhouse.webhook_retry_delays = vec![Duration::from_millis(500); 4];
    sandbox.greenhouse.create_lag = CreateLag::None;
    options.sandbox = sandbox;
    options.sync_on_start = false;
    options.secret_store = reqlink_secrets::StoreChoice::Memory;
    options.receiver_addr = "127.0.0.1:0".parse().unwrap();
    let t = Instant::now();
    let core = Core::start(options).await.expect("core starts");
    println!(
        "Writeback of {n} reports at {} requests per {} s",
        args.rate_limit,
        WINDOW.as_secs()
    );
    println!("  sandbox start: {:.1} s", t.elapsed().as_secs_f64());
    let gh = core
        .list_connections()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.provider == Provider::Greenhouse)
        .expect("a Greenhouse connection")
        .id;

    // Set-up (not timed): what to move, a sync, links.
    let t = Instant::now();
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
    core.run_sync().await.expect("sync succeeds");
    let agents = core.list_agents().await.unwrap();
    let mut by_job: HashMap<u64, Vec<&Value>> = HashMap::new();
    for app in &apps {
        if app["status"] == "active" && app["prospect"] != true {
            if let Some(job) = app["jobs"][0]["id"].as_u64() {
                by_job.entry(job).or_default().push(app);
            }
        }
    }
    let mut jobs: Vec<u64> = by_job.keys().copied().collect();
    jobs.sort_unstable();
    let mut triggers: HashMap<u64, u64> = HashMap::new();
    for (i, &job) in jobs.iter().enumerate() {
        let stages = core
            .job_stages(JobStagesRequest {
                connection_id: gh.clone(),
                job_id: job.to_string(),
            })
            .await
            .unwrap();
        let Some(trigger) = stages
            .iter()
            .filter_map(|s| s.id.parse::<u64>().ok())
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
                connection_id: gh.clone(),
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
    let mut sitting = HashSet::new();
    for app in &apps {
        if let (Some(job), Some(stage)) = (
            app["jobs"][0]["id"].as_u64(),
            app["current_stage"]["id"].as_u64(),
        ) {
            if triggers.get(&job) == Some(&stage) {
                sitting.insert(app["candidate_id"].as_u64().unwrap());
            }
        }
    }
    let mut chosen = Vec::new();
    let mut taken = HashSet::new();
    for &job in &jobs {
        let Some(&trigger) = triggers.get(&job) else {
            continue;
        };
        for app in &by_job[&job] {
            let cid = app["candidate_id"].as_u64().unwrap();
            if with_email.contains(&cid) && !sitting.contains(&cid) && taken.insert(cid) {
                chosen.push((app["id"].as_u64().unwrap(), cid, trigger));
            }
        }
    }
    assert!(
        chosen.len() >= n,
        "the sandbox has only {} suitable candidates",
        chosen.len()
    );
    chosen.truncate(n);
    println!(
        "  set-up (harvest, sync, {} links): {:.1} s",
        triggers.len(),
        t.elapsed().as_secs_f64()
    );
    // Let the set-up's window pass, so the measured window starts fresh.
    tokio::time::sleep(WINDOW).await;
    let base_429 = seen_429.load(Ordering::Relaxed);

    let control = core.with_sandbox(|s| s.unwrap().control());
    let moved = Instant::now();
    for &(app, _, trigger) in &chosen {
        control
            .greenhouse_move_application(app, trigger)
            .expect("move");
    }
    // The first write: poll the write log and the request counter.
    let base_writes = control.greenhouse_writes().len();
    let mut before = control.request_count();
    let (first, requests_before) = loop {
        let count = control.request_count();
        if control.greenhouse_writes().len() > base_writes {
            break (Instant::now(), before);
        }
        before = count;
        assert!(
            moved.elapsed() < Duration::from_secs(300),
            "no write within 5 min"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    };
    println!(
        "  first write {:.2} s after the moves",
        first.duration_since(moved).as_secs_f64()
    );
    // Drained: every candidate has its note and attachment in the
    // emulator and no outbox row is pending (the outbox list is capped, so
    // completeness comes from the write log).
    let ours: HashSet<u64> = chosen.iter().map(|c| c.1).collect();
    let pending_query = OutboxQuery {
        state: Some(OutboxState::Pending),
        link_id: None,
    };
    let mut last_print = Instant::now();
    let ended = loop {
        let (notes, files) = written(&control.greenhouse_writes()[base_writes..]);
        let complete = ours
            .iter()
            .filter(|c| notes.contains_key(c) && files.contains_key(c))
            .count();
        if complete == ours.len()
            && core
                .list_outbox(pending_query.clone())
                .await
                .unwrap()
                .is_empty()
        {
            break Instant::now();
        }
        if last_print.elapsed() > Duration::from_secs(30) {
            println!(
                "  ... {:.0} s: {complete} of {n} candidates complete",
                first.elapsed().as_secs_f64()
            );
            last_print = Instant::now();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let requests = control.request_count() - requests_before;
    let wall = ended.duration_since(first);
    let windows = (requests as usize).div_ceil(args.rate_limit as usize);
    let floor = WINDOW * windows.saturating_sub(1) as u32;

    let log = control.greenhouse_writes();
    let (notes, files) = written(&log[base_writes..]);
    let dup = ours
        .iter()
        .filter(|c| {
            notes.get(c).copied().unwrap_or(0) > 1 || files.get(c).copied().unwrap_or(0) > 1
        })
        .count();
    let missing = ours
        .iter()
        .filter(|c| !notes.contains_key(c) || !files.contains_key(c))
        .count();
    let dead = core
        .list_outbox(OutboxQuery {
            state: Some(OutboxState::Dead),
            link_id: None,
        })
        .await
        .unwrap()
        .len();
    println!(
        "  {} writes applied ({} notes, {} attachments), {dead} dead letters, {missing} candidates incomplete",
        log.len() - base_writes,
        notes.values().sum::<usize>(),
        files.values().sum::<usize>()
    );
    println!("  {requests} Greenhouse requests served from the first write to the outbox drained");
    println!(
        "  wall time {:.1} s; floor (ceil({requests}/{}) - 1) x {} s = {:.1} s; ratio {:.3} (target <= 1.05)",
        wall.as_secs_f64(),
        args.rate_limit,
        WINDOW.as_secs(),
        floor.as_secs_f64(),
        if floor.is_zero() {
            f64::NAN
        } else {
            wall.as_secs_f64() / floor.as_secs_f64()
        }
    );
    println!("  duplicates: {dup} candidates with more than one note or attachment (target 0)");
    println!(
        "  429s seen by the client: {} (target 0)",
        seen_429.load(Ordering::Relaxed) - base_429
    );
    core.shutdown().await;
}
