//! Interview platform emulator (HeyMilo-compatible): the webhook management
//! API exactly as `seeds/heymilo-webhooks-api.txt` describes it, and the v2
//! postings list/get. FastAPI-style bodies: `{"detail": ...}` for auth and
//! validation, the v2 `{"error": {...}}` envelope for v2 errors.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::watch;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::clock::{now_unix_f64, DAY_MS};
use crate::data::{Data, JobStatus};
use crate::interviews::{self, DeliveryLog, Interviews, RunnerConfig};
use crate::ratelimit::{Decision, Limiter};
use crate::report::{self, Company};
use crate::rng::{mix, Rng};
use crate::{words, RateLimit};

/// A webhook registration, as the platform returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookRecord {
    pub webhook_id: String,
    pub posting_id: String,
    pub url: String,
    /// `interview_started`, `interview_completed` or `report_available`.
    pub event_type: String,
    /// `get` or `post`.
    pub http_method: String,
    pub is_active: bool,
    /// Unix seconds (float), as on the wire.
    pub created_at: f64,
    pub updated_at: f64,
}

pub(crate) const EVENT_TYPES: [&str; 3] = [
    "interview_started",
    "interview_completed",
    "report_available",
];

/// The vendor's documented v2 limit: 300 requests per minute per key.
pub(crate) const PLATFORM_RATE_LIMIT: RateLimit = RateLimit {
    limit: 300,
    window: Duration::from_secs(60),
};

/// A posting ("agent"/"interviewer") as v2 returns it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Posting {
    pub posting_id: String,
    pub title: String,
    pub name: String,
    pub internal_name: Option<String>,
    pub description: String,
    pub company_id: String,
    pub created_at: f64,
    pub last_updated: f64,
    pub archived: bool,
    pub deadline: f64,
    pub finalized: bool,
    pub test_posting: bool,
    pub is_template: bool,
    pub days_to_complete: Option<u32>,
    pub allow_sms_comms: bool,
    pub email_report_to_candidate: bool,
    /// Greenhouse department of the requisition; picks the interview's
    /// questions and phrases. Not part of the v2 representation.
    #[serde(skip)]
    pub department: &'static str,
}

pub(crate) struct PlatformState {
    pub api_key: String,
    pub postings: Vec<Posting>,
    pub webhooks: Mutex<Vec<WebhookRecord>>,
    pub limiter: Limiter,
    webhook_seq: AtomicU64,
    webhook_id_base: u64,
    pub seed: u64,
    /// `http://127.0.0.1:port`: payload links point back at the emulator.
    pub origin: String,
    pub company: Company,
    pub interviews: Mutex<Interviews>,
    pub deliveries: DeliveryLog,
    pub runner: RunnerConfig,
    /// Delivers webhooks.
    pub http: reqwest::Client,
    /// The runtime the sandbox was started on; interviews run there even when
    /// started from a synchronous control call.
    pub runtime: tokio::runtime::Handle,
    /// Flips to `true` when the sandbox stops; interview and delivery tasks
    /// end then.
    pub stopped: watch::Receiver<bool>,
}

pub(crate) struct PlatformSetup {
    pub seed: u64,
    pub api_key: String,
    pub postings: Vec<Posting>,
    pub origin: String,
    pub runner: RunnerConfig,
    pub http: reqwest::Client,
    pub runtime: tokio::runtime::Handle,
    pub stopped: watch::Receiver<bool>,
}

impl PlatformState {
    pub(crate) fn new(s: PlatformSetup) -> Self {
        let seed = s.seed;
        let company_id = s
            .postings
            .first()
            .map(|p| p.company_id.clone())
            .unwrap_or_else(|| format!("{:08X}", mix(seed ^ 0x436F_6D70) as u32));
        let oldest = s
            .postings
            .iter()
            .map(|p| p.created_at)
            .fold(crate::clock::ANCHOR_MS as f64 / 1000.0, f64::min);
        Self {
            api_key: s.api_key,
            postings: s.postings,
            webhooks: Mutex::new(Vec::new()),
            limiter: Limiter::new(Some(PLATFORM_RATE_LIMIT)),
            webhook_seq: AtomicU64::new(0),
            webhook_id_base: mix(seed ^ 0x7745_6268_6F6F_6B73),
            seed,
            origin: s.origin,
            company: report::company(seed, &company_id, oldest),
            interviews: Mutex::new(Interviews::default()),
            deliveries: Default::default(),
            runner: s.runner,
            http: s.http,
            runtime: s.runtime,
            stopped: s.stopped,
        }
    }

