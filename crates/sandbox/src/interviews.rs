//! Interviews on the platform emulator: candidate ingestion
//! (`POST /api/v2/postings/{id}/candidates`), the results endpoint
//! (`GET /api/v2/interviews/{id}/data`), the runner that plays each ingested
//! interview and delivers `interview_started` -> `interview_completed` ->
//! `report_available` to the posting's active webhook subscriptions, and the
//! unauthenticated "CDN" files the payloads link to (PDF report, recording,
//! sample resume, images, the candidate's interview page).

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use tokio::sync::oneshot;

use crate::clock::now_unix_f64;
use crate::pdf::{self, Block};
use crate::platform::{
    detail, invalid, json_response, unprocessable, v2_error, PlatformState, WebhookRecord,
};
use crate::report::{self, InterviewFacts};
use crate::rng::{hash_parts, mix};

/// One HTTP attempt at delivering a webhook event, as the emulator saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryAttempt {
    /// The subscription's URL.
    pub url: String,
    /// The subscription this attempt was for.
    pub webhook_id: String,
    /// `interview_started`, `interview_completed` or `report_available`.
    pub event_type: String,
    /// The HTTP method used: `POST` or `GET` (upper case, as on the wire).
    pub method: String,
    pub interview_id: String,
    /// The receiver's status code, if it answered at all.
    pub status: Option<u16>,
    /// Why no status came back (connection refused, timeout, ...).
    pub error: Option<String>,
    /// 1 for the first try, 2 for the first retry, ...
    pub attempt: u32,
}

impl DeliveryAttempt {
    /// The platform counts only a 200 as delivered.
    pub fn delivered(&self) -> bool {
        self.status == Some(200)
    }
}

/// Timings of the interview runner and of webhook delivery.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RunnerConfig {
    pub start_delay: Duration,
    pub interview_duration: Duration,
    pub report_delay: Duration,
    pub delivery_attempts: u32,
    pub delivery_backoff: Duration,
}

/// Delivery attempts kept for [`crate::SandboxControl::deliveries`]; older
/// ones are dropped so a long-running demo does not grow without bound.
const MAX_RECORDED_ATTEMPTS: usize = 10_000;

#[derive(Debug, Clone)]
pub(crate) struct Interview {
    pub interview_id: String,
    pub posting: usize,
    pub candidate_id: String,
    pub name: String,
    pub email: String,
    pub phone_number: Option<String>,
    pub metadata: Option<Map<String, Value>>,
    pub data: Option<Value>,
    pub created_at: f64,
    pub started_at: Option<f64>,
    pub completed_at: Option<f64>,
    pub report: Option<Arc<Value>>,
}

impl Interview {
    fn status(&self) -> &'static str {
        if self.report.is_some() {
            "completed"
        } else if self.completed_at.is_some() {
            "evaluating"
        } else if self.started_at.is_some() {
            "in_progress"
        } else {
            "pending"
        }
    }
}

#[derive(Default)]
pub(crate) struct Interviews {
    by_id: HashMap<String, Interview>,
    /// How often each (posting, e-mail) pair has been ingested: the platform
    /// creates a new interview every time, and the count keeps the ids
    /// reproducible whatever order candidates arrive in.
    occurrences: HashMap<(String, String), u32>,
}

impl Interviews {
    pub(crate) fn get(&self, id: &str) -> Option<&Interview> {
        self.by_id.get(id)
    }
}

/// A validated ingestion request.
pub(crate) struct NewCandidate {
    pub name: String,
    pub email: String,
    pub phone_number: Option<String>,
    pub metadata: Option<Map<String, Value>>,
    pub data: Option<Value>,
}

pub(crate) const MAX_METADATA_KEYS: usize = 50;
pub(crate) const MAX_METADATA_KEY_CHARS: usize = 40;
pub(crate) const MAX_METADATA_VALUE_CHARS: usize = 500;

