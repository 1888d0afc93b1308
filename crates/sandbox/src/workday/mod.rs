//! Workday Recruiting emulator: the tenant's OAuth token endpoint, the
//! recruiting REST API (requisitions, postings, candidates, job applications,
//! recruiting stages, notes, attachments, stage moves), workers, and the
//! sandbox control surface under `/_sandbox/workday`.
//!
//! Layout: `routes` (THE table of every path, confirmed or not, with how
//! writes name the acting worker), `api` (handlers), `render` (Workday JSON
//! shapes), `model` (the generated tenant), `auth` (token endpoint and bearer
//! check), `control` (operations shared by [`crate::SandboxControl`] and the
//! `/_sandbox/workday` HTTP surface).
//!
//! Quirks reproduced: 401 with a Workday-style body on a missing, invalid or
//! expired bearer; 404 for a wrong tenant; `limit` capped at 100 (400 above);
//! a modest fixed-window rate limit answering 429 with `Retry-After`.

mod api;
mod auth;
pub(crate) mod control;
mod handle;
mod model;
mod render;
pub mod routes;

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::data::Sizes;
use crate::oauth::BearerError;
use crate::ratelimit::Limiter;
use crate::RateLimit;

pub(crate) use auth::Auth;
pub(crate) use model::Tenant;

/// Workday settings of [`crate::SandboxConfig`].
#[derive(Debug, Clone)]
pub struct WorkdayConfig {
    /// The tenant name in every path (`/ccx/api/recruiting/v4/{tenant}/…`).
    pub tenant: String,
    /// Fixed-window limit over all REST calls of the tenant; `None` never
    /// answers 429. Workday publishes no number, so the default (ten a
    /// second) is an assumption, kept modest so clients must pace themselves.
    pub rate_limit: Option<RateLimit>,
    /// Lifetime of access tokens from the token endpoint (Workday: 1 h).
    pub access_token_ttl: Duration,
    /// Issue a new refresh token with every refresh (and treat reuse of an
    /// old one as theft). Off, as Workday's ISU tokens do not rotate; tests
    /// turn it on to prove the newest token is always the one kept.
    pub rotate_refresh_tokens: bool,
}

impl Default for WorkdayConfig {
    fn default() -> Self {
        Self {
            tenant: "brightwave1".into(),
            rate_limit: Some(RateLimit {
                limit: 10,
                window: Duration::from_secs(1),
            }),
            access_token_ttl: Duration::from_secs(3600),
            rotate_refresh_tokens: false,
        }
    }
}

/// A failure injected into the next REST requests (token endpoint and
/// `/_sandbox` are never affected).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkdayFault {
    /// Answer this 5xx status with a Workday-style error body.
    ServerError(u16),
    /// Handle the request (a write does happen) but hold the response back
    /// this long: what a client sees as a timeout.
    Hang(Duration),
    /// 429 with this `Retry-After`.
    RateLimited { retry_after_secs: u64 },
    /// 200 with a truncated JSON body.
    MalformedJson,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkdayWriteKind {
    Note,
    Attachment,
    StageMove,
}

impl WorkdayWriteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkdayWriteKind::Note => "note",
            WorkdayWriteKind::Attachment => "attachment",
            WorkdayWriteKind::StageMove => "stage_move",
        }
    }
}

/// One write an integration made through the REST API, in arrival order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkdayWrite {
    pub seq: u64,
    pub kind: WorkdayWriteKind,
    /// WID of the acting worker the request named.
    pub worker_id: String,
    pub candidate_id: String,
    pub application_id: Option<String>,
    /// WID of the created note or attachment.
    pub record_id: Option<String>,
    /// The note text, the attachment file name, or the target stage name.
    pub detail: String,
    /// ISO 8601, server clock.
    pub at: String,
}

/// An attachment as stored (bytes exactly as uploaded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkdayAttachment {
    pub id: String,
    pub candidate_id: String,
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

