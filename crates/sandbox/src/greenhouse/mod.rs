//! Greenhouse Harvest API v1 emulator (read endpoints).
//!
//! Layout: `paging` (page/per_page and Link), `render` (hand-written JSON
//! for the high-volume candidates and applications), `json` (serde shapes for
//! the rest), this module (state, auth/rate-limit/fault middleware, routes).
//! Writes
//! (move/advance, notes, attachments, candidate creation) slot in as more
//! routes on the same state: handlers take the data write lock and append,
//! which keeps the id-sorted invariant described in `data`.

mod json;
mod paging;
mod render;

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard};

use axum::body::Body;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::Engine;
use serde::Serialize;

use crate::clock::parse_iso_ms;
use crate::data::{AppStatus, Data, JobStatus};
use crate::ratelimit::{Decision, Limiter};
use json::{JobView, StageView, UserView};
use paging::{link_header, select, Paging, QueryParams};

/// Harvest caps `candidate_ids` at 50 per request.
const MAX_CANDIDATE_IDS: usize = 50;

pub(crate) struct GhState {
    pub data: RwLock<Data>,
    pub limiter: Limiter,
    pub requests: AtomicU64,
    pub faults: Mutex<Fault>,
    pub api_key: String,
    /// `http://127.0.0.1:PORT`, used for absolute Link URLs.
    pub origin: String,
    /// Last timestamp handed out by `tick`.
    pub clock: AtomicI64,
}

#[derive(Default)]
pub(crate) struct Fault {
    pub remaining: u32,
    pub status: u16,
}

impl GhState {
    pub(crate) fn read(&self) -> RwLockReadGuard<'_, Data> {
        // A panic while holding the lock cannot leave `Data` half-edited in a
        // way that matters to an emulator; keep serving.
        self.data.read().unwrap_or_else(|e| e.into_inner())
    }

    /// "Now" for edits: wall-clock time, but never before the generated data
    /// and strictly increasing, so an edit is always seen by an incremental
    /// sync (`updated_after` = the newest timestamp seen so far) even on a
    /// machine whose clock is behind the data's anchor.
    pub(crate) fn tick(&self) -> i64 {
        let wall = crate::clock::now_ms().max(crate::clock::ANCHOR_MS + 1);
        let prev = self
            .clock
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| {
                Some(wall.max(last + 1))
            })
            .unwrap_or_else(|last| last);
        wall.max(prev + 1)
    }

    fn take_fault(&self) -> Option<u16> {
        let mut f = self.faults.lock().unwrap_or_else(|e| e.into_inner());
        if f.remaining == 0 {
            return None;
        }
        f.remaining -= 1;
        Some(f.status)
    }
}

pub(crate) fn router(state: Arc<GhState>) -> Router {
    Router::new()
        .route("/v1/jobs", get(list_jobs))
        .route("/v1/jobs/{id}", get(get_job))
        .route("/v1/jobs/{id}/stages", get(job_stages))
        .route("/v1/candidates", get(list_candidates))
        .route("/v1/candidates/{id}", get(get_candidate))
        .route("/v1/applications", get(list_applications))
        .route("/v1/applications/{id}", get(get_application))
        .route("/v1/users", get(list_users))
        .route("/v1/users/{id}", get(get_user))
        .fallback(|| async { GhError::NotFound })
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// Errors with Harvest's bodies.
#[derive(Debug)]
pub(crate) enum GhError {
    Unauthorized,
    NotFound,
    Validation {
        field: &'static str,
        message: String,
    },
}

impl GhError {
    pub(crate) fn validation(field: &'static str, message: impl Into<String>) -> Self {
        GhError::Validation {
            field,
            message: message.into(),
        }
    }
}

#[derive(Serialize)]
struct MessageBody<'a> {
    message: &'a str,
}

#[derive(Serialize)]
struct FieldError<'a> {
    message: &'a str,
    field: &'a str,
}