    pub(crate) fn webhooks(&self) -> MutexGuard<'_, Vec<WebhookRecord>> {
        self.webhooks.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn interviews(&self) -> MutexGuard<'_, Interviews> {
        self.interviews.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `mix` is a bijection, so distinct sequence numbers give distinct ids
    /// while still looking opaque like the real ones.
    fn next_webhook_id(&self) -> String {
        let n = self.webhook_seq.fetch_add(1, Ordering::Relaxed);
        format!("webhook_{:016x}", mix(self.webhook_id_base.wrapping_add(n)))
    }
}

/// One posting per open Greenhouse requisition that has an AI Interview stage
/// (the ones a recruiter would link), newest first; the oldest is archived so
/// the demo shows that state too.
pub(crate) fn generate_postings(seed: u64, data: &Data, count: usize) -> Vec<Posting> {
    let mut rng = Rng::stream(seed, 7);
    let company_id = format!("{:08X}", rng.next_u64() as u32);
    let mut linkable: Vec<usize> = (0..data.jobs.len())
        .filter(|&i| {
            let j = &data.jobs[i];
            j.status == JobStatus::Open && j.stages.iter().any(|s| s.name == "AI Interview")
        })
        .collect();
    if linkable.is_empty() {
        linkable = (0..data.jobs.len()).collect();
    }
    let mut used_ids = std::collections::HashSet::new();
    let mut postings = Vec::with_capacity(count);
    let newest = crate::clock::ANCHOR_MS as f64 / 1000.0 - rng.below(86_400) as f64;
    for p in 0..count {
        let (title, dept, office, req) = match linkable.get(p % linkable.len().max(1)) {
            Some(&j) => {
                let job = &data.jobs[j];
                (
                    job.name.clone(),
                    data.departments[job.department as usize].name,
                    data.offices[job.office as usize].name,
                    Some(job.requisition_id.clone()),
                )
            }
            None => {
                let d = &words::DEPARTMENTS[rng.index(words::DEPARTMENTS.len())];
                (
                    rng.pick(d.job_titles).to_string(),
                    d.name,
                    words::OFFICES[rng.index(words::OFFICES.len())].0,
                    None,
                )
            }
        };
        let posting_id = loop {
            let id = format!("{:08X}", rng.next_u64() as u32);
            if used_ids.insert(id.clone()) {
                break id;
            }
        };
        let created_at = newest
            - (p as f64) * rng.range(2, 20) as f64 * (DAY_MS as f64 / 1000.0)
            - rng.below(1_000_000) as f64 / 1_000_000.0 * 3600.0;
        let last_updated = created_at + rng.range(60, 5 * 86_400) as f64 + 0.5;
        let slug: String = slugify(&title);
        postings.push(Posting {
            name: format!("{slug}-{}", &posting_id[..4].to_ascii_lowercase()),
            internal_name: Some(match &req {
                Some(r) => format!("{title} - {office} ({r})"),
                None => format!("{title} - {office}"),
            }),
            description: describe(&title, dept, office),
            company_id: company_id.clone(),
            created_at,
            last_updated,
            archived: count >= 2 && p == count - 1,
            deadline: created_at + 90.0 * 86_400.0,
            finalized: true,
            test_posting: false,
            is_template: false,
            days_to_complete: Some(7),
            allow_sms_comms: rng.chance(50),
            email_report_to_candidate: false,
            department: dept,
            title,
            posting_id,
        });
    }
    postings
}

fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn describe(title: &str, dept: &str, office: &str) -> String {
    format!(
        "<p>{employer} is hiring a <strong>{title}</strong> to join the {dept} team ({office}).</p>\
         <ul><li>Own meaningful work from day one</li><li>Collaborate across teams</li>\
         <li>Competitive salary, equity and benefits</li></ul>\
         <p>The first step is a 20-minute AI interview you can take at any time.</p>",
        employer = words::EMPLOYER,
        title = html_escape(title),
        dept = html_escape(dept),
        office = html_escape(office),
    )
}

pub(crate) fn router(state: Arc<PlatformState>) -> Router {
    // Links inside payloads behave like CDN URLs: no API key.
    let public = Router::new()
        .route("/reports/{file}", get(interviews::report_pdf))
        .route("/resumes/{file}", get(interviews::resume_pdf))
        .route(
            "/recordings/{interview_id}/{file}",
            get(interviews::recording),
        )
        .route("/assets/{file}", get(interviews::asset))
        .route("/i/{interview_id}", get(interviews::interview_page))
        .with_state(state.clone());
    Router::new()
        .route("/api/webhook/create", post(create_webhook))
        .route("/api/webhook/fetch/{webhook_id}", get(fetch_webhook))
        .route("/api/webhook/all", get(all_webhooks))
        .route(
            "/api/webhook/deactivate/{webhook_id}",
            post(deactivate_webhook),
        )
        .route("/api/v2/postings", get(list_postings))
        .route("/api/v2/postings/{posting_id}", get(get_posting))
        .route(
            "/api/v2/postings/{posting_id}/candidates",
            post(interviews::create_candidate),
        )
        .route(
            "/api/v2/interviews/{interview_id}/data",
            get(interviews::interview_data),
        )
        .fallback(|| async { detail(StatusCode::NOT_FOUND, "Not Found") })
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
        .merge(public)
}

pub(crate) fn json_response(status: StatusCode, body: &impl Serialize) -> Response {
    let mut resp = Response::new(Body::from(
        serde_json::to_vec(body).expect("plain data always serialises"),
    ));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

pub(crate) fn detail(status: StatusCode, message: &str) -> Response {
    json_response(status, &json!({ "detail": message }))
}

/// One FastAPI/pydantic validation entry.
pub(crate) fn invalid(loc: &[&str], msg: impl Into<String>, kind: &str) -> Value {
    json!({ "loc": loc, "msg": msg.into(), "type": kind })
}

pub(crate) fn unprocessable(errors: Vec<Value>) -> Response {
    json_response(
        StatusCode::UNPROCESSABLE_ENTITY,
        &json!({ "detail": errors }),
    )
}

/// The v2 error envelope.
pub(crate) fn v2_error(
    status: StatusCode,
    kind: &str,
    code: &str,
    message: &str,
    param: Option<&str>,
) -> Response {
    json_response(
        status,
        &json!({ "error": {
            "type": kind,
            "code": code,
            "message": message,
            "param": param,
            "doc_url": null,
            "errors": [],
        }}),
    )
}

async fn guard(State(st): State<Arc<PlatformState>>, req: Request, next: Next) -> Response {
    let key = req
        .headers()
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let decision = st.limiter.check(key.as_deref().unwrap_or(""));
    if !decision.allowed {
        return too_many_requests(req.uri().path(), &decision);
    }
    if key.as_deref() != Some(st.api_key.as_str()) {
        return detail(StatusCode::UNAUTHORIZED, "Invalid API key");
    }
    next.run(req).await
}

fn too_many_requests(path: &str, d: &Decision) -> Response {
    let message = "Rate limit exceeded: 300 requests per minute";
    let mut resp = if path.starts_with("/api/v2/") {
        v2_error(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limit_error",
            "rate_limited",
            message,
            None,
        )
    } else {
        detail(StatusCode::TOO_MANY_REQUESTS, message)
    };
    resp.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(d.retry_after_secs()));
    resp
}

