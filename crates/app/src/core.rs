//! The command handlers. Each public async method is one entry of
//! `reqlink_domain::with_commands!`, with the same name and types.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use std::collections::HashMap;
use std::sync::RwLock;

use reqlink_domain::{
    ActivityEntry, ActivityLevel, ActivityQuery, AgentView, ApiError, AppEvent, AppStatus,
    CandidatePage, CandidateQuery, ConnectionState, ErrorCode, JobPage, JobQuery, JobStagesRequest,
    SecretStoreStatus, StageRow, WebhookView, WorkspaceInfo,
};
use reqlink_platform::PlatformClient;
use reqlink_sandbox::{Sandbox, SandboxConfig};
use reqlink_store::Store;

use crate::ats_sync::SyncSlot;
use crate::connections::Live;
use crate::events::{self, EventSink};
use crate::sync::blocking;
use crate::workspace;

pub struct CoreOptions {
    pub data_dir: PathBuf,
    pub sandbox: SandboxConfig,
    /// Start a sync as soon as the workspace is open (the app does; tests
    /// that want to drive syncs themselves do not).
    pub sync_on_start: bool,
    pub events: Option<EventSink>,
    /// Where the webhook receiver listens. Port 0 picks a free port.
    pub receiver_addr: std::net::SocketAddr,
    /// Where tokens and keys are kept; `REQLINK_SECRET_STORE` overrides it.
    pub secret_store: reqlink_secrets::StoreChoice,
    /// Emulators that are already running (a test restarting the core
    /// after [`Core::crash`] keeps the emulators' state); `sandbox` is
    /// ignored then.
    pub running_sandbox: Option<Sandbox>,
    /// Run the workers (inbox, invites, writeback), reconciliation,
    /// webhook registration and background sync. One-shot command-line
    /// calls turn this off: a second process sending invites or writes
    /// beside a running app could repeat them.
    pub background: bool,
}

/// Overrides the receiver's listen address (`127.0.0.1:8787` by default).
pub const RECEIVER_ADDR_ENV: &str = "REQLINK_RECEIVER_ADDR";
const DEFAULT_RECEIVER_ADDR: &str = "127.0.0.1:8787";
/// Between reconciliation passes (each asks about at most 100 interviews,
/// a third of the platform's per-minute limit).
const RECONCILE_EVERY: std::time::Duration = std::time::Duration::from_secs(10 * 60);

impl CoreOptions {
    pub fn new(data_dir: PathBuf) -> Self {
        let receiver_addr = std::env::var(RECEIVER_ADDR_ENV)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| {
                DEFAULT_RECEIVER_ADDR
                    .parse()
                    .expect("valid default address")
            });
        Self {
            data_dir,
            sandbox: SandboxConfig::default(),
            sync_on_start: true,
            events: None,
            receiver_addr,
            secret_store: reqlink_secrets::StoreChoice::Auto,
            running_sandbox: None,
            background: true,
        }
    }
}

#[derive(Clone)]
pub struct Core {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) store: Arc<Store>,
    pub(crate) data_dir: PathBuf,
    pub(crate) workspace: WorkspaceInfo,
    pub(crate) ats: RwLock<HashMap<String, Arc<Live>>>,
    pub(crate) syncs: Mutex<HashMap<String, SyncSlot>>,
    pub(crate) flows: Mutex<HashMap<String, Arc<crate::connect::FlowEntry>>>,
    pub(crate) interval_changed: tokio::sync::Notify,
    pub(crate) tasks: Mutex<Vec<tokio::task::JoinHandle<()>>>,
    pub(crate) secret_status: SecretStoreStatus,
    /// The sandbox was started without rate limits (benchmarks, tests).
    pub(crate) sandbox_unlimited: bool,
    pub(crate) secrets: Arc<dyn reqlink_secrets::SecretStore>,
    /// The interview platform in use: a connected real account, else the
    /// sandbox's emulator. Swapped when the user connects or disconnects.
    pub(crate) platform: RwLock<Option<(String, PlatformClient)>>,
    /// The sandbox platform, to fall back to after a real one is removed.
    pub(crate) sandbox_platform: Option<(String, PlatformClient)>,
    sandbox: Mutex<Option<Sandbox>>,
    online: AtomicBool,
    events: EventSink,
    pub(crate) receiver: Mutex<Option<reqlink_receiver::Receiver>>,
    pub(crate) receiver_addr: Option<std::net::SocketAddr>,
    pub(crate) receiver_error: Option<String>,
    pub(crate) inbox: Arc<tokio::sync::Notify>,
    /// Wakes the invite and writeback workers.
    pub(crate) loop_wake: crate::writeback::SharedLoopWake,
    /// Held by the reconciliation pass in progress: one started meanwhile
    /// (back online during a pass) waits, then asks about other interviews.
    pub(crate) reconciling: tokio::sync::Mutex<()>,
    pub(crate) http: reqwest::Client,
    pub(crate) worker: Mutex<Option<tokio::task::JoinHandle<()>>>,
    /// Greenhouse and Lever webhook keys, shared with the receiver.
    pub(crate) hook_keys: Arc<crate::ats_hooks::HookKeyRing>,
    /// The data directory's lock while this core runs background work.
    data_lock: Mutex<Option<std::fs::File>>,
}

