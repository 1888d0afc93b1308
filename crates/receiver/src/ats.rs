//! Greenhouse and Lever deliveries: `POST /hooks/greenhouse/{token}` and
//! `POST /hooks/lever/{token}`, one token per ATS connection.
//!
//! The signature is checked before anything is stored. An authentic
//! delivery is committed to the inbox and only then answered 200; its
//! payload is decoded later by the app's inbox worker, so one the current
//! code cannot decode is kept as a dead letter instead of being lost to the
//! vendor's retries running out.
//!
//! Answers (both vendors retry anything but a 2xx):
//! - 404: unknown or revoked token, or a token of another source; nothing
//!   stored.
//! - 401: missing or wrong signature, or no key set for the connection yet;
//!   400: not even the fields a signature covers (Lever). Either way only
//!   a rejected-delivery row with the reason and the size is stored, never
//!   the body: it is unauthenticated and may carry personal data.
//! - 200 `{"received": true, "duplicate": bool}`: stored (or already
//!   stored: a replayed `Greenhouse-Event-ID` or Lever `token` is a no-op).
//! - 503: the inbox could not be written; the vendor retries later.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use reqlink_ats::WebhookRejection;
use reqlink_store::NewDelivery;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::keys::RejectedNotice;
use crate::{json_response, Shared};

/// Longest `Greenhouse-Event-ID` or Lever `token` used as the dedupe key
/// as is; longer ones are hashed.
const MAX_EVENT_ID: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Greenhouse,
    Lever,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Greenhouse => "greenhouse",
            Source::Lever => "lever",
        }
    }
}

enum Verdict {
    Accept(NewDelivery),
    Reject { status: StatusCode, reason: String },
}

pub(crate) async fn greenhouse_hook(
    State(shared): State<Shared>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let signature = header("signature");
    let event_id = header("greenhouse-event-id");
    receive(
        shared,
        Source::Greenhouse,
        token,
        body,
        move |keys, conn, token, body| {
            verify_greenhouse(
                keys,
                conn,
                token,
                signature.as_deref(),
                event_id.as_deref(),
                body,
            )
        },
    )
    .await
}

pub(crate) async fn lever_hook(
    State(shared): State<Shared>,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    receive(shared, Source::Lever, token, body, verify_lever).await
}

/// Endpoint lookup, verification off the async workers, then either the
/// rejected-delivery row or the group commit.
async fn receive<F>(
    shared: Shared,
    source: Source,
    token: String,
    body: Bytes,
    verify: F,
) -> Response
where
    F: FnOnce(&dyn crate::HookKeys, &str, &str, &[u8]) -> Verdict + Send + 'static,
{
    let store = shared.store.clone();
    let lookup = token.clone();
    let connection_id = match tokio::task::spawn_blocking(move || store.endpoint(&lookup)).await {
        Ok(Ok(Some(e))) if e.source == source.as_str() && e.connection_id.is_some() => {
            e.connection_id.unwrap_or_default()
        }
        Ok(Ok(_)) => {
            return json_response(
                StatusCode::NOT_FOUND,
                serde_json::json!({"error": "unknown endpoint"}),
            )
        }
        _ => return storage_unavailable(),
    };

    let keys = shared.keys.clone();
    let store = shared.store.clone();
    let conn = connection_id.clone();
    let tok = token.clone();
    let verdict = tokio::task::spawn_blocking(move || {
        let verdict = verify(keys.as_ref(), &conn, &tok, &body);
        if let Verdict::Reject { status, reason } = &verdict {
            // Recorded before the answer, so the log is complete the moment
            // the sender sees the refusal.
            if let Err(e) =
                store.record_rejected_without_body(source.as_str(), Some(&tok), reason, body.len())
            {
                tracing::error!(
                    "could not record a rejected {} delivery: {e}",
                    source.as_str()
                );
            }
            keys.on_rejected(&RejectedNotice {
                source: source.as_str(),
                connection_id: conn,
                reason: reason.clone(),
                status: status.as_u16(),
                size: body.len(),
            });
        }
        verdict
    })
    .await;
    let delivery = match verdict {
        Ok(Verdict::Accept(d)) => d,
        Ok(Verdict::Reject { status, reason }) => {
            tracing::warn!("refused a {} delivery: {reason}", source.as_str());
            return json_response(status, serde_json::json!({"error": reason}));
        }
        Err(_) => return storage_unavailable(),
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
            tracing::error!("could not persist a {} delivery: {e}", source.as_str());
            storage_unavailable()
        }
    }
}

