//! Reqlink's sandbox: contract-faithful emulators of Greenhouse Harvest v1,
//! Workday Recruiting (OAuth token endpoint + recruiting REST, see
//! `workday::routes`) and the interview platform (webhook management API +
//! v2 postings), served with axum on 127.0.0.1 ephemeral ports, over
//! deterministic demo data.
//!
//! It is both the test fixture of the other crates and the out-of-the-box
//! workspace of a fresh install, so the data is meant to look like a real
//! organisation's and the HTTP behaviour (auth, paging `Link` headers, rate
//! limits, error bodies) follows the contracts in `shared/contracts.md`.
//!
//! The Greenhouse emulator also takes Harvest writes (notes, attachments,
//! stage moves, candidate and prospect creation, each needing
//! `On-Behalf-Of`), serves Harvest v3 behind its own OAuth server
//! ([`oauth::OAuthServer`] at `/oauth/authorize` and `/oauth/token`) with
//! cursor paging, and delivers signed web hooks registered through
//! [`SandboxControl::greenhouse_register_webhook`]. Everything a test needs
//! to drive it (stage moves in "the UI", deletes, merges, write faults, the
//! write log) is on [`SandboxControl`] and, over HTTP, under
//! `/_sandbox/greenhouse` on the Greenhouse port.
//!
//! The platform emulator also runs interviews: a candidate ingested through
//! `POST /api/v2/postings/{id}/candidates` (or [`SandboxControl::run_interview`])
//! is interviewed automatically, and `interview_started`,
//! `interview_completed` and `report_available` are delivered to every
//! active webhook subscription of the posting, with payloads shaped like the
//! HeyMilo seed's and a real PDF behind `report_url`. Timings and retries are
//! in [`SandboxConfig`]; every delivery attempt is visible through
//! [`SandboxControl::deliveries`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), reqlink_sandbox::SandboxError> {
//! let sandbox = reqlink_sandbox::Sandbox::start(Default::default()).await?;
//! println!("Harvest at {} with key {}", sandbox.greenhouse_base_url(), sandbox.greenhouse_api_key());
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```

mod clock;
mod data;
mod greenhouse;
mod interviews;
mod lever;
pub mod oauth;
mod pdf;
mod phrases;
mod platform;
mod ratelimit;
mod report;
mod rng;
mod words;
mod workday;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use greenhouse::{
    CandidateUpdate, CreateLag, CreateTruncation, GhDelivery, GhWebhook, GhWrite, GhWriteKind,
    GreenhouseConfig, GreenhouseControlError, ReadFault, WriteFault, SUPPORTED_ACTIONS,
};
pub use interviews::DeliveryAttempt;
pub use lever::{
    LeverConfig, LeverControlError, LeverDelivery, LeverFault, LeverNewOpportunity, LeverRateLimit,
    LeverWrite, LEVER_AUDIENCE, LEVER_EVENTS, LEVER_SCOPES,
};
pub use platform::WebhookRecord;
pub use workday::control::WorkdayApplicationInfo;
pub use workday::routes::{
    WorkdayRoute, AUTHORIZE_PATH as WORKDAY_AUTHORIZE_PATH, TOKEN_PATH as WORKDAY_TOKEN_PATH,
    WORKDAY_ROUTES,
};
pub use workday::{WorkdayAttachment, WorkdayConfig, WorkdayFault, WorkdayWrite, WorkdayWriteKind};

use data::{Data, Sizes};
use greenhouse::{GhSetup, GhState};
use interviews::RunnerConfig;
use platform::{PlatformSetup, PlatformState};
use rng::mix;

/// What to generate and how to serve it. `Default` gives the demo workspace.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Same seed, same data (ids, names, timestamps, keys).
    pub seed: u64,
    pub jobs: usize,
    pub candidates: usize,
    /// Total applications. Every candidate has at least one, so a value below
    /// `candidates` is raised to `candidates`; nobody applies twice to one
    /// job, so with very few jobs the total can come out lower.
    pub applications: usize,
    pub users: usize,
    /// Interview-platform postings ("agents").
    pub postings: usize,
    /// Greenhouse limiter; `None` never answers 429 (headers are still sent).
    pub rate_limit: Option<RateLimit>,
    pub host: IpAddr,
    /// Between ingesting a candidate and `interview_started` (the candidate
    /// "opening the link").
    pub interview_start_delay: Duration,
    /// Between `interview_started` and `interview_completed`.
    pub interview_duration: Duration,
    /// Between `interview_completed` and `report_available`.
    pub report_delay: Duration,
    /// Webhook delivery tries per event and subscription (at least 1); only
    /// a 200 counts as delivered.
    pub delivery_attempts: u32,
    /// Wait before the first retry; doubles for every further one.
    pub delivery_backoff: Duration,
    /// Per-attempt timeout of a webhook delivery.
    pub delivery_timeout: Duration,
    /// Lever emulator: rate limit, file cap, webhook retry schedule. Its
    /// data comes from the same sizes as Greenhouse's, with its own people.
    pub lever: LeverConfig,
    /// Workday Recruiting emulator (tenant, rate limit, token lifetime).
    pub workday: WorkdayConfig,
    /// Greenhouse web hook retries and creation quirks.
    pub greenhouse: GreenhouseConfig,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            seed: 1,
            jobs: 24,
            candidates: 400,
            applications: 600,
            users: 12,
            postings: 6,
            rate_limit: Some(RateLimit {
                limit: 50,
                window: Duration::from_secs(10),
            }),
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            interview_start_delay: Duration::from_millis(500),
            interview_duration: Duration::from_secs(1),
            report_delay: Duration::from_secs(2),
            delivery_attempts: 3,
            delivery_backoff: Duration::from_millis(200),
            delivery_timeout: Duration::from_secs(5),
            lever: LeverConfig::default(),
            workday: WorkdayConfig::default(),
            greenhouse: GreenhouseConfig::default(),
        }
    }
}

/// `limit` requests per `window` per API key (fixed window).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub limit: u32,
    pub window: Duration,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    #[error("invalid sandbox configuration: {0}")]
    InvalidConfig(String),
    #[error("demo data generation failed: {0}")]
    Generation(String),
    #[error("could not listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("could not set up webhook delivery: {0}")]
    Delivery(String),
    #[error("no such posting: '{0}'")]
    UnknownPosting(String),
    /// The candidate would be rejected by `POST /api/v2/postings/{id}/candidates`.
    #[error("invalid candidate: {0}")]
    InvalidCandidate(String),
    /// A Workday control operation named an unknown record or stage.
    #[error("Workday sandbox: {0}")]
    Workday(String),
}

/// A running pair of emulators. Dropping it stops the servers too; call
/// [`Sandbox::shutdown`] to wait until the ports are actually released.
pub struct Sandbox {
    greenhouse_origin: String,
    platform_origin: String,
    greenhouse_user_id: u64,
    control: SandboxControl,
    stop: Option<watch::Sender<bool>>,
    tasks: Vec<JoinHandle<()>>,
}

/// Cheap, cloneable handle for tests and the demo host to change data and
/// inject faults while the servers run.
#[derive(Clone)]
pub struct SandboxControl {
    gh: Arc<GhState>,
    platform: Arc<PlatformState>,
    lever: Arc<lever::LeverState>,
    wd: Arc<workday::WdState>,
}

/// How long `shutdown` waits for in-flight requests before aborting.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

impl Sandbox {
    /// Generates the data, binds two listeners on ephemeral ports of
    /// `config.host` and serves them on the current tokio runtime.
    pub async fn start(config: SandboxConfig) -> Result<Sandbox, SandboxError> {
        let sizes = validate(&config)?;
        let seed = config.seed;

        let gh_listener = bind(config.host).await?;
        let platform_listener = bind(config.host).await?;
        let greenhouse_origin = origin(&gh_listener, config.host)?;
        let platform_origin = origin(&platform_listener, config.host)?;

        // Lever's account is generated alongside Greenhouse's.
        let lever_data = lever::spawn_generation(seed, validate(&config)?);
        let wd_listener = bind(config.host).await?;
        let wd_origin = origin(&wd_listener, config.host)?;
        let wd = workday::spawn_state(seed, &sizes, &config.workday, wd_origin).await?;

        // Generation of large datasets is CPU-bound for a second or two; keep
        // it off the async worker threads.
        let (data, postings) = tokio::task::spawn_blocking(move || {
            let data = Data::generate(seed, &sizes);
            let postings = platform::generate_postings(seed, &data, config.postings);
            (data, postings)
        })
        .await
        .map_err(|e| SandboxError::Generation(e.to_string()))?;

        let greenhouse_user_id = data
            .on_behalf_of_user()
            .ok_or_else(|| SandboxError::InvalidConfig("no active user".into()))?;
        let (stop, stopped) = watch::channel(false);
        let gh_http = reqwest::Client::builder()
            .connect_timeout(config.greenhouse.webhook_timeout)
            // Greenhouse neither follows a web hook's redirects nor goes
            // through this machine's proxy.
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()
            .map_err(|e| SandboxError::Delivery(e.to_string()))?;
        let gh = Arc::new(GhState::new(GhSetup {
            data,
            rate_limit: config.rate_limit,
            api_key: greenhouse_key(seed),
            origin: greenhouse_origin.clone(),
            seed,
            config: config.greenhouse.clone(),
            http: gh_http,
            runtime: tokio::runtime::Handle::current(),
            stopped: stopped.clone(),
        }));
        let http = reqwest::Client::builder()
            .timeout(config.delivery_timeout)
            .connect_timeout(config.delivery_timeout)
            // A real platform neither follows redirects (a 3xx is a failed
            // delivery) nor goes through this machine's proxy.
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent(concat!(
                "reqlink-sandbox-platform/",
                env!("CARGO_PKG_VERSION")
            ))
            .build()
            .map_err(|e| SandboxError::Delivery(e.to_string()))?;

        let lever_listener = bind(config.host).await?;
        let lever = lever::LeverState::start(
            lever::LeverSetup {
                seed,
                config: config.lever.clone(),
                origin: origin(&lever_listener, config.host)?,
                stopped: stopped.clone(),
            },
            lever_data,
        )
        .await?;
        let platform = Arc::new(PlatformState::new(PlatformSetup {
            seed,
            api_key: platform_key(seed),
            postings,
            origin: platform_origin.clone(),
            runner: RunnerConfig {
                start_delay: config.interview_start_delay,
                interview_duration: config.interview_duration,
                report_delay: config.report_delay,
                delivery_attempts: config.delivery_attempts,
                delivery_backoff: config.delivery_backoff,
            },
            http,
            runtime: tokio::runtime::Handle::current(),
            stopped: stopped.clone(),
        }));
        let tasks = vec![
            serve(gh_listener, greenhouse::router(gh.clone()), stopped.clone()),
            serve(
                lever_listener,
                lever::router(lever.clone()),
                stopped.clone(),
            ),
            serve(
                platform_listener,
                platform::router(platform.clone()),
                stopped.clone(),
            ),
            serve(wd_listener, workday::router(wd.clone()), stopped),
        ];

        Ok(Sandbox {
            greenhouse_origin,
            platform_origin,
            greenhouse_user_id,
            control: SandboxControl {
                gh,
                platform,
                lever,
                wd,
            },
            stop: Some(stop),
            tasks,
        })
    }

    /// Harvest v1 base URL, e.g. `http://127.0.0.1:41234/v1` (no trailing slash).
    pub fn greenhouse_base_url(&self) -> String {
        format!("{}/v1", self.greenhouse_origin)
    }

    /// The Harvest API key the emulator accepts (Basic auth username).
    pub fn greenhouse_api_key(&self) -> String {
        self.control.gh.api_key.clone()
    }

    /// An active site admin's id, suitable for `On-Behalf-Of`.
    pub fn greenhouse_user_id(&self) -> String {
        self.greenhouse_user_id.to_string()
    }

    /// Harvest v3 base URL, e.g. `http://127.0.0.1:41234/v3`.
    pub fn greenhouse_v3_base_url(&self) -> String {
        format!("{}/v3", self.greenhouse_origin)
    }

    /// The Greenhouse port's origin (`http://127.0.0.1:41234`); the control
    /// surface is under `/_sandbox/greenhouse`.
    pub fn greenhouse_origin(&self) -> String {
        self.greenhouse_origin.clone()
    }

    /// v3's `auth.greenhouse.io/authorize` equivalent.
    pub fn greenhouse_authorize_url(&self) -> String {
        format!("{}{}", self.greenhouse_origin, greenhouse::AUTHORIZE_PATH)
    }

    /// v3's `auth.greenhouse.io/token` equivalent.
    pub fn greenhouse_token_url(&self) -> String {
        format!("{}{}", self.greenhouse_origin, greenhouse::TOKEN_PATH)
    }

    /// The v3 OAuth client registered for the sandbox organisation:
    /// `(client_id, client_secret)`. It may use the authorization code
    /// grant (loopback redirect `http://127.0.0.1:<port>/callback`, PKCE)
    /// and client credentials with `sub`.
    pub fn greenhouse_oauth_client(&self) -> (String, String) {
        let c = self.control.gh.v3.oauth.config();
        (
            c.client_id.clone(),
            c.client_secret.clone().unwrap_or_default(),
        )
    }

    /// The v3 authorization server, for tests that expire or revoke tokens
    /// (also over HTTP under `/_sandbox/greenhouse/oauth`).
    pub fn greenhouse_oauth(&self) -> Arc<oauth::OAuthServer> {
        self.control.gh.v3.oauth.clone()
    }

    /// Interview platform origin, e.g. `http://127.0.0.1:41235`; the webhook
    /// API is under `/api/webhook`, v2 under `/api/v2`.
    pub fn platform_base_url(&self) -> String {
        self.platform_origin.clone()
    }

    /// The `X-API-KEY` the platform emulator accepts.
    pub fn platform_api_key(&self) -> String {
        self.control.platform.api_key.clone()
    }

    pub fn control(&self) -> SandboxControl {
        self.control.clone()
    }

    /// Stops accepting, lets in-flight requests finish (up to a grace period)
    /// and returns once both ports are released.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        for task in std::mem::take(&mut self.tasks) {
            let abort = task.abort_handle();
            if tokio::time::timeout(SHUTDOWN_GRACE, task).await.is_err() {
                abort.abort();
            }
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        // Without this a dropped sandbox would keep serving until the runtime
        // ends, holding its ports.
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
    }
}