impl Core {
    /// Opens the store in the data directory and the workspace (the sandbox
    /// when nothing real is configured).
    pub async fn start(options: CoreOptions) -> Result<Core, ApiError> {
        let data_dir = options.data_dir.clone();
        let data_lock = if options.background {
            Some(lock_data_dir(&data_dir)?)
        } else {
            None
        };
        let store = {
            let dir = data_dir.clone();
            blocking(move || Ok(Store::open_in_dir(&dir)?)).await?
        };
        let store = Arc::new(store);
        let secrets = {
            let dir = data_dir.clone();
            let choice = options.secret_store;
            blocking(move || {
                reqlink_secrets::open(&dir, choice).map_err(|e| {
                    ApiError::new(
                        ErrorCode::Storage,
                        format!("Reqlink could not open its secret store: {e}"),
                    )
                })
            })
            .await?
        };
        if let Some(warning) = &secrets.warning {
            tracing::warn!("{warning}");
        }
        let sandbox_unlimited = options.sandbox.rate_limit.is_none();
        let opened =
            workspace::open_sandbox(&store, options.sandbox, options.running_sandbox).await?;
        let inbox = Arc::new(tokio::sync::Notify::new());
        let events = options.events.unwrap_or_else(events::discard);
        let hook_keys = Arc::new(crate::ats_hooks::HookKeyRing::new(
            secrets.store.clone(),
            store.clone(),
            events.clone(),
        ));
        let (receiver, receiver_error) = crate::webhooks::start_receiver(
            store.clone(),
            options.receiver_addr,
            inbox.clone(),
            hook_keys.clone(),
        )
        .await;
        let core = Core {
            inner: Arc::new(Inner {
                store,
                data_dir,
                workspace: opened.info,
                ats: RwLock::new(HashMap::new()),
                syncs: Mutex::new(HashMap::new()),
                flows: Mutex::new(HashMap::new()),
                interval_changed: tokio::sync::Notify::new(),
                tasks: Mutex::new(Vec::new()),
                secret_status: SecretStoreStatus {
                    backend: match secrets.backend {
                        reqlink_secrets::Backend::Keychain => "keychain",
                        reqlink_secrets::Backend::File { .. } => "file",
                        reqlink_secrets::Backend::Memory => "memory",
                    }
                    .into(),
                    warning: secrets.warning.clone(),
                },
                secrets: secrets.store,
                sandbox_unlimited,
                platform: RwLock::new(opened.platform.clone()),
                sandbox_platform: opened.platform,
                sandbox: Mutex::new(opened.sandbox),
                online: AtomicBool::new(true),
                events,
                hook_keys,
                receiver_addr: receiver.as_ref().map(|r| r.local_addr()),
                receiver: Mutex::new(receiver),
                receiver_error,
                inbox,
                loop_wake: Default::default(),
                reconciling: Default::default(),
                http: reqwest::Client::new(),
                worker: Mutex::new(None),
                data_lock: Mutex::new(data_lock),
            }),
        };
        core.restore_platform().await;
        if let Err(e) = core.restore_connections().await {
            tracing::warn!("could not restore connections: {}", e.message);
        }
        if options.background {
            core.start_background_work().await;
        }
        core.activity(
            ActivityLevel::Info,
            "workspace_opened",
            &format!(
                "Opened the {} with emulated Greenhouse and interview platform on 127.0.0.1",
                core.inner.workspace.name.to_lowercase()
            ),
        );
        core.refresh_platform_state().await;
        if options.sync_on_start {
            for id in core.live_ids() {
                core.spawn_sync(&id);
            }
        }
        if options.background {
            core.start_background_sync();
        }
        Ok(core)
    }