fn storage_unavailable() -> Response {
    json_response(
        StatusCode::SERVICE_UNAVAILABLE,
        serde_json::json!({"error": "could not store the delivery; retry later"}),
    )
}

fn verify_greenhouse(
    keys: &dyn crate::HookKeys,
    connection_id: &str,
    token: &str,
    signature: Option<&str>,
    event_id: Option<&str>,
    body: &[u8],
) -> Verdict {
    let unauthorized = |reason: String| Verdict::Reject {
        status: StatusCode::UNAUTHORIZED,
        reason,
    };
    if signature.is_none_or(|s| s.trim().is_empty()) {
        return unauthorized("missing Signature header".into());
    }
    let Some(secret) = keys.greenhouse_secret(connection_id) else {
        return unauthorized(
            "no secret key is set for this Greenhouse connection; enter the web hook's secret key on Integrations"
                .into(),
        );
    };
    if let Err(e) = reqlink_greenhouse::authenticate_webhook(&secret, signature, body) {
        return unauthorized(match e {
            WebhookRejection::BadSignature => {
                "signature does not match the secret key set for this connection".into()
            }
            other => other.to_string(),
        });
    }
    // Authentic from here on: reading the body is safe.
    let dedupe_key = match event_id.map(str::trim) {
        Some(id) if !id.is_empty() && id.len() <= MAX_EVENT_ID => id.to_owned(),
        // Greenhouse always sends one; without it, the same bytes are the
        // same event.
        _ => format!("sha256:{}", hex::encode(Sha256::digest(body))),
    };
    let action = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("action").and_then(Value::as_str).map(short))
        .unwrap_or_else(|| "unknown".into());
    Verdict::Accept(NewDelivery {
        source: Source::Greenhouse.as_str().into(),
        token: Some(token.to_owned()),
        event_type: action,
        method: "POST".into(),
        dedupe_key,
        interview_id: None,
        body: body.to_vec(),
    })
}

fn verify_lever(
    keys: &dyn crate::HookKeys,
    connection_id: &str,
    token: &str,
    body: &[u8],
) -> Verdict {
    // The event name picks the key; it is only echoed in reasons when it
    // looks like one (it comes from an unauthenticated body).
    let event = serde_json::from_slice::<Value>(body).ok().and_then(|v| {
        v.get("event")
            .and_then(Value::as_str)
            .filter(|e| e.len() <= 40 && e.chars().all(|c| c.is_ascii_alphanumeric()))
            .map(str::to_owned)
    });
    let tokens = keys.lever_tokens(connection_id);
    let signed = match reqlink_lever::authenticate_webhook(&tokens, body) {
        Ok(signed) => signed,
        Err(e) => {
            let (status, reason) = match (e, event.as_deref()) {
                (WebhookRejection::Malformed(m), _) => (StatusCode::BAD_REQUEST, format!("not a Lever webhook: {m}")),
                (WebhookRejection::MissingSignature, _) => {
                    (StatusCode::UNAUTHORIZED, "missing signature".into())
                }
                (WebhookRejection::BadSignature, Some(ev)) if !tokens.contains_key(ev) => (
                    StatusCode::UNAUTHORIZED,
                    format!("no signature token is set for {ev} on this Lever connection; enter it on Integrations"),
                ),
                (WebhookRejection::BadSignature, Some(ev)) => (
                    StatusCode::UNAUTHORIZED,
                    format!("signature does not match the signature token set for {ev}"),
                ),
                (WebhookRejection::BadSignature, None) => {
                    (StatusCode::UNAUTHORIZED, "signature does not match".into())
                }
            };
            return Verdict::Reject { status, reason };
        }
    };
    let dedupe_key = if signed.token.len() <= MAX_EVENT_ID {
        signed.token
    } else {
        format!("sha256:{}", hex::encode(Sha256::digest(signed.token)))
    };
    Verdict::Accept(NewDelivery {
        source: Source::Lever.as_str().into(),
        token: Some(token.to_owned()),
        event_type: short(&signed.event),
        method: "POST".into(),
        dedupe_key,
        interview_id: None,
        body: body.to_vec(),
    })
}

fn short(s: &str) -> String {
    s.chars().take(100).collect()
}
