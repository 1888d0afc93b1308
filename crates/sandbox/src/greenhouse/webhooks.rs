//! Greenhouse web hooks: registrations (made in Greenhouse's UI, so only
//! through the control surface here), payloads shaped like the web hook
//! docs, and signed deliveries with retries.
//!
//! A delivery is `POST {"action": ..., "payload": {...}}` with
//! `Greenhouse-Event-ID` (one id per event and web hook, repeated on every
//! retry) and `Signature: sha256 <hex HMAC-SHA256 of the raw body>`. The
//! body escapes `<`, `>`, `&` and every non-ASCII character as `\uXXXX`,
//! as Greenhouse's JSON encoder does, and the signature covers exactly
//! those bytes: a receiver that parses and re-serialises before verifying
//! gets a different digest. Registration sends `ping`; a failed ping
//! leaves the web hook disabled, as in Greenhouse.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::header;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::Sha256;

use super::control::GreenhouseControlError;
use super::{render, GhState};
use crate::clock::write_iso_ms;
use crate::data::Data;
use crate::rng::mix;

/// Every action a web hook can subscribe to (contracts §2.3). The
/// `job_post_*` and `unreject_candidate` actions can be subscribed to but
/// nothing in the emulator triggers them.
pub const SUPPORTED_ACTIONS: &[&str] = &[
    "candidate_stage_change",
    "new_candidate_application",
    "new_prospect_application",
    "application_updated",
    "reject_candidate",
    "unreject_candidate",
    "hire_candidate",
    "update_candidate",
    "delete_candidate",
    "merge_candidate",
    "candidate_anonymized",
    "job_created",
    "job_updated",
    "job_deleted",
    "job_post_created",
    "job_post_updated",
    "job_post_deleted",
];

/// Delivery attempts kept; older ones are dropped.
const MAX_RECORDED: usize = 10_000;

/// A registered web hook (its secret key is never shown again, as in
/// Greenhouse's UI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GhWebhook {
    pub id: u64,
    pub name: String,
    pub url: String,
    pub actions: Vec<String>,
    /// False when the registration ping failed (or after disabling).
    pub enabled: bool,
}

/// One HTTP attempt at delivering an event to a web hook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GhDelivery {
    pub webhook_id: u64,
    pub url: String,
    /// `Greenhouse-Event-ID`: the same on every retry of one event.
    pub event_id: String,
    pub action: String,
    /// 1 for the first try, 2 for the first retry, ...
    pub attempt: u32,
    /// The receiver's status code, if it answered.
    pub status: Option<u16>,
    /// Why no status came back (timeout, connection refused, ...).
    pub error: Option<String>,
}

impl GhDelivery {
    /// Greenhouse counts only a 200 as delivered.
    pub fn delivered(&self) -> bool {
        self.status == Some(200)
    }
}

struct Entry {
    hook: GhWebhook,
    secret: Vec<u8>,
}

pub(crate) struct Hooks {
    entries: Mutex<Vec<Entry>>,
    log: Mutex<VecDeque<GhDelivery>>,
    retry_delays: Mutex<Vec<Duration>>,
    timeout: Duration,
    next_id: AtomicU64,
    events: AtomicU64,
    /// Differs per emulator start: Greenhouse never reuses an event id, so
    /// a receiver that keeps its inbox across restarts must not see the
    /// ids of a previous run again.
    run: u64,
}

impl Hooks {
    pub(crate) fn new(retry_delays: Vec<Duration>, timeout: Duration) -> Self {
        Self {
            entries: Mutex::new(Vec::new()),
            log: Mutex::new(VecDeque::new()),
            retry_delays: Mutex::new(retry_delays),
            timeout,
            next_id: AtomicU64::new(0),
            events: AtomicU64::new(0),
            run: rand::random(),
        }
    }