    /// The workers, webhook registration and the start-up reconciliation.
    async fn start_background_work(&self) {
        self.start_inbox_worker();
        self.start_invite_worker();
        self.start_writeback_worker();
        // The emulators forget their webhooks when they stop.
        if self.live(workspace::SANDBOX_GREENHOUSE).is_some() {
            self.register_sandbox_greenhouse_hooks().await;
        }
        if self.live(workspace::SANDBOX_LEVER).is_some() {
            if let Err(e) = self
                .register_sandbox_lever_hooks(workspace::SANDBOX_LEVER)
                .await
            {
                tracing::warn!("sandbox Lever webhooks not registered: {}", e.message);
            }
        }
        {
            let handle = {
                let core = self.clone();
                // At start, then regularly: without a public URL (no
                // tunnel) the platform's events cannot reach this desktop,
                // and this is how their results still arrive.
                tokio::spawn(async move {
                    loop {
                        if let Err(e) = core.reconcile().await {
                            tracing::warn!("reconciliation failed: {}", e.message);
                        }
                        tokio::time::sleep(RECONCILE_EVERY).await;
                    }
                })
            };
            self.inner
                .tasks
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(handle);
        }
    }

    /// The interview platform in use (connection id and client).
    pub(crate) fn platform(&self) -> Option<(String, PlatformClient)> {
        self.inner
            .platform
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn is_sandbox(&self) -> bool {
        self.inner.workspace.kind == reqlink_domain::WorkspaceKind::Sandbox
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The running sandbox, for tests and the command-line tool.
    pub fn with_sandbox<R>(&self, f: impl FnOnce(Option<&Sandbox>) -> R) -> R {
        let guard = self.inner.sandbox.lock().unwrap_or_else(|e| e.into_inner());
        f(guard.as_ref())
    }

    /// Stops the receiver, the inbox worker and the emulators, so their
    /// ports are freed.
    pub async fn shutdown(&self) {
        let worker = self
            .inner
            .worker
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(worker) = worker {
            worker.abort();
        }
        for task in std::mem::take(&mut *self.inner.tasks.lock().unwrap_or_else(|e| e.into_inner()))
        {
            task.abort();
        }
        let receiver = self
            .inner
            .receiver
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(receiver) = receiver {
            receiver.shutdown().await;
        }
        let sandbox = self
            .inner
            .sandbox
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(sandbox) = sandbox {
            sandbox.shutdown().await;
        }
        self.release_data_dir();
    }

    fn release_data_dir(&self) {
        self.inner
            .data_lock
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
    }

    /// Tears the core down the way a crash would, for reliability tests:
    /// every task is aborted wherever it is (mid-request, mid-transaction),
    /// nothing is flushed or finished. The receiver's port is freed and the
    /// emulators are handed back still running, with their state, so a new
    /// core can be started on the same data directory against them.
    pub async fn crash(self) -> Option<Sandbox> {
        if let Some(worker) = self
            .inner
            .worker
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            worker.abort();
        }
        for task in std::mem::take(&mut *self.inner.tasks.lock().unwrap_or_else(|e| e.into_inner()))
        {
            task.abort();
        }
        // Running syncs stop at their next page, as if the process died.
        for slot in self
            .inner
            .syncs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
        {
            if let Some(cancel) = &slot.cancel {
                let _ = cancel.send(true);
            }
        }
        let receiver = self
            .inner
            .receiver
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(receiver) = receiver {
            receiver.abort();
        }
        self.release_data_dir();
        self.inner
            .sandbox
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }

    pub async fn app_status(&self) -> Result<AppStatus, ApiError> {
        Ok(AppStatus {
            workspace: self.inner.workspace.clone(),
            sync: self.overall_sync_status(),
            online: self.inner.online.load(Ordering::Relaxed),
            data_dir: self.inner.data_dir.display().to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            secrets: self.inner.secret_status.clone(),
        })
    }

    pub async fn list_jobs(&self, req: JobQuery) -> Result<JobPage, ApiError> {
        self.read(move |store| Ok(store.list_jobs(&req)?)).await
    }

    pub async fn job_stages(&self, req: JobStagesRequest) -> Result<Vec<StageRow>, ApiError> {
        self.read(move |store| Ok(store.job_stages(&req.connection_id, &req.job_id)?))
            .await
    }

    pub async fn list_candidates(&self, req: CandidateQuery) -> Result<CandidatePage, ApiError> {
        self.read(move |store| Ok(store.list_candidates(&req)?))
            .await
    }

    /// The platform's agents with their webhook subscriptions, read live.
    pub async fn list_agents(&self) -> Result<Vec<AgentView>, ApiError> {
        let Some((_, client)) = self.platform() else {
            return Ok(Vec::new());
        };
        let result = async {
            let postings = client.list_postings().await?;
            let hooks = client.list_webhooks(None, None).await?;
            Ok::<_, reqlink_platform::PlatformError>((postings, hooks))
        }
        .await;
        let (postings, hooks) = self.note_reachability(result)?;
        let health = self
            .webhook_health(hooks.iter().map(|h| h.url.clone()).collect())
            .await;
        let mut by_posting: BTreeMap<String, Vec<WebhookView>> = BTreeMap::new();
        for (h, health) in hooks.into_iter().zip(health) {
            by_posting
                .entry(h.posting_id.clone())
                .or_default()
                .push(WebhookView {
                    webhook_id: h.webhook_id,
                    posting_id: h.posting_id,
                    event_type: h.event_type,
                    url: h.url,
                    http_method: h.http_method,
                    is_active: h.is_active,
                    target: health.target,
                    last_delivery_at: health.last_delivery_at,
                    failed_deliveries: health.failed_deliveries,
                });
        }
        Ok(postings
            .into_iter()
            .map(|p| AgentView {
                webhooks: by_posting.remove(&p.posting_id).unwrap_or_default(),
                posting_id: p.posting_id,
                title: p.title,
                archived: p.archived,
            })
            .collect())
    }

    pub async fn list_activity(&self, req: ActivityQuery) -> Result<Vec<ActivityEntry>, ApiError> {
        self.read(move |store| Ok(store.list_activity(&req)?)).await
    }

    pub(crate) async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&Store) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let store = self.inner.store.clone();
        blocking(move || f(&store)).await
    }

    pub(crate) fn emit(&self, event: AppEvent) {
        (self.inner.events)(event);
    }

    pub(crate) fn activity(&self, level: ActivityLevel, kind: &str, message: &str) {
        self.activity_for(level, kind, message, None);
    }

    pub(crate) fn note_reachability<T, E: Into<ApiError>>(
        &self,
        result: Result<T, E>,
    ) -> Result<T, ApiError> {
        let result = result.map_err(Into::into);
        let online = !matches!(&result, Err(e) if e.code == ErrorCode::Network);
        let was_online = self.inner.online.swap(online, Ordering::Relaxed);
        if online && !was_online {
            let core = self.clone();
            tokio::spawn(async move {
                // Back online: writes and invites that waited out the
                // outage go now, and what happened to interviews meanwhile
                // is fetched.
                let store = core.inner.store.clone();
                let now = crate::writeback::now_unix();
                let _ = crate::sync::blocking(move || {
                    Ok(store.retry_unreached_now(crate::writeback::UNREACHED, now)?)
                })
                .await;
                core.wake_writeback();
                core.wake_invites();
                let _ = core.reconcile().await;
            });
        }
        result
    }

    /// Marks the platform connection connected or failing, with the reason.
    async fn refresh_platform_state(&self) {
        let Some((id, client)) = self.platform() else {
            return;
        };
        let (state, detail) = match client.list_postings().await {
            Ok(_) => (ConnectionState::Connected, None),
            Err(e) => (ConnectionState::Error, Some(ApiError::from(e).message)),
        };
        if let Err(e) = self
            .inner
            .store
            .set_connection_state(&id, state, detail.as_deref())
        {
            tracing::warn!("could not store platform connection state: {e}");
        }
    }
}

