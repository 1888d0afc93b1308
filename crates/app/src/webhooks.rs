//! The receiver, its inbox worker, webhook subscriptions on the platform,
//! the delivery log and the reports: the interview-platform side of the
//! core's commands.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use reqlink_domain::{
    ActivityLevel, ApiError, AppEvent, DeliveryCheck, DeliveryDetail, DeliveryQuery,
    DeliveryRequest, DeliveryRow, ErrorCode, PostingRequest, PublicUrlRequest, ReceiverStatus,
    ReportDetail, ReportPage, ReportPdf, ReportQuery, ReportRequest, ScoreDistribution,
    WebhookRequest, WebhookTarget,
};
use reqlink_platform::payload::{parse_event, PlatformEvent};
use reqlink_platform::{CreateWebhook, EventType, HttpMethod, NewCandidate, PlatformClient};
use reqlink_receiver::{HookKeys, Receiver};
use reqlink_store::{Endpoint, Store};
use tokio::sync::Notify;

use crate::core::Core;
use crate::inbox;
use crate::reports::to_detail;

const PUBLIC_BASE_URL: &str = "receiver.public_base_url";
const HOOK_PATH: &str = "/hooks/platform/";
/// How often the worker looks at the inbox even without a wake-up (a
/// delivery stored just before a crash is picked up after restart).
const WORKER_TICK: Duration = Duration::from_secs(10);
/// The sandbox starts its interview within a second of the invite.
const CHECK_WAIT_SANDBOX: Duration = Duration::from_secs(20);
const CHECK_WAIT_REAL: Duration = Duration::from_secs(5);

/// Starts the receiver on `addr`; if that fixed port is taken, on a free
/// one, saying so (the platform must then be told the new address).
pub(crate) async fn start_receiver(
    store: Arc<Store>,
    addr: SocketAddr,
    inbox: Arc<Notify>,
    keys: Arc<dyn HookKeys>,
) -> (Option<Receiver>, Option<String>) {
    match Receiver::start_with_keys(store.clone(), addr, inbox.clone(), keys.clone()).await {
        Ok(r) => (Some(r), None),
        Err(first) if addr.port() != 0 => {
            let fallback = SocketAddr::new(addr.ip(), 0);
            match Receiver::start_with_keys(store, fallback, inbox, keys).await {
                Ok(r) => {
                    let note = format!(
                        "{first}; listening on {} instead. Set REQLINK_RECEIVER_ADDR to choose the address.",
                        r.local_addr()
                    );
                    tracing::warn!("{note}");
                    (Some(r), Some(note))
                }
                Err(e) => (None, Some(e.to_string())),
            }
        }
        Err(e) => (None, Some(e.to_string())),
    }
}

fn platform(core: &Core) -> Result<PlatformClient, ApiError> {
    core.platform().map(|(_, c)| c).ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidInput,
            "No interview platform is connected.",
        )
    })
}

impl Core {
    pub(crate) fn start_inbox_worker(&self) {
        let core = self.clone();
        let handle = tokio::spawn(async move {
            loop {
                core.process_inbox().await;
                tokio::select! {
                    _ = core.inner.inbox.notified() => {}
                    _ = tokio::time::sleep(WORKER_TICK) => {}
                }
            }
        });
        *self.inner.worker.lock().unwrap_or_else(|e| e.into_inner()) = Some(handle);
    }

    /// Processes pending deliveries and caches new PDFs; returns what changed.
    pub async fn process_inbox(&self) -> inbox::Processed {
        let store = self.inner.store.clone();
        let processed = tokio::task::spawn_blocking(move || inbox::process_pending(&store))
            .await
            .ok()
            .and_then(|r| {
                r.map_err(|e| tracing::error!("inbox processing stopped: {e}"))
                    .ok()
            })
            .unwrap_or_default();
        if processed.deliveries > 0 {
            if processed.failed > 0 {
                self.activity(
                    ActivityLevel::Error,
                    "delivery_failed",
                    &format!(
                        "{} webhook deliveries could not be processed; see Webhooks → Delivery log to retry",
                        processed.failed
                    ),
                );
            }
            let mut entities = vec!["reports".to_string(), "deliveries".to_string()];
            if processed.jobs > 0 {
                entities.push("jobs".into());
            }
            if processed.candidates > 0 {
                entities.push("candidates".into());
            }
            if processed.jobs + processed.candidates > 0 {
                entities.push("connections".into());
            }
            self.emit(AppEvent::DataChanged { entities });
        }
        for (connection_id, application_id) in &processed.stage_moves {
            self.on_application_stage(connection_id, application_id)
                .await;
        }
        // Reports queue writes, and so does a completed interview (its
        // stage move).
        if processed.deliveries > 0 {
            self.wake_writeback();
        }
        let cached = inbox::cache_pdfs(
            self.inner.store.clone(),
            self.inner.data_dir.join("reports"),
            self.inner.http.clone(),
        )
        .await;
        if cached > 0 {
            self.emit(AppEvent::DataChanged {
                entities: vec!["reports".into()],
            });
            // Attachments wait for their PDF.
            self.wake_writeback();
        }
        processed
    }