/// Why an address is not plausible, in the words of pydantic's `EmailStr`.
pub(crate) fn email_problem(email: &str) -> Option<&'static str> {
    if email.chars().any(char::is_whitespace) {
        return Some("An email address cannot contain spaces.");
    }
    if email.len() > 254 {
        return Some("The email address is too long.");
    }
    let mut parts = email.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Some("An email address must have exactly one @-sign.");
    };
    if local.is_empty() {
        return Some("There must be something before the @-sign.");
    }
    if local.len() > 64 {
        return Some("The email address is too long before the @-sign.");
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Some("The part before the @-sign has a misplaced period.");
    }
    if domain.is_empty() {
        return Some("There must be something after the @-sign.");
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Some("The part after the @-sign is not valid. It should have a period.");
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    if !labels.iter().all(|l| label_ok(l)) {
        return Some("The part after the @-sign is not valid.");
    }
    let tld = labels[labels.len() - 1];
    if tld.len() < 2 || tld.chars().all(|c| c.is_ascii_digit()) {
        return Some("The part after the @-sign is not a valid domain name.");
    }
    None
}

/// E.164: a plus sign and 2-15 digits, the first not zero.
fn is_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else {
        return false;
    };
    (2..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

/// Validates an ingestion body the way the platform's pydantic model does,
/// collecting every problem.
pub(crate) fn validate_candidate(body: &Value) -> Result<NewCandidate, Vec<Value>> {
    let Some(obj) = body.as_object() else {
        return Err(vec![invalid(
            &["body"],
            "Input should be a valid dictionary or object to extract fields from",
            "model_attributes_type",
        )]);
    };
    let mut errors = Vec::new();

    let name = match obj.get("name") {
        None | Some(Value::Null) => {
            errors.push(invalid(&["body", "name"], "Field required", "missing"));
            None
        }
        Some(Value::String(s)) if s.trim().is_empty() => {
            errors.push(invalid(
                &["body", "name"],
                "String should have at least 1 character",
                "string_too_short",
            ));
            None
        }
        Some(Value::String(s)) if s.chars().count() > 200 => {
            errors.push(invalid(
                &["body", "name"],
                "String should have at most 200 characters",
                "string_too_long",
            ));
            None
        }
        Some(Value::String(s)) => Some(s.trim().to_owned()),
        Some(_) => {
            errors.push(invalid(
                &["body", "name"],
                "Input should be a valid string",
                "string_type",
            ));
            None
        }
    };

    let email = match obj.get("email") {
        None | Some(Value::Null) => {
            errors.push(invalid(&["body", "email"], "Field required", "missing"));
            None
        }
        Some(Value::String(s)) => {
            let s = s.trim();
            match email_problem(s) {
                Some(why) => {
                    errors.push(invalid(
                        &["body", "email"],
                        format!("value is not a valid email address: {why}"),
                        "value_error",
                    ));
                    None
                }
                None => Some(s.to_owned()),
            }
        }
        Some(_) => {
            errors.push(invalid(
                &["body", "email"],
                "Input should be a valid string",
                "string_type",
            ));
            None
        }
    };

    let phone_number = match obj.get("phone_number") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if is_e164(s.trim()) => Some(s.trim().to_owned()),
        Some(Value::String(_)) => {
            errors.push(invalid(
                &["body", "phone_number"],
                "Value error, phone_number must be in E.164 format, e.g. +14155550123",
                "value_error",
            ));
            None
        }
        Some(_) => {
            errors.push(invalid(
                &["body", "phone_number"],
                "Input should be a valid string",
                "string_type",
            ));
            None
        }
    };

    let metadata = match obj.get("metadata") {
        None | Some(Value::Null) => None,
        Some(Value::Object(m)) => {
            let before = errors.len();
            if m.len() > MAX_METADATA_KEYS {
                errors.push(invalid(
                    &["body", "metadata"],
                    format!("Value error, metadata can have at most {MAX_METADATA_KEYS} keys"),
                    "value_error",
                ));
            }
            for (k, v) in m {
                if k.chars().count() > MAX_METADATA_KEY_CHARS {
                    errors.push(invalid(
                        &["body", "metadata", k],
                        format!(
                            "Value error, metadata keys can be at most {MAX_METADATA_KEY_CHARS} characters"
                        ),
                        "value_error",
                    ));
                }
                match v {
                    Value::String(s) if s.chars().count() > MAX_METADATA_VALUE_CHARS => {
                        errors.push(invalid(
                            &["body", "metadata", k],
                            format!(
                                "Value error, metadata values can be at most {MAX_METADATA_VALUE_CHARS} characters"
                            ),
                            "value_error",
                        ));
                    }
                    Value::Object(_) | Value::Array(_) => {
                        errors.push(invalid(
                            &["body", "metadata", k],
                            "Value error, metadata values must be strings, numbers, booleans or null",
                            "value_error",
                        ));
                    }
                    _ => {}
                }
            }
            (errors.len() == before).then(|| m.clone())
        }
        Some(_) => {
            errors.push(invalid(
                &["body", "metadata"],
                "Input should be a valid dictionary",
                "dict_type",
            ));
            None
        }
    };

    let data = match obj.get("data") {
        None | Some(Value::Null) => None,
        Some(v @ Value::Object(_)) => Some(v.clone()),
        Some(_) => {
            errors.push(invalid(
                &["body", "data"],
                "Input should be a valid dictionary",
                "dict_type",
            ));
            None
        }
    };

    match (name, email, errors.is_empty()) {
        (Some(name), Some(email), true) => Ok(NewCandidate {
            name,
            email,
            phone_number,
            metadata,
            data,
        }),
        _ => Err(errors),
    }
}

