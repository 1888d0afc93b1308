//! Greenhouse Harvest emulator: API v1 (Basic auth) reads and writes,
//! API v3 (OAuth bearer tokens, cursor paging) over the same data, signed
//! webhooks, and the `/_sandbox/greenhouse` control surface.
//!
//! Layout: `paging` (page/per_page and Link), `cursor` (v3 cursors),
//! `render` (hand-written JSON for the high-volume candidates and
//! applications), `json` (serde shapes for the rest), `writes` (notes,
//! attachments, stage moves, candidate/prospect creation, the write log),
//! `webhooks` (registrations, payloads, signed deliveries with retries),
//! `control` (the test/demo control surface), `v3`, and this module (state,
//! auth/rate-limit/fault middleware, read routes). Writes take the data
//! write lock and append, which keeps the id-sorted invariant described in
//! `data`.
//!
//! Choices where Greenhouse's behaviour is not documented (see also
//! `writes`): a write without `On-Behalf-Of` answers 403; an unknown user id
//! in it answers 404 `Resource not found` and a disabled user 403 `You do not
//! have access to that record`, as in recorded Harvest responses.

mod control;
mod cursor;
mod json;
mod paging;
mod render;
mod v3;
mod webhooks;
mod writes;

pub(crate) use control::rename_job;
pub use control::{CandidateUpdate, GreenhouseControlError};
pub(crate) use v3::{AUTHORIZE_PATH, TOKEN_PATH};
pub use webhooks::{GhDelivery, GhWebhook, SUPPORTED_ACTIONS};
pub use writes::{CreateLag, CreateTruncation, GhWrite, GhWriteKind, WriteFault};

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;
use serde::Serialize;
use tokio::sync::watch;

use crate::clock::parse_iso_ms;
use crate::data::{AppStatus, Data, JobStatus};
use crate::ratelimit::{Decision, Limiter};
use json::{JobView, StageView, UserView};
use paging::{link_header, select, Paging, QueryParams};

/// Harvest caps `candidate_ids` at 50 per request.
const MAX_CANDIDATE_IDS: usize = 50;

/// Attachments arrive base64-encoded inside JSON; leave room for a large
/// résumé.
const MAX_BODY_BYTES: usize = 40 * 1024 * 1024;

/// How the Greenhouse emulator behaves beyond its data: webhook retries and
/// the quirks of candidate creation.
#[derive(Debug, Clone)]
pub struct GreenhouseConfig {
    /// Wait before each webhook retry (after a non-200, a timeout or a
    /// network error); one retry per entry. Greenhouse's own schedule is
    /// 1, 15, 60, 120, 240 and 480 minutes; tests use milliseconds.
    pub webhook_retry_delays: Vec<Duration>,
    /// Per-attempt timeout of a webhook delivery.
    pub webhook_timeout: Duration,
    /// How long a just-created candidate (and its applications) answers 404
    /// on a single-record `GET`.
    pub create_lag: CreateLag,
    /// Which creates answer with ids only.
    pub create_truncation: CreateTruncation,
}

impl Default for GreenhouseConfig {
    fn default() -> Self {
        Self {
            webhook_retry_delays: [1u64, 15, 60, 120, 240, 480]
                .iter()
                .map(|m| Duration::from_secs(m * 60))
                .collect(),
            webhook_timeout: Duration::from_secs(10),
            create_lag: CreateLag::Requests(2),
            create_truncation: CreateTruncation::Share(50),
        }
    }
}

pub(crate) struct GhState {
    pub data: RwLock<Data>,
    pub limiter: Limiter,
    pub requests: AtomicU64,
    pub faults: Mutex<Fault>,
    pub read_faults: Mutex<Option<(ReadFault, u32)>>,
    pub api_key: String,
    /// `http://127.0.0.1:PORT`, used for absolute Link URLs.
    pub origin: String,
    /// Last timestamp handed out by `tick`.
    pub clock: AtomicI64,
    pub seed: u64,
    /// Writes, their faults and creation quirks.
    pub writes: Mutex<writes::WriteState>,
    /// Attachment bytes by attachment id.
    pub files: Mutex<HashMap<u64, writes::StoredFile>>,
    /// Ids of notes, attachments, activities and events.
    pub seq: AtomicU64,
    pub hooks: webhooks::Hooks,
    pub v3: v3::V3State,
    /// Delivers webhooks and fetches attachment `url`s.
    pub http: reqwest::Client,
    /// The runtime the sandbox was started on; deliveries run there even
    /// when triggered from a synchronous control call.
    pub runtime: tokio::runtime::Handle,
    /// Flips to `true` when the sandbox stops.
    pub stopped: watch::Receiver<bool>,
}