#[derive(Serialize)]
struct ValidationBody<'a> {
    message: &'a str,
    errors: [FieldError<'a>; 1],
}

impl IntoResponse for GhError {
    fn into_response(self) -> Response {
        match self {
            GhError::Unauthorized => {
                message_response(StatusCode::UNAUTHORIZED, "Invalid Basic Auth credentials")
            }
            GhError::NotFound => message_response(StatusCode::NOT_FOUND, "Resource not found"),
            GhError::Validation { field, message } => json_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                to_json(&ValidationBody {
                    message: "Validation error",
                    errors: [FieldError {
                        message: &message,
                        field,
                    }],
                }),
                None,
            ),
        }
    }
}

fn message_response(status: StatusCode, message: &str) -> Response {
    json_response(status, to_json(&MessageBody { message }), None)
}

fn to_json<T: Serialize + ?Sized>(v: &T) -> Vec<u8> {
    // Serialising our own view types cannot fail (no maps with non-string
    // keys, no failing Serialize impls).
    serde_json::to_vec(v).expect("view types always serialise")
}

fn json_response(status: StatusCode, body: Vec<u8>, link: Option<String>) -> Response {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    if let Some(link) = link.and_then(|l| HeaderValue::from_str(&l).ok()) {
        resp.headers_mut().insert(header::LINK, link);
    }
    resp
}

/// The Basic-auth username (the Harvest key), if the header is well formed.
fn basic_username(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let user = decoded.split_once(':').map_or(decoded.as_str(), |(u, _)| u);
    Some(user.to_owned())
}

/// Runs before every route: counts the request, applies the rate limit,
/// injected faults and authentication, and stamps the rate-limit headers on
/// whatever comes back (Greenhouse sends them on errors too).
async fn guard(State(st): State<Arc<GhState>>, req: Request, next: Next) -> Response {
    st.requests.fetch_add(1, Ordering::Relaxed);
    let user = basic_username(req.headers());
    let decision = st.limiter.check(user.as_deref().unwrap_or(""));

    // An injected fault wins over everything: tests ask for "the next n
    // requests fail" and must get exactly that.
    let mut resp = if let Some(status) = st.take_fault() {
        injected_fault(status)
    } else if !decision.allowed {
        too_many_requests(&decision)
    } else if user.as_deref() != Some(st.api_key.as_str()) {
        GhError::Unauthorized.into_response()
    } else {
        next.run(req).await
    };

    let h = resp.headers_mut();
    h.insert("x-ratelimit-limit", HeaderValue::from(decision.limit));
    h.insert(
        "x-ratelimit-remaining",
        HeaderValue::from(decision.remaining),
    );
    resp
}

fn too_many_requests(d: &Decision) -> Response {
    let mut resp = message_response(
        StatusCode::TOO_MANY_REQUESTS,
        "You have exceeded the rate limit. Please wait and retry.",
    );
    let h = resp.headers_mut();
    h.insert(header::RETRY_AFTER, HeaderValue::from(d.retry_after_secs()));
    h.insert("x-ratelimit-reset", HeaderValue::from(d.reset_unix_secs()));
    resp
}

fn injected_fault(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let message = status.canonical_reason().unwrap_or("Server error");
    message_response(status, message)
}

fn parse_id(raw: &str) -> Result<u64, GhError> {
    raw.parse().map_err(|_| GhError::NotFound)
}

fn parse_ts(q: &QueryParams, field: &'static str) -> Result<Option<i64>, GhError> {
    match q.get(field) {
        None => Ok(None),
        Some(v) => parse_iso_ms(v).map(Some).ok_or_else(|| {
            GhError::validation(field, format!("{field} must be an ISO-8601 timestamp"))
        }),
    }
}

fn parse_u64(q: &QueryParams, field: &'static str) -> Result<Option<u64>, GhError> {
    match q.get(field) {
        None => Ok(None),
        Some(v) => v
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| GhError::validation(field, format!("{field} must be an integer"))),
    }
}

