//! A generic OAuth 2.0 authorization server (RFC 6749, PKCE per RFC 7636,
//! loopback redirects per RFC 8252) that the Lever, Workday and Greenhouse v3
//! emulators mount on their own routers.
//!
//! It is deliberately strict where real servers are: the client and the
//! redirect URI are checked before anything is redirected (a bad one gets an
//! HTML page, never a redirect to an unvetted URI), only S256 challenges are
//! accepted, codes are single-use and short-lived, a redirect URI must match
//! the authorize one on redemption, a configured audience is required, and a
//! rotated refresh token that is presented again revokes the whole grant (the
//! reuse detection of RFC 9700 §4.14.2). A desktop client that passes here is
//! not relying on leniency.
//!
//! Time is the wall clock plus an offset that tests move with
//! [`OAuthServer::advance_clock`], so expiry is tested without sleeping.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use url::Url;

use crate::clock::now_ms;

/// Which redirect URIs the client registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedirectRule {
    /// RFC 8252 §7.3: `http://127.0.0.1:<any port><path>` (or `[::1]`); the
    /// port is chosen by the desktop app at run time. `localhost` is refused,
    /// as RFC 8252 §8.3 advises.
    LoopbackAnyPort { path: String },
    /// Exact string match against one of these (providers that register
    /// fixed redirect URIs).
    Exact(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct OAuthServerConfig {
    /// Shown on the authorize page ("Lever").
    pub vendor: &'static str,
    pub client_id: String,
    /// `None`: a public client, authenticated by PKCE only.
    pub client_secret: Option<String>,
    pub redirect: RedirectRule,
    /// `Some`: required with this exact value on authorize and on the
    /// authorization-code token request (Lever: `https://api.lever.co/v1/`).
    pub audience: Option<String>,
    /// `Some(scope)`: a refresh token is issued only when that scope was
    /// granted (Lever's `offline_access`); `None`: always.
    pub offline_scope: Option<String>,
    /// Public clients always need PKCE; this makes confidential ones need it too.
    pub require_pkce: bool,
    pub code_ttl: Duration,
    pub access_ttl: Duration,
    /// `None`: refresh tokens never expire (Workday ISU tokens).
    pub refresh_ttl: Option<Duration>,
    /// A used refresh token stops working and a new one is returned; when
    /// false the refresh answer carries no refresh token at all.
    pub rotate_refresh: bool,
    /// `grant_type=client_credentials` (+ `sub`), confidential clients only.
    pub allow_client_credentials: bool,
    /// (user id, display name) the authorize page can sign in as; the first
    /// is preselected.
    pub subjects: Vec<(String, String)>,
    /// `Some`: scopes outside this list are refused with `invalid_scope`.
    pub known_scopes: Option<Vec<String>>,
}

impl OAuthServerConfig {
    /// A confidential-or-public client with the common lifetimes (code 60 s,
    /// access 1 h, rotating refresh tokens that never expire), loopback
    /// redirects on `/callback` and PKCE required.
    pub fn new(vendor: &'static str, client_id: impl Into<String>) -> Self {
        Self {
            vendor,
            client_id: client_id.into(),
            client_secret: None,
            redirect: RedirectRule::LoopbackAnyPort {
                path: "/callback".into(),
            },
            audience: None,
            offline_scope: None,
            require_pkce: true,
            code_ttl: Duration::from_secs(60),
            access_ttl: Duration::from_secs(3600),
            refresh_ttl: None,
            rotate_refresh: true,
            allow_client_credentials: false,
            subjects: Vec::new(),
            known_scopes: None,
        }
    }
}

/// Who a bearer token acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub client_id: String,
    pub subject: Option<String>,
    pub scopes: Vec<String>,
}

impl Grant {
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BearerError {
    #[error("no bearer token")]
    Missing,
    #[error("the access token is not recognised")]
    Unknown,
    #[error("the access token has expired")]
    Expired,
    #[error("the access token has been revoked")]
    Revoked,
}

impl BearerError {
    /// The RFC 6750 §3 `WWW-Authenticate` value for a 401 answer.
    pub fn www_authenticate(&self, realm: &str) -> String {
        match self {
            BearerError::Missing => format!("Bearer realm=\"{realm}\""),
            other => format!(
                "Bearer realm=\"{realm}\", error=\"invalid_token\", error_description=\"{other}\""
            ),
        }
    }
}

/// Counters for tests and the sandbox control surface.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OAuthStats {
    pub authorize_pages: u64,
    pub codes_issued: u64,
    pub codes_redeemed: u64,
    pub denied: u64,
    pub tokens_issued: u64,
    pub refreshes: u64,
    pub client_credentials: u64,
    pub pkce_failures: u64,
    pub invalid_grant: u64,
    pub invalid_client: u64,
    pub invalid_request: u64,
    pub refresh_reuse: u64,
    pub bearer_rejected: u64,
}

pub struct OAuthServer {
    config: OAuthServerConfig,
    clock_offset_ms: AtomicI64,
    inner: Mutex<Inner>,
}