/// What `Sandbox::start` hands the Greenhouse emulator.
pub(crate) struct GhSetup {
    pub data: Data,
    pub rate_limit: Option<crate::RateLimit>,
    pub api_key: String,
    pub origin: String,
    pub seed: u64,
    pub config: GreenhouseConfig,
    pub http: reqwest::Client,
    pub runtime: tokio::runtime::Handle,
    pub stopped: watch::Receiver<bool>,
}

#[derive(Default)]
pub(crate) struct Fault {
    pub remaining: u32,
    pub status: u16,
}

/// A fault for the next reads only (`GET`s; writes are unaffected): what a
/// sync sees when the network or a proxy fails between it and Harvest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadFault {
    /// Hold the answer this long (choose longer than the client's timeout).
    Hang(Duration),
    /// Send the status, the headers and half of the body, then close the
    /// connection.
    Drop,
}

impl GhState {
    pub(crate) fn new(s: GhSetup) -> Self {
        let mut data = s.data;
        data.origin = s.origin.clone();
        let v3 = v3::V3State::new(s.seed, &data);
        Self {
            data: RwLock::new(data),
            limiter: Limiter::new(s.rate_limit),
            requests: AtomicU64::new(0),
            faults: Mutex::new(Fault::default()),
            read_faults: Mutex::new(None),
            api_key: s.api_key,
            origin: s.origin,
            clock: AtomicI64::new(0),
            seed: s.seed,
            writes: Mutex::new(writes::WriteState::new(
                s.config.create_lag,
                s.config.create_truncation,
            )),
            files: Mutex::new(HashMap::new()),
            seq: AtomicU64::new(0),
            hooks: webhooks::Hooks::new(s.config.webhook_retry_delays, s.config.webhook_timeout),
            v3,
            http: s.http,
            runtime: s.runtime,
            stopped: s.stopped,
        }
    }