pub(crate) struct WdState {
    pub tenant: String,
    /// `http://127.0.0.1:PORT`: stands in for `https://{host}` in `href`s.
    pub origin: String,
    data: RwLock<Tenant>,
    pub auth: Auth,
    pub limiter: Limiter,
    faults: Mutex<(u32, Option<WorkdayFault>)>,
    pub requests: AtomicU64,
    writes: Mutex<Vec<WorkdayWrite>>,
    clock: AtomicI64,
}

impl WdState {
    pub(crate) fn new(seed: u64, sizes: &Sizes, config: &WorkdayConfig, origin: String) -> Self {
        let tenant = Tenant::generate(seed, sizes);
        Self {
            tenant: config.tenant.clone(),
            origin,
            auth: Auth::new(seed, config, &tenant),
            data: RwLock::new(tenant),
            limiter: Limiter::new(config.rate_limit),
            faults: Mutex::new((0, None)),
            requests: AtomicU64::new(0),
            writes: Mutex::new(Vec::new()),
            clock: AtomicI64::new(0),
        }
    }

    pub(crate) fn read(&self) -> RwLockReadGuard<'_, Tenant> {
        self.data.read().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn write(&self) -> RwLockWriteGuard<'_, Tenant> {
        self.data.write().unwrap_or_else(|e| e.into_inner())
    }

    /// "Now" for edits: never before the generated data and strictly
    /// increasing, so an updated-since sync always sees the change.
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

    pub(crate) fn set_faults(&self, n: u32, fault: WorkdayFault) {
        *self.faults.lock().unwrap_or_else(|e| e.into_inner()) = (n, Some(fault));
    }

    fn take_fault(&self) -> Option<WorkdayFault> {
        let mut f = self.faults.lock().unwrap_or_else(|e| e.into_inner());
        if f.0 == 0 {
            return None;
        }
        f.0 -= 1;
        f.1
    }

    pub(crate) fn log_write(&self, mut w: WorkdayWrite) {
        let mut log = self.writes.lock().unwrap_or_else(|e| e.into_inner());
        w.seq = log.len() as u64 + 1;
        log.push(w);
    }

    pub(crate) fn writes(&self) -> Vec<WorkdayWrite> {
        self.writes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub(crate) fn recruiting_base(&self) -> String {
        format!("{}/ccx/api/recruiting/v4/{}", self.origin, self.tenant)
    }
}

pub(crate) fn router(state: Arc<WdState>) -> axum::Router {
    routes::router(state)
}

/// Errors with Workday-style bodies: `{"error": summary, "errors": [{"error",
/// "field"?}]}` (the REST API's validation shape; unconfirmed for 401/404).
#[derive(Debug)]
pub(crate) enum WdError {
    NotFound,
    BadRequest {
        field: Option<&'static str>,
        message: String,
    },
    Unauthorized(BearerError),
    RateLimited {
        retry_after_secs: u64,
    },
    Server(StatusCode),
}

impl WdError {
    pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        WdError::BadRequest {
            field: Some(field),
            message: message.into(),
        }
    }
}

impl IntoResponse for WdError {
    fn into_response(self) -> Response {
        match self {
            WdError::NotFound => error_body(
                StatusCode::NOT_FOUND,
                "Resource not found",
                json!([{ "error": "The resource or tenant does not exist" }]),
            ),
            WdError::BadRequest { field, message } => {
                let mut detail = json!({ "error": message });
                if let Some(f) = field {
                    detail["field"] = json!(f);
                }
                error_body(
                    StatusCode::BAD_REQUEST,
                    &format!("invalid request: {message}"),
                    json!([detail]),
                )
            }
            WdError::Unauthorized(why) => {
                let mut resp = error_body(
                    StatusCode::UNAUTHORIZED,
                    "invalid_token",
                    json!([{ "error": format!("Invalid request: {why}") }]),
                );
                if let Ok(v) = HeaderValue::from_str(&why.www_authenticate("Workday")) {
                    resp.headers_mut().insert(header::WWW_AUTHENTICATE, v);
                }
                resp
            }
            WdError::RateLimited { retry_after_secs } => {
                let mut resp = error_body(
                    StatusCode::TOO_MANY_REQUESTS,
                    "Too many requests",
                    json!([{ "error": "Rate limit exceeded; retry after the given delay" }]),
                );
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
                resp
            }
            WdError::Server(status) => error_body(
                status,
                status.canonical_reason().unwrap_or("Server error"),
                json!([{ "error": "An unexpected error occurred; try again later" }]),
            ),
        }
    }
}

