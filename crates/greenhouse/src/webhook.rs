//! Greenhouse web hook verification: `Signature: sha256 <hex>` is an
//! HMAC-SHA256 of the raw body with the web hook's secret key. The body is
//! verified exactly as received (Greenhouse escapes `<` and non-ASCII as
//! `\uXXXX`, so a parsed-and-reserialised body would not match), compared
//! in constant time, and only then parsed into an [`AtsEvent`].
//!
//! Verification does not dedupe: a replayed delivery verifies again, and
//! the receiver drops repeats by [`VerifiedEvent::event_id`]
//! (`Greenhouse-Event-ID`, the same on every retry).

use hmac::{Hmac, Mac};
use reqlink_ats::{AtsEvent, VerifiedEvent, WebhookRejection};
use reqlink_domain::{ApplicationRecord, CandidateRecord, JobRecord};
use serde::Deserialize;
use serde_json::Value;
use sha2::Sha256;

use crate::model::{EmailAddress, IdName, Named};

/// Verifies a delivery and decodes it. `signature_header` is the
/// `Signature` header, `event_id` the `Greenhouse-Event-ID` header.
pub fn verify_webhook(
    secret: &[u8],
    signature_header: Option<&str>,
    event_id: Option<&str>,
    raw_body: &[u8],
) -> Result<VerifiedEvent, WebhookRejection> {
    authenticate_webhook(secret, signature_header, raw_body)?;
    let event_id = event_id
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .ok_or_else(|| WebhookRejection::Malformed("missing Greenhouse-Event-ID".into()))?;
    parse_webhook(event_id, raw_body)
}

/// The signature half of [`verify_webhook`]: whether `raw_body` was signed
/// with `secret`. A receiver that stores authentic deliveries before
/// decoding them (so one the current code cannot decode is kept, not lost)
/// calls this, then [`parse_webhook`] when it processes the delivery.
pub fn authenticate_webhook(
    secret: &[u8],
    signature_header: Option<&str>,
    raw_body: &[u8],
) -> Result<(), WebhookRejection> {
    let header = signature_header
        .filter(|h| !h.trim().is_empty())
        .ok_or(WebhookRejection::MissingSignature)?;
    let digest = header
        .strip_prefix("sha256 ")
        .filter(|hex| hex.len() == 64)
        .and_then(|hex| hex::decode(hex).ok())
        .ok_or(WebhookRejection::BadSignature)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(raw_body);
    // `verify_slice` compares in constant time.
    mac.verify_slice(&digest)
        .map_err(|_| WebhookRejection::BadSignature)
}

/// The decoding half of [`verify_webhook`], with no signature check: only
/// for bodies already authenticated (for example read back from the inbox).
pub fn parse_webhook(event_id: &str, raw_body: &[u8]) -> Result<VerifiedEvent, WebhookRejection> {
    let body: Envelope = serde_json::from_slice(raw_body)
        .map_err(|e| WebhookRejection::Malformed(format!("body is not a web hook: {e}")))?;
    let event = decode(&body.action, body.payload)?;
    Ok(VerifiedEvent {
        event_id: event_id.to_owned(),
        action: body.action,
        event,
    })
}

#[derive(Deserialize)]
struct Envelope {
    action: String,
    #[serde(default)]
    payload: Value,
}

#[derive(Deserialize)]
struct WhCandidate {
    id: u64,
    #[serde(default)]
    first_name: Option<String>,
    #[serde(default)]
    last_name: Option<String>,
    #[serde(default)]
    company: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    email_addresses: Vec<EmailAddress>,
    #[serde(default)]
    updated_at: Option<String>,
}

impl WhCandidate {
    fn into_record(self) -> CandidateRecord {
        CandidateRecord {
            id: self.id.to_string(),
            first_name: self.first_name.unwrap_or_default(),
            last_name: self.last_name.unwrap_or_default(),
            email: self.email_addresses.into_iter().next().map(|e| e.value),
            company: self.company,
            title: self.title,
            updated_at: self.updated_at,
        }
    }
}

#[derive(Deserialize)]
struct WhJob {
    id: u64,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    requisition_id: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    confidential: bool,
    #[serde(default)]
    departments: Vec<Option<Named>>,
    #[serde(default)]
    offices: Vec<Option<Named>>,
    #[serde(default)]
    opened_at: Option<String>,
    #[serde(default)]
    closed_at: Option<String>,
    #[serde(default)]
    updated_at: Option<String>,
}

impl WhJob {
    fn into_record(self) -> JobRecord {
        JobRecord {
            id: self.id.to_string(),
            name: self.name.unwrap_or_default(),
            requisition_id: self.requisition_id,
            status: self.status.unwrap_or_default(),
            confidential: self.confidential,
            departments: self
                .departments
                .into_iter()
                .flatten()
                .map(|d| d.name)
                .collect(),
            offices: self.offices.into_iter().flatten().map(|o| o.name).collect(),
            opened_at: self.opened_at,
            closed_at: self.closed_at,
            updated_at: self.updated_at,
        }
    }
}

#[derive(Deserialize)]
struct WhApplication {
    id: u64,
    #[serde(default)]
    candidate_id: Option<u64>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    prospect: bool,
    #[serde(default)]
    applied_at: Option<String>,
    #[serde(default)]
    last_activity_at: Option<String>,
    #[serde(default)]
    current_stage: Option<IdName>,
    #[serde(default)]
    jobs: Vec<IdName>,
    #[serde(default)]
    candidate: Option<WhCandidate>,
}