/// `x_after` (inclusive) / `x_before` (exclusive) pairs, as in Harvest.
#[derive(Clone, Copy, Default)]
struct TimeRange {
    after: Option<i64>,
    before: Option<i64>,
}

impl TimeRange {
    fn from_query(
        q: &QueryParams,
        after: &'static str,
        before: &'static str,
    ) -> Result<Self, GhError> {
        Ok(Self {
            after: parse_ts(q, after)?,
            before: parse_ts(q, before)?,
        })
    }

    fn is_set(&self) -> bool {
        self.after.is_some() || self.before.is_some()
    }

    fn contains(&self, t: i64) -> bool {
        self.after.is_none_or(|a| t >= a) && self.before.is_none_or(|b| t < b)
    }
}

/// Renders one page of a list endpoint: a JSON array plus the Link header.
fn list_response(
    st: &GhState,
    path: &str,
    q: &QueryParams,
    paging: &Paging,
    len: usize,
    filter: Option<&dyn Fn(usize) -> bool>,
    render: &dyn Fn(&mut String, usize),
) -> Response {
    let sel = select(len, paging, filter);
    let mut body = String::with_capacity(sel.indices.len() * 2048 + 2);
    body.push('[');
    for (k, &i) in sel.indices.iter().enumerate() {
        if k > 0 {
            body.push(',');
        }
        render(&mut body, i);
    }
    body.push(']');
    let link = link_header(&st.origin, path, q, paging, sel.total);
    json_response(StatusCode::OK, body.into_bytes(), link)
}

/// Appends a serde-rendered record (cold endpoints).
fn push_serde(out: &mut String, v: &impl Serialize) {
    out.push_str(&serde_json::to_string(v).expect("view types always serialise"));
}

fn rendered(render: impl FnOnce(&mut String)) -> Response {
    let mut out = String::with_capacity(4096);
    render(&mut out);
    json_response(StatusCode::OK, out.into_bytes(), None)
}

async fn list_jobs(State(st): State<Arc<GhState>>, RawQuery(raw): RawQuery) -> Response {
    let q = QueryParams::parse(raw.as_deref());
    let run = || -> Result<Response, GhError> {
        let paging = Paging::from_query(&q)?;
        let status = match q.get("status") {
            None => None,
            Some(s) => Some(JobStatus::parse(s).ok_or_else(|| {
                GhError::validation("status", "status must be one of open, closed, draft")
            })?),
        };
        let created = TimeRange::from_query(&q, "created_after", "created_before")?;
        let updated = TimeRange::from_query(&q, "updated_after", "updated_before")?;
        let department_id = parse_u64(&q, "department_id")?;
        let office_id = parse_u64(&q, "office_id")?;
        let requisition_id = q.get("requisition_id");

        let data = st.read();
        let d = &*data;
        let filtered = status.is_some()
            || created.is_set()
            || updated.is_set()
            || department_id.is_some()
            || office_id.is_some()
            || requisition_id.is_some();
        let keep = |i: usize| {
            let j = &d.jobs[i];
            status.is_none_or(|s| j.status == s)
                && created.contains(j.created_at)
                && updated.contains(j.updated_at)
                && department_id.is_none_or(|id| d.departments[j.department as usize].id == id)
                && office_id.is_none_or(|id| d.offices[j.office as usize].id == id)
                && requisition_id.is_none_or(|r| j.requisition_id == r)
        };
        Ok(list_response(
            &st,
            "/v1/jobs",
            &q,
            &paging,
            d.jobs.len(),
            filtered.then_some(&keep as &dyn Fn(usize) -> bool),
            &|out, i| push_serde(out, &JobView(d, &d.jobs[i])),
        ))
    };
    run().unwrap_or_else(IntoResponse::into_response)
}