struct Inner {
    access_ttl: Duration,
    /// Authorize requests shown on a consent page, by one-time request id.
    pending: HashMap<String, Pending>,
    codes: HashMap<String, CodeRecord>,
    grants: HashMap<u64, GrantRecord>,
    access: HashMap<String, AccessRecord>,
    refresh: HashMap<String, RefreshRecord>,
    next_grant: u64,
    stats: OAuthStats,
}

struct Pending {
    redirect_uri: String,
    scopes: Vec<String>,
    state: Option<String>,
    challenge: Option<String>,
    expires_at_ms: i64,
}

struct CodeRecord {
    client_id: String,
    subject: Option<String>,
    scopes: Vec<String>,
    redirect_uri: String,
    challenge: Option<String>,
    expires_at_ms: i64,
    /// Set once redeemed: a second presentation revokes what it produced.
    redeemed_grant: Option<u64>,
    spent: bool,
}

struct GrantRecord {
    client_id: String,
    subject: Option<String>,
    scopes: Vec<String>,
    revoked: bool,
}

struct AccessRecord {
    grant: u64,
    expires_at_ms: i64,
}

struct RefreshRecord {
    grant: u64,
    expires_at_ms: Option<i64>,
    rotated: bool,
}

/// How long a consent page stays submittable.
const PENDING_TTL_MS: i64 = 10 * 60 * 1000;

impl OAuthServer {
    pub fn new(config: OAuthServerConfig) -> Arc<Self> {
        Arc::new(Self {
            inner: Mutex::new(Inner {
                access_ttl: config.access_ttl,
                pending: HashMap::new(),
                codes: HashMap::new(),
                grants: HashMap::new(),
                access: HashMap::new(),
                refresh: HashMap::new(),
                next_grant: 1,
                stats: OAuthStats::default(),
            }),
            clock_offset_ms: AtomicI64::new(0),
            config,
        })
    }

    pub fn config(&self) -> &OAuthServerConfig {
        &self.config
    }

    /// The authorize page (GET, and the consent form's POST) and the token
    /// endpoint, ready to merge into a vendor router. No fallback is set, so
    /// merging never conflicts with the vendor's own.
    pub fn router(self: &Arc<Self>, authorize_path: &str, token_path: &str) -> Router {
        Router::new()
            .route(authorize_path, get(authorize_page).post(authorize_decision))
            .route(token_path, post(token))
            .with_state(self.clone())
    }

    /// The fault-injection surface over HTTP, e.g. under `/_sandbox/oauth`:
    /// `POST {prefix}/expire_access_tokens`, `POST {prefix}/revoke_all`,
    /// `POST {prefix}/access_ttl {"seconds": n}`,
    /// `POST {prefix}/advance_clock {"seconds": n}`,
    /// `POST {prefix}/refresh_tokens {"subject": "...", "scopes": [...]}` → `{"refresh_token"}`,
    /// `GET {prefix}/stats`.
    pub fn control_router(self: &Arc<Self>, prefix: &str) -> Router {
        let prefix = prefix.trim_end_matches('/');
        Router::new()
            .route(
                &format!("{prefix}/expire_access_tokens"),
                post(|State(s): State<Arc<OAuthServer>>| async move {
                    s.expire_access_tokens();
                    StatusCode::NO_CONTENT
                }),
            )
            .route(
                &format!("{prefix}/revoke_all"),
                post(|State(s): State<Arc<OAuthServer>>| async move {
                    s.revoke_all();
                    StatusCode::NO_CONTENT
                }),
            )
            .route(
                &format!("{prefix}/access_ttl"),
                post(
                    |State(s): State<Arc<OAuthServer>>, Json(b): Json<Seconds>| async move {
                        s.set_access_ttl(Duration::from_secs(b.seconds));
                        StatusCode::NO_CONTENT
                    },
                ),
            )
            .route(
                &format!("{prefix}/advance_clock"),
                post(
                    |State(s): State<Arc<OAuthServer>>, Json(b): Json<Seconds>| async move {
                        s.advance_clock(Duration::from_secs(b.seconds));
                        StatusCode::NO_CONTENT
                    },
                ),
            )
            .route(
                &format!("{prefix}/refresh_tokens"),
                post(
                    |State(s): State<Arc<OAuthServer>>, Json(b): Json<MintBody>| async move {
                        let scopes: Vec<&str> = b.scopes.iter().map(String::as_str).collect();
                        let token = s.mint_refresh_token(&b.subject, &scopes);
                        Json(serde_json::json!({ "refresh_token": token }))
                    },
                ),
            )
            .route(
                &format!("{prefix}/stats"),
                get(|State(s): State<Arc<OAuthServer>>| async move { Json(s.stats()) }),
            )
            .with_state(self.clone())
    }

    /// Serves this server alone on an ephemeral 127.0.0.1 port (for tests
    /// of OAuth clients); the server stops when the handle is dropped.
    pub async fn serve_standalone(
        self: &Arc<Self>,
        authorize_path: &str,
        token_path: &str,
    ) -> std::io::Result<StandaloneOAuth> {
        let listener =
            tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
        let addr = listener.local_addr()?;
        let router = self
            .router(authorize_path, token_path)
            .merge(self.control_router("/_sandbox/oauth"));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        let base_url = format!("http://{addr}");
        Ok(StandaloneOAuth {
            authorize_url: format!("{base_url}{authorize_path}"),
            token_url: format!("{base_url}{token_path}"),
            base_url,
            task,
        })
    }

