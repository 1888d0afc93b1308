//! Lever API v1 emulator.
//!
//! Layout: `model` (the account and its generation), `render` (Lever JSON
//! shapes), `api` (the `/v1` routes), `ops` (changes shared by the API and
//! the control surface, with the webhooks they fire), `webhooks` (signed
//! deliveries with retries), `control` (the `/_sandbox/lever` routes and the
//! Rust API on [`crate::SandboxControl`]), `limiter` (token bucket), this
//! module (state, auth, scopes, faults, errors).
//!
//! Choices where Lever's public documentation is silent (documented for the
//! client and its tests):
//! - Error bodies are `{"code": "<Name>Error", "message": "..."}` with codes
//!   `BadRequestError` (400), `UnauthorizedError` (401), `ForbiddenError`
//!   (403), `ResourceNotFoundError` (404), `RequestEntityTooLargeError`
//!   (413), `TooManyRequestsError` (429, with `Retry-After` in seconds),
//!   `InternalServerError` / `ServiceUnavailableError` (5xx).
//! - `perform_as` missing or naming no user: 400; naming a deactivated
//!   user: 403.
//! - A write scope also grants reading the same entity.
//! - `updated_at_start` is inclusive, `updated_at_end` exclusive.
//! - Lists are in creation order; `next` is an opaque token naming the last
//!   record served, so it stays valid while records change or are deleted.
//!   `next` is absent on the last page.

mod api;
mod control;
mod limiter;
mod model;
mod ops;
mod render;
mod webhooks;

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine;
use serde::Serialize;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::data::Sizes;
use crate::oauth::{BearerError, OAuthServer, OAuthServerConfig};
use crate::rng::mix;

pub use control::{LeverControlError, LeverNewOpportunity};
pub use webhooks::{LeverDelivery, LEVER_EVENTS};

pub(crate) use model::LeverData;

/// Lever's requests-per-second policy: a token bucket per credential.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeverRateLimit {
    /// Steady rate (tokens added per second).
    pub per_second: f64,
    /// Bucket size: how many requests an idle client may send at once.
    pub burst: u32,
}

/// Lever-specific knobs of [`crate::SandboxConfig`].
#[derive(Debug, Clone)]
pub struct LeverConfig {
    /// `None` never answers 429.
    pub rate_limit: Option<LeverRateLimit>,
    /// Largest file `POST /opportunities/{id}/files` accepts (Lever: 30 MB).
    pub max_file_bytes: usize,
    /// Waits between webhook delivery attempts; one attempt more than
    /// entries. Only a 2xx ends the retries.
    pub webhook_retry_delays: Vec<Duration>,
    pub webhook_timeout: Duration,
}

impl Default for LeverConfig {
    fn default() -> Self {
        Self {
            rate_limit: Some(LeverRateLimit {
                per_second: 10.0,
                burst: 20,
            }),
            max_file_bytes: 30 * 1024 * 1024,
            webhook_retry_delays: vec![
                Duration::from_secs(1),
                Duration::from_secs(5),
                Duration::from_secs(30),
            ],
            webhook_timeout: Duration::from_secs(5),
        }
    }
}

/// A misbehaviour to play on the next requests (see
/// [`crate::SandboxControl::lever_inject`]).
#[derive(Debug, Clone, PartialEq)]
pub enum LeverFault {
    /// Answer this status (e.g. 500, 503) with a Lever error body.
    Status(u16),
    /// Process the request, then hold the response this long: a write that
    /// happened but whose answer the client may never see.
    Hang(Duration),
    /// 429 with this `Retry-After`, whatever the bucket says.
    RateLimited { retry_after_secs: u64 },
    /// A 200 whose JSON body is cut in half.
    Malformed,
}

/// One accepted API write, as the write log keeps it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LeverWrite {
    pub seq: u64,
    pub at: i64,
    /// `POST /v1/opportunities/{id}/notes` etc. (the path with real ids).
    pub endpoint: String,
    pub opportunity_id: String,
    pub perform_as: String,
    /// note, file, stage, opportunity.
    pub kind: String,
    /// The note text, file name and size, new stage id, or created name.
    pub detail: serde_json::Value,
}

