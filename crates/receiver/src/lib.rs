//! The webhook receiver: a real HTTP server inside the core.
//!
//! A delivery is answered 200 only after its raw body is committed to the
//! SQLite inbox; processing happens afterwards (see `reqlink-app`'s inbox
//! worker). Concurrent deliveries share one transaction (group commit), so
//! durability does not cost a disk sync per request.
//!
//! The platform documents no signature, so each subscription gets an
//! unguessable path token and every payload is size-limited and validated
//! against the documented schema before it is stored. Greenhouse and Lever
//! deliveries are signed: the `ats` module verifies them with the
//! keys the owner supplies through [`HookKeys`].

mod ats;
mod commit;
mod keys;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use reqlink_store::{NewDelivery, NewRejected, Store};
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};

pub use commit::Committer;
pub use keys::{HookKeys, NoKeys, RejectedNotice};

/// Largest delivery accepted; `report_available` with a long transcript is
/// a few hundred KiB.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ReceiverError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// A running receiver; dropping it does not stop it, `shutdown` does.
pub struct Receiver {
    local_addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

#[derive(Clone)]
pub(crate) struct Shared {
    pub(crate) store: Arc<Store>,
    pub(crate) committer: Committer,
    /// Wakes the processing worker when something new is in the inbox.
    pub(crate) inbox: Arc<Notify>,
    pub(crate) keys: Arc<dyn HookKeys>,
}

impl Receiver {
    /// Binds `addr` (port 0 picks a free one) and serves until `shutdown`;
    /// refuses every ATS delivery (no keys).
    pub async fn start(
        store: Arc<Store>,
        addr: SocketAddr,
        inbox: Arc<Notify>,
    ) -> Result<Receiver, ReceiverError> {
        Self::start_with_keys(store, addr, inbox, Arc::new(NoKeys)).await
    }

    /// Like [`Receiver::start`], verifying Greenhouse and Lever deliveries
    /// with `keys`.
    pub async fn start_with_keys(
        store: Arc<Store>,
        addr: SocketAddr,
        inbox: Arc<Notify>,
        keys: Arc<dyn HookKeys>,
    ) -> Result<Receiver, ReceiverError> {
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| ReceiverError::Bind { addr, source })?;
        let local_addr = listener
            .local_addr()
            .map_err(|source| ReceiverError::Bind { addr, source })?;
        let shared = Shared {
            committer: Committer::start(store.clone()),
            store,
            inbox,
            keys,
        };
        let app = Router::new()
            .route("/health", get(|| async { "ok" }))
            .route("/hooks/platform/{token}", any(platform_hook))
            .route("/hooks/greenhouse/{token}", post(ats::greenhouse_hook))
            .route("/hooks/lever/{token}", post(ats::lever_hook))
            .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
            .with_state(shared);
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.wait_for(|s| *s).await;
                })
                .await;
            if let Err(e) = served {
                tracing::error!("webhook receiver stopped: {e}");
            }
        });
        tracing::info!("webhook receiver listening on {local_addr}");
        Ok(Receiver {
            local_addr,
            stop,
            task,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }

    /// Stops serving at once, dropping connections mid-request as a crash
    /// would (the listening port is freed).
    pub fn abort(self) {
        self.task.abort();
    }
}

pub(crate) fn json_response(status: StatusCode, body: serde_json::Value) -> Response {
    (status, axum::Json(body)).into_response()
}