async fn get_job(State(st): State<Arc<GhState>>, Path(id): Path<String>) -> Response {
    let run = || -> Result<Response, GhError> {
        let id = parse_id(&id)?;
        let data = st.read();
        let j = data.job_index(id).ok_or(GhError::NotFound)?;
        Ok(json_response(
            StatusCode::OK,
            to_json(&JobView(&data, &data.jobs[j])),
            None,
        ))
    };
    run().unwrap_or_else(IntoResponse::into_response)
}

/// Not paginated in Harvest: all stages of the job, in pipeline order.
async fn job_stages(State(st): State<Arc<GhState>>, Path(id): Path<String>) -> Response {
    let run = || -> Result<Response, GhError> {
        let id = parse_id(&id)?;
        let data = st.read();
        let j = &data.jobs[data.job_index(id).ok_or(GhError::NotFound)?];
        let views: Vec<StageView<'_>> = j.stages.iter().map(|s| StageView(&data, j, s)).collect();
        Ok(json_response(StatusCode::OK, to_json(&views), None))
    };
    run().unwrap_or_else(IntoResponse::into_response)
}

async fn list_candidates(State(st): State<Arc<GhState>>, RawQuery(raw): RawQuery) -> Response {
    let q = QueryParams::parse(raw.as_deref());
    let run = || -> Result<Response, GhError> {
        let paging = Paging::from_query(&q)?;
        let created = TimeRange::from_query(&q, "created_after", "created_before")?;
        let updated = TimeRange::from_query(&q, "updated_after", "updated_before")?;
        let job_id = parse_u64(&q, "job_id")?;
        let email = q.get("email").map(str::to_ascii_lowercase);
        let ids: Option<Vec<u64>> = match q.get("candidate_ids") {
            None => None,
            Some(list) => {
                let ids = list
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::parse::<u64>)
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|_| {
                        GhError::validation(
                            "candidate_ids",
                            "candidate_ids must be a comma separated list of integers",
                        )
                    })?;
                if ids.len() > MAX_CANDIDATE_IDS {
                    return Err(GhError::validation(
                        "candidate_ids",
                        format!("candidate_ids accepts at most {MAX_CANDIDATE_IDS} ids"),
                    ));
                }
                Some(ids)
            }
        };

        let data = st.read();
        let d = &*data;
        // An unknown job yields an empty list, not an error, as in Harvest.
        let job = job_id.map(|id| d.job_index(id).map(|i| i as u32));
        let filtered = created.is_set()
            || updated.is_set()
            || job.is_some()
            || email.is_some()
            || ids.is_some();
        let keep = |i: usize| {
            let c = &d.candidates[i];
            created.contains(c.created_at)
                && updated.contains(c.updated_at)
                && ids.as_ref().is_none_or(|ids| ids.contains(&c.id))
                && email.as_ref().is_none_or(|e| c.email == *e)
                && job.is_none_or(|j| {
                    j.is_some_and(|j| c.apps.iter().any(|&a| d.applications[a as usize].job == j))
                })
        };
        Ok(list_response(
            &st,
            "/v1/candidates",
            &q,
            &paging,
            d.candidates.len(),
            filtered.then_some(&keep as &dyn Fn(usize) -> bool),
            &|out, i| render::candidate(out, d, &d.candidates[i]),
        ))
    };
    run().unwrap_or_else(IntoResponse::into_response)
}

async fn get_candidate(State(st): State<Arc<GhState>>, Path(id): Path<String>) -> Response {
    let run = || -> Result<Response, GhError> {
        let id = parse_id(&id)?;
        let data = st.read();
        let c = data.candidate_index(id).ok_or(GhError::NotFound)?;
        Ok(rendered(|out| {
            render::candidate(out, &data, &data.candidates[c])
        }))
    };
    run().unwrap_or_else(IntoResponse::into_response)
}

