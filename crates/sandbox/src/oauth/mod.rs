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
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use url::Url;

use crate::clock::now_ms;

mod authorize;
mod person;
mod token;

pub use person::{answer_consent, Decision};

use authorize::{authorize_decision, authorize_page};
use token::token;

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
}