    fn entries(&self) -> MutexGuard<'_, Vec<Entry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn list(&self) -> Vec<GhWebhook> {
        self.entries().iter().map(|e| e.hook.clone()).collect()
    }

    pub(crate) fn deliveries(&self) -> Vec<GhDelivery> {
        let log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        log.iter().cloned().collect()
    }

    pub(crate) fn set_retry_delays(&self, delays: Vec<Duration>) {
        *self.retry_delays.lock().unwrap_or_else(|e| e.into_inner()) = delays;
    }

    pub(crate) fn set_enabled(
        &self,
        id: u64,
        enabled: bool,
    ) -> Result<GhWebhook, GreenhouseControlError> {
        let mut entries = self.entries();
        let e = entries
            .iter_mut()
            .find(|e| e.hook.id == id)
            .ok_or(GreenhouseControlError::UnknownWebhook(id))?;
        e.hook.enabled = enabled;
        Ok(e.hook.clone())
    }

    fn is_enabled(&self, id: u64) -> bool {
        self.entries()
            .iter()
            .any(|e| e.hook.id == id && e.hook.enabled)
    }

    fn record(&self, d: GhDelivery) {
        let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        if log.len() >= MAX_RECORDED {
            log.pop_front();
        }
        log.push_back(d);
    }
}

/// Something that happened, to be delivered to every enabled web hook
/// subscribed to `action`. A web hook not subscribed to `action` but to
/// the fallback's action gets the fallback instead (a merge is reported as
/// `delete_candidate` to hooks that only listen for deletions).
pub(crate) struct Event {
    pub action: &'static str,
    pub payload: Value,
    pub fallback: Option<(&'static str, Value)>,
}

impl Event {
    pub(crate) fn new(action: &'static str, payload: Value) -> Self {
        Self {
            action,
            payload,
            fallback: None,
        }
    }
}

/// Greenhouse's JSON: `<`, `>`, `&`, U+2028/2029 and all non-ASCII
/// characters escaped as `\uXXXX` (UTF-16 surrogate pairs above the BMP).
pub(crate) fn greenhouse_json(v: &Value) -> Vec<u8> {
    let plain = serde_json::to_string(v).expect("JSON values always serialise");
    let mut out = String::with_capacity(plain.len() + plain.len() / 8);
    // These characters only ever occur inside JSON strings, so escaping
    // them wherever they appear is safe.
    for c in plain.chars() {
        if c.is_ascii() && !matches!(c, '<' | '>' | '&') {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{u:04x}");
            }
        }
    }
    out.into_bytes()
}

pub(crate) fn signature(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(body);
    format!("sha256 {}", hex::encode(mac.finalize().into_bytes()))
}

fn event_id(seed: u64, n: u64) -> String {
    let a = mix(seed ^ 0x4556_454E_5400 ^ n);
    let b = mix(a ^ n.rotate_left(17));
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0xFFF,
        0x8000 | (b >> 48) & 0x3FFF,
        b & 0xFFFF_FFFF_FFFF
    )
}

fn next_event_id(st: &GhState) -> String {
    let n = st.hooks.events.fetch_add(1, Ordering::Relaxed) + 1;
    event_id(st.seed ^ st.hooks.run, n)
}

/// Registers a web hook and pings it; a failed ping leaves it disabled.
pub(crate) async fn register(
    st: &Arc<GhState>,
    name: &str,
    url: &str,
    secret_key: &str,
    actions: &[String],
) -> Result<GhWebhook, GreenhouseControlError> {
    let invalid = |m: String| Err(GreenhouseControlError::Invalid(m));
    match url::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => {}
        _ => return invalid(format!("endpoint URL {url:?} is not an http(s) URL")),
    }
    if secret_key.is_empty() {
        return invalid("the secret key must not be empty".into());
    }
    if actions.is_empty() {
        return invalid("choose at least one action".into());
    }
    if let Some(bad) = actions
        .iter()
        .find(|a| !SUPPORTED_ACTIONS.contains(&a.as_str()))
    {
        return invalid(format!(
            "unknown action {bad:?}; known actions: {}",
            SUPPORTED_ACTIONS.join(", ")
        ));
    }
    let id = 4_090_000_001 + st.hooks.next_id.fetch_add(1, Ordering::Relaxed) * 7;
    let mut hook = GhWebhook {
        id,
        name: if name.is_empty() {
            format!("Web hook {id}")
        } else {
            name.to_owned()
        },
        url: url.to_owned(),
        actions: actions.to_vec(),
        enabled: false,
    };
    let body = Bytes::from(greenhouse_json(&json!({
        "action": "ping",
        "payload": { "web_hook_id": id },
    })));
    let secret = secret_key.as_bytes().to_vec();
    let status = attempt(st, &hook, &secret, "ping", &next_event_id(st), &body, 1).await;
    hook.enabled = status == Some(200);
    st.hooks.entries().push(Entry {
        hook: hook.clone(),
        secret,
    });
    Ok(hook)
}