/// What a request authenticated as.
#[derive(Clone)]
pub(crate) struct Principal {
    /// Rate-limit bucket key.
    pub key: String,
    /// `None`: everything (a full-access API key).
    pub scopes: Option<Vec<String>>,
}

impl Principal {
    fn allows(&self, scope: &str) -> bool {
        let Some(scopes) = &self.scopes else {
            return true;
        };
        let write = scope.replace(":read:", ":write:");
        scopes.iter().any(|s| s == scope || *s == write)
    }
}

pub(crate) struct LeverState {
    pub data: RwLock<LeverData>,
    pub limiter: limiter::TokenBucket,
    pub requests: AtomicU64,
    pub fault: Mutex<Option<(LeverFault, u32)>>,
    /// Like `fault`, for writes only (any method but `GET`): reads pass
    /// untouched while it waits for the next write.
    pub write_fault: Mutex<Option<(LeverFault, u32)>>,
    pub api_key: String,
    pub read_only_key: String,
    pub origin: String,
    pub clock: AtomicI64,
    pub config: LeverConfig,
    pub writes: Mutex<Vec<LeverWrite>>,
    pub hooks: webhooks::Hooks,
    pub http: reqwest::Client,
    pub runtime: tokio::runtime::Handle,
    pub stopped: watch::Receiver<bool>,
    pub oauth: Arc<OAuthServer>,
}

/// The `audience` Lever requires on authorize and token requests (the
/// trailing slash matters).
pub const LEVER_AUDIENCE: &str = "https://api.lever.co/v1/";
pub(crate) const AUTHORIZE_PATH: &str = "/oauth/authorize";
pub(crate) const TOKEN_PATH: &str = "/oauth/token";

/// Every scope the emulator knows: `<entity>:<read|write>:admin` for the
/// entities it serves, plus `offline_access`.
pub const LEVER_SCOPES: &[&str] = &[
    "opportunities:read:admin",
    "opportunities:write:admin",
    "postings:read:admin",
    "postings:write:admin",
    "stages:read:admin",
    "users:read:admin",
    "users:write:admin",
    "archive_reasons:read:admin",
    "notes:read:admin",
    "notes:write:admin",
    "files:read:admin",
    "files:write:admin",
    "webhooks:read:admin",
    "webhooks:write:admin",
    "offline_access",
];

fn oauth_config(seed: u64, data: &LeverData) -> OAuthServerConfig {
    let mut c = OAuthServerConfig::new(
        "Lever",
        format!("lever-sandbox-{:012x}", mix(seed ^ 0x0A17) >> 16),
    );
    c.client_secret = Some(key(seed, 3));
    c.audience = Some(LEVER_AUDIENCE.to_owned());
    c.offline_scope = Some("offline_access".to_owned());
    c.access_ttl = Duration::from_secs(3600);
    c.refresh_ttl = None;
    c.rotate_refresh = true;
    let first = data.perform_as_user();
    c.subjects = std::iter::once((first.id.clone(), first.name.clone()))
        .chain(
            data.users
                .iter()
                .filter(|u| u.deactivated_at.is_none() && u.id != first.id)
                .map(|u| (u.id.clone(), u.name.clone())),
        )
        .collect();
    c.known_scopes = Some(LEVER_SCOPES.iter().map(|s| (*s).to_owned()).collect());
    c
}

pub(crate) struct LeverSetup {
    pub seed: u64,
    pub config: LeverConfig,
    pub origin: String,
    pub stopped: watch::Receiver<bool>,
}

/// Generates the account on a blocking thread (CPU-bound), so it can run
/// while the rest of the sandbox is set up.
pub(crate) fn spawn_generation(seed: u64, sizes: Sizes) -> JoinHandle<LeverData> {
    tokio::task::spawn_blocking(move || LeverData::generate(seed, &sizes))
}