    /// Checks an `Authorization` header value (`Bearer <token>`).
    pub fn check_bearer(&self, authorization: Option<&str>) -> Result<Grant, BearerError> {
        let result = self.check_bearer_inner(authorization);
        if result.is_err() {
            self.lock().stats.bearer_rejected += 1;
        }
        result
    }

    fn check_bearer_inner(&self, authorization: Option<&str>) -> Result<Grant, BearerError> {
        let value = authorization.ok_or(BearerError::Missing)?.trim();
        let (scheme, token) = value.split_once(' ').ok_or(BearerError::Missing)?;
        // RFC 7235: the auth scheme is case-insensitive.
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(BearerError::Missing);
        }
        let token = token.trim();
        if token.is_empty() {
            return Err(BearerError::Missing);
        }
        let now = self.now_ms();
        let inner = self.lock();
        let record = inner.access.get(token).ok_or(BearerError::Unknown)?;
        let grant = inner
            .grants
            .get(&record.grant)
            .ok_or(BearerError::Unknown)?;
        if grant.revoked {
            return Err(BearerError::Revoked);
        }
        if now >= record.expires_at_ms {
            return Err(BearerError::Expired);
        }
        Ok(Grant {
            client_id: grant.client_id.clone(),
            subject: grant.subject.clone(),
            scopes: grant.scopes.clone(),
        })
    }

    /// A refresh token for `subject` issued out of band, as an administrator
    /// does for Workday's Integration System User.
    pub fn mint_refresh_token(&self, subject: &str, scopes: &[&str]) -> String {
        let now = self.now_ms();
        let mut inner = self.lock();
        let grant = inner.new_grant(GrantRecord {
            client_id: self.config.client_id.clone(),
            subject: Some(subject.to_owned()),
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            revoked: false,
        });
        let token = random_token();
        inner.refresh.insert(
            token.clone(),
            RefreshRecord {
                grant,
                expires_at_ms: self.config.refresh_ttl.map(|ttl| now + ms(ttl)),
                rotated: false,
            },
        );
        token
    }

    /// Fault injection: every access token issued so far is now expired.
    pub fn expire_access_tokens(&self) {
        let now = self.now_ms();
        let mut inner = self.lock();
        for record in inner.access.values_mut() {
            record.expires_at_ms = record.expires_at_ms.min(now);
        }
    }

    /// Every grant revoked: refresh tokens answer `invalid_grant`, bearer
    /// tokens [`BearerError::Revoked`], unredeemed codes stop working.
    pub fn revoke_all(&self) {
        let mut inner = self.lock();
        for grant in inner.grants.values_mut() {
            grant.revoked = true;
        }
        for code in inner.codes.values_mut() {
            code.spent = true;
        }
        inner.pending.clear();
    }

    /// Lifetime of access tokens issued from now on.
    pub fn set_access_ttl(&self, ttl: Duration) {
        self.lock().access_ttl = ttl;
    }

    /// Moves this server's clock forward (code, access and refresh expiry).
    pub fn advance_clock(&self, by: Duration) {
        self.clock_offset_ms.fetch_add(ms(by), Ordering::SeqCst);
    }

    pub fn stats(&self) -> OAuthStats {
        self.lock().stats.clone()
    }

    fn now_ms(&self) -> i64 {
        now_ms() + self.clock_offset_ms.load(Ordering::SeqCst)
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves consistent maps behind (every
        // update is a single insert or flag), so poisoning is not fatal.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn redirect_allowed(&self, uri: &str) -> bool {
        match &self.config.redirect {
            RedirectRule::Exact(list) => list.iter().any(|u| u == uri),
            RedirectRule::LoopbackAnyPort { path } => {
                let Ok(url) = Url::parse(uri) else {
                    return false;
                };
                let loopback_host = matches!(
                    url.host(),
                    Some(url::Host::Ipv4(ip)) if ip == Ipv4Addr::LOCALHOST
                ) || matches!(url.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback());
                url.scheme() == "http"
                    && loopback_host
                    && url.port().is_some()
                    && url.path() == path
                    && url.username().is_empty()
                    && url.password().is_none()
                    && url.fragment().is_none()
            }
        }
    }

    fn issue_tokens(
        &self,
        inner: &mut Inner,
        grant: u64,
        with_refresh: bool,
        now: i64,
    ) -> TokenAnswer {
        let access_token = random_token();
        let ttl = inner.access_ttl;
        inner.access.insert(
            access_token.clone(),
            AccessRecord {
                grant,
                expires_at_ms: now + ms(ttl),
            },
        );
        inner.stats.tokens_issued += 1;
        let refresh_token = with_refresh.then(|| {
            let token = random_token();
            inner.refresh.insert(
                token.clone(),
                RefreshRecord {
                    grant,
                    expires_at_ms: self.config.refresh_ttl.map(|ttl| now + ms(ttl)),
                    rotated: false,
                },
            );
            token
        });
        let scope = inner
            .grants
            .get(&grant)
            .map(|g| g.scopes.join(" "))
            .unwrap_or_default();
        TokenAnswer {
            access_token,
            token_type: "Bearer",
            expires_in: ttl.as_secs(),
            refresh_token,
            scope,
        }
    }

    fn offline_granted(&self, scopes: &[String]) -> bool {
        match &self.config.offline_scope {
            None => true,
            Some(offline) => scopes.iter().any(|s| s == offline),
        }
    }
}

