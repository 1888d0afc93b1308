//! The HTTP layer: auth (Basic API key or OAuth bearer), the client-side
//! limiter, retries, and mapping Lever's answers onto [`AtsError`].
//!
//! Retry policy:
//! - 429: wait `Retry-After` and send again, reads and writes alike (Lever
//!   refused the request, so nothing happened).
//! - 5xx, timeouts and dropped connections: reads are retried with
//!   exponential backoff; writes are not, because Lever may have applied
//!   them. A write that timed out returns [`AtsError::Timeout`] and the
//!   caller checks the footprint before writing again.
//! - 401 with a bearer token: the token source is told, and the request is
//!   sent once more with a fresh token; a second 401 means the grant is gone
//!   ([`AtsError::NeedsReconnect`]).

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use reqlink_ats::{AtsError, FieldError, TokenSource};
use reqlink_ratelimit::RateLimiter;
use reqwest::header::{HeaderMap, AUTHORIZATION, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::model::{ListPage, One};
use crate::VENDOR;

/// How the client authenticates.
#[derive(Clone)]
pub enum LeverAuth {
    /// Basic auth, the key as user name and an empty password.
    ApiKey(String),
    /// OAuth access tokens from a (refreshing) source.
    Bearer(Arc<dyn TokenSource>),
}

/// Lever allows ~10 requests/s with bursts to 20: never more than 10 in
/// any second keeps a token bucket of that shape from ever running dry.
pub const DEFAULT_RATE: (u32, Duration) = (10, Duration::from_secs(1));
const MAX_ATTEMPTS: u32 = 5;
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// A `Retry-After` longer than this is reported instead of slept through.
const MAX_RETRY_WAIT: Duration = Duration::from_secs(60);

#[derive(Clone)]
pub struct LeverClient {
    http: reqwest::Client,
    base_url: url::Url,
    auth: LeverAuth,
    limiter: RateLimiter,
    backoff: Duration,
    timeout: Duration,
}

/// A request body, rebuilt for every attempt (multipart forms are
/// consumed by sending).
pub(crate) enum Payload {
    None,
    Json(serde_json::Value),
    File {
        filename: String,
        content_type: String,
        bytes: Vec<u8>,
    },
}

/// Lever's `{code, message}`; only the message is shown.
#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    message: Option<String>,
}