/// One POST; records it and returns the receiver's status.
async fn attempt(
    st: &GhState,
    hook: &GhWebhook,
    secret: &[u8],
    action: &str,
    event_id: &str,
    body: &Bytes,
    n: u32,
) -> Option<u16> {
    let result = st
        .http
        .post(&hook.url)
        .timeout(st.hooks.timeout)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::USER_AGENT, "Greenhouse Web Hooks (Reqlink sandbox)")
        .header("Greenhouse-Event-ID", event_id)
        .header("Signature", signature(secret, body))
        .body(body.clone())
        .send()
        .await;
    let (status, error) = match result {
        Ok(resp) => (Some(resp.status().as_u16()), None),
        Err(e) => (None, Some(describe(&e))),
    };
    st.hooks.record(GhDelivery {
        webhook_id: hook.id,
        url: hook.url.clone(),
        event_id: event_id.to_owned(),
        action: action.to_owned(),
        attempt: n,
        status,
        error,
    });
    status
}

fn describe(e: &reqwest::Error) -> String {
    let mut msg = if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "connection failed".to_owned()
    } else {
        "request failed".to_owned()
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

/// Delivers each event to the web hooks subscribed to it, each delivery in
/// its own task with retries.
pub(crate) fn dispatch(st: &Arc<GhState>, events: Vec<Event>) {
    for event in events {
        let mut bodies: Vec<(&'static str, Bytes)> = Vec::new();
        let mut body_for = |action: &'static str, payload: &Value| -> Bytes {
            if let Some((_, b)) = bodies.iter().find(|(a, _)| *a == action) {
                return b.clone();
            }
            let b = Bytes::from(greenhouse_json(
                &json!({ "action": action, "payload": payload }),
            ));
            bodies.push((action, b.clone()));
            b
        };
        let targets: Vec<(GhWebhook, Vec<u8>, &'static str, Bytes)> = st
            .hooks
            .entries()
            .iter()
            .filter(|e| e.hook.enabled)
            .filter_map(|e| {
                let subscribed = |a: &str| e.hook.actions.iter().any(|x| x == a);
                if subscribed(event.action) {
                    Some((event.action, &event.payload))
                } else {
                    event
                        .fallback
                        .as_ref()
                        .filter(|(a, _)| subscribed(a))
                        .map(|(a, p)| (*a, p))
                }
                .map(|(action, payload)| {
                    (
                        e.hook.clone(),
                        e.secret.clone(),
                        action,
                        body_for(action, payload),
                    )
                })
            })
            .collect();
        for (hook, secret, action, body) in targets {
            let st2 = st.clone();
            let event_id = next_event_id(st);
            let mut stopped = st.stopped.clone();
            st.runtime.spawn(async move {
                tokio::select! {
                    _ = stopped.wait_for(|&s| s) => {}
                    _ = deliver(&st2, hook, secret, action, event_id, body) => {}
                }
            });
        }
    }
}

async fn deliver(
    st: &GhState,
    hook: GhWebhook,
    secret: Vec<u8>,
    action: &'static str,
    event_id: String,
    body: Bytes,
) {
    let delays = st
        .hooks
        .retry_delays
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    for n in 1..=delays.len() as u32 + 1 {
        if n > 1 {
            tokio::time::sleep(delays[n as usize - 2]).await;
            // A web hook disabled in the meantime gets no more tries.
            if !st.hooks.is_enabled(hook.id) {
                return;
            }
        }
        if attempt(st, &hook, &secret, action, &event_id, &body, n).await == Some(200) {
            return;
        }
    }
}

// ---------------------------------------------------------------------------
// Payloads (shapes from Greenhouse's web hook documentation).

/// `2015-02-09T16:38:36Z`: web hook payloads carry whole seconds.
fn ts(ms: i64) -> String {
    let mut s = String::with_capacity(24);
    write_iso_ms(&mut s, ms - ms.rem_euclid(1000));
    s.replace(".000Z", "Z")
}

fn user_brief(d: &Data, idx: Option<u32>) -> Value {
    match idx.and_then(|i| d.users.get(i as usize)) {
        Some(u) => json!({
            "id": u.id,
            "email": u.email,
            "name": format!("{} {}", u.first_name, u.last_name),
            "employee_id": u.employee_id,
        }),
        None => Value::Null,
    }
}

fn contacts(list: &[crate::data::Contact]) -> Value {
    list.iter()
        .map(|c| json!({ "value": c.value, "type": c.kind }))
        .collect()
}

pub(crate) fn candidate_payload(d: &Data, ci: usize) -> Value {
    let c = &d.candidates[ci];
    let attachments: Vec<Value> = c
        .attachments
        .iter()
        .map(|a| {
            json!({
                "filename": a.filename,
                "url": render::attachment_url(d, a),
                "type": a.kind,
            })
        })
        .collect();
    json!({
        "id": c.id,
        "first_name": c.first_name,
        "last_name": c.last_name,
        "title": c.title,
        "company": c.company,
        "created_at": ts(c.created_at),
        "external_id": null,
        "photo_url": null,
        "url": format!("{}/people/{}", d.origin, c.id),
        "is_private": false,
        "can_email": true,
        "phone_numbers": contacts(&c.phones),
        "email_addresses": contacts(&c.emails),
        "addresses": [],
        "website_addresses": [],
        "social_media_addresses": [],
        "educations": [],
        "employments": [],
        "recruiter": user_brief(d, c.recruiter),
        "coordinator": user_brief(d, c.coordinator),
        "attachments": attachments,
        "tags": c.tags,
        "custom_fields": {},
    })
}

pub(crate) fn job_payload(d: &Data, j: usize) -> Value {
    let job = &d.jobs[j];
    let dept = &d.departments[job.department as usize];
    let office = &d.offices[job.office as usize];
    let team = |users: &[u32]| -> Value {
        users
            .iter()
            .filter_map(|&u| d.users.get(u as usize))
            .map(|u| json!({ "user_id": u.id, "employee_id": u.employee_id }))
            .collect()
    };
    json!({
        "id": job.id,
        "name": job.name,
        "requisition_id": job.requisition_id,
        "notes": null,
        "confidential": false,
        "job_post_id": job.job_post_id,
        "status": job.status.as_str(),
        "created_at": ts(job.created_at),
        "opened_at": job.opened_at.map(ts),
        "closed_at": job.closed_at.map(ts),
        "url": format!("{}/sdash/{}", d.origin, job.id),
        "departments": [{ "id": dept.id, "name": dept.name, "external_id": null }],
        "offices": [{ "id": office.id, "name": office.name, "location": office.location, "external_id": null }],
        "hiring_team": {
            "hiring_managers": team(&job.hiring_managers),
            "sourcers": [],
            "recruiters": team(&job.recruiters),
            "coordinators": team(&job.coordinators),
        },
        "openings": job.openings.iter().map(|o| json!({ "id": o.id, "opening_id": o.opening_id, "custom_fields": [] })).collect::<Vec<_>>(),
        "custom_fields": {
            "employment_type": { "name": "Employment Type", "type": "single_select", "value": job.employment_type },
        },
    })
}

pub(crate) fn application_payload(d: &Data, ai: usize) -> Value {
    let a = &d.applications[ai];
    let c = &d.candidates[a.candidate as usize];
    let current_stage = a.job.and_then(|j| {
        let job = &d.jobs[j as usize];
        job.stages.get(a.stage as usize).map(|s| {
            let interviews: Vec<Value> = s
                .interviews
                .iter()
                .map(|i| {
                    json!({
                        "id": i.id,
                        "name": i.name,
                        "status": "to_be_scheduled",
                        "interview_kit": {
                            "url": format!("{}/guides/{}/people/{}", d.origin, i.kit_id, c.id),
                            "content": "<p>Use the scorecard attributes to guide the conversation.</p>",
                            "questions": [],
                        },
                        "interviewers": i.interviewers.iter().filter_map(|&u| d.users.get(u as usize)).map(|u| json!({
                            "id": u.id,
                            "display_name": format!("{} {}", u.first_name, u.last_name),
                            "status": "needs_action",
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({ "id": s.id, "name": s.name, "interviews": interviews })
        })
    });
    let prospect = a.prospect.as_deref();
    let pool = prospect
        .and_then(|p| p.pool)
        .and_then(|i| d.prospect_pools.get(i as usize));
    let pool_stage = pool
        .zip(prospect.and_then(|p| p.pool_stage))
        .and_then(|(pool, s)| {
            pool.stages
                .get(s as usize)
                .map(|&(id, name)| json!({ "id": id, "name": name }))
        });
    let owner = prospect
        .and_then(|p| p.owner)
        .and_then(|u| d.users.get(u as usize))
        .map(|u| json!({ "id": u.id, "name": format!("{} {}", u.first_name, u.last_name) }));
    let rejection_reason = a
        .rejection_reason
        .and_then(|r| d.rejection_reasons.get(r as usize))
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.name,
                "type": { "id": r.type_id, "name": r.type_name },
            })
        });
    json!({
        "id": a.id,
        "rejected_at": a.rejected_at.map(ts),
        "prospect": a.prospect.is_some(),
        "status": a.status.as_str(),
        "applied_at": ts(a.applied_at),
        "last_activity_at": ts(a.last_activity_at),
        "url": format!("{}/people/{}?application_id={}", d.origin, c.id, a.id),
        "source": d.sources.get(a.source as usize).map(|s| json!({ "id": s.id, "public_name": s.name })),
        "credited_to": user_brief(d, a.credited_to),
        "rejection_reason": rejection_reason,
        "rejection_details": a.rejected_at.map(|_| json!({ "custom_fields": {} })),
        "current_stage": current_stage,
        "prospect_detail": {
            "prospect_pool": pool.map(|p| json!({ "id": p.id, "name": p.name })),
            "prospect_stage": pool_stage,
            "prospect_owner": owner,
        },
        "custom_fields": {},
        "candidate": candidate_payload(d, a.candidate as usize),
        "jobs": a.job_indices().map(|j| job_payload(d, j as usize)).collect::<Vec<_>>(),
    })
}

/// `{"application": ...}`, the payload of every application event.
pub(crate) fn application_event(action: &'static str, d: &Data, ai: usize) -> Event {
    Event::new(action, json!({ "application": application_payload(d, ai) }))
}

/// The `person` of `delete_candidate` and `merge_candidate`.
pub(crate) fn person_payload(d: &Data, ci: usize) -> serde_json::Map<String, Value> {
    let c = &d.candidates[ci];
    let uid = |u: Option<u32>| u.and_then(|u| d.users.get(u as usize)).map(|u| u.id);
    match json!({
        "id": c.id,
        "first_name": c.first_name,
        "last_name": c.last_name,
        "company": c.company,
        "title": c.title,
        "created_at": ts(c.created_at),
        "headline": null,
        "is_private": false,
        "recruiter_user_id": uid(c.recruiter),
        "coordinator_user_id": uid(c.coordinator),
        "can_email": true,
    }) {
        Value::Object(m) => m,
        _ => unreachable!("a JSON object literal"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_html_and_non_ascii_like_greenhouse() {
        let v = json!({ "s": "<p>Zoë & 😀</p>" });
        let out = String::from_utf8(greenhouse_json(&v)).unwrap();
        assert_eq!(
            out,
            r#"{"s":"\u003cp\u003eZo\u00eb \u0026 \ud83d\ude00\u003c/p\u003e"}"#
        );
        assert!(out.is_ascii());
        let back: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back, v, "still the same JSON value");
        assert_ne!(serde_json::to_string(&back).unwrap(), out);
    }

    #[test]
    fn signature_is_hmac_sha256_hex_with_a_space() {
        // RFC 4231 test case 2.
        let sig = signature(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            sig,
            "sha256 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn event_ids_are_unique_and_stable() {
        let a: Vec<String> = (1..50).map(|n| event_id(7, n)).collect();
        let b: Vec<String> = (1..50).map(|n| event_id(7, n)).collect();
        assert_eq!(a, b);
        let mut sorted = a.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), a.len());
        assert_eq!(a[0].len(), 36);
    }

    #[test]
    fn whole_second_timestamps() {
        assert_eq!(ts(crate::clock::ANCHOR_MS + 1234), "2026-03-31T18:00:01Z");
    }
}