impl Inner {
    fn new_grant(&mut self, record: GrantRecord) -> u64 {
        let id = self.next_grant;
        self.next_grant += 1;
        self.grants.insert(id, record);
        id
    }
}

/// Handle of [`OAuthServer::serve_standalone`].
pub struct StandaloneOAuth {
    pub base_url: String,
    pub authorize_url: String,
    pub token_url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for StandaloneOAuth {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[derive(Deserialize)]
struct Seconds {
    seconds: u64,
}

#[derive(Deserialize)]
struct MintBody {
    subject: String,
    #[serde(default)]
    scopes: Vec<String>,
}

#[derive(Serialize)]
struct TokenAnswer {
    access_token: String,
    token_type: &'static str,
    expires_in: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    scope: String,
}

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 4)
}

/// 256 bits from the thread-local CSPRNG, base64url: unguessable.
fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Form parameters; RFC 6749 §3.1/§3.2 forbid repeating one, so a repeat is
/// reported by name.
fn parse_form(raw: &[u8]) -> Result<HashMap<String, String>, String> {
    let mut out = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(raw) {
        if out.insert(k.to_string(), v.into_owned()).is_some() {
            return Err(format!("parameter {k} is repeated"));
        }
    }
    Ok(out)
}

fn non_empty<'a>(params: &'a HashMap<String, String>, key: &str) -> Option<&'a str> {
    params
        .get(key)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
}

fn split_scopes(scope: Option<&str>) -> Vec<String> {
    let mut seen = HashSet::new();
    scope
        .unwrap_or("")
        .split(' ')
        .filter(|s| !s.is_empty())
        .filter(|s| seen.insert(s.to_string()))
        .map(str::to_owned)
        .collect()
}