impl SandboxControl {
    /// Changes the Greenhouse limit and starts a fresh window.
    pub fn set_rate_limit(&self, rl: Option<RateLimit>) {
        self.gh.limiter.set(rl);
    }

    /// Changes the platform's per-key limit (300 a minute, as documented)
    /// and starts a fresh window; tests lower it to see 429s quickly.
    pub fn set_platform_rate_limit(&self, rl: Option<RateLimit>) {
        self.platform.limiter.set(rl);
    }

    /// Bumps `updated_at` of these candidates to now (unknown ids are
    /// ignored). "Now" is never earlier than any generated timestamp and
    /// strictly increases between calls, so an incremental sync always sees
    /// the change.
    pub fn touch_candidates(&self, ids: &[u64]) {
        let now = self.gh.tick();
        let mut data = self.gh.data.write().unwrap_or_else(|e| e.into_inner());
        for &id in ids {
            if let Some(i) = data.candidate_index(id) {
                data.candidates[i].updated_at = now;
            }
        }
    }

    /// Renames a job (visible in the job and every embedded reference),
    /// bumps its `updated_at` and fires `job_updated`. Unknown ids are
    /// ignored.
    pub fn rename_job(&self, job_id: u64, name: &str) {
        let _ = greenhouse::rename_job(&self.gh, job_id, name);
    }