    pub(crate) fn read(&self) -> RwLockReadGuard<'_, Data> {
        // A panic while holding the lock cannot leave `Data` half-edited in a
        // way that matters to an emulator; keep serving.
        self.data.read().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn write(&self) -> RwLockWriteGuard<'_, Data> {
        self.data.write().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn write_state(&self) -> MutexGuard<'_, writes::WriteState> {
        self.writes.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A fresh id for a note, attachment, activity or event: above every
    /// generated id, deterministic for a given sequence of writes.
    pub(crate) fn next_seq(&self) -> u64 {
        self.seq.fetch_add(1, Ordering::Relaxed) + 1
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

    pub(crate) fn set_read_faults(&self, n: u32, fault: ReadFault) {
        *self.read_faults.lock().unwrap_or_else(|e| e.into_inner()) = (n > 0).then_some((fault, n));
    }

    fn take_read_fault(&self) -> Option<ReadFault> {
        let mut slot = self.read_faults.lock().unwrap_or_else(|e| e.into_inner());
        let (fault, left) = slot.as_mut()?;
        let fault = *fault;
        *left -= 1;
        if *left == 0 {
            *slot = None;
        }
        Some(fault)
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
    let api = Router::new()
        .route("/v1/jobs", get(list_jobs))
        .route("/v1/jobs/{id}", get(get_job))
        .route("/v1/jobs/{id}/stages", get(job_stages))
        .route(
            "/v1/candidates",
            get(list_candidates).post(writes::create_candidate),
        )
        .route("/v1/candidates/{id}", get(get_candidate))
        .route(
            "/v1/candidates/{id}/activity_feed",
            get(writes::activity_feed),
        )
        .route(
            "/v1/candidates/{id}/activity_feed/notes",
            post(writes::add_note),
        )
        .route(
            "/v1/candidates/{id}/attachments",
            post(writes::add_candidate_attachment),
        )
        .route("/v1/prospects", post(writes::create_prospect))
        .route("/v1/prospect_pools", get(list_prospect_pools))
        .route("/v1/applications", get(list_applications))
        .route("/v1/applications/{id}", get(get_application))
        .route(
            "/v1/applications/{id}/attachments",
            post(writes::add_application_attachment),
        )
        .route("/v1/applications/{id}/move", post(writes::move_application))
        .route(
            "/v1/applications/{id}/advance",
            post(writes::advance_application),
        )
        .route("/v1/users", get(list_users))
        .route("/v1/users/{id}", get(get_user))
        .merge(v3::routes())
        .fallback(|| async { GhError::NotFound })
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    let oauth = state.v3.oauth.clone();
    Router::new()
        .merge(api)
        .merge(control::routes())
        .route("/attachments/{id}/{filename}", get(writes::attachment_file))
        .with_state(state)
        .merge(oauth.router(v3::AUTHORIZE_PATH, v3::TOKEN_PATH))
        .merge(oauth.control_router("/_sandbox/greenhouse/oauth"))
}

/// One entry of a 422 body's `errors`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FieldProblem {
    pub message: String,
    pub field: Option<String>,
}

/// Errors with Harvest's bodies.
#[derive(Debug)]
pub(crate) enum GhError {
    Unauthorized,
    /// 403 with this message.
    Forbidden(&'static str),
    NotFound,
    /// 400 with this message (unparseable request body).
    BadRequest(String),
    Validation(Vec<FieldProblem>),
}

impl GhError {
    pub(crate) fn validation(field: &str, message: impl Into<String>) -> Self {
        GhError::Validation(vec![FieldProblem {
            message: message.into(),
            field: Some(field.to_owned()),
        }])
    }
}

#[derive(Serialize)]
struct MessageBody<'a> {
    message: &'a str,
}

#[derive(Serialize)]
struct ValidationBody<'a> {
    message: &'a str,
    errors: &'a [FieldProblem],
}

impl IntoResponse for GhError {
    fn into_response(self) -> Response {
        match self {
            GhError::Unauthorized => {
                message_response(StatusCode::UNAUTHORIZED, "Invalid Basic Auth credentials")
            }
            GhError::Forbidden(message) => message_response(StatusCode::FORBIDDEN, message),
            GhError::NotFound => message_response(StatusCode::NOT_FOUND, "Resource not found"),
            GhError::BadRequest(message) => message_response(StatusCode::BAD_REQUEST, &message),
            GhError::Validation(errors) => json_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                to_json(&ValidationBody {
                    message: "Validation error",
                    errors: &errors,
                }),
                None,
            ),
        }
    }
}

pub(crate) fn message_response(status: StatusCode, message: &str) -> Response {
    json_response(status, to_json(&MessageBody { message }), None)
}

pub(crate) fn to_json<T: Serialize + ?Sized>(v: &T) -> Vec<u8> {
    // Serialising our own view types cannot fail (no maps with non-string
    // keys, no failing Serialize impls).
    serde_json::to_vec(v).expect("view types always serialise")
}

pub(crate) fn json_response(status: StatusCode, body: Vec<u8>, link: Option<String>) -> Response {
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

/// The user a write acts as: `On-Behalf-Of` in v1, the token's `sub` in
/// v3. Handlers find it in the request extensions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Actor {
    /// Index into `Data::users`.
    pub user: u32,
    pub api: ApiVersion,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ApiVersion {
    V1,
    V3,
}

impl ApiVersion {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V1 => "v1",
            ApiVersion::V3 => "v3",
        }
    }
}

fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Resolves the v1 `On-Behalf-Of` header to an active user.
fn on_behalf_of(st: &GhState, headers: &HeaderMap) -> Result<u32, GhError> {
    let Some(raw) = headers.get("on-behalf-of") else {
        return Err(GhError::Forbidden(
            "The On-Behalf-Of header is required for this request: set it to the id of the Greenhouse user making the change",
        ));
    };
    let id: u64 = raw
        .to_str()
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .ok_or(GhError::NotFound)?;
    active_user(st, id)
}