fn valid_webhook_url(s: &str) -> bool {
    url::Url::parse(s)
        .map(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        .unwrap_or(false)
}

/// Reads one required string field, recording a pydantic-style error.
fn required_str<'a>(body: &'a Value, field: &str, errors: &mut Vec<Value>) -> Option<&'a str> {
    match body.get(field) {
        None | Some(Value::Null) => {
            errors.push(invalid(&["body", field], "Field required", "missing"));
            None
        }
        Some(Value::String(s)) => Some(s),
        Some(_) => {
            errors.push(invalid(
                &["body", field],
                "Input should be a valid string",
                "string_type",
            ));
            None
        }
    }
}

async fn create_webhook(State(st): State<Arc<PlatformState>>, body: Bytes) -> Response {
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
    if !body.is_object() {
        return unprocessable(vec![invalid(
            &["body"],
            "Input should be a valid dictionary or object to extract fields from",
            "model_attributes_type",
        )]);
    }

    let mut errors = Vec::new();
    let posting_id = required_str(&body, "posting_id", &mut errors);
    let url = required_str(&body, "url", &mut errors);
    let event_type = required_str(&body, "event_type", &mut errors);
    let http_method = match body.get("http_method") {
        None | Some(Value::Null) => Some("post"),
        Some(Value::String(m)) if m == "get" || m == "post" => Some(m.as_str()),
        Some(_) => {
            errors.push(invalid(
                &["body", "http_method"],
                "Input should be 'get' or 'post'",
                "value_error",
            ));
            None
        }
    };
    if let Some(p) = posting_id {
        if !st.postings.iter().any(|x| x.posting_id == p) {
            errors.push(invalid(
                &["body", "posting_id"],
                format!("Value error, posting '{p}' does not exist"),
                "value_error",
            ));
        }
    }
    if let Some(u) = url {
        if !valid_webhook_url(u) {
            errors.push(invalid(
                &["body", "url"],
                "Value error, url must be an absolute http or https URL",
                "value_error",
            ));
        }
    }
    if let Some(e) = event_type {
        if !EVENT_TYPES.contains(&e) {
            errors.push(invalid(
                &["body", "event_type"],
                "Input should be 'interview_started', 'interview_completed' or 'report_available'",
                "value_error",
            ));
        }
    }
    let (Some(posting_id), Some(url), Some(event_type), Some(http_method), true) =
        (posting_id, url, event_type, http_method, errors.is_empty())
    else {
        return unprocessable(errors);
    };

    let now = now_unix_f64();
    let record = WebhookRecord {
        webhook_id: st.next_webhook_id(),
        posting_id: posting_id.to_owned(),
        url: url.to_owned(),
        event_type: event_type.to_owned(),
        http_method: http_method.to_owned(),
        is_active: true,
        created_at: now,
        updated_at: now,
    };
    st.webhooks().push(record.clone());
    json_response(StatusCode::OK, &record)
}

async fn fetch_webhook(
    State(st): State<Arc<PlatformState>>,
    Path(webhook_id): Path<String>,
) -> Response {
    match st.webhooks().iter().find(|w| w.webhook_id == webhook_id) {
        Some(w) => json_response(StatusCode::OK, w),
        None => detail(StatusCode::NOT_FOUND, "Webhook not found"),
    }
}

#[derive(Deserialize)]
struct AllQuery {
    posting_id: Option<String>,
    event_type: Option<String>,
}

async fn all_webhooks(State(st): State<Arc<PlatformState>>, Query(q): Query<AllQuery>) -> Response {
    if let Some(e) = q.event_type.as_deref() {
        if !EVENT_TYPES.contains(&e) {
            return unprocessable(vec![invalid(
                &["query", "event_type"],
                "Input should be 'interview_started', 'interview_completed' or 'report_available'",
                "value_error",
            )]);
        }
    }
    let hooks = st.webhooks();
    let matching: Vec<&WebhookRecord> = hooks
        .iter()
        .filter(|w| q.posting_id.as_deref().is_none_or(|p| w.posting_id == p))
        .filter(|w| q.event_type.as_deref().is_none_or(|e| w.event_type == e))
        .collect();
    json_response(StatusCode::OK, &matching)
}