    /// The URL the platform is told to call: the configured public base
    /// (a tunnel) or the receiver's own address.
    pub(crate) async fn public_base_url(&self) -> Option<String> {
        let store = self.inner.store.clone();
        let configured = tokio::task::spawn_blocking(move || store.setting(PUBLIC_BASE_URL))
            .await
            .ok()
            .and_then(Result::ok)
            .flatten();
        configured.or_else(|| self.inner.receiver_addr.map(|a| format!("http://{a}")))
    }

    /// Where each subscription URL delivers and how its deliveries went,
    /// judged against the current public base URL in one visit to the store.
    pub(crate) async fn webhook_health(&self, urls: Vec<String>) -> Vec<WebhookHealth> {
        let base = self.public_base_url().await.unwrap_or_default();
        let store = self.inner.store.clone();
        let n = urls.len();
        tokio::task::spawn_blocking(move || {
            urls.iter()
                .map(|url| webhook_health(&store, &base, url))
                .collect()
        })
        .await
        .unwrap_or_else(|_| vec![WebhookHealth::default(); n])
    }

    pub async fn receiver_status(&self) -> Result<ReceiverStatus, ApiError> {
        Ok(ReceiverStatus {
            running: self.inner.receiver_addr.is_some(),
            listen_address: self.inner.receiver_addr.map(|a| a.to_string()),
            public_base_url: self.public_base_url().await,
            error: self.inner.receiver_error.clone(),
        })
    }

