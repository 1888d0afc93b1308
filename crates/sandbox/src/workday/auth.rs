//! Workday's OAuth 2.0 token endpoint for an "API Client for Integrations":
//! `POST /ccx/oauth2/{tenant}/token` with HTTP Basic `client_id:client_secret`
//! and `grant_type=refresh_token` carrying the Integration System User's
//! refresh token, which does not expire (until an administrator revokes it).
//! Access tokens live `access_token_ttl` (about an hour in Workday).
//!
//! STOPGAP: this is the minimal refresh-token grant the Workday emulator
//! needs until the shared authorization-server emulator (`crate::oauth`,
//! branch h-oauth) is merged; it is then replaced by that server, which adds
//! the authorization-code flow at `/{tenant}/authorize`. Keep its surface
//! (`check_bearer`, `expire_access_tokens`, `revoke_refresh_token`, the token
//! handler) small so the swap stays local to this file.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::json;

use crate::rng::mix;

pub(crate) struct Auth {
    pub client_id: String,
    pub client_secret: String,
    pub refresh_token: String,
    ttl: Mutex<Duration>,
    inner: Mutex<Inner>,
}

struct Inner {
    /// Access token -> expiry.
    access: HashMap<String, Instant>,
    refresh_revoked: bool,
    issued: u64,
    salt: u64,
}

/// Why a bearer token was refused (both answer 401).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BearerError {
    Missing,
    Invalid,
}

impl Auth {
    pub(crate) fn new(seed: u64, ttl: Duration) -> Self {
        let salt = mix(seed ^ crate::clock::now_ms() as u64);
        Self {
            client_id: format!(
                "{:016X}{:016X}",
                mix(seed ^ 0x5744_4349_4431),
                mix(seed ^ 0x5744_4349_4432)
            ),
            client_secret: format!(
                "{:016x}{:016x}{:016x}",
                mix(seed ^ 0x5744_5345_4331),
                mix(seed ^ 0x5744_5345_4332),
                mix(seed ^ 0x5744_5345_4333)
            ),
            refresh_token: format!(
                "{:016x}{:016x}{:016x}{:016x}",
                mix(seed ^ 0x5744_5246_3101),
                mix(seed ^ 0x5744_5246_3102),
                mix(seed ^ 0x5744_5246_3103),
                mix(seed ^ 0x5744_5246_3104)
            ),
            ttl: Mutex::new(ttl),
            inner: Mutex::new(Inner {
                access: HashMap::new(),
                refresh_revoked: false,
                issued: 0,
                salt,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn check_bearer(&self, headers: &HeaderMap) -> Result<(), BearerError> {
        let token = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, token) = v.split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .ok_or(BearerError::Missing)?;
        let inner = self.lock();
        match inner.access.get(token) {
            Some(&expiry) if Instant::now() < expiry => Ok(()),
            _ => Err(BearerError::Invalid),
        }
    }

    /// Every access token issued so far stops working (as if an hour had
    /// passed); the refresh token still works.
    pub(crate) fn expire_access_tokens(&self) {
        self.lock().access.clear();
    }

    /// An administrator revoked the ISU's refresh token: refreshing fails
    /// with `invalid_grant`, and so do the access tokens issued from it.
    pub(crate) fn revoke_refresh_token(&self) {
        let mut inner = self.lock();
        inner.refresh_revoked = true;
        inner.access.clear();
    }

    pub(crate) fn set_access_token_ttl(&self, ttl: Duration) {
        *self.ttl.lock().unwrap_or_else(|e| e.into_inner()) = ttl;
    }

    fn issue(&self) -> (String, Duration) {
        let ttl = *self.ttl.lock().unwrap_or_else(|e| e.into_inner());
        let mut inner = self.lock();
        inner.issued += 1;
        let n = inner.issued;
        let token = format!(
            "{:016x}{:016x}",
            mix(inner.salt ^ n),
            mix(inner.salt.rotate_left(17) ^ n)
        );
        // Expired tokens are dropped lazily so the map does not grow with a
        // long-running demo.
        let now = Instant::now();
        inner.access.retain(|_, exp| *exp > now);
        inner.access.insert(token.clone(), now + ttl);
        (token, ttl)
    }

    /// `POST /ccx/oauth2/{tenant}/token` (form-encoded body).
    pub(crate) fn token_response(&self, headers: &HeaderMap, body: &[u8]) -> Response {
        let Some((id, secret)) = basic_credentials(headers) else {
            return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
        };
        if id != self.client_id || secret != self.client_secret {
            return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
        }
        let form: HashMap<String, String> =
            url::form_urlencoded::parse(body).into_owned().collect();
        match form.get("grant_type").map(String::as_str) {
            Some("refresh_token") => {}
            Some(_) => return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type"),
            None => return oauth_error(StatusCode::BAD_REQUEST, "invalid_request"),
        }
        let presented = form.get("refresh_token").map(String::as_str);
        let valid = presented == Some(self.refresh_token.as_str()) && !self.lock().refresh_revoked;
        if !valid {
            return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
        }
        let (access, ttl) = self.issue();
        let mut resp = axum::Json(json!({
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": ttl.as_secs(),
            // Workday hands the (non-rotating) ISU refresh token back.
            "refresh_token": self.refresh_token,
        }))
        .into_response();
        resp.headers_mut()
            .insert(header::CACHE_CONTROL, "no-store".parse().expect("static"));
        resp
    }
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

fn oauth_error(status: StatusCode, error: &str) -> Response {
    (status, axum::Json(json!({ "error": error }))).into_response()
}