impl LeverState {
    pub(crate) async fn start(
        setup: LeverSetup,
        generation: JoinHandle<LeverData>,
    ) -> Result<Arc<LeverState>, crate::SandboxError> {
        let seed = setup.seed;
        let data = generation
            .await
            .map_err(|e| crate::SandboxError::Generation(e.to_string()))?;
        let http = reqwest::Client::builder()
            .timeout(setup.config.webhook_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent("Lever-Webhooks (reqlink-sandbox)")
            .build()
            .map_err(|e| crate::SandboxError::Delivery(e.to_string()))?;
        let oauth = OAuthServer::new(oauth_config(seed, &data));
        Ok(Arc::new(LeverState {
            oauth,
            data: RwLock::new(data),
            limiter: limiter::TokenBucket::new(setup.config.rate_limit),
            requests: AtomicU64::new(0),
            fault: Mutex::new(None),
            write_fault: Mutex::new(None),
            api_key: key(seed, 1),
            read_only_key: key(seed, 2),
            origin: setup.origin,
            clock: AtomicI64::new(0),
            hooks: webhooks::Hooks::new(seed),
            config: setup.config,
            writes: Mutex::new(Vec::new()),
            http,
            runtime: tokio::runtime::Handle::current(),
            stopped: setup.stopped,
        }))
    }

    pub(crate) fn read(&self) -> RwLockReadGuard<'_, LeverData> {
        self.data.read().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn write(&self) -> RwLockWriteGuard<'_, LeverData> {
        self.data.write().unwrap_or_else(|e| e.into_inner())
    }

    /// "Now" for edits: wall-clock, but after all generated data and
    /// strictly increasing, so `updated_at_start` = newest seen always
    /// catches the next change.
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

    /// The fault this request plays: a write-only fault first for a
    /// write, else the fault for any request.
    fn take_fault(&self, write: bool) -> Option<LeverFault> {
        if write {
            if let Some(fault) = take_from(&self.write_fault) {
                return Some(fault);
            }
        }
        take_from(&self.fault)
    }

    pub(crate) fn log_write(&self, mut w: LeverWrite) {
        let mut writes = self.writes.lock().unwrap_or_else(|e| e.into_inner());
        w.seq = writes.len() as u64 + 1;
        writes.push(w);
    }
}

fn take_from(slot: &Mutex<Option<(LeverFault, u32)>>) -> Option<LeverFault> {
    let mut f = slot.lock().unwrap_or_else(|e| e.into_inner());
    let (fault, left) = f.as_mut()?;
    let fault = fault.clone();
    *left -= 1;
    if *left == 0 {
        *f = None;
    }
    Some(fault)
}

/// Lever API keys are opaque 40-character strings.
fn key(seed: u64, n: u64) -> String {
    let a = mix(seed ^ 0x4C65_7665_724B_6579 ^ n);
    let b = mix(a ^ n);
    let c = mix(b);
    format!("{a:016x}{b:016x}{:08x}", c >> 32)
}

pub(crate) fn router(state: Arc<LeverState>) -> Router {
    let api = api::routes(&state)
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state.clone());
    api.merge(state.oauth.router(AUTHORIZE_PATH, TOKEN_PATH))
        .merge(state.oauth.control_router("/_sandbox/lever/oauth"))
        .merge(control::routes().with_state(state))
}

