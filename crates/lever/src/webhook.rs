//! Lever webhook verification.
//!
//! Lever signs `token + triggeredAt` (not the body) with the signature token
//! of the event type: `signature = hex(HMAC-SHA256(signatureToken, token +
//! triggeredAt))`. Each event type has its own signature token, so the
//! token is chosen by the payload's `event`, and a payload signed with
//! another event's token fails. The delivery `token` is fresh per event and
//! repeated on retries, so it is the dedupe key.

use std::collections::HashMap;

use hmac::{Hmac, Mac};
use reqlink_ats::{AtsEvent, VerifiedEvent, WebhookRejection};
use serde_json::Value;
use sha2::Sha256;

/// The event types a Lever webhook can be set up for; each has its own
/// signature token.
pub const WEBHOOK_EVENTS: [&str; 5] = [
    "applicationCreated",
    "candidateStageChange",
    "candidateArchiveChange",
    "candidateHired",
    "candidateDeleted",
];

/// Checks a delivery against the per-event signature tokens (keyed by event
/// name, e.g. `candidateStageChange`) and maps it to an [`AtsEvent`].
///
/// - `candidateStageChange` → [`AtsEvent::StageChanged`] (application =
///   opportunity, candidate = contact);
/// - `candidateDeleted` → [`AtsEvent::ApplicationDeleted`] (the opportunity,
///   with its contact id: the contact's other opportunities stay);
/// - `applicationCreated`, `candidateArchiveChange`, `candidateHired` and
///   unknown events → [`AtsEvent::Ignored`]: the payload carries ids only,
///   and the opportunity's `updatedAt` moved, so the next incremental sync
///   brings the full record;
/// - any event without `data.opportunityId` (Lever's connection test) →
///   [`AtsEvent::Ping`].
pub fn verify_webhook(
    signature_tokens: &HashMap<String, Vec<u8>>,
    raw_body: &[u8],
) -> Result<VerifiedEvent, WebhookRejection> {
    let body = envelope(raw_body)?;
    check_signature(signature_tokens, &body)?;
    map_event(&body)
}

/// What identifies an authentic Lever delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedDelivery {
    /// `candidateStageChange`, ...
    pub event: String,
    /// The delivery `token`: fresh per event, repeated on retries (the
    /// dedupe key).
    pub token: String,
}

/// The signature half of [`verify_webhook`]. Lever signs only `token +
/// triggeredAt`, so `data` is not covered: a receiver must drop a second
/// delivery with an already-seen `token` (a forged variant of a genuine
/// delivery can only reuse its token). A receiver that stores authentic
/// deliveries before decoding them calls this, then [`parse_webhook`] when
/// it processes the delivery.
pub fn authenticate_webhook(
    signature_tokens: &HashMap<String, Vec<u8>>,
    raw_body: &[u8],
) -> Result<SignedDelivery, WebhookRejection> {
    let body = envelope(raw_body)?;
    check_signature(signature_tokens, &body)
}

/// The decoding half of [`verify_webhook`], with no signature check: only
/// for bodies already authenticated (for example read back from the inbox).
pub fn parse_webhook(raw_body: &[u8]) -> Result<VerifiedEvent, WebhookRejection> {
    let body = envelope(raw_body)?;
    if body.get("event").and_then(Value::as_str).is_none() {
        return Err(WebhookRejection::Malformed("no event".into()));
    }
    map_event(&body)
}

fn envelope(raw_body: &[u8]) -> Result<Value, WebhookRejection> {
    serde_json::from_slice(raw_body)
        .map_err(|e| WebhookRejection::Malformed(format!("not JSON: {e}")))
}

fn check_signature(
    signature_tokens: &HashMap<String, Vec<u8>>,
    body: &Value,
) -> Result<SignedDelivery, WebhookRejection> {
    let event = body
        .get("event")
        .and_then(Value::as_str)
        .ok_or_else(|| WebhookRejection::Malformed("no event".into()))?;
    let signature = body
        .get("signature")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or(WebhookRejection::MissingSignature)?;
    let token = delivery_token(body)?;
    // Signed as its decimal text; take it from the JSON number as sent.
    let triggered_at = match body.get("triggeredAt") {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) if s.chars().all(|c| c.is_ascii_digit()) && !s.is_empty() => {
            s.clone()
        }
        _ => return Err(WebhookRejection::Malformed("no triggeredAt".into())),
    };
    // No token configured for this event: nothing can vouch for it.
    let key = signature_tokens
        .get(event)
        .ok_or(WebhookRejection::BadSignature)?;
    let claimed = hex::decode(signature).map_err(|_| WebhookRejection::BadSignature)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(token.as_bytes());
    mac.update(triggered_at.as_bytes());
    // Constant-time comparison.
    mac.verify_slice(&claimed)
        .map_err(|_| WebhookRejection::BadSignature)?;
    Ok(SignedDelivery {
        event: event.to_owned(),
        token: token.to_owned(),
    })
}

fn delivery_token(body: &Value) -> Result<&str, WebhookRejection> {
    body.get("token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| WebhookRejection::Malformed("no token".into()))
}

fn map_event(body: &Value) -> Result<VerifiedEvent, WebhookRejection> {
    let event = body
        .get("event")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let token = delivery_token(body)?;
    let data = body.get("data").cloned().unwrap_or(Value::Null);
    let text = |k: &str| data.get(k).and_then(Value::as_str).map(str::to_owned);
    let mapped = match text("opportunityId") {
        None => AtsEvent::Ping,
        Some(opportunity) => match event {
            "candidateStageChange" => AtsEvent::StageChanged {
                application_id: opportunity,
                candidate_id: text("contactId"),
                from_stage_id: text("fromStageId"),
                to_stage_id: text("toStageId").ok_or_else(|| {
                    WebhookRejection::Malformed("candidateStageChange without toStageId".into())
                })?,
            },
            // Lever deletes an opportunity; the contact may have others.
            "candidateDeleted" => AtsEvent::ApplicationDeleted {
                application_id: opportunity,
                candidate_id: text("contactId"),
            },
            other => AtsEvent::Ignored {
                action: other.to_owned(),
            },
        },
    };
    Ok(VerifiedEvent {
        event_id: token.to_owned(),
        action: event.to_owned(),
        event: mapped,
    })
}