/// An existing, enabled user, as writes require.
pub(crate) fn active_user(st: &GhState, id: u64) -> Result<u32, GhError> {
    let data = st.read();
    let u = data.user_index(id).ok_or(GhError::NotFound)?;
    if data.users[u].disabled {
        return Err(GhError::Forbidden("You do not have access to that record"));
    }
    Ok(u as u32)
}

/// Runs before every API route: counts the request, applies the rate limit,
/// injected faults and authentication, resolves the acting user of writes,
/// and stamps the rate-limit headers on whatever comes back (Greenhouse
/// sends them on errors too).
async fn guard(State(st): State<Arc<GhState>>, mut req: Request, next: Next) -> Response {
    st.requests.fetch_add(1, Ordering::Relaxed);
    let api = if req.uri().path().starts_with("/v3/") {
        ApiVersion::V3
    } else {
        ApiVersion::V1
    };
    let write = is_write(req.method());
    let credential = match api {
        ApiVersion::V1 => basic_username(req.headers()),
        ApiVersion::V3 => v3::bearer_token(req.headers()),
    };
    let decision = st.limiter.check(credential.as_deref().unwrap_or(""));

    // An injected fault wins over everything: tests ask for "the next n
    // requests fail" and must get exactly that.
    let mut hang_after = None;
    let mut drop_connection = false;
    let mut resp = if let Some(status) = st.take_fault() {
        injected_fault(status)
    } else if !decision.allowed {
        too_many_requests(&decision)
    } else {
        let (write_fault, read_fault) = if write {
            (st.write_state().take_fault(), None)
        } else {
            (None, st.take_read_fault())
        };
        match read_fault {
            // A read changes nothing, so it is served as usual and only the
            // way back fails.
            Some(ReadFault::Hang(duration)) => hang_after = Some(duration),
            Some(ReadFault::Drop) => drop_connection = true,
            None => {}
        }
        match write_fault {
            Some(WriteFault::Status(status)) => injected_fault(status),
            Some(WriteFault::RateLimited { retry_after_secs }) => {
                let mut resp = message_response(
                    StatusCode::TOO_MANY_REQUESTS,
                    "You have exceeded the rate limit. Please wait and retry.",
                );
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
                resp
            }
            Some(WriteFault::Hang {
                duration,
                applied: false,
            }) => {
                hang(&st, duration).await;
                injected_fault(504)
            }
            other => {
                if let Some(WriteFault::Hang { duration, .. }) = other {
                    hang_after = Some(duration);
                }
                match authenticate(&st, api, credential.as_deref(), &req, write) {
                    Ok(actor) => {
                        if let Some(actor) = actor {
                            req.extensions_mut().insert(actor);
                        }
                        next.run(req).await
                    }
                    Err(refusal) => refusal.into_response(),
                }
            }
        }
    };
    if let Some(duration) = hang_after {
        // The write happened; the client just never hears about it.
        hang(&st, duration).await;
    }

    let h = resp.headers_mut();
    h.insert("x-ratelimit-limit", HeaderValue::from(decision.limit));
    h.insert(
        "x-ratelimit-remaining",
        HeaderValue::from(decision.remaining),
    );
    if drop_connection {
        return cut_off(resp).await;
    }
    resp
}

/// `resp` with its body cut in half and the connection closed after that
/// half, as when a proxy or the network drops an answer in flight.
async fn cut_off(resp: Response) -> Response {
    let (mut parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    // Without a length the answer is chunked, so the client sees the
    // missing end instead of a short but complete body.
    parts.headers.remove(header::CONTENT_LENGTH);
    let half = bytes.slice(..bytes.len() / 2);
    Response::from_parts(parts, Body::new(CutBody(Some(half))))
}

/// Yields its bytes, then fails, which makes hyper abort the connection.
struct CutBody(Option<axum::body::Bytes>);

impl axum::body::HttpBody for CutBody {
    type Data = axum::body::Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        std::task::Poll::Ready(Some(match self.0.take() {
            Some(half) => Ok(http_body::Frame::data(half)),
            None => Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "connection dropped (injected read fault)",
            )),
        }))
    }
}

/// Why the guard refused a request before it reached its handler.
enum Refusal {
    Gh(GhError),
    Bearer(crate::oauth::BearerError),
    NoSubject,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::Gh(e) => e.into_response(),
            Refusal::Bearer(e) => v3::unauthorized(e),
            Refusal::NoSubject => v3::v3_error(
                StatusCode::FORBIDDEN,
                "This token has no user (sub); writes need a token issued for a user",
            ),
        }
    }
}