impl LeverClient {
    /// `base_url` is the API root including `/v1`
    /// (`https://api.lever.co/v1`).
    pub fn new(base_url: &str, auth: LeverAuth) -> Result<Self, AtsError> {
        let trimmed = base_url.trim_end_matches('/');
        let base_url = url::Url::parse(trimmed).map_err(|_| {
            AtsError::Config(format!("the Lever base URL {trimmed:?} is not a valid URL"))
        })?;
        Ok(Self {
            http: build_http(DEFAULT_TIMEOUT)?,
            base_url,
            auth,
            limiter: RateLimiter::new(DEFAULT_RATE.0, DEFAULT_RATE.1),
            backoff: Duration::from_millis(500),
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// Per-request timeout (default 30 s).
    pub fn with_timeout(mut self, timeout: Duration) -> Result<Self, AtsError> {
        self.http = build_http(timeout)?;
        self.timeout = timeout;
        Ok(self)
    }

    /// Client-side limit: at most `limit` requests in any `window`.
    pub fn with_rate_limit(mut self, limit: u32, window: Duration) -> Self {
        self.limiter = RateLimiter::new(limit, window);
        self
    }

    /// First wait before retrying a failed read; doubles per attempt.
    pub fn with_backoff(mut self, base: Duration) -> Self {
        self.backoff = base;
        self
    }

    pub fn limiter(&self) -> &RateLimiter {
        &self.limiter
    }

    pub fn is_oauth(&self) -> bool {
        matches!(self.auth, LeverAuth::Bearer(_))
    }

    fn url(&self, path: &str, query: &[(&str, String)]) -> url::Url {
        let mut url = self.base_url.clone();
        url.set_path(&format!(
            "{}{path}",
            self.base_url.path().trim_end_matches('/')
        ));
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in query {
                pairs.append_pair(k, v);
            }
        }
        url
    }

    /// `GET /v1/opportunities`: what error messages name (no host, no query).
    fn endpoint(&self, method: &Method, path: &str) -> String {
        format!(
            "{method} {}{path}",
            self.base_url.path().trim_end_matches('/')
        )
    }

    /// One page of a list endpoint.
    pub async fn list<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<ListPage<T>, AtsError> {
        self.get_json(path, query).await
    }

    /// Every record of a list endpoint (for small lists: stages, notes).
    pub async fn list_all<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Vec<T>, AtsError> {
        let mut out = Vec::new();
        let mut offset: Option<String> = None;
        loop {
            let mut q = query.to_vec();
            q.push(("limit", "100".into()));
            if let Some(o) = &offset {
                q.push(("offset", o.clone()));
            }
            let page: ListPage<T> = self.get_json(path, &q).await?;
            out.extend(page.data);
            match page.next.filter(|_| page.has_next) {
                Some(n) => offset = Some(n),
                None => return Ok(out),
            }
        }
    }

    /// `{data: T}` of a single-record endpoint.
    pub async fn get_one<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, AtsError> {
        let one: One<T> = self.get_json(path, query).await?;
        Ok(one.data)
    }

    pub async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, AtsError> {
        let body = self
            .send(Method::GET, path, query, Payload::None, true)
            .await?;
        self.parse(&Method::GET, path, &body)
    }

    /// A write (`POST`/`PUT`); parses `{data: T}`.
    pub(crate) async fn write<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        payload: Payload,
    ) -> Result<T, AtsError> {
        let body = self
            .send(method.clone(), path, query, payload, false)
            .await?;
        let one: One<T> = self.parse(&method, path, &body)?;
        Ok(one.data)
    }

    fn parse<T: DeserializeOwned>(
        &self,
        method: &Method,
        path: &str,
        body: &[u8],
    ) -> Result<T, AtsError> {
        // Line and column of a minified answer say little; the field's path
        // says what Lever sent that the model does not expect.
        let mut de = serde_json::Deserializer::from_slice(body);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let field = e.path().to_string();
            let inner = e.into_inner();
            AtsError::Malformed {
                vendor: VENDOR,
                endpoint: self.endpoint(method, path),
                message: if field == "." {
                    format!("the JSON did not parse: {inner}")
                } else {
                    format!("the JSON did not parse: field {field}: {inner}")
                },
            }
        })
    }

    async fn auth_header(&self) -> Result<String, AtsError> {
        match &self.auth {
            LeverAuth::ApiKey(key) => Ok(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{key}:"))
            )),
            LeverAuth::Bearer(source) => Ok(format!("Bearer {}", source.access_token().await?)),
        }
    }

    pub(crate) async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        payload: Payload,
        idempotent: bool,
    ) -> Result<Vec<u8>, AtsError> {
        let endpoint = self.endpoint(&method, path);
        let url = self.url(path, query);
        let mut attempt = 0;
        let mut refreshed = false;
        loop {
            attempt += 1;
            let permit = self.limiter.acquire().await;
            let auth = self.auth_header().await?;
            let mut req = self
                .http
                .request(method.clone(), url.clone())
                .header(AUTHORIZATION, &auth);
            req = match &payload {
                Payload::None => req,
                Payload::Json(v) => req.json(v),
                Payload::File {
                    filename,
                    content_type,
                    bytes,
                } => {
                    let part = reqwest::multipart::Part::bytes(bytes.clone())
                        .file_name(filename.clone())
                        .mime_str(content_type)
                        .map_err(|_| AtsError::Validation {
                            vendor: VENDOR,
                            endpoint: endpoint.clone(),
                            fields: vec![FieldError {
                                field: Some("content_type".into()),
                                message: format!("{content_type:?} is not a valid MIME type"),
                            }],
                        })?;
                    req.multipart(reqwest::multipart::Form::new().part("file", part))
                }
            };
            let result = req.send().await;
            drop(permit);
            let response = match result {
                Ok(r) => r,
                Err(e) => {
                    let err = transport_error(e, &endpoint);
                    // Reads are safe to repeat; a write may have landed.
                    if idempotent && attempt < MAX_ATTEMPTS {
                        tracing::warn!(%endpoint, error = %err, "Lever request failed; retrying");
                        tokio::time::sleep(self.backoff * 2u32.pow(attempt - 1)).await;
                        continue;
                    }
                    return Err(err);
                }
            };
            let status = response.status();
            let headers = response.headers().clone();
            let body = match response.bytes().await {
                Ok(b) => b.to_vec(),
                Err(e) => {
                    let err = transport_error(e, &endpoint);
                    if idempotent && attempt < MAX_ATTEMPTS {
                        continue;
                    }
                    return Err(err);
                }
            };
            if status.is_success() {
                return Ok(body);
            }
            match status {
                StatusCode::UNAUTHORIZED => match &self.auth {
                    LeverAuth::Bearer(source) if !refreshed => {
                        refreshed = true;
                        attempt -= 1;
                        let token = auth.strip_prefix("Bearer ").unwrap_or_default();
                        source.invalidate(token).await;
                    }
                    LeverAuth::Bearer(_) => {
                        return Err(AtsError::NeedsReconnect {
                            vendor: VENDOR,
                            reason: format!(
                                "{endpoint} still answered 401 after refreshing the access token; sign in to Lever again"
                            ),
                        })
                    }
                    LeverAuth::ApiKey(_) => {
                        return Err(AtsError::Unauthorized {
                            vendor: VENDOR,
                            endpoint,
                            hint: "check the Lever API key (Settings > Integrations and API > API credentials)".into(),
                        })
                    }
                },
                StatusCode::TOO_MANY_REQUESTS => {
                    let wait = retry_after(&headers);
                    match wait {
                        Some(w) if w <= MAX_RETRY_WAIT && attempt < MAX_ATTEMPTS => {
                            tracing::warn!(%endpoint, ?w, "Lever rate limit hit; waiting as told");
                            tokio::time::sleep(w).await;
                        }
                        None if attempt < MAX_ATTEMPTS => {
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                        _ => {
                            return Err(AtsError::RateLimited {
                                vendor: VENDOR,
                                endpoint,
                                retry_after: wait,
                            })
                        }
                    }
                }
                s if s.is_server_error() && idempotent && attempt < MAX_ATTEMPTS => {
                    let wait = self.backoff * 2u32.pow(attempt - 1);
                    tracing::warn!(%endpoint, status = s.as_u16(), ?wait, "Lever server error; retrying");
                    tokio::time::sleep(wait).await;
                }
                s => return Err(status_error(s, endpoint, &body, self.is_oauth())),
            }
        }
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }
}

