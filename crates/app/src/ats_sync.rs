//! Running syncs: one at a time per connection, each cancellable, with its
//! progress kept for the Integrations card and pushed as events, plus the
//! background loop that syncs every connected ATS on an interval.

use std::sync::Arc;
use std::time::Duration;

use reqlink_ats::AtsConnector;
use reqlink_domain::{
    ActivityLevel, ApiError, AppEvent, ConnectionRequest, ConnectionState, ErrorCode, SyncRequest,
    SyncSettings, SyncState, SyncStatus, SyncSummary,
};
use tokio::sync::watch;

use crate::core::Core;
use crate::sync::{blocking, SyncRun};

const INTERVAL_SETTING: &str = "sync_interval_minutes";
/// Per connection: when the last full listing finished.
const FULL_SYNC_SETTING: &str = "full_sync_at:";
const FULL_SYNC_EVERY: Duration = Duration::from_secs(24 * 3600);
const TOKEN_KEEPER_EVERY: Duration = Duration::from_secs(20 * 60);
const TOKEN_KEEPER_FIRST: Duration = Duration::from_secs(5);
const DEFAULT_INTERVAL_MINUTES: u32 = 15;
/// A day; longer intervals are almost certainly a typo.
const MAX_INTERVAL_MINUTES: u32 = 24 * 60;

/// A connection's current or last sync.
pub(crate) struct SyncSlot {
    pub status: SyncStatus,
    pub cancel: Option<watch::Sender<bool>>,
}

pub(crate) fn idle() -> SyncStatus {
    SyncStatus {
        state: SyncState::Idle,
        phase: None,
        done: 0,
        total: None,
        last_finished_at: None,
        last_error: None,
    }
}