/// Checks the credentials and, for writes, finds the acting user.
fn authenticate(
    st: &GhState,
    api: ApiVersion,
    credential: Option<&str>,
    req: &Request,
    write: bool,
) -> Result<Option<Actor>, Refusal> {
    let user = match api {
        ApiVersion::V1 => {
            if credential != Some(st.api_key.as_str()) {
                return Err(Refusal::Gh(GhError::Unauthorized));
            }
            if !write {
                return Ok(None);
            }
            on_behalf_of(st, req.headers()).map_err(Refusal::Gh)?
        }
        ApiVersion::V3 => {
            let sub = v3::check_bearer(st, credential).map_err(Refusal::Bearer)?;
            if !write {
                return Ok(None);
            }
            let id = sub
                .ok_or(Refusal::NoSubject)?
                .parse::<u64>()
                .map_err(|_| Refusal::Gh(GhError::NotFound))?;
            active_user(st, id).map_err(Refusal::Gh)?
        }
    };
    Ok(Some(Actor { user, api }))
}

async fn hang(st: &GhState, duration: Duration) {
    let mut stopped = st.stopped.clone();
    tokio::select! {
        _ = tokio::time::sleep(duration) => {}
        _ = stopped.wait_for(|&s| s) => {}
    }
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

pub(crate) fn parse_id(raw: &str) -> Result<u64, GhError> {
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

/// How a list endpoint renders its page: v1 (`page` + Link with next, prev
/// and last) or v3 (opaque cursor, Link with next only).
pub(crate) enum Pager<'a> {
    V1 { path: &'a str, paging: Paging },
    V3(cursor::CursorPage<'a>),
}

impl Pager<'_> {
    fn paging(&self) -> Paging {
        match self {
            Pager::V1 { paging, .. } => *paging,
            Pager::V3(c) => c.paging(),
        }
    }
}

/// Renders one page of a list endpoint: a JSON array plus the Link header.
fn list_response(
    st: &GhState,
    q: &QueryParams,
    pager: &Pager<'_>,
    len: usize,
    filter: Option<&dyn Fn(usize) -> bool>,
    render: &dyn Fn(&mut String, usize),
) -> Response {
    let paging = pager.paging();
    let sel = select(len, &paging, filter);
    let mut body = String::with_capacity(sel.indices.len() * 2048 + 2);
    body.push('[');
    for (k, &i) in sel.indices.iter().enumerate() {
        if k > 0 {
            body.push(',');
        }
        render(&mut body, i);
    }
    body.push(']');
    let link = match pager {
        Pager::V1 { path, paging } => link_header(&st.origin, path, q, paging, sel.total),
        Pager::V3(c) => c.link(&st.origin, sel.total),
    };
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

/// The pager of a v1 list request.
fn v1_pager<'a>(path: &'a str, q: &QueryParams) -> Result<Pager<'a>, GhError> {
    Ok(Pager::V1 {
        path,
        paging: Paging::from_query(q)?,
    })
}

async fn list_jobs(State(st): State<Arc<GhState>>, RawQuery(raw): RawQuery) -> Response {
    let q = QueryParams::parse(raw.as_deref());
    v1_pager("/v1/jobs", &q)
        .and_then(|p| jobs_page(&st, &q, &p))
        .unwrap_or_else(IntoResponse::into_response)
}

pub(crate) fn jobs_page(
    st: &GhState,
    q: &QueryParams,
    pager: &Pager<'_>,
) -> Result<Response, GhError> {
    let status = match q.get("status") {
        None => None,
        Some(s) => Some(JobStatus::parse(s).ok_or_else(|| {
            GhError::validation("status", "status must be one of open, closed, draft")
        })?),
    };
    let created = TimeRange::from_query(q, "created_after", "created_before")?;
    let updated = TimeRange::from_query(q, "updated_after", "updated_before")?;
    let department_id = parse_u64(q, "department_id")?;
    let office_id = parse_u64(q, "office_id")?;
    let requisition_id = q.get("requisition_id");

    let data = st.read();
    let d = &*data;
    let filtered = status.is_some()
        || created.is_set()
        || updated.is_set()
        || department_id.is_some()
        || office_id.is_some()
        || requisition_id.is_some()
        || d.deleted_jobs > 0;
    let keep = |i: usize| {
        let j = &d.jobs[i];
        !j.deleted
            && status.is_none_or(|s| j.status == s)
            && created.contains(j.created_at)
            && updated.contains(j.updated_at)
            && department_id.is_none_or(|id| d.departments[j.department as usize].id == id)
            && office_id.is_none_or(|id| d.offices[j.office as usize].id == id)
            && requisition_id.is_none_or(|r| j.requisition_id == r)
    };
    Ok(list_response(
        st,
        q,
        pager,
        d.jobs.len(),
        filtered.then_some(&keep as &dyn Fn(usize) -> bool),
        &|out, i| push_serde(out, &JobView(d, &d.jobs[i])),
    ))
}

pub(crate) async fn get_job(State(st): State<Arc<GhState>>, Path(id): Path<String>) -> Response {
    let run = || -> Result<Response, GhError> {
        let id = parse_id(&id)?;
        let data = st.read();
        let j = data.live_job(id).ok_or(GhError::NotFound)?;
        Ok(json_response(
            StatusCode::OK,
            to_json(&JobView(&data, &data.jobs[j])),
            None,
        ))
    };
    run().unwrap_or_else(IntoResponse::into_response)
}

/// Not paginated in Harvest: all stages of the job, in pipeline order.
pub(crate) async fn job_stages(State(st): State<Arc<GhState>>, Path(id): Path<String>) -> Response {
    let run = || -> Result<Response, GhError> {
        let id = parse_id(&id)?;
        let data = st.read();
        let j = &data.jobs[data.live_job(id).ok_or(GhError::NotFound)?];
        let views: Vec<StageView<'_>> = j.stages.iter().map(|s| StageView(&data, j, s)).collect();
        Ok(json_response(StatusCode::OK, to_json(&views), None))
    };
    run().unwrap_or_else(IntoResponse::into_response)
}

async fn list_candidates(State(st): State<Arc<GhState>>, RawQuery(raw): RawQuery) -> Response {
    let q = QueryParams::parse(raw.as_deref());
    v1_pager("/v1/candidates", &q)
        .and_then(|p| candidates_page(&st, &q, &p))
        .unwrap_or_else(IntoResponse::into_response)
}

pub(crate) fn candidates_page(
    st: &GhState,
    q: &QueryParams,
    pager: &Pager<'_>,
) -> Result<Response, GhError> {
    let created = TimeRange::from_query(q, "created_after", "created_before")?;
    let updated = TimeRange::from_query(q, "updated_after", "updated_before")?;
    let job_id = parse_u64(q, "job_id")?;
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
        || ids.is_some()
        || d.deleted_candidates > 0;
    let keep = |i: usize| {
        let c = &d.candidates[i];
        !c.deleted
            && created.contains(c.created_at)
            && updated.contains(c.updated_at)
            && ids.as_ref().is_none_or(|ids| ids.contains(&c.id))
            && email
                .as_ref()
                .is_none_or(|e| c.emails.iter().any(|m| m.value.eq_ignore_ascii_case(e)))
            && job.is_none_or(|j| {
                // Candidates and prospects of the job alike, as in Harvest.
                j.is_some_and(|j| {
                    c.apps
                        .iter()
                        .any(|&a| d.applications[a as usize].job_indices().any(|x| x == j))
                })
            })
    };
    Ok(list_response(
        st,
        q,
        pager,
        d.candidates.len(),
        filtered.then_some(&keep as &dyn Fn(usize) -> bool),
        &|out, i| render::candidate(out, d, i),
    ))
}

pub(crate) async fn get_candidate(
    State(st): State<Arc<GhState>>,
    Path(id): Path<String>,
) -> Response {
    let run = || -> Result<Response, GhError> {
        let id = parse_id(&id)?;
        if st.write_state().lagging(id) {
            return Err(GhError::NotFound);
        }
        let data = st.read();
        let c = data.live_candidate(id).ok_or(GhError::NotFound)?;
        Ok(rendered(|out| render::candidate(out, &data, c)))
    };
    run().unwrap_or_else(IntoResponse::into_response)
}

async fn list_applications(State(st): State<Arc<GhState>>, RawQuery(raw): RawQuery) -> Response {
    let q = QueryParams::parse(raw.as_deref());
    v1_pager("/v1/applications", &q)
        .and_then(|p| applications_page(&st, &q, &p))
        .unwrap_or_else(IntoResponse::into_response)
}

pub(crate) fn applications_page(
    st: &GhState,
    q: &QueryParams,
    pager: &Pager<'_>,
) -> Result<Response, GhError> {
    let created = TimeRange::from_query(q, "created_after", "created_before")?;
    let activity = TimeRange::from_query(q, "last_activity_after", "last_activity_before")?;
    // Applications have no updated_at in Harvest; treat `updated_after`
    // as last activity, which is what moves when an application changes.
    let updated = TimeRange::from_query(q, "updated_after", "updated_before")?;
    let job_id = parse_u64(q, "job_id")?;
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
        || status.is_some()
        || d.deleted_candidates > 0;
    let keep = |i: usize| {
        let a = &d.applications[i];
        !a.deleted
            && created.contains(a.applied_at)
            && activity.contains(a.last_activity_at)
            && updated.contains(a.last_activity_at)
            && status.is_none_or(|s| a.status == s)
            && job.is_none_or(|j| j.is_some_and(|j| a.job_indices().any(|x| x == j)))
    };
    Ok(list_response(
        st,
        q,
        pager,
        d.applications.len(),
        filtered.then_some(&keep as &dyn Fn(usize) -> bool),
        &|out, i| render::application(out, d, i),
    ))
}

pub(crate) async fn get_application(
    State(st): State<Arc<GhState>>,
    Path(id): Path<String>,
) -> Response {
    let run = || -> Result<Response, GhError> {
        let id = parse_id(&id)?;
        if st.write_state().lagging(id) {
            return Err(GhError::NotFound);
        }
        let data = st.read();
        let a = data.live_application(id).ok_or(GhError::NotFound)?;
        Ok(rendered(|out| render::application(out, &data, a)))
    };
    run().unwrap_or_else(IntoResponse::into_response)
}

async fn list_users(State(st): State<Arc<GhState>>, RawQuery(raw): RawQuery) -> Response {
    let q = QueryParams::parse(raw.as_deref());
    v1_pager("/v1/users", &q)
        .and_then(|p| users_page(&st, &q, &p))
        .unwrap_or_else(IntoResponse::into_response)
}

pub(crate) fn users_page(
    st: &GhState,
    q: &QueryParams,
    pager: &Pager<'_>,
) -> Result<Response, GhError> {
    let created = TimeRange::from_query(q, "created_after", "created_before")?;
    let updated = TimeRange::from_query(q, "updated_after", "updated_before")?;
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
        st,
        q,
        pager,
        d.users.len(),
        filtered.then_some(&keep as &dyn Fn(usize) -> bool),
        &|out, i| push_serde(out, &UserView(&d.users[i])),
    ))
}

pub(crate) async fn get_user(State(st): State<Arc<GhState>>, Path(id): Path<String>) -> Response {
    let run = || -> Result<Response, GhError> {
        let id = parse_id(&id)?;
        let data = st.read();
        let u = data.user_index(id).ok_or(GhError::NotFound)?;
        Ok(json_response(
            StatusCode::OK,
            to_json(&UserView(&data.users[u])),
            None,
        ))
    };
    run().unwrap_or_else(IntoResponse::into_response)
}

/// `GET /v1/prospect_pools`: every pool with its stages (not paginated
/// here; the organisation has a handful).
async fn list_prospect_pools(State(st): State<Arc<GhState>>) -> Response {
    let data = st.read();
    let pools: Vec<serde_json::Value> = data
        .prospect_pools
        .iter()
        .map(|p| {
            serde_json::json!({
                "id": p.id,
                "name": p.name,
                "active": true,
                "prospect_stages": p.stages.iter().map(|&(id, name)| serde_json::json!({"id": id, "name": name})).collect::<Vec<_>>(),
            })
        })
        .collect();
    json_response(StatusCode::OK, to_json(&pools), None)
}