fn candidate_id(seed: u64, email_lower: &str) -> String {
    format!(
        "{:016X}",
        mix(seed ^ hash_parts(&["candidate", email_lower]))
    )
}

/// Records the interview and starts playing it. Returns a copy of the new
/// record.
pub(crate) fn ingest(st: &Arc<PlatformState>, posting: usize, c: NewCandidate) -> Interview {
    let posting_id = &st.postings[posting].posting_id;
    let email_lower = c.email.to_lowercase();
    let interview = {
        let mut book = st.interviews();
        let n = book
            .occurrences
            .entry((posting_id.clone(), email_lower.clone()))
            .or_insert(0);
        *n += 1;
        let mut k = *n;
        let interview_id = loop {
            let id = format!(
                "{:016X}",
                mix(st.seed ^ hash_parts(&["interview", posting_id, &email_lower, &k.to_string()]))
            );
            if !book.by_id.contains_key(&id) {
                break id;
            }
            k += 1_000_000;
        };
        let interview = Interview {
            interview_id: interview_id.clone(),
            posting,
            candidate_id: candidate_id(st.seed, &email_lower),
            name: c.name,
            email: c.email,
            phone_number: c.phone_number,
            metadata: c.metadata,
            data: c.data,
            created_at: now_unix_f64(),
            started_at: None,
            completed_at: None,
            report: None,
        };
        book.by_id.insert(interview_id, interview.clone());
        interview
    };
    spawn_play(st.clone(), interview.interview_id.clone());
    interview
}

fn candidate_json(iv: &Interview) -> Value {
    json!({
        "object": "candidate",
        "candidate_id": iv.candidate_id,
        "name": iv.name,
        "email": iv.email,
        "phone_number": iv.phone_number,
        "metadata": iv.metadata,
        "data": iv.data,
        "created_at": iv.created_at,
    })
}

pub(crate) async fn create_candidate(
    State(st): State<Arc<PlatformState>>,
    Path(posting_id): Path<String>,
    body: Bytes,
) -> Response {
    let body: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return unprocessable(vec![invalid(
                &["body"],
                format!("JSON decode error: {e}"),
                "json_invalid",
            )])
        }
    };
    let candidate = match validate_candidate(&body) {
        Ok(c) => c,
        Err(errors) => return unprocessable(errors),
    };
    let Some(posting) = st.postings.iter().position(|p| p.posting_id == posting_id) else {
        return v2_error(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            "resource_missing",
            &format!("No such posting: '{posting_id}'"),
            Some("posting_id"),
        );
    };
    let iv = ingest(&st, posting, candidate);
    json_response(
        StatusCode::CREATED,
        &json!({
            "data": {
                "object": "candidate",
                "interview_id": iv.interview_id,
                "interview_url": report::interview_url(&st.origin, &iv.interview_id),
                "posting_id": posting_id,
                "candidate": candidate_json(&iv),
            },
            "meta": {},
        }),
    )
}