/// Lever-style errors.
#[derive(Debug)]
pub(crate) enum LeverError {
    BadRequest(String),
    Unauthorized(&'static str),
    /// A bearer token the OAuth server refused.
    BadToken(BearerError),
    Forbidden(String),
    NotFound(String),
    TooLarge(String),
    TooManyRequests(u64),
    Status(u16),
}

impl LeverError {
    pub(crate) fn bad(message: impl Into<String>) -> Self {
        LeverError::BadRequest(message.into())
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    code: &'a str,
    message: &'a str,
}

pub(crate) fn json_response(status: StatusCode, body: &serde_json::Value) -> Response {
    let mut resp = Response::new(Body::from(
        serde_json::to_vec(body).expect("JSON values always serialise"),
    ));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    resp
}

impl IntoResponse for LeverError {
    fn into_response(self) -> Response {
        let (status, code, message, retry) = match &self {
            LeverError::BadRequest(m) => {
                (StatusCode::BAD_REQUEST, "BadRequestError", m.clone(), None)
            }
            LeverError::Unauthorized(m) => (
                StatusCode::UNAUTHORIZED,
                "UnauthorizedError",
                (*m).to_owned(),
                None,
            ),
            LeverError::BadToken(e) => (
                StatusCode::UNAUTHORIZED,
                "UnauthorizedError",
                format!("Invalid access token: {e}"),
                None,
            ),
            LeverError::Forbidden(m) => (StatusCode::FORBIDDEN, "ForbiddenError", m.clone(), None),
            LeverError::NotFound(m) => (
                StatusCode::NOT_FOUND,
                "ResourceNotFoundError",
                m.clone(),
                None,
            ),
            LeverError::TooLarge(m) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "RequestEntityTooLargeError",
                m.clone(),
                None,
            ),
            LeverError::TooManyRequests(secs) => (
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequestsError",
                "Rate limit exceeded. Please slow down and retry after the time in Retry-After."
                    .to_owned(),
                Some(*secs),
            ),
            LeverError::Status(s) => {
                let status = StatusCode::from_u16(*s).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                let code = if status == StatusCode::SERVICE_UNAVAILABLE {
                    "ServiceUnavailableError"
                } else {
                    "InternalServerError"
                };
                (
                    status,
                    code,
                    status
                        .canonical_reason()
                        .unwrap_or("Server error")
                        .to_owned(),
                    None,
                )
            }
        };
        let body = serde_json::to_value(ErrorBody {
            code,
            message: &message,
        })
        .expect("error body serialises");
        let mut resp = json_response(status, &body);
        if let LeverError::BadToken(e) = &self {
            if let Ok(v) = HeaderValue::from_str(&e.www_authenticate("Lever")) {
                resp.headers_mut().insert(header::WWW_AUTHENTICATE, v);
            }
        }
        if let Some(secs) = retry {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
        }
        resp
    }
}

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
    Some(
        decoded
            .split_once(':')
            .map_or(decoded.clone(), |(u, _)| u.to_owned()),
    )
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn authenticate(st: &LeverState, headers: &HeaderMap) -> Result<Principal, LeverError> {
    if let Some(user) = basic_username(headers) {
        return if user == st.api_key {
            Ok(Principal {
                key: user,
                scopes: None,
            })
        } else if user == st.read_only_key {
            Ok(Principal {
                key: user,
                scopes: Some(api::READ_SCOPES.iter().map(|s| (*s).to_owned()).collect()),
            })
        } else {
            Err(LeverError::Unauthorized("Invalid API key"))
        };
    }
    if bearer(headers).is_some() {
        let value = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let grant = st.oauth.check_bearer(value).map_err(LeverError::BadToken)?;
        return Ok(Principal {
            key: format!(
                "oauth:{}:{}",
                grant.client_id,
                grant.subject.unwrap_or_default()
            ),
            scopes: Some(grant.scopes),
        });
    }
    Err(LeverError::Unauthorized(
        "Missing credentials: use Basic auth with the API key as user name, or a Bearer token",
    ))
}

/// Before every `/v1` route: counts, plays injected faults, authenticates,
/// rate-limits per credential and checks the route's OAuth scope.
async fn guard(State(st): State<Arc<LeverState>>, req: Request, next: Next) -> Response {
    st.requests.fetch_add(1, Ordering::Relaxed);
    let fault = st.take_fault(req.method() != axum::http::Method::GET);
    match fault {
        Some(LeverFault::Status(s)) => return LeverError::Status(s).into_response(),
        Some(LeverFault::RateLimited { retry_after_secs }) => {
            return LeverError::TooManyRequests(retry_after_secs).into_response()
        }
        _ => {}
    }
    let principal = match authenticate(&st, req.headers()) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    if let Err(wait) = st.limiter.take(&principal.key) {
        let secs = wait.as_millis().div_ceil(1000) as u64;
        return LeverError::TooManyRequests(secs.max(1)).into_response();
    }
    if let Some(scope) = api::required_scope(req.method(), req.uri().path()) {
        if !principal.allows(&scope) {
            return LeverError::Forbidden(format!(
                "The credentials lack the scope {scope} needed for this endpoint"
            ))
            .into_response();
        }
    }
    let resp = next.run(req).await;
    match fault {
        Some(LeverFault::Hang(d)) => {
            tokio::time::sleep(d).await;
            resp
        }
        Some(LeverFault::Malformed) => {
            let (parts, body) = resp.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            let cut = bytes.slice(..bytes.len() / 2);
            let mut resp = Response::from_parts(parts, Body::from(cut));
            resp.headers_mut().remove(header::CONTENT_LENGTH);
            *resp.status_mut() = StatusCode::OK;
            resp
        }
        _ => resp,
    }
}
