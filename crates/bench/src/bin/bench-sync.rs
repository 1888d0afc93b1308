//! Sync benchmark (the ATS-connections issue): the app's Greenhouse sync
//! end to end (emulator over loopback HTTP, JSON parsing, SQLite) through
//! `Core::run_sync_of`, in three scenarios:
//!
//! 1. initial sync with rate limiting off: records/s (target >= 20,000/s),
//!    requests, time per resource, and the same work split into
//!    fetch + parse alone and SQLite alone;
//! 2. initial sync under Greenhouse's 50 requests per 10 s: wall time
//!    against the floor the request count sets (target within 5 %), and
//!    the 429s received (target 0: the client paces itself);
//! 3. incremental syncs after touching 0.1 %, 1 % and 5 % of candidates:
//!    time and requests grow with the change, not with the dataset.
//!
//! The sandbox's data generation (Greenhouse, and the Lever and Workday
//! emulators, which generate data of the same size) happens inside
//! `Core::start`, before any timing starts; it is reported separately.
//!
//! Run: `cargo run --release -p reqlink-bench --bin bench-sync -- --scenario 1`
//! (`--scenario all` runs the three; `--quick` uses small sizes.)

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use reqlink_app::{Core, CoreOptions, SandboxConfig};
use reqlink_ats::{AtsConnector, PageOf, PageRequest, Resource};
use reqlink_domain::{AppEvent, EntityCounts, Provider, SyncSummary};
use reqlink_greenhouse::{GreenhouseClient, GreenhouseConnector};
use reqlink_sandbox::{RateLimit, SandboxControl};
use reqlink_store::{NewConnection, ResumePoint, Store, SyncPage};

#[derive(Parser, Debug, Clone)]
#[command(about = "Greenhouse sync benchmarks (initial, rate-limited, incremental)")]
struct Args {
    /// Which scenario to run.
    #[arg(long, value_enum, default_value = "all")]
    scenario: Scenario,
    /// Small sizes for a smoke run (5,000 candidates, 7,500 applications,
    /// 100 jobs), unless sizes are given explicitly.
    #[arg(long)]
    quick: bool,
    #[arg(long)]
    candidates: Option<usize>,
    #[arg(long)]
    applications: Option<usize>,
    #[arg(long)]
    jobs: Option<usize>,
    /// Greenhouse users in the sandbox.
    #[arg(long, default_value_t = 12)]
    users: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Scenario 2: requests allowed per window (Greenhouse: 50).
    #[arg(long, default_value_t = 50)]
    rate_limit: u32,
    /// Scenario 3: percentages of candidates touched before each
    /// incremental sync.
    #[arg(long, value_delimiter = ',', default_value = "0.1,1,5")]
    touch: Vec<f64>,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum Scenario {
    #[value(name = "1")]
    Initial,
    #[value(name = "2")]
    RateLimited,
    #[value(name = "3")]
    Incremental,
    All,
}

/// Greenhouse's window; the client's limiter uses the same one.
const WINDOW: Duration = reqlink_greenhouse::RATE_WINDOW;

#[derive(Debug, Clone, Copy)]
struct Sizes {
    jobs: usize,
    candidates: usize,
    applications: usize,
    users: usize,
}

impl Args {
    fn sizes(&self) -> Sizes {
        let (jobs, candidates, applications) = if self.quick {
            (100, 5_000, 7_500)
        } else {
            (1_000, 100_000, 150_000)
        };
        Sizes {
            jobs: self.jobs.unwrap_or(jobs),
            candidates: self.candidates.unwrap_or(candidates),
            applications: self.applications.unwrap_or(applications),
            users: self.users,
        }
    }
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let sizes = args.sizes();
    println!(
        "bench-sync: {} jobs, {} candidates, {} applications, {} users (seed {}); {} CPUs, load average {}",
        sizes.jobs,
        sizes.candidates,
        sizes.applications,
        sizes.users,
        args.seed,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        load_average()
    );
    let all = args.scenario == Scenario::All;
    if all || args.scenario == Scenario::Initial {
        initial(&args, sizes).await;
    }
    if all || args.scenario == Scenario::RateLimited {
        rate_limited(&args, sizes).await;
    }
    if all || args.scenario == Scenario::Incremental {
        incremental(&args, sizes).await;
    }
    println!("load average at the end: {}", load_average());
}

/// A core on a fresh data directory over a sandbox of `sizes`, with the
/// progress events it emits recorded.
struct Bench {
    core: Core,
    id: String,
    control: SandboxControl,
    events: Arc<Mutex<Vec<(Instant, String, u32)>>>,
    _dir: tempfile::TempDir,
}

async fn start(args: &Args, sizes: Sizes, rate_limit: Option<RateLimit>) -> Bench {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut options = CoreOptions::new(dir.path().to_path_buf());
    options.sandbox = SandboxConfig {
        seed: args.seed,
        jobs: sizes.jobs,
        candidates: sizes.candidates,
        applications: sizes.applications,
        users: sizes.users,
        rate_limit,
        ..SandboxConfig::default()
    };
    options.sync_on_start = false;
    options.secret_store = reqlink_secrets::StoreChoice::Memory;
    options.receiver_addr = "127.0.0.1:0".parse().unwrap();
    let events: Arc<Mutex<Vec<(Instant, String, u32)>>> = Arc::default();
    let sink = {
        let events = events.clone();
        Arc::new(move |e: AppEvent| {
            if let AppEvent::SyncProgress { phase, done, .. } = e {
                events.lock().unwrap().push((Instant::now(), phase, done));
            }
        }) as reqlink_app::EventSink
    };
    options.events = Some(sink);
    let started = Instant::now();
    let core = Core::start(options).await.expect("core starts");
    println!(
        "  sandbox start incl. data generation of the Greenhouse, Lever and Workday emulators (not timed below): {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let id = core
        .list_connections()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.provider == Provider::Greenhouse)
        .expect("the sandbox workspace has a Greenhouse connection")
        .id;
    let control = core.with_sandbox(|s| s.expect("sandbox runs").control());
    Bench {
        core,
        id,
        control,
        events,
        _dir: dir,
    }
}

/// One sync with what it cost.
struct Run {
    summary: SyncSummary,
    wall: Duration,
    /// Requests the emulator received (429s and retries included).
    server_requests: u64,
    /// (phase, records, time) in order.
    phases: Vec<(String, u32, Duration)>,
    /// Every progress event of the run: (when, phase, done).
    events: Vec<(Instant, String, u32)>,
    started: Instant,
    ended: Instant,
}

impl Bench {
    async fn sync(&self) -> Run {
        self.events.lock().unwrap().clear();
        let before = self.control.request_count();
        let started = Instant::now();
        let summary = self
            .core
            .run_sync_of(&self.id)
            .await
            .expect("sync succeeds");
        let ended = Instant::now();
        let server_requests = self.control.request_count() - before;
        let events = self.events.lock().unwrap().clone();
        Run {
            summary,
            wall: ended - started,
            server_requests,
            phases: phases(started, ended, &events),
            events,
            started,
            ended,
        }
    }

