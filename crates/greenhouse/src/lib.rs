//! Greenhouse Harvest client: API v1 (Basic auth with the Harvest key,
//! `On-Behalf-Of` on writes) and API v3 (OAuth bearer tokens from a
//! [`TokenSource`], cursor paging, writes acting as the token's user).
//!
//! Paging follows the `Link` header verbatim (never constructed page
//! numbers; v3 follow-ups carry nothing but the cursor), and a client-side
//! sliding window keeps requests under the advertised `X-RateLimit-Limit`
//! so normal operation never sees a 429; a 429 that does happen is obeyed
//! through `Retry-After`. Reads are retried on 5xx, timeouts and dropped
//! connections. Writes are retried on 429 only, never after a 5xx, a
//! timeout or a dropped connection: the write may have been applied, so the
//! caller checks
//! [`GreenhouseConnector::footprint`](reqlink_ats::AtsConnector::footprint)
//! before writing again.
//!
//! [`GreenhouseConnector`] puts the client behind the vendor-neutral
//! [`reqlink_ats::AtsConnector`]; [`verify_webhook`] checks and decodes web
//! hook deliveries.

mod connector;
mod error;
mod link;
mod model;
mod webhook;
mod writes;

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

pub use connector::GreenhouseConnector;
pub use error::{FieldError, GreenhouseError};
pub use link::{parse_link_header, LinkHeader};
pub use model::{
    GhActivity, GhActivityFeed, GhApplication, GhAttachment, GhCandidate, GhJob, GhNote, GhStage,
    GhUser, IdName,
};
pub use reqlink_ats::TokenSource;
pub use reqlink_ratelimit::RateLimiter;
pub use webhook::{authenticate_webhook, parse_webhook, verify_webhook};
pub use writes::{
    AttachTo, AttachmentContent, CreatedCandidate, NewAttachment, NewCandidateBody,
    NewProspectBody, Visibility,
};

/// Greenhouse's documented rate-limit window.
pub const RATE_WINDOW: Duration = Duration::from_secs(10);
/// The largest page Harvest serves.
pub const MAX_PER_PAGE: u32 = 500;

const MAX_ATTEMPTS: u32 = 5;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const RETRY_BASE: Duration = Duration::from_millis(250);

/// One page of a list endpoint.
#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Absolute URL of the next page, from `Link: <...>; rel="next"`.
    pub next: Option<String>,
    /// Page number of `rel="last"`, when the server sent it (v1 only).
    pub last_page: Option<u32>,
}

/// Which Harvest API the client speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiVersion {
    V1,
    V3,
}

#[derive(Clone)]
enum Auth {
    /// `Basic base64(key:)`.
    Basic(String),
    Bearer(Arc<dyn TokenSource>),
}

#[derive(Clone)]
pub struct GreenhouseClient {
    http: reqwest::Client,
    base_url: String,
    auth: Auth,
    limiter: RateLimiter,
    timeout: Duration,
    retry_base: Duration,
}

/// A request as the retry loop sees it.
struct Call<'a> {
    method: Method,
    url: &'a str,
    body: Option<Vec<u8>>,
    /// v1 writes: the acting user.
    on_behalf_of: Option<u64>,
}

impl GreenhouseClient {
    /// A Harvest v1 client. `base_url` is the Harvest root including `/v1`
    /// (`https://harvest.greenhouse.io/v1`).
    pub fn new(base_url: &str, api_key: &str) -> Result<Self, GreenhouseError> {
        use base64::Engine;
        // Harvest: the key is the Basic-auth user name, the password is empty.
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{api_key}:"));
        Self::build(base_url, Auth::Basic(format!("Basic {token}")))
    }

    /// A Harvest v3 client. `base_url` is the root including `/v3`
    /// (`https://harvest.greenhouse.io/v3`); tokens come from `tokens`.
    pub fn v3(base_url: &str, tokens: Arc<dyn TokenSource>) -> Result<Self, GreenhouseError> {
        Self::build(base_url, Auth::Bearer(tokens))
    }

    fn build(base_url: &str, auth: Auth) -> Result<Self, GreenhouseError> {
        let base_url = base_url.trim_end_matches('/').to_string();
        url::Url::parse(&base_url).map_err(|_| GreenhouseError::BadBaseUrl(base_url.clone()))?;
        Ok(Self {
            http: http_client(REQUEST_TIMEOUT, &base_url)?,
            base_url,
            auth,
            limiter: RateLimiter::new(50, RATE_WINDOW),
            timeout: REQUEST_TIMEOUT,
            retry_base: RETRY_BASE,
        })
    }

    /// Per-request timeout (default 30 s).
    pub fn with_timeout(mut self, timeout: Duration) -> Result<Self, GreenhouseError> {
        self.http = http_client(timeout, &self.base_url)?;
        self.timeout = timeout;
        Ok(self)
    }

    /// The window the client-side limiter spreads requests over (default
    /// Greenhouse's 10 s); the limit itself is learnt from
    /// `X-RateLimit-Limit`.
    pub fn with_rate_window(mut self, window: Duration) -> Self {
        self.limiter = RateLimiter::new(50, window);
        self
    }