#[derive(Deserialize)]
struct WhPerson {
    id: u64,
    #[serde(default)]
    new_candidate_id: Option<u64>,
}

fn field<T: serde::de::DeserializeOwned>(
    action: &str,
    payload: &Value,
    key: &str,
) -> Result<T, WebhookRejection> {
    let v = payload.get(key).ok_or_else(|| {
        WebhookRejection::Malformed(format!("{action}: payload.{key} is missing"))
    })?;
    serde_json::from_value(v.clone())
        .map_err(|e| WebhookRejection::Malformed(format!("{action}: payload.{key}: {e}")))
}

fn decode(action: &str, payload: Value) -> Result<AtsEvent, WebhookRejection> {
    Ok(match action {
        "ping" => AtsEvent::Ping,
        "candidate_stage_change"
        | "new_candidate_application"
        | "new_prospect_application"
        | "application_updated"
        | "reject_candidate"
        | "unreject_candidate"
        | "hire_candidate"
        | "unhire_candidate" => {
            let a: WhApplication = field(action, &payload, "application")?;
            let candidate_id = a
                .candidate
                .as_ref()
                .map(|c| c.id)
                .or(a.candidate_id)
                .ok_or_else(|| {
                    WebhookRejection::Malformed(format!(
                        "{action}: payload.application has no candidate"
                    ))
                })?;
            let (stage_id, stage_name) = match a.current_stage {
                Some(s) => (Some(s.id.to_string()), s.name),
                None => (None, None),
            };
            AtsEvent::ApplicationChanged {
                application: ApplicationRecord {
                    id: a.id.to_string(),
                    candidate_id: candidate_id.to_string(),
                    job_id: a.jobs.first().map(|j| j.id.to_string()),
                    status: a.status.unwrap_or_default(),
                    prospect: a.prospect,
                    stage_id,
                    stage_name,
                    applied_at: a.applied_at,
                    last_activity_at: a.last_activity_at,
                },
                candidate: a.candidate.map(WhCandidate::into_record),
            }
        }
        "update_candidate" => {
            let c: WhCandidate = field(action, &payload, "candidate")?;
            AtsEvent::CandidateChanged(c.into_record())
        }
        "delete_candidate" => {
            let p: WhPerson = field(action, &payload, "person")?;
            AtsEvent::CandidateDeleted {
                candidate_id: p.id.to_string(),
            }
        }
        "merge_candidate" => {
            let p: WhPerson = field(action, &payload, "person")?;
            let kept = p.new_candidate_id.ok_or_else(|| {
                WebhookRejection::Malformed(
                    "merge_candidate: payload.person.new_candidate_id is missing".into(),
                )
            })?;
            AtsEvent::CandidatesMerged {
                kept_id: kept.to_string(),
                removed_ids: vec![p.id.to_string()],
            }
        }
        "candidate_anonymized" => {
            let id: u64 = field(action, &payload, "candidate_id")?;
            AtsEvent::CandidateAnonymized {
                candidate_id: id.to_string(),
            }
        }
        "job_created" | "job_updated" => {
            let j: WhJob = field(action, &payload, "job")?;
            AtsEvent::JobChanged(j.into_record())
        }
        "job_deleted" => {
            let j: WhJob = field(action, &payload, "job")?;
            AtsEvent::JobDeleted {
                job_id: j.id.to_string(),
            }
        }
        other => AtsEvent::Ignored {
            action: other.to_owned(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &[u8], body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap();
        mac.update(body);
        format!("sha256 {}", hex::encode(mac.finalize().into_bytes()))
    }

    #[test]
    fn header_must_be_exactly_sha256_space_hex() {
        let body = br#"{"action":"ping","payload":{"web_hook_id":1}}"#;
        let good = sign(b"k", body);
        assert!(verify_webhook(b"k", Some(&good), Some("e1"), body).is_ok());
        let upper = good.replace("sha256 ", "SHA256 ");
        assert_eq!(
            verify_webhook(b"k", Some(&upper), Some("e1"), body),
            Err(WebhookRejection::BadSignature)
        );
        let eq = good.replace("sha256 ", "sha256=");
        assert_eq!(
            verify_webhook(b"k", Some(&eq), Some("e1"), body),
            Err(WebhookRejection::BadSignature)
        );
        let short = &good[..good.len() - 2];
        assert_eq!(
            verify_webhook(b"k", Some(short), Some("e1"), body),
            Err(WebhookRejection::BadSignature)
        );
        assert_eq!(
            verify_webhook(b"k", Some("  "), Some("e1"), body),
            Err(WebhookRejection::MissingSignature)
        );
        assert!(matches!(
            verify_webhook(b"k", Some(&good), None, body),
            Err(WebhookRejection::Malformed(_))
        ));
    }

    #[test]
    fn unknown_actions_and_fields_are_tolerated() {
        let body =
            br#"{"action":"offer_created","payload":{"id":1,"whatever":[1,2]},"extra":true}"#;
        let v = verify_webhook(b"k", Some(&sign(b"k", body)), Some("e"), body).unwrap();
        assert_eq!(
            v.event,
            AtsEvent::Ignored {
                action: "offer_created".into()
            }
        );
    }

    #[test]
    fn signed_but_not_a_web_hook_is_malformed() {
        for body in [
            &b"not json"[..],
            br#"{"payload":{}}"#,
            br#"{"action":"delete_candidate","payload":{}}"#,
        ] {
            assert!(matches!(
                verify_webhook(b"k", Some(&sign(b"k", body)), Some("e"), body),
                Err(WebhookRejection::Malformed(_))
            ));
        }
    }
}