    async fn shutdown(self) {
        self.core.shutdown().await;
    }
}

/// Per-phase time from the progress events: a phase runs from the last
/// event of the phase before it (or the start) to its own last event; what
/// follows the last event (marking the run finished, counting) is "finish".
fn phases(
    started: Instant,
    ended: Instant,
    events: &[(Instant, String, u32)],
) -> Vec<(String, u32, Duration)> {
    let mut out: Vec<(String, u32, Duration)> = Vec::new();
    let mut mark = started;
    for (i, (at, phase, done)) in events.iter().enumerate() {
        let last_of_phase = events.get(i + 1).is_none_or(|(_, next, _)| next != phase);
        if last_of_phase {
            out.push((phase.clone(), *done, *at - mark));
            mark = *at;
        }
    }
    out.push(("finish".into(), 0, ended - mark));
    out
}

fn records(c: &EntityCounts) -> u64 {
    u64::from(c.jobs)
        + u64::from(c.stages)
        + u64::from(c.users)
        + u64::from(c.candidates)
        + u64::from(c.applications)
}

fn print_phases(run: &Run) {
    for (phase, done, took) in &run.phases {
        let rate = if *done > 0 && !took.is_zero() {
            format!(", {:.0}/s", f64::from(*done) / took.as_secs_f64())
        } else {
            String::new()
        };
        // The stages phase counts jobs (one request each), not stages.
        let unit = if phase == "stages" { "jobs" } else { "records" };
        println!(
            "    {phase:<13} {:>9.3} s  {done:>7} {unit}{rate}",
            took.as_secs_f64()
        );
    }
}

fn print_counts(c: &EntityCounts) {
    println!(
        "  stored: {} jobs, {} stages, {} users, {} candidates, {} applications = {} records",
        c.jobs,
        c.stages,
        c.users,
        c.candidates,
        c.applications,
        records(c)
    );
}

async fn initial(args: &Args, sizes: Sizes) {
    println!("\nScenario 1: initial sync, rate limiting off (emulator and client limiter)");
    let bench = start(args, sizes, None).await;
    let run = bench.sync().await;
    let c = &run.summary.counts;
    print_counts(c);
    let per_sec = records(c) as f64 / run.wall.as_secs_f64();
    println!(
        "  end to end: {:.2} s wall, {} requests ({} received by the emulator), {:.0} records/s (target >= 20,000/s: {})",
        run.wall.as_secs_f64(),
        run.summary.requests,
        run.server_requests,
        per_sec,
        if per_sec >= 20_000.0 { "met" } else { "MISSED" }
    );
    println!("  time per resource (from progress events):");
    print_phases(&run);

    // The same pages again, split: first HTTP + JSON alone (nothing
    // stored), then SQLite alone (the fetched pages written to a fresh
    // store the way the engine writes them). The end-to-end run overlaps
    // the two, so it can be shorter than their sum.
    let (base_url, key) = bench.core.with_sandbox(|s| {
        let s = s.expect("sandbox runs");
        (s.greenhouse_base_url(), s.greenhouse_api_key())
    });
    let client = GreenhouseClient::new(&base_url, &key).expect("client");
    client.limiter().set_enabled(false);
    let connector = GreenhouseConnector::new(client);
    let mut fetched: Vec<(Resource, PageOf)> = Vec::new();
    let mut jobs: Vec<String> = Vec::new();
    println!("  HTTP + JSON alone (connector, nothing stored):");
    let fetch_started = Instant::now();
    for &resource in connector.sync_plan() {
        let t = Instant::now();
        let mut next = None;
        let mut n = 0;
        loop {
            let page = connector
                .list(resource, PageRequest { since: None, next })
                .await
                .expect("page");
            n += page.records.len();
            jobs.extend(page.records.jobs.iter().map(|j| j.id.clone()));
            next = page.next.clone();
            fetched.push((resource, page));
            if next.is_none() {
                break;
            }
        }
        print_split(resource.as_str(), n, t.elapsed());
    }
    let t = Instant::now();
    let mut stages = Vec::with_capacity(jobs.len());
    for job in &jobs {
        stages.push((job.clone(), connector.stages(job).await.expect("stages")));
    }
    let stage_count: usize = stages.iter().map(|(_, s)| s.len()).sum();
    print_split("stages", stage_count, t.elapsed());
    let fetch_total = fetch_started.elapsed();
    println!("    {:<13} {:>9.3} s", "total", fetch_total.as_secs_f64());
    bench.shutdown().await;

    println!("  SQLite alone (the same pages into a fresh store, one transaction per page):");
    let dir = tempfile::tempdir().expect("temporary directory");
    let store_total =
        tokio::task::spawn_blocking(move || store_only(dir.path(), &fetched, &stages))
            .await
            .unwrap();
    println!("    {:<13} {:>9.3} s", "total", store_total.as_secs_f64());
}

fn print_split(what: &str, n: usize, took: Duration) {
    println!(
        "    {what:<13} {:>9.3} s  {n:>7} records, {:.0} records/s",
        took.as_secs_f64(),
        n as f64 / took.as_secs_f64().max(1e-9)
    );
}

fn store_only(
    dir: &std::path::Path,
    fetched: &[(Resource, PageOf)],
    stages: &[(String, Vec<reqlink_domain::StageRecord>)],
) -> Duration {
    const CONN: &str = "bench-greenhouse";
    let store = Store::open_in_dir(dir).expect("store opens");
    let workspace = store.ensure_sandbox_workspace().expect("workspace");
    store
        .upsert_connection(&NewConnection {
            id: CONN,
            workspace_id: &workspace.id,
            provider: Provider::Greenhouse,
            label: "Greenhouse (bench)",
            auth_style: "Harvest API key",
            base_url: "http://127.0.0.1/v1",
            sandbox: true,
        })
        .expect("connection");
    let started = Instant::now();
    let mut i = 0;
    while i < fetched.len() {
        let resource = fetched[i].0;
        let t = Instant::now();
        let mut at = ResumePoint {
            since: None,
            next: None,
            newest: None,
            done: 0,
        };
        let mut n = 0;
        while i < fetched.len() && fetched[i].0 == resource {
            let page = &fetched[i].1;
            at.done += page.records.len() as u32;
            at.next = page.next.clone();
            at.newest = page.newest.clone().or(at.newest);
            n += page.records.len();
            let r = &page.records;
            store
                .apply_sync_page(
                    CONN,
                    resource.as_str(),
                    SyncPage {
                        users: &r.users,
                        jobs: &r.jobs,
                        candidates: &r.candidates,
                        applications: &r.applications,
                    },
                    &at,
                )
                .expect("page stored");
            i += 1;
        }
        print_split(resource.as_str(), n, t.elapsed());
    }
    let t = Instant::now();
    let mut n = 0;
    for (job, s) in stages {
        store
            .store_fetched_stages(CONN, job, s)
            .expect("stages stored");
        n += s.len();
    }
    print_split("stages", n, t.elapsed());
    started.elapsed()
}

async fn rate_limited(args: &Args, sizes: Sizes) {
    let limit = args.rate_limit;
    println!(
        "\nScenario 2: initial sync under {limit} requests per {} s (the emulator's fixed window; the client paces itself)",
        WINDOW.as_secs()
    );
    let bench = start(
        args,
        sizes,
        Some(RateLimit {
            limit,
            window: WINDOW,
        }),
    )
    .await;
    // Arrival times at the emulator, from its request counter polled every
    // 200 us on a thread of its own.
    let stop = Arc::new(AtomicBool::new(false));
    let poller = {
        let control = bench.control.clone();
        let stop = stop.clone();
        let base = control.request_count();
        std::thread::spawn(move || {
            let mut arrivals = Vec::new();
            let mut seen = base;
            while !stop.load(Ordering::Relaxed) {
                let now = control.request_count();
                if now > seen {
                    let at = Instant::now();
                    arrivals.extend((seen..now).map(|_| at));
                    seen = now;
                }
                std::thread::sleep(Duration::from_micros(200));
            }
            arrivals
        })
    };
    let run = bench.sync().await;
    stop.store(true, Ordering::Relaxed);
    let arrivals = poller.join().expect("poller thread");
    print_counts(&run.summary.counts);

    let n = run.summary.requests as usize;
    let retried = (run.server_requests as usize).saturating_sub(n);
    println!(
        "  {n} requests made by the client, {} received by the emulator: {retried} answered 429 and retried (target 0)",
        run.server_requests
    );
    let Some(&first) = arrivals.first() else {
        bench.shutdown().await;
        return;
    };
    // The emulator's windows are fixed and each opens at the first request
    // after the previous one ended, so window k opens no earlier than k
    // windows after the first request, and no window holds more than L
    // requests: request number kL + 1 cannot arrive before k windows after
    // the first. With m = ceil(N/L) - 1, the last window's requests start
    // no earlier than m windows after the first request, and then take at
    // least their own service time. The engine makes one request at a
    // time and emits one progress event per request once its records are
    // stored, so a request's service time is from its arrival to its event
    // (waits for the limiter come before the arrival); the floor is
    //   first request + m x window + sum of those service times + finish.
    let windows = n.div_ceil(limit as usize);
    let m = windows.saturating_sub(1);
    let lead = first.saturating_duration_since(run.started);
    let strict = lead + WINDOW * m as u32;
    let done: Vec<Instant> = run.events.iter().map(|e| e.0).collect();
    let tail = if retried == 0 && done.len() == n && arrivals.len() >= n {
        let service: Duration = (m * limit as usize..n)
            .map(|i| done[i].saturating_duration_since(arrivals[i]))
            .sum();
        Some(service + run.ended.saturating_duration_since(done[n - 1]))
    } else {
        None
    };
    match tail {
        Some(tail) => println!(
            "  floor = first request + (ceil(N/L) - 1) x window + service time of the last window's {} requests = {:.3} s + {m} x {} s + {:.3} s = {:.3} s",
            n - m * limit as usize,
            lead.as_secs_f64(),
            WINDOW.as_secs(),
            tail.as_secs_f64(),
            (strict + tail).as_secs_f64()
        ),
        None => println!(
            "  floor (requests and progress events do not pair up, so without the last window's service time) = {:.3} s + {m} x {} s = {:.3} s",
            lead.as_secs_f64(),
            WINDOW.as_secs(),
            strict.as_secs_f64()
        ),
    }
    let floor = strict + tail.unwrap_or_default();
    let ratio = run.wall.as_secs_f64() / floor.as_secs_f64();
    println!(
        "  wall time {:.3} s = {:.4} x floor ({:+.2} %; target within 5 %: {}); {:.4} x the rate-only bound of {:.3} s",
        run.wall.as_secs_f64(),
        ratio,
        (ratio - 1.0) * 100.0,
        if ratio <= 1.05 { "met" } else { "MISSED" },
        run.wall.as_secs_f64() / strict.as_secs_f64(),
        strict.as_secs_f64()
    );
    print_windows(&arrivals, limit, run.started);
    println!("  time per resource:");
    print_phases(&run);
    bench.shutdown().await;
}

/// Replays the emulator's fixed windows over the observed arrivals: how
/// many requests each window took and how late each opened against the
/// ideal (k windows after the first request).
fn print_windows(arrivals: &[Instant], limit: u32, started: Instant) {
    let Some(&first) = arrivals.first() else {
        return;
    };
    let mut windows: Vec<(Instant, u32)> = Vec::new();
    for &at in arrivals {
        match windows.last_mut() {
            Some((opened, count)) if at.duration_since(*opened) < WINDOW => *count += 1,
            _ => windows.push((at, 1)),
        }
    }
    let max = windows.iter().map(|w| w.1).max().unwrap_or(0);
    let lags: Vec<f64> = windows
        .iter()
        .enumerate()
        .map(|(k, (opened, _))| {
            (opened.duration_since(first).as_secs_f64() - (k as f64) * WINDOW.as_secs_f64())
                * 1000.0
        })
        .collect();
    let worst = lags.iter().cloned().fold(0.0, f64::max);
    println!(
        "  emulator windows replayed from the polled arrivals (to ~0.2 ms): {} (first request at +{:.1} ms), at most {max} requests in one (limit {limit}); each opened at most {worst:.1} ms after k x {} s",
        windows.len(),
        first.duration_since(started).as_secs_f64() * 1000.0,
        WINDOW.as_secs()
    );
}

async fn incremental(args: &Args, sizes: Sizes) {
    println!(
        "\nScenario 3: incremental syncs after touching a share of candidates (rate limiting off)"
    );
    let bench = start(args, sizes, None).await;
    let full = bench.sync().await;
    print_counts(&full.summary.counts);
    println!(
        "  full sync for comparison: {:.3} s, {} requests",
        full.wall.as_secs_f64(),
        full.summary.requests
    );
    let ids = candidate_ids(bench.core.store().path(), &bench.id);
    let mut shares = vec![0.0];
    shares.extend(args.touch.iter().copied());
    let mut sentinel = 0usize;
    for share in shares {
        // `touch_candidates` stamps every id with one timestamp and
        // `updated_after` is inclusive, so the next run would fetch the
        // previous batch again; one unmeasured run after touching a single
        // candidate moves the cursor past it.
        bench.control.touch_candidates(&[ids[sentinel % ids.len()]]);
        sentinel += 7919;
        bench.sync().await;

        let k = ((share / 100.0) * ids.len() as f64).round() as usize;
        let touched = spread(&ids, k);
        bench.control.touch_candidates(&touched);
        let run = bench.sync().await;
        let (fetched, candidates_took) = run
            .phases
            .iter()
            .find(|(p, _, _)| p == "candidates")
            .map_or((0, Duration::ZERO), |(_, n, t)| (*n, *t));
        assert_eq!(run.summary.counts.candidates as usize, ids.len());
        println!(
            "  {share:>5}% touched ({k:>6} candidates): {:>8.3} s, {:>4} requests, {fetched:>6} candidates fetched ({:.1} % of the full sync's time){}",
            run.wall.as_secs_f64(),
            run.summary.requests,
            100.0 * run.wall.as_secs_f64() / full.wall.as_secs_f64(),
            if k > 0 {
                format!(
                    ", candidates phase {:.1} us per fetched candidate",
                    candidates_took.as_secs_f64() * 1e6 / f64::from(fetched.max(1))
                )
            } else {
                String::new()
            }
        );
        print_phases(&run);
    }
    bench.shutdown().await;
}

/// `k` ids spread evenly over the whole id range.
fn spread(ids: &[u64], k: usize) -> Vec<u64> {
    if k == 0 {
        return Vec::new();
    }
    let stride = ids.len() as f64 / k as f64;
    (0..k)
        .map(|i| ids[((i as f64 + 0.5) * stride) as usize % ids.len()])
        .collect()
}

/// Synced candidate ids, read straight from the database file.
fn candidate_ids(db: &std::path::Path, connection_id: &str) -> Vec<u64> {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("database opens read-only");
    let mut stmt = conn
        .prepare("SELECT id FROM candidates WHERE connection_id = ?1")
        .unwrap();
    let mut ids: Vec<u64> = stmt
        .query_map([connection_id], |row| row.get::<_, String>(0))
        .unwrap()
        .filter_map(|id| id.ok()?.parse().ok())
        .collect();
    ids.sort_unstable();
    ids
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}