    pub async fn set_public_base_url(
        &self,
        req: PublicUrlRequest,
    ) -> Result<ReceiverStatus, ApiError> {
        let value = req
            .url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(|u| u.trim_end_matches('/').to_string());
        if let Some(u) = &value {
            let parsed = url::Url::parse(u).map_err(|_| {
                ApiError::invalid_input(format!(
                    "{u:?} is not a URL; use e.g. https://example.trycloudflare.com"
                ))
            })?;
            if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
                return Err(ApiError::invalid_input(
                    "The public base URL must be an http(s) URL with a host.",
                ));
            }
        }
        let v = value.clone();
        self.read(move |store| Ok(store.set_setting(PUBLIC_BASE_URL, v.as_deref())?))
            .await?;
        self.emit(AppEvent::DataChanged {
            entities: vec!["receiver".into(), "agents".into()],
        });
        self.receiver_status().await
    }

    /// Subscribes this receiver to all three events of a posting, and
    /// deactivates subscriptions that point at an old address of ours.
    pub async fn subscribe_all(&self, req: PostingRequest) -> Result<(), ApiError> {
        let client = platform(self)?;
        let base = self.public_base_url().await.ok_or_else(|| {
            ApiError::new(
                ErrorCode::Internal,
                "The webhook receiver is not running; see Webhooks for the reason.",
            )
        })?;
        let hooks =
            self.note_reachability(client.list_webhooks(Some(&req.posting_id), None).await)?;
        let health = self
            .webhook_health(hooks.iter().map(|h| h.url.clone()).collect())
            .await;
        let target = |i: usize| health[i].target;
        for (i, hook) in hooks.iter().enumerate().filter(|(_, h)| h.is_active) {
            if target(i) == WebhookTarget::Stale {
                client.deactivate_webhook(&hook.webhook_id).await?;
                let id = hook.webhook_id.clone();
                self.read(move |store| Ok(store.revoke_endpoint_for_webhook(&id)?))
                    .await?;
            }
        }
        let mut created = 0;
        for event in EventType::ALL {
            let covered = hooks.iter().enumerate().any(|(i, h)| {
                h.is_active
                    && h.event_type == event.as_str()
                    && target(i) == WebhookTarget::ThisReceiver
            });
            if covered {
                continue;
            }
            let token = new_token();
            let endpoint = Endpoint {
                token: token.clone(),
                source: "platform".into(),
                connection_id: self.platform().map(|(id, _)| id),
                posting_id: Some(req.posting_id.clone()),
                event_type: Some(event.as_str().into()),
                webhook_id: None,
            };
            self.read(move |store| Ok(store.create_endpoint(&endpoint)?))
                .await?;
            let url = format!("{}{HOOK_PATH}{token}", base.trim_end_matches('/'));
            let hook = client
                .create_webhook(&CreateWebhook {
                    posting_id: &req.posting_id,
                    url: &url,
                    event_type: event,
                    http_method: HttpMethod::Post,
                })
                .await?;
            let webhook_id = hook.webhook_id.clone();
            self.read(move |store| Ok(store.set_endpoint_webhook(&token, &webhook_id)?))
                .await?;
            created += 1;
        }
        if created > 0 {
            self.activity(
                ActivityLevel::Info,
                "webhooks_subscribed",
                &format!(
                    "Subscribed {created} interview events of posting {} to this receiver",
                    req.posting_id
                ),
            );
        }
        self.emit(AppEvent::DataChanged {
            entities: vec!["agents".into(), "webhooks".into()],
        });
        Ok(())
    }

    /// The seed's "verify delivery" step: make sure this receiver is
    /// subscribed, invite a test candidate, and wait for the platform's
    /// `interview_started` to arrive here. The sandbox plays the interview
    /// by itself; on a real platform someone opens the interview link.
    pub async fn check_delivery(&self, req: PostingRequest) -> Result<DeliveryCheck, ApiError> {
        self.subscribe_all(req.clone()).await?;
        let client = platform(self)?;
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        let email = format!("delivery-check+{stamp}@reqlink.invalid");
        let invite = self.note_reachability(
            client
                .ingest_candidate(
                    &req.posting_id,
                    &NewCandidate {
                        name: "Reqlink delivery check",
                        email: &email,
                        phone_number: None,
                        metadata: None,
                    },
                )
                .await,
        )?;
        {
            let (id, posting, mail) = (
                invite.interview_id.clone(),
                req.posting_id.clone(),
                email.clone(),
            );
            self.read(move |store| {
                Ok(store.record_invite(&id, &posting, "Reqlink delivery check", &mail)?)
            })
            .await?;
        }
        let wait = if self.is_sandbox() {
            CHECK_WAIT_SANDBOX
        } else {
            CHECK_WAIT_REAL
        };
        let deadline = tokio::time::Instant::now() + wait;
        let interview_id = invite.interview_id.clone();
        loop {
            let id = interview_id.clone();
            let stage = self
                .read(move |store| Ok(store.interview_stage(&id)?))
                .await?;
            // The invite itself recorded stage 0; only an event moves it.
            if stage.is_some_and(|s| s >= 1) {
                self.activity(
                    ActivityLevel::Info,
                    "delivery_checked",
                    &format!(
                        "Delivery check passed for posting {}: interview_started arrived",
                        req.posting_id
                    ),
                );
                return Ok(DeliveryCheck {
                    delivered: true,
                    interview_id,
                    interview_url: invite.interview_url,
                    message: "The platform delivered interview_started to this receiver.".into(),
                });
            }
            if tokio::time::Instant::now() >= deadline {
                let base = self.public_base_url().await.unwrap_or_default();
                let message = if self.is_sandbox() {
                    format!("No event arrived within {} s. Check the delivery log for rejected deliveries.", wait.as_secs())
                } else {
                    format!(
                        "A test invite was sent. Open the interview link and start the interview; the event must reach {base}. \
                         If nothing arrives, check that the public base URL is reachable from the internet (tunnel running?)."
                    )
                };
                return Ok(DeliveryCheck {
                    delivered: false,
                    interview_id,
                    interview_url: invite.interview_url,
                    message,
                });
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    pub async fn deactivate_webhook(&self, req: WebhookRequest) -> Result<(), ApiError> {
        let client = platform(self)?;
        self.note_reachability(client.deactivate_webhook(&req.webhook_id).await)?;
        let id = req.webhook_id.clone();
        self.read(move |store| Ok(store.revoke_endpoint_for_webhook(&id)?))
            .await?;
        self.emit(AppEvent::DataChanged {
            entities: vec!["agents".into(), "webhooks".into()],
        });
        Ok(())
    }

    pub async fn list_deliveries(&self, req: DeliveryQuery) -> Result<Vec<DeliveryRow>, ApiError> {
        self.read(move |store| Ok(store.list_deliveries(&req)?))
            .await
    }

    pub async fn get_delivery(&self, req: DeliveryRequest) -> Result<DeliveryDetail, ApiError> {
        self.read(move |store| Ok(store.delivery_detail(&req.id)?))
            .await
    }

    /// Processes a stored delivery again (Retry on a dead letter).
    pub async fn replay_delivery(&self, req: DeliveryRequest) -> Result<(), ApiError> {
        let id = Store::parse_delivery_id(&req.id).ok_or_else(|| {
            ApiError::invalid_input(
                "Only accepted deliveries can be replayed; rejected ones were never stored.",
            )
        })?;
        self.read(move |store| Ok(store.requeue_delivery(id)?))
            .await?;
        self.inner.inbox.notify_one();
        Ok(())
    }

    pub async fn list_reports(&self, req: ReportQuery) -> Result<ReportPage, ApiError> {
        self.read(move |store| Ok(store.list_reports(&req)?)).await
    }

    pub async fn get_report(&self, req: ReportRequest) -> Result<ReportDetail, ApiError> {
        self.read(move |store| {
            let (row, raw) = store.report(&req.interview_id)?.ok_or_else(|| {
                ApiError::not_found(format!("No report for interview {}", req.interview_id))
            })?;
            match parse_event("report_available", raw.as_bytes()) {
                Ok(PlatformEvent::ReportAvailable(report)) => Ok(to_detail(row, &report)),
                Ok(_) => Err(ApiError::internal("stored report is not a report")),
                Err(e) => Err(ApiError::new(
                    ErrorCode::MalformedResponse,
                    format!("The stored report cannot be read: {e}"),
                )),
            }
        })
        .await
    }

    /// The cached PDF of a report; works offline.
    pub async fn report_pdf(&self, req: ReportRequest) -> Result<ReportPdf, ApiError> {
        use base64::Engine;
        let id = req.interview_id.clone();
        let path = self
            .read(move |store| Ok(store.report_pdf_path(&id)?))
            .await?
            .ok_or_else(|| {
                ApiError::not_found(
                    "This report's PDF is not downloaded yet. It is fetched automatically while online.",
                )
            })?;
        let read_path = path.clone();
        let bytes = tokio::task::spawn_blocking(move || std::fs::read(read_path))
            .await
            .map_err(|e| ApiError::internal(e.to_string()))?
            .map_err(|e| {
                ApiError::new(
                    ErrorCode::Storage,
                    format!("Cannot read the cached PDF {path}: {e}"),
                )
            })?;
        Ok(ReportPdf {
            interview_id: req.interview_id,
            size: bytes.len() as u32,
            base64: base64::engine::general_purpose::STANDARD.encode(&bytes),
        })
    }

    pub async fn score_distribution(&self) -> Result<Vec<ScoreDistribution>, ApiError> {
        self.read(|store| Ok(store.score_distribution()?)).await
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WebhookHealth {
    pub target: WebhookTarget,
    pub last_delivery_at: Option<String>,
    pub failed_deliveries: u32,
}

impl Default for WebhookHealth {
    fn default() -> Self {
        WebhookHealth {
            target: WebhookTarget::Elsewhere,
            last_delivery_at: None,
            failed_deliveries: 0,
        }
    }
}

fn webhook_health(store: &Store, base: &str, url: &str) -> WebhookHealth {
    let Some(idx) = url.find(HOOK_PATH) else {
        return WebhookHealth::default();
    };
    let token = &url[idx + HOOK_PATH.len()..];
    let live = matches!(store.endpoint(token), Ok(Some(_)));
    let target = if live && url[..idx] == *base.trim_end_matches('/') {
        WebhookTarget::ThisReceiver
    } else if live || token.len() == 64 {
        // Our token format, but revoked or at an address we no longer use.
        WebhookTarget::Stale
    } else {
        WebhookTarget::Elsewhere
    };
    let (last_delivery_at, failed_deliveries) = store.endpoint_stats(token).unwrap_or((None, 0));
    WebhookHealth {
        target,
        last_delivery_at,
        failed_deliveries,
    }
}

/// 256 random bits, hex: the path token that stands in for a signature.
pub(crate) fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    hex::encode(bytes)
}