async fn list_applications(State(st): State<Arc<GhState>>, RawQuery(raw): RawQuery) -> Response {
    let q = QueryParams::parse(raw.as_deref());
    let run = || -> Result<Response, GhError> {
        let paging = Paging::from_query(&q)?;
        let created = TimeRange::from_query(&q, "created_after", "created_before")?;
        let activity = TimeRange::from_query(&q, "last_activity_after", "last_activity_before")?;
        // Applications have no updated_at in Harvest; treat `updated_after`
        // as last activity, which is what moves when an application changes.
        let updated = TimeRange::from_query(&q, "updated_after", "updated_before")?;
        let job_id = parse_u64(&q, "job_id")?;
        let status = match q.get("status") {
            None => None,
            Some(s) => Some(AppStatus::parse(s).ok_or_else(|| {
                GhError::validation("status", "status must be one of active, rejected, hired")
            })?),
        };

        let data = st.read();
        let d = &*data;
        let job = job_id.map(|id| d.job_index(id).map(|i| i as u32));
        let filtered = created.is_set()
            || activity.is_set()
            || updated.is_set()
            || job.is_some()
            || status.is_some();
        let keep = |i: usize| {
            let a = &d.applications[i];
            created.contains(a.applied_at)
                && activity.contains(a.last_activity_at)
                && updated.contains(a.last_activity_at)
                && status.is_none_or(|s| a.status == s)
                && job.is_none_or(|j| j == Some(a.job))
        };
        Ok(list_response(
            &st,
            "/v1/applications",
            &q,
            &paging,
            d.applications.len(),
            filtered.then_some(&keep as &dyn Fn(usize) -> bool),
            &|out, i| render::application(out, d, &d.applications[i]),
        ))
    };
    run().unwrap_or_else(IntoResponse::into_response)
}

async fn get_application(State(st): State<Arc<GhState>>, Path(id): Path<String>) -> Response {
    let run = || -> Result<Response, GhError> {
        let id = parse_id(&id)?;
        let data = st.read();
        let a = data.application_index(id).ok_or(GhError::NotFound)?;
        Ok(rendered(|out| {
            render::application(out, &data, &data.applications[a])
        }))
    };
    run().unwrap_or_else(IntoResponse::into_response)
}

async fn list_users(State(st): State<Arc<GhState>>, RawQuery(raw): RawQuery) -> Response {
    let q = QueryParams::parse(raw.as_deref());
    let run = || -> Result<Response, GhError> {
        let paging = Paging::from_query(&q)?;
        let created = TimeRange::from_query(&q, "created_after", "created_before")?;
        let updated = TimeRange::from_query(&q, "updated_after", "updated_before")?;
        let email = q.get("email").map(str::to_ascii_lowercase);
        let data = st.read();
        let d = &*data;
        let filtered = created.is_set() || updated.is_set() || email.is_some();
        let keep = |i: usize| {
            let u = &d.users[i];
            created.contains(u.created_at)
                && updated.contains(u.updated_at)
                && email.as_ref().is_none_or(|e| u.email == *e)
        };
        Ok(list_response(
            &st,
            "/v1/users",
            &q,
            &paging,
            d.users.len(),
            filtered.then_some(&keep as &dyn Fn(usize) -> bool),
            &|out, i| push_serde(out, &UserView(&d.users[i])),
        ))
    };
    run().unwrap_or_else(IntoResponse::into_response)
}

async fn get_user(State(st): State<Arc<GhState>>, Path(id): Path<String>) -> Response {
    let run = || -> Result<Response, GhError> {
        let id = parse_id(&id)?;
        let data = st.read();
        let u = data
            .users
            .binary_search_by_key(&id, |u| u.id)
            .map_err(|_| GhError::NotFound)?;
        Ok(json_response(
            StatusCode::OK,
            to_json(&UserView(&data.users[u])),
            None,
        ))
    };
    run().unwrap_or_else(IntoResponse::into_response)
}