    /// The next `n` Greenhouse requests (whatever they are) answer `status`
    /// with a JSON error body. Replaces any pending injection.
    pub fn fail_next(&self, n: u32, status: u16) {
        let mut f = self.gh.faults.lock().unwrap_or_else(|e| e.into_inner());
        f.remaining = n;
        f.status = status;
    }

    /// Greenhouse requests served so far, errors included.
    pub fn request_count(&self) -> u64 {
        self.gh.requests.load(Ordering::Relaxed)
    }

    /// Every webhook created through `/api/webhook/create`, in creation
    /// order, with its current state.
    pub fn platform_webhooks(&self) -> Vec<WebhookRecord> {
        self.platform.webhooks().clone()
    }

    /// Every interview-platform posting id, in the order `GET /api/v2/postings`
    /// lists them.
    pub fn posting_ids(&self) -> Vec<String> {
        self.platform
            .postings
            .iter()
            .map(|p| p.posting_id.clone())
            .collect()
    }

    /// Ingests a candidate exactly like `POST /api/v2/postings/{id}/candidates`
    /// and plays the interview (started, completed, report after the
    /// configured delays). Returns the interview id at once.
    pub fn run_interview(
        &self,
        posting_id: &str,
        name: &str,
        email: &str,
    ) -> Result<String, SandboxError> {
        let body = serde_json::json!({ "name": name, "email": email });
        let candidate = interviews::validate_candidate(&body).map_err(|errors| {
            let msgs: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {}", e["loc"], e["msg"].as_str().unwrap_or("")))
                .collect();
            SandboxError::InvalidCandidate(msgs.join("; "))
        })?;
        let posting = self
            .platform
            .postings
            .iter()
            .position(|p| p.posting_id == posting_id)
            .ok_or_else(|| SandboxError::UnknownPosting(posting_id.to_owned()))?;
        Ok(interviews::ingest(&self.platform, posting, candidate).interview_id)
    }