/// RFC 7636 §4.1: 43-128 characters of `[A-Za-z0-9-._~]`.
fn valid_verifier(v: &str) -> bool {
    (43..=128).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

// ---------------------------------------------------------------- authorize

async fn authorize_page(
    State(server): State<Arc<OAuthServer>>,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> Response {
    let vendor = server.config.vendor;
    let params = match parse_form(query.as_deref().unwrap_or("").as_bytes()) {
        Ok(p) => p,
        Err(msg) => return error_page(vendor, "The sign-in link is malformed", &msg),
    };
    match non_empty(&params, "client_id") {
        None => {
            return error_page(
                vendor,
                "The sign-in link has no client_id",
                "The application that sent you here did not identify itself.",
            )
        }
        Some(id) if id != server.config.client_id => {
            return error_page(
                vendor,
                "Unknown application",
                "The client_id in the sign-in link is not registered with this server. Check the client ID configured in the application.",
            )
        }
        Some(_) => {}
    }
    let redirect_uri = match non_empty(&params, "redirect_uri") {
        None => {
            return error_page(
                vendor,
                "The sign-in link has no redirect_uri",
                "The application must say where to send you back after signing in.",
            )
        }
        Some(r) if !server.redirect_allowed(r) => {
            return error_page(
                vendor,
                "Redirect URI not allowed",
                "The redirect_uri in the sign-in link is not registered for this application, so you are not being sent back to it.",
            )
        }
        Some(r) => r.to_owned(),
    };
    let state = params.get("state").cloned();
    // From here on the redirect URI is trusted: errors go back to the client.
    let fail = |error: &str, description: &str| {
        error_redirect(&redirect_uri, error, description, state.as_deref())
    };
    match non_empty(&params, "response_type") {
        None => return fail("invalid_request", "response_type is required"),
        Some("code") => {}
        Some(_) => {
            return fail(
                "unsupported_response_type",
                "only response_type=code is supported",
            )
        }
    }
    let public = server.config.client_secret.is_none();
    let challenge = non_empty(&params, "code_challenge").map(str::to_owned);
    match (&challenge, non_empty(&params, "code_challenge_method")) {
        (None, _) if server.config.require_pkce || public => {
            server.lock().stats.pkce_failures += 1;
            return fail("invalid_request", "code_challenge is required (PKCE)");
        }
        (None, Some(_)) => {
            return fail(
                "invalid_request",
                "code_challenge_method given without code_challenge",
            )
        }
        (None, None) => {}
        (Some(c), method) => {
            if method != Some("S256") {
                server.lock().stats.pkce_failures += 1;
                return fail(
                    "invalid_request",
                    "code_challenge_method must be S256 (plain is not supported)",
                );
            }
            if c.len() != 43 || URL_SAFE_NO_PAD.decode(c).is_err() {
                server.lock().stats.pkce_failures += 1;
                return fail(
                    "invalid_request",
                    "code_challenge must be the base64url SHA-256 of the verifier",
                );
            }
        }
    }
    if let Some(expected) = &server.config.audience {
        match non_empty(&params, "audience") {
            None => return fail("invalid_request", "audience is required"),
            Some(a) if a != expected => {
                return fail("invalid_request", "audience is not a known API identifier")
            }
            Some(_) => {}
        }
    }
    let scopes = split_scopes(params.get("scope").map(String::as_str));
    if let Some(known) = &server.config.known_scopes {
        if let Some(bad) = scopes.iter().find(|s| !known.contains(s)) {
            return fail("invalid_scope", &format!("unknown scope {bad}"));
        }
    }

    let request_id = random_token();
    let now = server.now_ms();
    {
        let mut inner = server.lock();
        inner.pending.retain(|_, p| p.expires_at_ms > now);
        inner.pending.insert(
            request_id.clone(),
            Pending {
                redirect_uri,
                scopes: scopes.clone(),
                state,
                challenge,
                expires_at_ms: now + PENDING_TTL_MS,
            },
        );
        inner.stats.authorize_pages += 1;
    }
    consent_page(&server.config, uri.path(), &request_id, &scopes)
}

async fn authorize_decision(State(server): State<Arc<OAuthServer>>, body: Bytes) -> Response {
    let vendor = server.config.vendor;
    let params = match parse_form(&body) {
        Ok(p) => p,
        Err(msg) => return error_page(vendor, "The consent form is malformed", &msg),
    };
    let Some(request_id) = non_empty(&params, "request_id") else {
        return error_page(
            vendor,
            "The consent form is incomplete",
            "Start the connection again from the application.",
        );
    };
    let now = server.now_ms();
    let mut inner = server.lock();
    let pending = match inner.pending.remove(request_id) {
        Some(p) if p.expires_at_ms > now => p,
        _ => {
            return error_page(
                vendor,
                "This sign-in request has already been used or has expired",
                "Start the connection again from the application.",
            )
        }
    };
    match non_empty(&params, "decision") {
        Some("approve") => {}
        Some("deny") => {
            inner.stats.denied += 1;
            return error_redirect(
                &pending.redirect_uri,
                "access_denied",
                "the user denied the request",
                pending.state.as_deref(),
            );
        }
        _ => {
            return error_page(
                vendor,
                "The consent form is incomplete",
                "Choose Approve or Deny.",
            )
        }
    }
    let subject = match non_empty(&params, "subject") {
        Some(s) if server.config.subjects.iter().any(|(id, _)| id == s) => Some(s.to_owned()),
        Some(_) => {
            return error_page(
                vendor,
                "Unknown user",
                "Pick one of the users on the sign-in page.",
            )
        }
        None => server.config.subjects.first().map(|(id, _)| id.clone()),
    };
    let code = random_token();
    inner.codes.insert(
        code.clone(),
        CodeRecord {
            client_id: server.config.client_id.clone(),
            subject,
            scopes: pending.scopes,
            redirect_uri: pending.redirect_uri.clone(),
            challenge: pending.challenge,
            expires_at_ms: now + ms(server.config.code_ttl),
            redeemed_grant: None,
            spent: false,
        },
    );
    inner.stats.codes_issued += 1;
    let mut url = Url::parse(&pending.redirect_uri).expect("validated redirect URI");
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("code", &code);
        if let Some(state) = &pending.state {
            q.append_pair("state", state);
        }
    }
    found(&url)
}

fn error_redirect(
    redirect_uri: &str,
    error: &str,
    description: &str,
    state: Option<&str>,
) -> Response {
    let mut url = Url::parse(redirect_uri).expect("validated redirect URI");
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("error", error);
        q.append_pair("error_description", description);
        if let Some(state) = state {
            q.append_pair("state", state);
        }
    }
    found(&url)
}

