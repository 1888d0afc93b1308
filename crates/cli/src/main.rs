//! `reqlink`: the headless host. Same core, same data-directory rules
//! (`--data-dir`, then `REQLINK_DATA_DIR`, then the OS data directory) as
//! the desktop app; output is JSON so it scripts well.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use reqlink_app::{resolve_data_dir, Core, CoreOptions};
use reqlink_domain::{
    ApiError, CandidateQuery, JobQuery, ReportQuery, ReportRequest, ReportSort, SortDir,
    SNIPPET_CLOSE, SNIPPET_OPEN,
};
use reqlink_sandbox::{RateLimit, Sandbox, SandboxConfig};

#[derive(Parser)]
#[command(
    name = "reqlink",
    version,
    about = "Reqlink recruiter console, headless"
)]
struct Cli {
    /// Data directory (default: $REQLINK_DATA_DIR, else the OS app-data directory).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the emulated Greenhouse and interview platform on 127.0.0.1 and
    /// print their URLs and keys; runs until Ctrl-C.
    Sandbox(SandboxArgs),
    /// Open the sandbox workspace, run one sync, print its summary.
    Sync(SandboxArgs),
    /// Print the app status (workspace, sync, data directory) as JSON.
    Status,
    /// Run the webhook receiver, inbox processing and background sync
    /// without a window, until Ctrl-C or SIGTERM.
    Serve,
    /// Read stored interview reports (works offline).
    Reports {
        #[command(subcommand)]
        command: ReportsCommand,
    },
    /// Print stored requisitions as JSON.
    Jobs {
        #[arg(long)]
        search: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
    /// Print stored candidates as JSON.
    Candidates {
        #[arg(long)]
        search: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
}

#[derive(Subcommand)]
enum ReportsCommand {
    /// List reports, newest first, optionally filtered and sorted.
    List {
        /// Only this agent (posting id).
        #[arg(long)]
        posting: Option<String>,
        /// Only this requisition: the ATS connection id and job id.
        #[arg(long, requires = "job")]
        connection: Option<String>,
        #[arg(long, requires = "connection")]
        job: Option<String>,
        /// The platform's interview status (completed, shortlisted, ...).
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        min_score: Option<f64>,
        #[arg(long)]
        max_score: Option<f64>,
        /// Reported on or after this date (RFC 3339, or YYYY-MM-DD).
        #[arg(long, value_parser = day_or_time)]
        from: Option<String>,
        /// Reported before this date (RFC 3339, or YYYY-MM-DD).
        #[arg(long, value_parser = day_or_time)]
        to: Option<String>,
        #[arg(long, value_enum, default_value_t = SortKey::Reported)]
        sort: SortKey,
        /// Ascending instead of descending.
        #[arg(long)]
        asc: bool,
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
    /// Full-text search over transcripts, highlights, lowlights and evaluations.
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// Print one report in full.
    Show { interview_id: String },
}

#[derive(clap::Args, Clone)]
struct SandboxArgs {
    /// Data seed: the same seed gives the same data.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[arg(long, default_value_t = 24)]
    jobs: usize,
    #[arg(long, default_value_t = 400)]
    candidates: usize,
    #[arg(long, default_value_t = 600)]
    applications: usize,
    /// Serve without Greenhouse's 50 requests / 10 s limit.
    #[arg(long)]
    no_rate_limit: bool,
}

impl SandboxArgs {
    fn config(&self) -> SandboxConfig {
        SandboxConfig {
            seed: self.seed,
            jobs: self.jobs,
            candidates: self.candidates,
            applications: self.applications,
            rate_limit: (!self.no_rate_limit).then_some(RateLimit {
                limit: 50,
                window: Duration::from_secs(10),
            }),
            ..SandboxConfig::default()
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_env("REQLINK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!(
                "error ({}): {}",
                serde_json::to_string(&e.code).unwrap_or_default(),
                e.message
            );
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), ApiError> {
    let data_dir = resolve_data_dir(cli.data_dir);
    match cli.command {
        Command::Sandbox(args) => {
            let sandbox = Sandbox::start(args.config())
                .await
                .map_err(|e| ApiError::internal(format!("could not start the sandbox: {e}")))?;
            print_json(&serde_json::json!({
                "greenhouse": {
                    "base_url": sandbox.greenhouse_base_url(),
                    "api_key": sandbox.greenhouse_api_key(),
                    "on_behalf_of": sandbox.greenhouse_user_id(),
                    "v3_base_url": sandbox.greenhouse_v3_base_url(),
                    "oauth_authorize_url": sandbox.greenhouse_authorize_url(),
                    "oauth_token_url": sandbox.greenhouse_token_url(),
                    "oauth_client_id": sandbox.greenhouse_oauth_client().0,
                    "control": format!("{}/_sandbox/greenhouse", sandbox.greenhouse_origin()),
                },
                "lever": {
                    "base_url": sandbox.lever_base_url(),
                    "api_key": sandbox.lever_api_key(),
                    "perform_as": sandbox.lever_user_id(),
                    "oauth_authorize_url": sandbox.lever_oauth_authorize_url(),
                    "oauth_token_url": sandbox.lever_oauth_token_url(),
                    "oauth_client_id": sandbox.lever_oauth_client_id(),
                    "control": format!("{}/_sandbox/lever", sandbox.lever_origin()),
                },
                "workday": {
                    "host": sandbox.workday_host(),
                    "tenant": sandbox.workday_tenant(),
                    "client_id": sandbox.workday_client_id(),
                    "refresh_token": sandbox.workday_refresh_token(),
                    "control": format!("{}/_sandbox/workday", sandbox.workday_host()),
                },
                "interview_platform": {
                    "base_url": sandbox.platform_base_url(),
                    "api_key": sandbox.platform_api_key(),
                },
            }));
            eprintln!("sandbox running; press Ctrl-C to stop");
            let _ = tokio::signal::ctrl_c().await;
            sandbox.shutdown().await;
            Ok(())
        }
        Command::Sync(args) => {
            let core = open(data_dir, Some(args.config())).await?;
            let result = core.run_sync().await;
            core.shutdown().await;
            print_json(&result?);
            Ok(())
        }
        Command::Status => {
            let core = open(data_dir, None).await?;
            let status = core.app_status().await;
            core.shutdown().await;
            print_json(&status?);
            Ok(())
        }
        Command::Serve => {
            let mut options = CoreOptions::new(data_dir);
            options.sync_on_start = true;
            let core = Core::start(options).await?;
            let status = core.receiver_status().await?;
            print_json(&status);
            eprintln!("reqlink is serving; press Ctrl-C to stop");
            wait_for_stop().await;
            core.shutdown().await;
            Ok(())
        }
        Command::Reports { command } => {
            let core = open(data_dir, None).await?;
            let result = reports(&core, command).await;
            core.shutdown().await;
            result
        }
        Command::Jobs { search, limit } => {
            let core = open(data_dir, None).await?;
            let jobs = core
                .list_jobs(JobQuery {
                    search,
                    limit,
                    ..Default::default()
                })
                .await;
            core.shutdown().await;
            print_json(&jobs?);
            Ok(())
        }
        Command::Candidates { search, limit } => {
            let core = open(data_dir, None).await?;
            let page = core
                .list_candidates(CandidateQuery {
                    search,
                    limit,
                    ..Default::default()
                })
                .await;
            core.shutdown().await;
            print_json(&page?);
            Ok(())
        }
    }
}

async fn reports(core: &Core, command: ReportsCommand) -> Result<(), ApiError> {
    match command {
        ReportsCommand::List {
            posting,
            connection,
            job,
            status,
            min_score,
            max_score,
            from,
            to,
            sort,
            asc,
            limit,
        } => {
            let page = core
                .list_reports(ReportQuery {
                    posting_id: posting,
                    connection_id: connection,
                    job_id: job,
                    status,
                    min_score,
                    max_score,
                    from,
                    to,
                    sort: Some(sort.into()),
                    dir: Some(if asc { SortDir::Asc } else { SortDir::Desc }),
                    limit,
                    ..Default::default()
                })
                .await?;
            print_json(&page);
        }
        ReportsCommand::Search { query, limit } => {
            let mut page = core
                .list_reports(ReportQuery {
                    search: Some(query),
                    limit,
                    ..Default::default()
                })
                .await?;
            // Terminals show the hit delimiters as boxes; use brackets.
            for row in &mut page.items {
                if let Some(s) = &mut row.snippet {
                    *s = s.replace(SNIPPET_OPEN, "[").replace(SNIPPET_CLOSE, "]");
                }
            }
            print_json(&page);
        }
        ReportsCommand::Show { interview_id } => {
            print_json(&core.get_report(ReportRequest { interview_id }).await?);
        }
    }
    Ok(())
}

async fn wait_for_stop() {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("installing a SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

async fn open(data_dir: PathBuf, sandbox: Option<SandboxConfig>) -> Result<Core, ApiError> {
    let mut options = CoreOptions::new(data_dir);
    options.sync_on_start = false;
    options.background = false;
    // One-shot commands must not take the receiver port from a running app.
    options.receiver_addr = "127.0.0.1:0".parse().expect("valid address");
    if let Some(sandbox) = sandbox {
        options.sandbox = sandbox;
    }
    Core::start(options).await
}

fn print_json<T: serde::Serialize>(value: &T) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("command output serialises")
    );
}

#[derive(clap::ValueEnum, Clone, Copy)]
enum SortKey {
    Reported,
    Score,
    Candidate,
}

impl From<SortKey> for ReportSort {
    fn from(k: SortKey) -> Self {
        match k {
            SortKey::Reported => ReportSort::ReportedAt,
            SortKey::Score => ReportSort::Score,
            SortKey::Candidate => ReportSort::Candidate,
        }
    }
}

/// `2026-11-24` means the start of that day (UTC); anything else must be
/// RFC 3339. Checked here because the store ignores a date it cannot read.
fn day_or_time(text: &str) -> Result<String, String> {
    use time::format_description::well_known::Rfc3339;
    let t = text.trim();
    let full = if t.len() == 10 {
        format!("{t}T00:00:00Z")
    } else {
        t.to_string()
    };
    time::OffsetDateTime::parse(&full, &Rfc3339)
        .map(|_| full)
        .map_err(|_| {
            format!("{t:?} is not a date: use YYYY-MM-DD or RFC 3339 (2026-11-24T09:00:00Z)")
        })
}