impl Core {
    /// Starts syncs in the background; progress and outcomes arrive as
    /// events. A connection already syncing is left alone.
    pub async fn sync_now(&self, req: SyncRequest) -> Result<(), ApiError> {
        let targets: Vec<String> = match req.connection_id {
            Some(id) => {
                if self.live(&id).is_none() {
                    return Err(ApiError::new(
                        ErrorCode::InvalidInput,
                        "That ATS is not connected. Connect it on Integrations first.",
                    ));
                }
                vec![id]
            }
            None => self.live_ids(),
        };
        if targets.is_empty() {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                "No ATS is connected. Connect one on Integrations first.",
            ));
        }
        let full = req.full.unwrap_or(false);
        for id in targets {
            self.spawn_sync_with(&id, full);
        }
        Ok(())
    }

    pub async fn cancel_sync(&self, req: ConnectionRequest) -> Result<(), ApiError> {
        let slots = self.inner.syncs.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(cancel) = slots
            .get(&req.connection_id)
            .and_then(|s| s.cancel.as_ref())
        {
            let _ = cancel.send(true);
        }
        Ok(())
    }

    pub async fn sync_settings(&self) -> Result<SyncSettings, ApiError> {
        let minutes = self
            .read(|store| Ok(store.setting(INTERVAL_SETTING)?))
            .await?
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_INTERVAL_MINUTES);
        Ok(SyncSettings {
            interval_minutes: minutes,
        })
    }

    pub async fn set_sync_settings(&self, req: SyncSettings) -> Result<SyncSettings, ApiError> {
        if req.interval_minutes > MAX_INTERVAL_MINUTES {
            return Err(ApiError::invalid_input(format!(
                "The sync interval can be at most {MAX_INTERVAL_MINUTES} minutes (a day); 0 turns background sync off."
            )));
        }
        let value = req.interval_minutes.to_string();
        let store = self.inner.store.clone();
        blocking(move || Ok(store.set_setting(INTERVAL_SETTING, Some(&value))?)).await?;
        self.inner.interval_changed.notify_one();
        Ok(req)
    }

    /// The sync state of one connection (idle when it never ran here).
    pub(crate) fn sync_status_of(&self, id: &str) -> Option<SyncStatus> {
        self.inner
            .syncs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .map(|s| s.status.clone())
    }

    /// The sync shown in the status bar: a running one, else the latest.
    pub(crate) fn overall_sync_status(&self) -> SyncStatus {
        let slots = self.inner.syncs.lock().unwrap_or_else(|e| e.into_inner());
        slots
            .values()
            .map(|s| &s.status)
            .max_by_key(|s| (s.state == SyncState::Running, s.last_finished_at.clone()))
            .cloned()
            .unwrap_or_else(idle)
    }

    pub(crate) fn spawn_sync(&self, id: &str) {
        self.spawn_sync_with(id, false);
    }

    fn spawn_sync_with(&self, id: &str, full: bool) {
        if !self.claim_sync(id) {
            return;
        }
        let core = self.clone();
        let id = id.to_string();
        tokio::spawn(async move {
            let _ = core.sync_claimed(&id, full).await;
        });
    }

    /// Runs one sync of `id` to the end (tests and the command-line tool).
    pub async fn run_sync_of(&self, id: &str) -> Result<SyncSummary, ApiError> {
        if !self.claim_sync(id) {
            return Err(ApiError::new(
                ErrorCode::SyncInProgress,
                "A sync of this ATS is already running; wait for it or cancel it.",
            ));
        }
        self.sync_claimed(id, false).await
    }

    /// Lists everything of `id` and removes local records the ATS no
    /// longer has.
    pub async fn run_full_sync_of(&self, id: &str) -> Result<SyncSummary, ApiError> {
        if !self.claim_sync(id) {
            return Err(ApiError::new(
                ErrorCode::SyncInProgress,
                "A sync of this ATS is already running; wait for it or cancel it.",
            ));
        }
        self.sync_claimed(id, true).await
    }

    /// Runs one sync of the first connected ATS.
    pub async fn run_sync(&self) -> Result<SyncSummary, ApiError> {
        let Some(id) = self.live_ids().into_iter().next() else {
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                "No ATS is connected.",
            ));
        };
        self.run_sync_of(&id).await
    }

    /// Marks `id` running unless it already is.
    fn claim_sync(&self, id: &str) -> bool {
        let mut slots = self.inner.syncs.lock().unwrap_or_else(|e| e.into_inner());
        let slot = slots.entry(id.to_string()).or_insert_with(|| SyncSlot {
            status: idle(),
            cancel: None,
        });
        if slot.status.state == SyncState::Running {
            return false;
        }
        slot.status.state = SyncState::Running;
        slot.status.phase = Some("starting".into());
        slot.status.done = 0;
        slot.status.total = None;
        slot.cancel = None;
        true
    }

    fn update_slot(&self, id: &str, f: impl FnOnce(&mut SyncSlot)) {
        let mut slots = self.inner.syncs.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(slot) = slots.get_mut(id) {
            f(slot);
        }
    }

    /// Deletions that no webhook reported only show in a full listing, so
    /// the background loop makes one a day.
    async fn full_sync_due(&self, id: &str) -> bool {
        let key = format!("{FULL_SYNC_SETTING}{id}");
        let last = self
            .read(move |store| Ok(store.setting(&key)?))
            .await
            .ok()
            .flatten()
            .and_then(|v| reqlink_store::rfc3339_to_unix(&v));
        let now = time::OffsetDateTime::now_utc().unix_timestamp() as f64;
        last.is_none_or(|at| now - at > FULL_SYNC_EVERY.as_secs_f64())
    }

    async fn sync_claimed(&self, id: &str, full: bool) -> Result<SyncSummary, ApiError> {
        let Some(live) = self.live(id) else {
            self.update_slot(id, |s| s.status.state = SyncState::Idle);
            return Err(ApiError::new(
                ErrorCode::InvalidInput,
                "That ATS is not connected.",
            ));
        };
        let (cancel_tx, cancel_rx) = watch::channel(false);
        self.update_slot(id, |s| s.cancel = Some(cancel_tx));
        let vendor = live.name();
        self.activity_for(
            ActivityLevel::Info,
            "sync_started",
            &format!("Sync with {vendor} started"),
            Some(id),
        );
        let progress = |phase: &str, done: u32, total: Option<u32>| {
            self.update_slot(id, |s| {
                s.status.phase = Some(phase.to_string());
                s.status.done = done;
                s.status.total = total;
            });
            self.emit(AppEvent::SyncProgress {
                connection_id: id.to_string(),
                phase: phase.to_string(),
                done,
                total,
            });
        };
        let connector: Arc<dyn AtsConnector> = live.connector.clone();
        let run = SyncRun {
            store: self.inner.store.clone(),
            connector: connector.as_ref(),
            connection_id: id,
            progress: &progress,
            cancel: cancel_rx,
            full,
        };
        let result = self.note_reachability(run.run().await);
        if let (true, Ok(summary)) = (full, &result) {
            let key = format!("{FULL_SYNC_SETTING}{id}");
            let _ = self
                .inner
                .store
                .set_setting(&key, Some(&summary.finished_at));
        }
        self.finish_sync(id, vendor, &result);
        result
    }

    fn finish_sync(&self, id: &str, vendor: &str, result: &Result<SyncSummary, ApiError>) {
        let store = &self.inner.store;
        match result {
            Ok(summary) => {
                let _ = store.set_connection_state(id, ConnectionState::Connected, None);
                self.update_slot(id, |s| {
                    s.cancel = None;
                    s.status.state = SyncState::Idle;
                    s.status.phase = None;
                    s.status.last_finished_at = Some(summary.finished_at.clone());
                    s.status.last_error = None;
                });
                let c = &summary.counts;
                self.activity_for(
                    ActivityLevel::Info,
                    "sync_finished",
                    &format!(
                        "Synced {vendor} in {:.1} s with {} requests: {} jobs, {} stages, {} users, {} candidates, {} applications stored",
                        summary.elapsed_ms as f64 / 1000.0,
                        summary.requests,
                        c.jobs,
                        c.stages,
                        c.users,
                        c.candidates,
                        c.applications
                    ),
                    Some(id),
                );
                self.emit(AppEvent::SyncFinished {
                    summary: summary.clone(),
                });
                // A sync may have seen applications enter trigger stages.
                self.wake_invites();
                self.emit(AppEvent::DataChanged {
                    entities: vec!["jobs".into(), "candidates".into(), "connections".into()],
                });
            }
            Err(error) => {
                let cancelled = error.code == ErrorCode::Cancelled;
                if !cancelled {
                    let state = match error.code {
                        ErrorCode::Unauthorized | ErrorCode::NeedsReconnect => {
                            ConnectionState::NeedsReconnect
                        }
                        _ => ConnectionState::Error,
                    };
                    let _ = store.set_connection_state(id, state, Some(&error.message));
                }
                self.update_slot(id, |s| {
                    s.cancel = None;
                    s.status.state = if cancelled {
                        SyncState::Idle
                    } else {
                        SyncState::Failed
                    };
                    s.status.phase = None;
                    s.status.last_error = Some(error.clone());
                });
                let (level, kind, message) = if cancelled {
                    (
                        ActivityLevel::Warn,
                        "sync_cancelled",
                        format!(
                            "Sync with {vendor} cancelled; the next sync resumes where it stopped"
                        ),
                    )
                } else {
                    (
                        ActivityLevel::Error,
                        "sync_failed",
                        format!("Sync with {vendor} failed: {}", error.message),
                    )
                };
                self.activity_for(level, kind, &message, Some(id));
                self.emit(AppEvent::SyncFailed {
                    connection_id: id.to_string(),
                    error: error.clone(),
                });
                self.emit(AppEvent::DataChanged {
                    entities: vec!["connections".into(), "jobs".into(), "candidates".into()],
                });
            }
        }
    }

    /// Syncs every connected ATS every `interval` minutes; a changed
    /// setting takes effect at once.
    pub(crate) fn start_background_sync(&self) {
        let core = self.clone();
        let handle = tokio::spawn(async move {
            loop {
                let minutes = core
                    .sync_settings()
                    .await
                    .map(|s| s.interval_minutes)
                    .unwrap_or(DEFAULT_INTERVAL_MINUTES);
                let changed = core.inner.interval_changed.notified();
                if minutes == 0 {
                    changed.await;
                    continue;
                }
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(u64::from(minutes) * 60)) => {
                        for id in core.live_ids() {
                            let full = core.full_sync_due(&id).await;
                            core.spawn_sync_with(&id, full);
                        }
                    }
                    _ = changed => {}
                }
            }
        });
        self.inner
            .tasks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(handle);
        self.start_token_keeper();
    }

    /// Renews what is due on every OAuth connection, and marks those whose
    /// sign-in has ended as needing a reconnect.
    pub async fn check_sign_ins(&self) {
        use reqlink_ats::TokenSource;
        let lives: Vec<_> = self
            .live_ids()
            .iter()
            .filter_map(|id| self.live(id))
            .collect();
        for live in lives {
            let Some(tokens) = &live.tokens else { continue };
            match tokens.access_token().await {
                Ok(_) => {}
                // Only a refused grant; a token endpoint that is busy or
                // down (even with an OAuth error body) is tried again.
                Err(e @ reqlink_ats::AtsError::NeedsReconnect { .. }) => {
                    self.sign_in_ended(&live, &e.to_string()).await
                }
                // Offline or a server hiccup: the next look retries.
                Err(e) => tracing::warn!(connection = %live.id, "could not renew the sign-in: {e}"),
            }
        }
    }

    /// The grant behind a connection is gone (revoked, or its refresh
    /// token expired): the card says "Needs reconnect" with the reason.
    async fn sign_in_ended(&self, live: &crate::connections::Live, reason: &str) {
        let store = self.inner.store.clone();
        let id = live.id.clone();
        let already = blocking(move || Ok(store.connection(&id)?))
            .await
            .ok()
            .flatten()
            .is_some_and(|c| c.state == ConnectionState::NeedsReconnect);
        if already {
            return;
        }
        // The error already names the ATS and says to reconnect.
        let detail = reason.to_string();
        let (store, id, text) = (self.inner.store.clone(), live.id.clone(), detail.clone());
        let _ = blocking(move || {
            Ok(store.set_connection_state(&id, ConnectionState::NeedsReconnect, Some(&text))?)
        })
        .await;
        self.activity(ActivityLevel::Warn, "needs_reconnect", &detail);
        self.emit(AppEvent::DataChanged {
            entities: vec!["connections".into()],
        });
    }

    /// Renews OAuth grants even while nothing syncs (background sync off):
    /// Greenhouse v3 refresh tokens die after 24 hours unused, and every
    /// renewal saves the newest refresh token.
    fn start_token_keeper(&self) {
        let core = self.clone();
        let handle = tokio::spawn(async move {
            // The first look comes soon after start: a sign-in that ended
            // while the app was closed shows as such before any sync fails.
            let mut wait = TOKEN_KEEPER_FIRST;
            loop {
                tokio::time::sleep(wait).await;
                wait = TOKEN_KEEPER_EVERY;
                core.check_sign_ins().await;
            }
        });
        self.inner
            .tasks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(handle);
    }
}