    /// First wait before retrying a read after a 5xx, a timeout or a dropped
    /// connection; doubles per attempt (default 250 ms).
    pub fn with_retry_base(mut self, base: Duration) -> Self {
        self.retry_base = base;
        self
    }

    pub fn api_version(&self) -> ApiVersion {
        match self.auth {
            Auth::Basic(_) => ApiVersion::V1,
            Auth::Bearer(_) => ApiVersion::V3,
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn limiter(&self) -> &RateLimiter {
        &self.limiter
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Absolute URL of `path` (e.g. `/jobs`) with `query` pairs.
    pub fn url(&self, path: &str, query: &[(&str, String)]) -> String {
        let mut url = url::Url::parse(&format!("{}{}", self.base_url, path))
            .expect("base URL was validated in new()");
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in query {
                pairs.append_pair(k, v);
            }
        }
        url.into()
    }

    /// Checks the credentials with the cheapest authenticated call.
    pub async fn verify(&self) -> Result<(), GreenhouseError> {
        let url = self.url("/users", &[("per_page", "1".into())]);
        self.get_page::<GhUser>(&url).await.map(|_| ())
    }

    /// One page of a list endpoint; `url` is a first-page URL from
    /// [`url`](Self::url) or a previous page's `next`, used verbatim.
    pub async fn get_page<T: DeserializeOwned>(
        &self,
        url: &str,
    ) -> Result<Page<T>, GreenhouseError> {
        let (headers, body) = self.get(url).await?;
        let items = parse_body(&Method::GET, url, &body)?;
        let link = headers
            .get(reqwest::header::LINK)
            .and_then(|v| v.to_str().ok())
            .map(parse_link_header)
            .unwrap_or_default();
        Ok(Page {
            items,
            next: link.next,
            last_page: link.last.as_deref().and_then(page_number),
        })
    }

    pub async fn get_one<T: DeserializeOwned>(&self, url: &str) -> Result<T, GreenhouseError> {
        let (_, body) = self.get(url).await?;
        parse_body(&Method::GET, url, &body)
    }

    async fn get(&self, url: &str) -> Result<(HeaderMap, Vec<u8>), GreenhouseError> {
        self.call(Call {
            method: Method::GET,
            url,
            body: None,
            on_behalf_of: None,
        })
        .await
    }

    /// A JSON write. v1 sends `On-Behalf-Of: actor`; v3 acts as the token's
    /// user and ignores `actor`.
    pub(crate) async fn post_json<T: DeserializeOwned>(
        &self,
        path: &str,
        actor: u64,
        body: &serde_json::Value,
    ) -> Result<T, GreenhouseError> {
        let url = self.url(path, &[]);
        let (_, bytes) = self
            .call(Call {
                method: Method::POST,
                url: &url,
                body: Some(serde_json::to_vec(body).expect("JSON values serialise")),
                on_behalf_of: Some(actor),
            })
            .await?;
        parse_body(&Method::POST, &url, &bytes)
    }

    async fn authorization(&self, endpoint: &str) -> Result<String, GreenhouseError> {
        match &self.auth {
            Auth::Basic(h) => Ok(h.clone()),
            Auth::Bearer(tokens) => tokens
                .access_token()
                .await
                .map(|t| format!("Bearer {t}"))
                .map_err(|e| token_error(endpoint, e)),
        }
    }

    async fn call(&self, call: Call<'_>) -> Result<(HeaderMap, Vec<u8>), GreenhouseError> {
        let endpoint = endpoint_of(&call.method, call.url);
        let write = call.method != Method::GET;
        let mut attempt = 0;
        let mut refreshed = false;
        loop {
            attempt += 1;
            let permit = self.limiter.acquire().await;
            let authorization = self.authorization(&endpoint).await?;
            let mut req = self
                .http
                .request(call.method.clone(), call.url)
                .header(AUTHORIZATION, &authorization);
            if let (Some(actor), Auth::Basic(_)) = (call.on_behalf_of, &self.auth) {
                req = req.header("On-Behalf-Of", actor.to_string());
            }
            if let Some(body) = &call.body {
                req = req
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            let sent = req.send().await;
            drop(permit);
            let response = match sent {
                Ok(r) => r,
                Err(e) => {
                    let err = transport_error(&endpoint, &e);
                    // A read is safe to repeat; a write whose answer was
                    // lost may have been applied.
                    if !write && attempt < MAX_ATTEMPTS {
                        self.transport_backoff(&endpoint, &err, attempt).await;
                        continue;
                    }
                    return Err(err);
                }
            };
            let status = response.status();
            let headers = response.headers().clone();
            self.limiter.observe(&headers);
            let body = match response.bytes().await {
                Ok(b) => b,
                Err(e) => {
                    let err = transport_error(&endpoint, &e);
                    if !write && attempt < MAX_ATTEMPTS {
                        self.transport_backoff(&endpoint, &err, attempt).await;
                        continue;
                    }
                    return Err(err);
                }
            };
            match status {
                s if s.is_success() => return Ok((headers, body.to_vec())),
                StatusCode::UNAUTHORIZED if matches!(self.auth, Auth::Bearer(_)) => {
                    let Auth::Bearer(tokens) = &self.auth else {
                        unreachable!()
                    };
                    let token = authorization.trim_start_matches("Bearer ");
                    tokens.invalidate(token).await;
                    if refreshed {
                        return Err(GreenhouseError::NeedsReconnect {
                            endpoint,
                            reason: "Greenhouse refused a freshly refreshed access token; sign in to Greenhouse again".into(),
                        });
                    }
                    // An expired token: one retry with a refreshed one.
                    refreshed = true;
                    attempt -= 1;
                }
                StatusCode::TOO_MANY_REQUESTS if attempt < MAX_ATTEMPTS => {
                    // A rate-limited request was not processed, writes included.
                    let wait = retry_after(&headers).unwrap_or(RATE_WINDOW);
                    tracing::warn!(%endpoint, ?wait, "Greenhouse rate limit hit; waiting as told");
                    tokio::time::sleep(wait).await;
                }
                StatusCode::GATEWAY_TIMEOUT if write => {
                    // The proxy gave up waiting: the write may have happened.
                    return Err(GreenhouseError::Timeout { endpoint });
                }
                s if s.is_server_error() && write => {
                    // A 5xx does not say whether the write was applied, so
                    // it is never repeated here: the caller looks at the
                    // candidate first (the writeback outbox does).
                    return Err(GreenhouseError::from_status(s, &endpoint, &body));
                }
                s if s.is_server_error() && attempt < MAX_ATTEMPTS => {
                    let wait = self.retry_base * 2u32.pow(attempt - 1);
                    tracing::warn!(%endpoint, status = s.as_u16(), ?wait, "Greenhouse server error; retrying");
                    tokio::time::sleep(wait).await;
                }
                s => return Err(GreenhouseError::from_status(s, &endpoint, &body)),
            }
        }
    }

    /// The wait before repeating a read whose answer never arrived: the same
    /// doubling back-off as after a 5xx.
    async fn transport_backoff(&self, endpoint: &str, err: &GreenhouseError, attempt: u32) {
        let wait = self.retry_base * 2u32.pow(attempt - 1);
        tracing::warn!(%endpoint, error = %err, ?wait, "Greenhouse request failed; retrying");
        tokio::time::sleep(wait).await;
    }
}

fn http_client(timeout: Duration, base_url: &str) -> Result<reqwest::Client, GreenhouseError> {
    reqwest::Client::builder()
        .timeout(timeout)
        .user_agent(concat!("Reqlink/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| GreenhouseError::Network {
            endpoint: base_url.to_string(),
            message: e.to_string(),
        })
}

fn token_error(endpoint: &str, e: reqlink_ats::AtsError) -> GreenhouseError {
    use reqlink_ats::AtsError;
    let endpoint = endpoint.to_string();
    match e {
        AtsError::Timeout { .. } => GreenhouseError::Timeout { endpoint },
        AtsError::Network { message, .. } => GreenhouseError::Network { endpoint, message },
        AtsError::NeedsReconnect { reason, .. } => {
            GreenhouseError::NeedsReconnect { endpoint, reason }
        }
        other => GreenhouseError::NeedsReconnect {
            endpoint,
            reason: format!("no usable access token: {other}"),
        },
    }
}

fn transport_error(endpoint: &str, e: &reqwest::Error) -> GreenhouseError {
    let endpoint = endpoint.to_string();
    if e.is_timeout() {
        GreenhouseError::Timeout { endpoint }
    } else {
        GreenhouseError::Network {
            endpoint,
            message: describe_reqwest(e),
        }
    }
}

/// Parses a response, naming the JSON path of the first field that does
/// not fit (`[3].email_addresses[0].value: invalid type: null...`).
fn parse_body<T: DeserializeOwned>(
    method: &Method,
    url: &str,
    body: &[u8],
) -> Result<T, GreenhouseError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        GreenhouseError::Malformed {
            endpoint: endpoint_of(method, url),
            message: if path == "." {
                inner.to_string()
            } else {
                format!("field {path}: {inner}")
            },
        }
    })
}

/// `GET /v1/candidates` for messages: method and path, no host or query.
fn endpoint_of(method: &Method, url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => format!("{method} {}", u.path()),
        Err(_) => format!("{method} {}", url.split('?').next().unwrap_or(url)),
    }
}

fn page_number(url: &str) -> Option<u32> {
    let url = url::Url::parse(url).ok()?;
    url.query_pairs()
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse().ok())
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

fn describe_reqwest(e: &reqwest::Error) -> String {
    if e.is_connect() {
        "could not connect (check your network, or whether the server is up)".into()
    } else {
        e.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_bodies_name_the_field() {
        let err = parse_body::<Vec<GhCandidate>>(
            &Method::GET,
            "http://h/v1/candidates?per_page=2",
            br#"[{"id": 1}, {"id": 2, "email_addresses": [{"value": null}]}]"#,
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("GET /v1/candidates"), "{msg}");
        assert!(msg.contains("[1].email_addresses[0].value"), "{msg}");
        assert!(!msg.contains("per_page"), "no query in messages");
    }
}