async fn deactivate_webhook(
    State(st): State<Arc<PlatformState>>,
    Path(webhook_id): Path<String>,
) -> Response {
    let mut hooks = st.webhooks();
    match hooks.iter_mut().find(|w| w.webhook_id == webhook_id) {
        Some(w) => {
            w.is_active = false;
            // Strictly later than before even if the clock has not moved.
            w.updated_at = now_unix_f64().max(w.updated_at + 1e-6);
            json_response(StatusCode::OK, &*w)
        }
        None => detail(StatusCode::NOT_FOUND, "Webhook not found"),
    }
}

// Envelopes as structs (not `json!`) so records keep their field order.
#[derive(Serialize)]
struct ListEnvelope<'a, T> {
    data: Vec<&'a T>,
    pagination: Pagination,
}

#[derive(Serialize)]
struct Pagination {
    has_more: bool,
    total_count: usize,
    url: &'static str,
}

#[derive(Serialize)]
struct SingleEnvelope<'a, T> {
    data: &'a T,
    meta: Value,
}

/// Query values are taken as strings so a bad `limit` yields the pydantic
/// error body rather than axum's plain-text rejection.
#[derive(Deserialize)]
struct ListQuery {
    limit: Option<String>,
    starting_after: Option<String>,
}

async fn list_postings(
    State(st): State<Arc<PlatformState>>,
    Query(q): Query<ListQuery>,
) -> Response {
    let limit = match q.limit.as_deref() {
        None => 20,
        Some(raw) => match raw.trim().parse::<i64>() {
            Err(_) => {
                return unprocessable(vec![invalid(
                    &["query", "limit"],
                    "Input should be a valid integer, unable to parse string as an integer",
                    "int_parsing",
                )])
            }
            Ok(n) if n < 1 => {
                return unprocessable(vec![invalid(
                    &["query", "limit"],
                    "Input should be greater than or equal to 1",
                    "greater_than_equal",
                )])
            }
            Ok(n) if n > 100 => {
                return unprocessable(vec![invalid(
                    &["query", "limit"],
                    "Input should be less than or equal to 100",
                    "less_than_equal",
                )])
            }
            Ok(n) => n as usize,
        },
    };
    let start = match q.starting_after.as_deref() {
        None | Some("") => 0,
        Some(cursor) => match st.postings.iter().position(|p| p.posting_id == cursor) {
            Some(i) => i + 1,
            None => {
                return v2_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request_error",
                    "resource_missing",
                    &format!("No such posting: '{cursor}'"),
                    Some("starting_after"),
                )
            }
        },
    };
    let total = st.postings.len();
    let page: Vec<&Posting> = st.postings.iter().skip(start).take(limit).collect();
    let has_more = start + page.len() < total;
    json_response(
        StatusCode::OK,
        &ListEnvelope {
            data: page,
            pagination: Pagination {
                has_more,
                total_count: total,
                url: "/api/v2/postings",
            },
        },
    )
}

async fn get_posting(
    State(st): State<Arc<PlatformState>>,
    Path(posting_id): Path<String>,
) -> Response {
    match st.postings.iter().find(|p| p.posting_id == posting_id) {
        Some(p) => json_response(
            StatusCode::OK,
            &SingleEnvelope {
                data: p,
                meta: json!({}),
            },
        ),
        None => v2_error(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            "resource_missing",
            &format!("No such posting: '{posting_id}'"),
            Some("posting_id"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_escaping() {
        assert_eq!(
            slugify("Account Executive, Mid-Market"),
            "account-executive-mid-market"
        );
        assert_eq!(slugify("FP&A Analyst"), "fp-a-analyst");
        assert!(describe("FP&A Analyst", "Finance", "London").contains("FP&amp;A Analyst"));
    }

    #[test]
    fn webhook_url_validation() {
        assert!(valid_webhook_url("https://example.com/hook"));
        assert!(valid_webhook_url("http://127.0.0.1:9000/h?x=1"));
        assert!(!valid_webhook_url("ftp://example.com/hook"));
        assert!(!valid_webhook_url("/relative/path"));
        assert!(!valid_webhook_url("not a url"));
    }
}