pub(crate) async fn interview_data(
    State(st): State<Arc<PlatformState>>,
    Path(interview_id): Path<String>,
) -> Response {
    let Some(iv) = st.interviews().get(&interview_id).cloned() else {
        return v2_error(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            "resource_missing",
            &format!("No such interview: '{interview_id}'"),
            Some("interview_id"),
        );
    };
    let posting_id = &st.postings[iv.posting].posting_id;
    let web_interview = iv.report.as_deref().map(|r| {
        let w = &r["agentic_data"]["web_interview_info"];
        json!({
            "match_score": w["summary"]["match_score"],
            "highlights": w["summary"]["highlights"],
            "lowlights": w["summary"]["lowlights"],
            "scorecard": w["scorecard"],
            "communication": w["communication"],
            "transcript": w["transcript"]["transcript"],
            "audio_recording_url": w["audio_recording_link"],
            "video_recording_url": w["video_recording_link"],
        })
    });
    let score = iv
        .report
        .as_deref()
        .map(|r| r["agentic_data"]["web_interview_info"]["summary"]["match_score"].clone());
    json_response(
        StatusCode::OK,
        &json!({
            "data": {
                "object": "interview",
                "interview_id": iv.interview_id,
                "posting_id": posting_id,
                "candidate": {
                    "candidate_id": iv.candidate_id,
                    "name": iv.name,
                    "email": iv.email,
                    "phone_number": iv.phone_number,
                },
                "status": iv.status(),
                "score": score,
                "interview_url": report::interview_url(&st.origin, &iv.interview_id),
                "report_url": iv.report.as_ref().map(|_| report::report_url(&st.origin, &iv.interview_id)),
                "created_at": iv.created_at,
                "started_at": iv.started_at,
                "completed_at": iv.completed_at,
                "web_interview": web_interview,
            },
            "meta": {},
        }),
    )
}

// ---------------------------------------------------------------------------
// The runner

fn spawn_play(st: Arc<PlatformState>, interview_id: String) {
    let mut stopped = st.stopped.clone();
    st.runtime.clone().spawn(async move {
        tokio::select! {
            _ = stopped.wait_for(|&s| s) => {}
            _ = play(&st, &interview_id) => {}
        }
    });
}