    /// Every webhook delivery attempt so far (the most recent 10 000), in
    /// the order they finished.
    pub fn deliveries(&self) -> Vec<DeliveryAttempt> {
        self.platform.delivery_log()
    }

    /// The `report_available` payload of this interview, exactly as sent (or
    /// about to be sent); `None` until the report exists or for unknown ids.
    pub fn report_payload(&self, interview_id: &str) -> Option<serde_json::Value> {
        self.platform
            .interviews()
            .get(interview_id)
            .and_then(|iv| iv.report.as_deref().cloned())
    }
}

fn validate(c: &SandboxConfig) -> Result<Sizes, SandboxError> {
    let invalid = |m: &str| Err(SandboxError::InvalidConfig(m.to_owned()));
    if c.users == 0 {
        return invalid("users must be at least 1 (On-Behalf-Of needs an active user)");
    }
    if c.jobs == 0 && c.candidates > 0 {
        return invalid("candidates need at least one job to apply to");
    }
    if c.candidates > u32::MAX as usize / 2 || c.applications > u32::MAX as usize / 2 {
        return invalid("too many records");
    }
    if let Some(rl) = c.rate_limit {
        if rl.limit == 0 || rl.window.is_zero() {
            return invalid("rate_limit needs a positive limit and window");
        }
    }
    if c.delivery_attempts == 0 {
        return invalid("delivery_attempts must be at least 1");
    }
    if c.delivery_timeout.is_zero() {
        return invalid("delivery_timeout must be positive");
    }
    Ok(Sizes {
        jobs: c.jobs,
        candidates: c.candidates,
        applications: c.applications.max(c.candidates),
        users: c.users,
    })
}

