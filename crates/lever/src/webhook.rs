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

/// Checks a delivery against the per-event signature tokens (keyed by event
/// name, e.g. `candidateStageChange`) and maps it to an [`AtsEvent`].
///
/// - `candidateStageChange` → [`AtsEvent::StageChanged`] (application =
///   opportunity, candidate = contact);
/// - `candidateDeleted` → [`AtsEvent::CandidateDeleted`] with the contact id;
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
    let body: Value = serde_json::from_slice(raw_body)
        .map_err(|e| WebhookRejection::Malformed(format!("not JSON: {e}")))?;
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
    let token = body
        .get("token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| WebhookRejection::Malformed("no token".into()))?;
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
            "candidateDeleted" => AtsEvent::CandidateDeleted {
                candidate_id: text("contactId").ok_or_else(|| {
                    WebhookRejection::Malformed("candidateDeleted without contactId".into())
                })?,
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