/// Builds the facts of an interview (outside the lock) and hands them to `f`.
fn with_facts<T>(
    st: &PlatformState,
    iv: &Interview,
    now: f64,
    f: impl FnOnce(&InterviewFacts<'_>) -> T,
) -> T {
    let facts = InterviewFacts {
        seed: st.seed,
        origin: &st.origin,
        interview_id: &iv.interview_id,
        candidate_id: &iv.candidate_id,
        name: &iv.name,
        email: &iv.email,
        client_metadata: iv.metadata.as_ref(),
        posting: &st.postings[iv.posting],
        company: &st.company,
        started_at: iv.started_at.unwrap_or(now),
        completed_at: iv.completed_at.unwrap_or(now),
    };
    f(&facts)
}

/// Applies `update` to the stored interview and returns a copy.
fn update(st: &PlatformState, id: &str, update: impl FnOnce(&mut Interview)) -> Option<Interview> {
    let mut book = st.interviews();
    let iv = book.by_id.get_mut(id)?;
    update(iv);
    Some(iv.clone())
}

async fn play(st: &Arc<PlatformState>, id: &str) {
    let cfg = st.runner;
    tokio::time::sleep(cfg.start_delay).await;

    let now = now_unix_f64();
    let Some(iv) = update(st, id, |iv| iv.started_at = Some(now)) else {
        return;
    };
    let posting_id = st.postings[iv.posting].posting_id.clone();
    let payload = with_facts(st, &iv, now, |f| report::started_payload(f, now));
    let first = dispatch(st, &posting_id, "interview_started", id, to_body(&payload));
    // The next event waits for the first attempts of this one, so a healthy
    // receiver sees the documented order even with tiny delays; retries of a
    // failed delivery may still arrive out of order, as on the real platform.
    tokio::join!(tokio::time::sleep(cfg.interview_duration), settled(first));

    let now = now_unix_f64();
    let Some(iv) = update(st, id, |iv| iv.completed_at = Some(now)) else {
        return;
    };
    let payload = with_facts(st, &iv, now, |f| {
        report::completed_payload(f, now + 0.000_5)
    });
    let first = dispatch(
        st,
        &posting_id,
        "interview_completed",
        id,
        to_body(&payload),
    );
    tokio::join!(tokio::time::sleep(cfg.report_delay), settled(first));

    let now = now_unix_f64();
    let payload = with_facts(st, &iv, now, |f| report::report_payload(f, now));
    let body = to_body(&payload);
    // Keep what a receiver parses from the wire (float formatting can move
    // the last digit), so `report_payload` equals the delivered JSON.
    let sent: Value = serde_json::from_slice(&body).unwrap_or(payload);
    update(st, id, |iv| iv.report = Some(Arc::new(sent)));
    let first = dispatch(st, &posting_id, "report_available", id, body);
    settled(first).await;
}

async fn settled(first_attempts: Vec<oneshot::Receiver<()>>) {
    for rx in first_attempts {
        // A dropped sender (task cancelled) counts as settled too.
        let _ = rx.await;
    }
}

fn to_body(payload: &Value) -> Bytes {
    Bytes::from(serde_json::to_vec(payload).expect("JSON values always serialise"))
}

/// Sends `body` (JSON) to every active subscription of `posting_id` for `event`,
/// each in its own task with retries. Returns one receiver per subscription
/// that fires once its first attempt is over.
fn dispatch(
    st: &Arc<PlatformState>,
    posting_id: &str,
    event: &'static str,
    interview_id: &str,
    body: Bytes,
) -> Vec<oneshot::Receiver<()>> {
    let targets: Vec<WebhookRecord> = st
        .webhooks()
        .iter()
        .filter(|w| w.is_active && w.posting_id == posting_id && w.event_type == event)
        .cloned()
        .collect();
    targets
        .into_iter()
        .map(|hook| {
            let (tx, rx) = oneshot::channel();
            let st2 = st.clone();
            let body = body.clone();
            let interview_id = interview_id.to_owned();
            let mut stopped = st.stopped.clone();
            st.runtime.spawn(async move {
                tokio::select! {
                    _ = stopped.wait_for(|&s| s) => {}
                    _ = deliver(&st2, hook, event, interview_id, body, tx) => {}
                }
            });
            rx
        })
        .collect()
}

async fn deliver(
    st: &PlatformState,
    hook: WebhookRecord,
    event: &'static str,
    interview_id: String,
    body: Bytes,
    first_done: oneshot::Sender<()>,
) {
    let mut first_done = Some(first_done);
    let method = if hook.http_method == "get" {
        reqwest::Method::GET
    } else {
        reqwest::Method::POST
    };
    let attempts = st.runner.delivery_attempts.max(1);
    for attempt in 1..=attempts {
        if attempt > 1 {
            let factor = 1u32 << (attempt - 2).min(10);
            tokio::time::sleep(st.runner.delivery_backoff * factor).await;
            // A subscription deactivated in the meantime gets no more tries.
            let still_active = st
                .webhooks()
                .iter()
                .any(|w| w.webhook_id == hook.webhook_id && w.is_active);
            if !still_active {
                break;
            }
        }
        let result = st
            .http
            .request(method.clone(), &hook.url)
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.clone())
            .send()
            .await;
        let (status, error) = match result {
            Ok(resp) => (Some(resp.status().as_u16()), None),
            Err(e) => (None, Some(describe_error(&e))),
        };
        st.record(DeliveryAttempt {
            url: hook.url.clone(),
            webhook_id: hook.webhook_id.clone(),
            event_type: event.to_owned(),
            method: method.as_str().to_owned(),
            interview_id: interview_id.clone(),
            status,
            error,
            attempt,
        });
        if let Some(tx) = first_done.take() {
            let _ = tx.send(());
        }
        if status == Some(200) {
            break;
        }
    }
}