fn error_body(status: StatusCode, summary: &str, errors: serde_json::Value) -> Response {
    (
        status,
        axum::Json(json!({ "error": summary, "errors": errors })),
    )
        .into_response()
}

/// Runs after routing on every REST route: counts the request, applies an
/// injected fault, the tenant check (404), the rate limit (429) and the
/// bearer check (401), in that order.
pub(crate) async fn guard(
    State(st): State<Arc<WdState>>,
    Path(params): Path<HashMap<String, String>>,
    req: Request,
    next: Next,
) -> Response {
    st.requests.fetch_add(1, Ordering::Relaxed);
    let fault = st.take_fault();
    match fault {
        Some(WorkdayFault::ServerError(status)) => {
            let status = StatusCode::from_u16(status)
                .ok()
                .filter(|s| s.is_server_error())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return WdError::Server(status).into_response();
        }
        Some(WorkdayFault::RateLimited { retry_after_secs }) => {
            return WdError::RateLimited { retry_after_secs }.into_response();
        }
        _ => {}
    }
    if params.get("tenant") != Some(&st.tenant) {
        return WdError::NotFound.into_response();
    }
    let decision = st.limiter.check(&st.tenant);
    if !decision.allowed {
        return WdError::RateLimited {
            retry_after_secs: decision.retry_after_secs(),
        }
        .into_response();
    }
    let authorization = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if let Err(why) = st.auth.server.check_bearer(authorization) {
        return WdError::Unauthorized(why).into_response();
    }
    let resp = next.run(req).await;
    match fault {
        Some(WorkdayFault::Hang(d)) => {
            tokio::time::sleep(d).await;
            resp
        }
        Some(WorkdayFault::MalformedJson) => {
            let mut truncated = Response::new(Body::from("{\"total\": 3, \"data\": [{\"id\": \""));
            *truncated.status_mut() = StatusCode::OK;
            truncated.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json;charset=UTF-8"),
            );
            truncated
        }
        _ => resp,
    }
}

/// Generates the tenant off the async workers (large tenants take a moment).
pub(crate) async fn spawn_state(
    seed: u64,
    sizes: &Sizes,
    config: &WorkdayConfig,
    origin: String,
) -> Result<Arc<WdState>, crate::SandboxError> {
    let tenant_ok = !config.tenant.is_empty()
        && config
            .tenant
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !tenant_ok {
        return Err(crate::SandboxError::InvalidConfig(
            "workday.tenant must be non-empty letters, digits, '_' or '-'".into(),
        ));
    }
    if config.access_token_ttl.is_zero() {
        return Err(crate::SandboxError::InvalidConfig(
            "workday.access_token_ttl must be positive".into(),
        ));
    }
    if config
        .rate_limit
        .is_some_and(|rl| rl.limit == 0 || rl.window.is_zero())
    {
        return Err(crate::SandboxError::InvalidConfig(
            "workday.rate_limit needs a positive limit and window".into(),
        ));
    }
    let sizes = Sizes {
        jobs: sizes.jobs,
        candidates: sizes.candidates,
        applications: sizes.applications,
        users: sizes.users,
    };
    let config = config.clone();
    tokio::task::spawn_blocking(move || Arc::new(WdState::new(seed, &sizes, &config, origin)))
        .await
        .map_err(|e| crate::SandboxError::Generation(e.to_string()))
}

/// The OAuth endpoints answer 404 for another tenant, like the REST API.
pub(crate) async fn tenant_only(
    State(st): State<Arc<WdState>>,
    Path(params): Path<HashMap<String, String>>,
    req: Request,
    next: Next,
) -> Response {
    if params.get("tenant") != Some(&st.tenant) {
        return WdError::NotFound.into_response();
    }
    next.run(req).await
}