/// 302 Found, the status RFC 6749 §4.1.2 examples use (axum's `Redirect`
/// offers 303/307/308 only).
fn found(url: &Url) -> Response {
    let mut resp = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(url.as_str()) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;background:#f4f5f7;color:#1d2330;margin:0}\
main{max-width:28rem;margin:4rem auto;background:#fff;border-radius:12px;padding:2rem;box-shadow:0 2px 12px rgba(0,0,0,.08)}\
h1{font-size:1.25rem;margin:0 0 1rem}.tag{font-size:.75rem;text-transform:uppercase;letter-spacing:.05em;color:#6b7385}\
ul{padding-left:1.2rem}code{background:#f0f1f4;padding:.1rem .3rem;border-radius:4px}\
.row{display:flex;gap:.75rem;margin-top:1.5rem}button{flex:1;font:inherit;padding:.6rem;border-radius:8px;border:1px solid #c9ced8;background:#fff;cursor:pointer}\
button.primary{background:#2f5bd3;border-color:#2f5bd3;color:#fff}select{font:inherit;width:100%;padding:.4rem}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<title>{}</title><style>{STYLE}</style></head><body><main>{body}</main></body></html>",
        escape(title)
    )
}

fn consent_page(
    config: &OAuthServerConfig,
    action: &str,
    request_id: &str,
    scopes: &[String],
) -> Response {
    let vendor = escape(config.vendor);
    let mut body = String::new();
    let _ = write!(
        body,
        "<p class=\"tag\">{vendor} sandbox</p><h1>Reqlink wants access to your {vendor} account</h1>"
    );
    if scopes.is_empty() {
        body.push_str("<p>No specific permissions were requested.</p>");
    } else {
        body.push_str("<p>It asks for these permissions:</p><ul>");
        for s in scopes {
            let _ = write!(body, "<li><code>{}</code></li>", escape(s));
        }
        body.push_str("</ul>");
    }
    let action = escape(action);
    let rid = escape(request_id);
    let _ = write!(
        body,
        "<form method=\"post\" action=\"{action}\" id=\"approve\">\
<input type=\"hidden\" name=\"request_id\" value=\"{rid}\">\
<input type=\"hidden\" name=\"decision\" value=\"approve\">"
    );
    if !config.subjects.is_empty() {
        body.push_str("<p><label>Sign in as<br><select name=\"subject\">");
        for (id, name) in &config.subjects {
            let _ = write!(
                body,
                "<option value=\"{}\">{}</option>",
                escape(id),
                escape(name)
            );
        }
        body.push_str("</select></label></p>");
    }
    let _ = write!(
        body,
        "</form><form method=\"post\" action=\"{action}\" id=\"deny\">\
<input type=\"hidden\" name=\"request_id\" value=\"{rid}\">\
<input type=\"hidden\" name=\"decision\" value=\"deny\"></form>\
<div class=\"row\"><button type=\"submit\" form=\"deny\">Deny</button>\
<button type=\"submit\" form=\"approve\" class=\"primary\">Approve</button></div>"
    );
    let mut resp = Html(page(
        &format!("{} sandbox: authorize Reqlink", config.vendor),
        &body,
    ))
    .into_response();
    // The consent page must not be framed (clickjacking) nor cached.
    let headers = resp.headers_mut();
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

fn error_page(vendor: &str, title: &str, detail: &str) -> Response {
    let body = format!(
        "<p class=\"tag\">{} sandbox</p><h1>{}</h1><p>{}</p>",
        escape(vendor),
        escape(title),
        escape(detail)
    );
    (StatusCode::BAD_REQUEST, Html(page(title, &body))).into_response()
}

// ---------------------------------------------------------------- token

struct TokenError {
    status: StatusCode,
    error: &'static str,
    description: String,
}

impl TokenError {
    fn new(error: &'static str, description: impl Into<String>) -> Self {
        let status = if error == "invalid_client" {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::BAD_REQUEST
        };
        Self {
            status,
            error,
            description: description.into(),
        }
    }
}

fn no_store(resp: &mut Response) {
    let headers = resp.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

async fn token(
    State(server): State<Arc<OAuthServer>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let result = token_inner(&server, &headers, &body);
    let mut resp = match result {
        Ok(answer) => Json(answer).into_response(),
        Err(e) => {
            {
                let mut inner = server.lock();
                match e.error {
                    "invalid_grant" => inner.stats.invalid_grant += 1,
                    "invalid_client" => inner.stats.invalid_client += 1,
                    "invalid_request" => inner.stats.invalid_request += 1,
                    _ => {}
                }
            }
            let mut resp = (
                e.status,
                Json(serde_json::json!({
                    "error": e.error,
                    "error_description": e.description,
                })),
            )
                .into_response();
            if e.status == StatusCode::UNAUTHORIZED {
                let realm = format!("Basic realm=\"{}\"", server.config.vendor);
                if let Ok(v) = HeaderValue::from_str(&realm) {
                    resp.headers_mut().insert(header::WWW_AUTHENTICATE, v);
                }
            }
            resp
        }
    };
    no_store(&mut resp);
    resp
}

fn token_inner(
    server: &OAuthServer,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<TokenAnswer, TokenError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = content_type.split(';').next().unwrap_or("").trim();
    if !mime.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return Err(TokenError::new(
            "invalid_request",
            "the token request must be application/x-www-form-urlencoded",
        ));
    }
    let params = parse_form(body).map_err(|m| TokenError::new("invalid_request", m))?;
    authenticate_client(server, headers, &params)?;
    let grant_type = non_empty(&params, "grant_type")
        .ok_or_else(|| TokenError::new("invalid_request", "grant_type is required"))?;
    match grant_type {
        "authorization_code" => redeem_code(server, &params),
        "refresh_token" => refresh(server, &params),
        "client_credentials" => client_credentials(server, &params),
        _ => Err(TokenError::new(
            "unsupported_grant_type",
            "grant_type must be authorization_code, refresh_token or client_credentials",
        )),
    }
}

/// RFC 6749 §2.3.1: HTTP Basic (form-encoded id and secret) or the body,
/// never both.
fn authenticate_client(
    server: &OAuthServer,
    headers: &HeaderMap,
    params: &HashMap<String, String>,
) -> Result<(), TokenError> {
    let basic = match headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        None => None,
        Some(value) => {
            let (scheme, rest) = value.trim().split_once(' ').unwrap_or((value, ""));
            if !scheme.eq_ignore_ascii_case("basic") {
                return Err(TokenError::new(
                    "invalid_client",
                    "client authentication must use HTTP Basic",
                ));
            }
            let decoded = STANDARD
                .decode(rest.trim())
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| TokenError::new("invalid_client", "malformed Basic credentials"))?;
            let (id, secret) = decoded
                .split_once(':')
                .ok_or_else(|| TokenError::new("invalid_client", "malformed Basic credentials"))?;
            Some((form_decode(id), form_decode(secret)))
        }
    };
    let body_id = params.get("client_id").cloned();
    let body_secret = params.get("client_secret").cloned();
    let (client_id, secret) = match basic {
        Some(creds) => {
            if body_secret.is_some() {
                return Err(TokenError::new(
                    "invalid_request",
                    "use one client authentication method: HTTP Basic or the request body, not both",
                ));
            }
            if body_id.as_ref().is_some_and(|b| *b != creds.0) {
                return Err(TokenError::new(
                    "invalid_request",
                    "client_id in the body differs from the Basic credentials",
                ));
            }
            (creds.0, Some(creds.1))
        }
        None => (
            body_id.ok_or_else(|| {
                TokenError::new("invalid_client", "client authentication is required")
            })?,
            body_secret,
        ),
    };
    if client_id != server.config.client_id {
        return Err(TokenError::new("invalid_client", "unknown client"));
    }
    if let Some(expected) = &server.config.client_secret {
        match secret {
            Some(s) if constant_time_eq(s.as_bytes(), expected.as_bytes()) => {}
            Some(_) => return Err(TokenError::new("invalid_client", "wrong client secret")),
            None => {
                return Err(TokenError::new(
                    "invalid_client",
                    "this client must authenticate with its client secret",
                ))
            }
        }
    }
    Ok(())
}

fn form_decode(s: &str) -> String {
    // Reuse the form decoder on a single value: `+` is a space and
    // percent-escapes are decoded, as RFC 6749 §2.3.1 prescribes.
    url::form_urlencoded::parse(format!("v={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

fn check_audience(
    server: &OAuthServer,
    params: &HashMap<String, String>,
    required: bool,
) -> Result<(), TokenError> {
    let Some(expected) = &server.config.audience else {
        return Ok(());
    };
    match non_empty(params, "audience") {
        None if required => Err(TokenError::new("invalid_request", "audience is required")),
        None => Ok(()),
        Some(a) if a == expected => Ok(()),
        Some(_) => Err(TokenError::new(
            "invalid_request",
            "audience is not a known API identifier",
        )),
    }
}

fn redeem_code(
    server: &OAuthServer,
    params: &HashMap<String, String>,
) -> Result<TokenAnswer, TokenError> {
    let code = non_empty(params, "code")
        .ok_or_else(|| TokenError::new("invalid_request", "code is required"))?;
    let redirect_uri = non_empty(params, "redirect_uri")
        .ok_or_else(|| TokenError::new("invalid_request", "redirect_uri is required"))?;
    check_audience(server, params, true)?;
    let now = server.now_ms();
    let mut inner = server.lock();
    let Some(record) = inner.codes.get_mut(code) else {
        return Err(TokenError::new(
            "invalid_grant",
            "the authorization code is not recognised",
        ));
    };
    if let Some(grant) = record.redeemed_grant {
        // RFC 6749 §4.1.2: a replayed code revokes what it produced.
        record.spent = true;
        if let Some(g) = inner.grants.get_mut(&grant) {
            g.revoked = true;
        }
        return Err(TokenError::new(
            "invalid_grant",
            "the authorization code has already been used",
        ));
    }
    if record.spent {
        return Err(TokenError::new(
            "invalid_grant",
            "the authorization code has already been used",
        ));
    }
    // Any redemption attempt spends the code, so a verifier cannot be guessed
    // by repeated tries.
    record.spent = true;
    if now >= record.expires_at_ms {
        return Err(TokenError::new(
            "invalid_grant",
            "the authorization code has expired",
        ));
    }
    if record.client_id != server.config.client_id {
        return Err(TokenError::new(
            "invalid_grant",
            "the authorization code was issued to another client",
        ));
    }
    if record.redirect_uri != redirect_uri {
        return Err(TokenError::new(
            "invalid_grant",
            "redirect_uri does not match the one used in the authorization request",
        ));
    }
    if let Some(challenge) = record.challenge.clone() {
        let Some(verifier) = non_empty(params, "code_verifier") else {
            inner.stats.pkce_failures += 1;
            return Err(TokenError::new(
                "invalid_request",
                "code_verifier is required",
            ));
        };
        if !valid_verifier(verifier)
            || !constant_time_eq(s256(verifier).as_bytes(), challenge.as_bytes())
        {
            inner.stats.pkce_failures += 1;
            return Err(TokenError::new(
                "invalid_grant",
                "code_verifier does not match the code_challenge",
            ));
        }
    } else if params.contains_key("code_verifier") {
        return Err(TokenError::new(
            "invalid_request",
            "code_verifier given but the authorization request had no code_challenge",
        ));
    }
    let scopes = record.scopes.clone();
    let subject = record.subject.clone();
    let grant = inner.new_grant(GrantRecord {
        client_id: server.config.client_id.clone(),
        subject,
        scopes: scopes.clone(),
        revoked: false,
    });
    if let Some(record) = inner.codes.get_mut(code) {
        record.redeemed_grant = Some(grant);
    }
    inner.stats.codes_redeemed += 1;
    let with_refresh = server.offline_granted(&scopes);
    Ok(server.issue_tokens(&mut inner, grant, with_refresh, now))
}

fn refresh(
    server: &OAuthServer,
    params: &HashMap<String, String>,
) -> Result<TokenAnswer, TokenError> {
    let token = non_empty(params, "refresh_token")
        .ok_or_else(|| TokenError::new("invalid_request", "refresh_token is required"))?;
    check_audience(server, params, false)?;
    let now = server.now_ms();
    let mut inner = server.lock();
    let (grant_id, rotated, expires_at_ms) = match inner.refresh.get(token) {
        Some(r) => (r.grant, r.rotated, r.expires_at_ms),
        None => {
            return Err(TokenError::new(
                "invalid_grant",
                "the refresh token is not recognised",
            ))
        }
    };
    let (revoked, scopes) = match inner.grants.get(&grant_id) {
        Some(g) if g.client_id == server.config.client_id => (g.revoked, g.scopes.clone()),
        _ => {
            return Err(TokenError::new(
                "invalid_grant",
                "the refresh token was issued to another client",
            ))
        }
    };
    if revoked {
        return Err(TokenError::new(
            "invalid_grant",
            "the grant has been revoked; sign in again",
        ));
    }
    if rotated {
        // RFC 9700 §4.14.2: a rotated token seen again means it leaked (or
        // two refreshes raced): revoke the whole grant.
        inner.stats.refresh_reuse += 1;
        if let Some(g) = inner.grants.get_mut(&grant_id) {
            g.revoked = true;
        }
        return Err(TokenError::new(
            "invalid_grant",
            "the refresh token has already been used; the grant is revoked",
        ));
    }
    if expires_at_ms.is_some_and(|at| now >= at) {
        return Err(TokenError::new(
            "invalid_grant",
            "the refresh token has expired",
        ));
    }
    if let Some(requested) = non_empty(params, "scope") {
        let requested = split_scopes(Some(requested));
        if let Some(extra) = requested.iter().find(|s| !scopes.contains(s)) {
            return Err(TokenError::new(
                "invalid_scope",
                format!("scope {extra} was not granted"),
            ));
        }
    }
    if server.config.rotate_refresh {
        if let Some(r) = inner.refresh.get_mut(token) {
            r.rotated = true;
        }
    }
    inner.stats.refreshes += 1;
    Ok(server.issue_tokens(&mut inner, grant_id, server.config.rotate_refresh, now))
}

fn client_credentials(
    server: &OAuthServer,
    params: &HashMap<String, String>,
) -> Result<TokenAnswer, TokenError> {
    if !server.config.allow_client_credentials || server.config.client_secret.is_none() {
        return Err(TokenError::new(
            "unauthorized_client",
            "this client may not use the client_credentials grant",
        ));
    }
    let subject = non_empty(params, "sub").map(str::to_owned);
    if let Some(sub) = &subject {
        if !server.config.subjects.is_empty()
            && !server.config.subjects.iter().any(|(id, _)| id == sub)
        {
            return Err(TokenError::new(
                "invalid_request",
                "sub is not a user of this organization",
            ));
        }
    }
    let scopes = split_scopes(params.get("scope").map(String::as_str));
    if let Some(known) = &server.config.known_scopes {
        if let Some(bad) = scopes.iter().find(|s| !known.contains(s)) {
            return Err(TokenError::new(
                "invalid_scope",
                format!("unknown scope {bad}"),
            ));
        }
    }
    let now = server.now_ms();
    let mut inner = server.lock();
    let grant = inner.new_grant(GrantRecord {
        client_id: server.config.client_id.clone(),
        subject,
        scopes,
        revoked: false,
    });
    inner.stats.client_credentials += 1;
    // RFC 6749 §4.4.3: no refresh token for client credentials.
    Ok(server.issue_tokens(&mut inner, grant, false, now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_matches_rfc7636_appendix_b() {
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn loopback_rule_accepts_any_port_only_on_ip_literals() {
        let server = OAuthServer::new(OAuthServerConfig::new("Lever", "c"));
        assert!(server.redirect_allowed("http://127.0.0.1:53124/callback"));
        assert!(server.redirect_allowed("http://[::1]:8080/callback"));
        assert!(!server.redirect_allowed("http://localhost:53124/callback"));
        assert!(!server.redirect_allowed("https://127.0.0.1:53124/callback"));
        assert!(!server.redirect_allowed("http://127.0.0.1:53124/other"));
        assert!(!server.redirect_allowed("http://127.0.0.1/callback"));
        assert!(!server.redirect_allowed("http://127.0.0.1:1/callback#x"));
    }

    #[test]
    fn basic_credentials_are_form_decoded() {
        assert_eq!(form_decode("a%3Ab+c"), "a:b c");
    }
}