fn describe_error(e: &reqwest::Error) -> String {
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

impl PlatformState {
    fn record(&self, attempt: DeliveryAttempt) {
        let mut log = self.deliveries.lock().unwrap_or_else(|e| e.into_inner());
        if log.len() >= MAX_RECORDED_ATTEMPTS {
            log.pop_front();
        }
        log.push_back(attempt);
    }

    pub(crate) fn delivery_log(&self) -> Vec<DeliveryAttempt> {
        let log = self.deliveries.lock().unwrap_or_else(|e| e.into_inner());
        log.iter().cloned().collect()
    }
}

pub(crate) type DeliveryLog = std::sync::Mutex<VecDeque<DeliveryAttempt>>;

// ---------------------------------------------------------------------------
// Unauthenticated files the payloads link to.

fn bytes_response(content_type: &'static str, body: Vec<u8>) -> Response {
    let mut resp = Response::new(Body::from(body));
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    resp
}

fn not_found() -> Response {
    detail(StatusCode::NOT_FOUND, "Not Found")
}

fn reported(st: &PlatformState, file: &str, ext: &str) -> Option<(Interview, Arc<Value>)> {
    let id = file.strip_suffix(ext)?;
    let iv = st.interviews().get(id).cloned()?;
    let report = iv.report.clone()?;
    Some((iv, report))
}

/// `GET /reports/{interview_id}.pdf`: the report as a one-page PDF.
pub(crate) async fn report_pdf(
    State(st): State<Arc<PlatformState>>,
    Path(file): Path<String>,
) -> Response {
    let Some((iv, report)) = reported(&st, &file, ".pdf") else {
        return not_found();
    };
    let pdf = render_report_pdf(&st.postings[iv.posting].title, &iv, &report);
    let mut resp = bytes_response("application/pdf", pdf);
    if let Ok(v) = HeaderValue::from_str(&format!(
        "inline; filename=\"interview-report-{}.pdf\"",
        iv.interview_id.to_ascii_lowercase()
    )) {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

pub(crate) fn render_report_pdf(posting_title: &str, iv: &Interview, report: &Value) -> Vec<u8> {
    let w = &report["agentic_data"]["web_interview_info"];
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let score = w["summary"]["match_score"].as_u64().unwrap_or(0) as u32;
    let highlights = strings(&w["summary"]["highlights"]);
    let lowlights = strings(&w["summary"]["lowlights"]);
    let candidate = format!("Candidate: {} <{}>", iv.name, iv.email);
    let posting = format!("Posting: {posting_title}");
    let mut when = String::new();
    if let Some(t) = report["interview_data_model"]["details"]["interviewed_on"].as_f64() {
        crate::clock::write_iso_ms(&mut when, (t * 1000.0) as i64);
        when.truncate(16);
        when = format!(" - interviewed {} UTC", when.replace('T', " "));
    }
    let ids = format!(
        "Interview {} - candidate {}{when}",
        iv.interview_id, iv.candidate_id
    );
    let scorecard: Vec<String> = w["scorecard"]["questions"]
        .as_array()
        .map(|qs| {
            qs.iter()
                .map(|q| {
                    format!(
                        "Q{} ({}/10): {}",
                        q["rank"].as_u64().unwrap_or(0),
                        q["evaluation_score"].as_u64().unwrap_or(0),
                        q["question"].as_str().unwrap_or("")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let mut blocks = vec![
        Block::Title("Interview Report"),
        Block::Text(&candidate),
        Block::Text(&posting),
        Block::Small(&ids),
        Block::Gap,
        Block::Score("Match score", score),
        Block::Heading("Highlights"),
    ];
    blocks.extend(highlights.iter().map(|h| Block::Bullet(h)));
    blocks.push(Block::Heading("Areas to probe"));
    blocks.extend(lowlights.iter().map(|h| Block::Bullet(h)));
    blocks.push(Block::Heading("Scorecard"));
    blocks.extend(scorecard.iter().map(|q| Block::Bullet(q)));
    blocks.push(Block::Gap);
    blocks.push(Block::Small(
        "Generated by the Reqlink sandbox interview-platform emulator. All people and companies are fictional.",
    ));
    pdf::render(&format!("Interview report - {}", iv.name), &blocks)
}

/// `GET /resumes/{interview_id}.pdf`: a sample resume, for postings with a
/// resume step.
pub(crate) async fn resume_pdf(
    State(st): State<Arc<PlatformState>>,
    Path(file): Path<String>,
) -> Response {
    let Some((iv, report)) = reported(&st, &file, ".pdf") else {
        return not_found();
    };
    if report["interview_data_model"]["resume_interview_info"].is_null() {
        return not_found();
    }
    let tags: Vec<&str> = report["agentic_data"]["web_interview_info"]["scorecard"]["tags"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let skills = format!("Skills: {}", tags.join(", "));
    let contact = match &iv.phone_number {
        Some(p) => format!("{} - {}", iv.email, p),
        None => iv.email.clone(),
    };
    let summary = format!(
        "Experienced professional applying for {}. References available on request.",
        st.postings[iv.posting].title
    );
    let pdf = pdf::render(
        &format!("Resume - {}", iv.name),
        &[
            Block::Title(&iv.name),
            Block::Text(&contact),
            Block::Gap,
            Block::Heading("Summary"),
            Block::Text(&summary),
            Block::Heading("Skills"),
            Block::Text(&skills),
            Block::Gap,
            Block::Small("Sample resume generated by the Reqlink sandbox. Fictional."),
        ],
    );
    bytes_response("application/pdf", pdf)
}

/// `GET /recordings/{interview_id}/audio.wav`: one second of silence (the
/// sandbox has no voices). Video recordings are not emulated: 404.
pub(crate) async fn recording(
    State(st): State<Arc<PlatformState>>,
    Path((interview_id, file)): Path<(String, String)>,
) -> Response {
    if file != "audio.wav" || reported(&st, &interview_id, "").is_none() {
        return not_found();
    }
    bytes_response("audio/wav", silent_wav(8_000, 1))
}

/// A mono 16-bit PCM WAV of `seconds` of silence.
fn silent_wav(rate: u32, seconds: u32) -> Vec<u8> {
    let data_len = rate * seconds * 2;
    let mut w = Vec::with_capacity(44 + data_len as usize);
    w.extend_from_slice(b"RIFF");
    w.extend_from_slice(&(36 + data_len).to_le_bytes());
    w.extend_from_slice(b"WAVEfmt ");
    w.extend_from_slice(&16u32.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes()); // PCM
    w.extend_from_slice(&1u16.to_le_bytes()); // mono
    w.extend_from_slice(&rate.to_le_bytes());
    w.extend_from_slice(&(rate * 2).to_le_bytes());
    w.extend_from_slice(&2u16.to_le_bytes());
    w.extend_from_slice(&16u16.to_le_bytes());
    w.extend_from_slice(b"data");
    w.extend_from_slice(&data_len.to_le_bytes());
    w.resize(44 + data_len as usize, 0);
    w
}

/// `GET /assets/{name}.svg`: logo, avatar and mascot images.
pub(crate) async fn asset(Path(file): Path<String>) -> Response {
    let Some(name) = file.strip_suffix(".svg") else {
        return not_found();
    };
    let (letter, color) = match name {
        "logo" => ('B', "#2563eb"),
        "avatar" => ('A', "#7c3aed"),
        n if n.starts_with("mascot-") => ('M', "#059669"),
        _ => return not_found(),
    };
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"128\" height=\"128\" viewBox=\"0 0 128 128\">\
         <rect width=\"128\" height=\"128\" rx=\"28\" fill=\"{color}\"/>\
         <text x=\"64\" y=\"84\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"64\" \
         font-weight=\"bold\" fill=\"#ffffff\" text-anchor=\"middle\">{letter}</text></svg>"
    );
    bytes_response("image/svg+xml", svg.into_bytes())
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `GET /i/{interview_id}`: the candidate-facing interview link.
pub(crate) async fn interview_page(
    State(st): State<Arc<PlatformState>>,
    Path(interview_id): Path<String>,
) -> Response {
    let Some(iv) = st.interviews().get(&interview_id).cloned() else {
        return not_found();
    };
    let html = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Interview - {title}</title></head>\
         <body style=\"font-family: sans-serif; max-width: 40em; margin: 4em auto\">\
         <h1>{title}</h1><p>Hi {name}, this is your AI interview link.</p>\
         <p>Status: <strong>{status}</strong></p>\
         <p><small>Reqlink sandbox: interviews here are played automatically; nobody needs to attend.</small></p>\
         </body></html>",
        title = html_escape(&st.postings[iv.posting].title),
        name = html_escape(&iv.name),
        status = iv.status(),
    );
    let mut resp = bytes_response("text/html; charset=utf-8", html.into_bytes());
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_plausibility() {
        for ok in [
            "jane.doe@example.com",
            "a+tag@sub.example.co.uk",
            "x@bücher.de",
        ] {
            assert_eq!(email_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "plain",
            "two@@example.com",
            "a@b@example.com",
            "@example.com",
            "jane@",
            "jane@localhost",
            "jane@example.c",
            "jane doe@example.com",
            "jane@-example.com",
            ".jane@example.com",
            "jane@example..com",
        ] {
            assert!(email_problem(bad).is_some(), "{bad:?} accepted");
        }
    }

    #[test]
    fn e164() {
        assert!(is_e164("+14155550123"));
        assert!(is_e164("+442071838750"));
        assert!(!is_e164("14155550123"));
        assert!(!is_e164("+0123"));
        assert!(!is_e164("+1 415 555 0123"));
        assert!(!is_e164("+1234567890123456"));
    }

    #[test]
    fn candidate_validation_collects_every_problem() {
        let long_key = "k".repeat(41);
        let mut meta = Map::new();
        meta.insert(long_key.clone(), json!("v"));
        meta.insert("long".into(), json!("x".repeat(501)));
        meta.insert("nested".into(), json!({"a": 1}));
        let errors = validate_candidate(&json!({
            "email": "nope",
            "phone_number": "555-0123",
            "metadata": meta,
            "data": [1],
        }))
        .err()
        .expect("invalid");
        let locs: Vec<String> = errors.iter().map(|e| e["loc"].to_string()).collect();
        for want in [
            r#"["body","name"]"#,
            r#"["body","email"]"#,
            r#"["body","phone_number"]"#,
            &format!(r#"["body","metadata","{long_key}"]"#),
            r#"["body","metadata","long"]"#,
            r#"["body","metadata","nested"]"#,
            r#"["body","data"]"#,
        ] {
            assert!(locs.iter().any(|l| l == want), "{want} missing in {locs:?}");
        }
        assert!(errors
            .iter()
            .all(|e| e["msg"].is_string() && e["type"].is_string()));

        let too_many: Map<String, Value> = (0..51).map(|i| (format!("k{i}"), json!(i))).collect();
        let errors =
            validate_candidate(&json!({"name": "A", "email": "a@b.co", "metadata": too_many}))
                .err()
                .expect("too many keys");
        assert_eq!(errors[0]["loc"], json!(["body", "metadata"]));

        let ok = validate_candidate(&json!({
            "name": "  Jane Doe ",
            "email": "jane@example.com",
            "phone_number": "+14155550123",
            "metadata": {"ats": "greenhouse", "application_id": 42, "flag": true, "none": null},
            "data": {"anything": [1, 2]},
        }))
        .expect("valid");
        assert_eq!(ok.name, "Jane Doe");
        assert_eq!(ok.metadata.expect("metadata").len(), 4);
    }

    #[test]
    fn wav_header_is_consistent() {
        let w = silent_wav(8_000, 1);
        assert_eq!(w.len(), 44 + 16_000);
        assert_eq!(&w[..4], b"RIFF");
        assert_eq!(
            u32::from_le_bytes([w[4], w[5], w[6], w[7]]) as usize,
            w.len() - 8
        );
    }
}