/// Compile-time proof that `Core` implements every declared command with
/// the declared types, so a host adapter can never drift from the list.
#[allow(dead_code)]
fn _commands_match_declaration() {
    macro_rules! check {
        ($( $name:ident ( $( $arg:ident : $argty:ty )? ) -> $ret:ty ; )*) => {
            $(
                let _ = |core: Core $(, $arg: $argty)?| async move {
                    let _out: Result<$ret, ApiError> = core.$name($( $arg )?).await;
                };
            )*
        };
    }
    reqlink_domain::with_commands!(check);
}

/// Only one process at a time may run workers on a data directory: two
/// would each send the same invites and writes. The lock is the kernel's,
/// so a crashed process never leaves it behind.
fn lock_data_dir(dir: &std::path::Path) -> Result<std::fs::File, ApiError> {
    let storage = |e: std::io::Error| {
        ApiError::new(
            ErrorCode::Storage,
            format!(
                "Reqlink could not use its data directory {}: {e}",
                dir.display()
            ),
        )
    };
    std::fs::create_dir_all(dir).map_err(storage)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join("reqlink.lock"))
        .map_err(storage)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(ApiError::new(
            ErrorCode::Storage,
            format!(
                "Another Reqlink (the app or `reqlink serve`) is already running on the data directory {}. Close it first, or start this one with another data directory.",
                dir.display()
            ),
        )),
        // A file system without locks: run unguarded rather than not at all.
        Err(std::fs::TryLockError::Error(e)) => {
            tracing::warn!("data directory {} cannot be locked: {e}", dir.display());
            Ok(file)
        }
    }
}