async fn bind(host: IpAddr) -> Result<TcpListener, SandboxError> {
    let addr = SocketAddr::new(host, 0);
    TcpListener::bind(addr)
        .await
        .map_err(|source| SandboxError::Bind { addr, source })
}

fn origin(listener: &TcpListener, host: IpAddr) -> Result<String, SandboxError> {
    let addr = listener.local_addr().map_err(|source| SandboxError::Bind {
        addr: SocketAddr::new(host, 0),
        source,
    })?;
    // SocketAddr's Display brackets IPv6 hosts, as URLs need.
    Ok(format!("http://{addr}"))
}

fn serve(
    listener: TcpListener,
    router: axum::Router,
    mut stopped: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let signal = async move {
            let _ = stopped.wait_for(|&s| s).await;
        };
        // An accept error ends the server; the sandbox has nobody to report
        // it to, and tests notice the refused connections.
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(signal)
            .await;
    })
}

/// Harvest keys are 32 hex characters; derived from the seed so a demo
/// workspace keeps working across restarts of the app.
fn greenhouse_key(seed: u64) -> String {
    format!(
        "{:016x}{:016x}",
        mix(seed ^ 0x4861_7276_6573_7401),
        mix(seed ^ 0x4861_7276_6573_7402)
    )
}

fn platform_key(seed: u64) -> String {
    format!("hm_sandbox_{:016x}", mix(seed ^ 0x506C_6174_666F_726D))
}