fn build_http(timeout: Duration) -> Result<reqwest::Client, AtsError> {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .user_agent(concat!("Reqlink/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| AtsError::Config(format!("could not set up the HTTP client: {e}")))
}

fn transport_error(e: reqwest::Error, endpoint: &str) -> AtsError {
    if e.is_timeout() {
        AtsError::Timeout {
            vendor: VENDOR,
            endpoint: endpoint.to_owned(),
        }
    } else {
        AtsError::Network {
            vendor: VENDOR,
            endpoint: endpoint.to_owned(),
            message: if e.is_connect() {
                "could not connect (check the network, or whether Lever is reachable)".into()
            } else {
                // Without the URL: it may carry perform_as and other ids.
                e.without_url().to_string()
            },
        }
    }
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let secs: u64 = headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(secs.max(1)))
}

fn status_error(status: StatusCode, endpoint: String, body: &[u8], oauth: bool) -> AtsError {
    let parsed: Option<ErrorBody> = serde_json::from_slice(body).ok();
    let message = parsed
        .as_ref()
        .and_then(|b| b.message.clone())
        .filter(|m| !m.is_empty());
    match status {
        StatusCode::BAD_REQUEST
        | StatusCode::PAYLOAD_TOO_LARGE
        | StatusCode::UNPROCESSABLE_ENTITY => {
            let message = message.unwrap_or_else(|| match status {
                StatusCode::PAYLOAD_TOO_LARGE => {
                    "the file is larger than Lever accepts (30 MB)".into()
                }
                _ => "the request was refused".into(),
            });
            AtsError::Validation {
                vendor: VENDOR,
                endpoint,
                fields: vec![FieldError {
                    field: field_of(&message),
                    message,
                }],
            }
        }
        StatusCode::FORBIDDEN => AtsError::Forbidden {
            vendor: VENDOR,
            endpoint,
            hint: format!(
                "{}; {}",
                message.unwrap_or_else(|| "access denied".into()),
                if oauth {
                    "reconnect Lever granting the permissions Reqlink asks for"
                } else {
                    "give the API key access to this endpoint in Lever's API settings"
                }
            ),
        },
        StatusCode::NOT_FOUND => AtsError::NotFound {
            vendor: VENDOR,
            endpoint,
        },
        s => AtsError::Server {
            vendor: VENDOR,
            endpoint,
            status: s.as_u16(),
        },
    }
}

/// Lever names the offending parameter first (`perform_as: ...`,
/// `Invalid value for limit`); pull it out when it is there.
fn field_of(message: &str) -> Option<String> {
    if let Some((head, _)) = message.split_once(':') {
        if !head.contains(' ') && !head.is_empty() {
            return Some(head.to_owned());
        }
    }
    [
        "perform_as",
        "limit",
        "offset",
        "postings",
        "stage",
        "value",
        "file",
    ]
    .iter()
    .find(|f| message.contains(*f))
    .map(|f| (*f).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LeverOpportunity;

    #[test]
    fn malformed_answers_name_the_field() {
        let client =
            LeverClient::new("https://api.lever.co/v1", LeverAuth::ApiKey("k".into())).unwrap();
        let err = client
            .parse::<ListPage<LeverOpportunity>>(
                &Method::GET,
                "/opportunities",
                br#"{"data": [{"id": "a", "contact": "c"}, {"id": "b", "contact": "d", "emails": [42]}], "hasNext": false}"#,
            )
            .unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("GET /v1/opportunities"), "{msg}");
        assert!(
            msg.contains("field data[1].emails[0]: invalid type"),
            "{msg}"
        );
    }
}