async fn platform_hook(
    State(shared): State<Shared>,
    Path(token): Path<String>,
    method: Method,
    RawQuery(query): RawQuery,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    if method != Method::POST && method != Method::GET {
        return json_response(
            StatusCode::METHOD_NOT_ALLOWED,
            serde_json::json!({"error": "use POST or GET"}),
        );
    }
    let store = shared.store.clone();
    let lookup = token.clone();
    let endpoint = match tokio::task::spawn_blocking(move || store.endpoint(&lookup)).await {
        Ok(Ok(Some(e))) if e.source == "platform" => e,
        // An ATS token here is as unknown as a made-up one: its deliveries
        // are signed and must not be stored (or excerpted) unverified.
        Ok(Ok(_)) => {
            return json_response(
                StatusCode::NOT_FOUND,
                serde_json::json!({"error": "unknown endpoint"}),
            );
        }
        _ => {
            return json_response(
                StatusCode::SERVICE_UNAVAILABLE,
                serde_json::json!({"error": "receiver storage unavailable; retry later"}),
            );
        }
    };
    let event_type = endpoint.event_type.clone().unwrap_or_default();
    let body = match body {
        Ok(body) => body,
        // Too large (or cut off): refused, and logged for diagnostics
        // without the body, which was never read in full.
        Err(rejection) => {
            let status = rejection.status();
            let reason = if status == StatusCode::PAYLOAD_TOO_LARGE {
                format!(
                    "refused before reading: {} (limit {} MiB)",
                    rejection.body_text(),
                    MAX_BODY_BYTES / (1024 * 1024)
                )
            } else {
                format!("refused before reading: {}", rejection.body_text())
            };
            let (store, et, why) = (shared.store.clone(), event_type.clone(), reason.clone());
            let _ = tokio::task::spawn_blocking(move || {
                store.record_rejected(&NewRejected {
                    source: "platform",
                    token: Some(&token),
                    event_type: Some(&et),
                    reason: &why,
                    body: &[],
                })
            })
            .await;
            return json_response(status, serde_json::json!({"error": reason}));
        }
    };
    // GET deliveries carry the JSON in the body like POST; a bodiless GET
    // may carry it as `?payload=`.
    let body: Vec<u8> = if body.is_empty() && method == Method::GET {
        query
            .as_deref()
            .and_then(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .find(|(k, _)| k == "payload")
                    .map(|(_, v)| v.into_owned().into_bytes())
            })
            .unwrap_or_default()
    } else {
        body.to_vec()
    };

    let parsed = reqlink_platform::payload::parse_event(&event_type, &body);
    let problem = match &parsed {
        Err(e) => Some(e.to_string()),
        Ok(event) => match endpoint.posting_id.as_deref() {
            Some(expected) if event.posting_id() != expected => Some(format!(
                "posting_id {:?} does not match this endpoint's posting {:?}",
                event.posting_id(),
                expected
            )),
            _ => None,
        },
    };
    if let Some(reason) = problem {
        let store = shared.store.clone();
        let et = event_type.clone();
        let reason_for_log = reason.clone();
        let token_for_log = token.clone();
        let _ = tokio::task::spawn_blocking(move || {
            store.record_rejected(&NewRejected {
                source: "platform",
                token: Some(&token_for_log),
                event_type: Some(&et),
                reason: &reason_for_log,
                body: &body,
            })
        })
        .await;
        return json_response(
            StatusCode::BAD_REQUEST,
            serde_json::json!({"error": reason}),
        );
    }
    let interview_id = parsed.ok().map(|e| e.interview_id().to_string());

    let mut hasher = Sha256::new();
    hasher.update(event_type.as_bytes());
    hasher.update(b"\n");
    hasher.update(&body);
    let delivery = NewDelivery {
        source: "platform".into(),
        token: Some(token),
        event_type,
        method: method.to_string(),
        dedupe_key: hex::encode(hasher.finalize()),
        interview_id,
        body,
    };
    match shared.committer.commit(delivery).await {
        Ok(insert) => {
            if !insert.duplicate {
                shared.inbox.notify_one();
            }
            json_response(
                StatusCode::OK,
                serde_json::json!({"received": true, "duplicate": insert.duplicate}),
            )
        }
        Err(e) => {
            tracing::error!("could not persist a delivery: {e}");
            json_response(
                StatusCode::SERVICE_UNAVAILABLE,
                serde_json::json!({"error": "could not store the delivery; retry later"}),
            )
        }
    }
}
