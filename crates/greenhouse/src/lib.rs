//! Greenhouse Harvest v1 client.
//!
//! Paging follows the `Link` header (never constructed page numbers), and a
//! client-side sliding window keeps requests under the advertised
//! `X-RateLimit-Limit` so normal operation never sees a 429; a 429 that does
//! happen is obeyed through `Retry-After`.

mod error;
mod link;
mod model;

use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

pub use error::GreenhouseError;
pub use link::{parse_link_header, LinkHeader};
pub use model::{GhApplication, GhCandidate, GhJob, GhStage, GhUser};
pub use reqlink_ratelimit::RateLimiter;

/// Greenhouse's documented rate-limit window.
pub const RATE_WINDOW: Duration = Duration::from_secs(10);
/// The largest page Harvest serves.
pub const MAX_PER_PAGE: u32 = 500;

const MAX_ATTEMPTS: u32 = 5;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// One page of a list endpoint.
#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Absolute URL of the next page, from `Link: <...>; rel="next"`.
    pub next: Option<String>,
    /// Page number of `rel="last"`, when the server sent it.
    pub last_page: Option<u32>,
}

#[derive(Clone)]
pub struct GreenhouseClient {
    http: reqwest::Client,
    base_url: String,
    auth_header: String,
    limiter: RateLimiter,
}

impl GreenhouseClient {
    /// `base_url` is the Harvest root including `/v1`
    /// (`https://harvest.greenhouse.io/v1`).
    pub fn new(base_url: &str, api_key: &str) -> Result<Self, GreenhouseError> {
        use base64::Engine;
        let base_url = base_url.trim_end_matches('/').to_string();
        url::Url::parse(&base_url).map_err(|_| GreenhouseError::BadBaseUrl(base_url.clone()))?;
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("Reqlink/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| GreenhouseError::Network {
                endpoint: base_url.clone(),
                message: e.to_string(),
            })?;
        // Harvest: the key is the Basic-auth user name, the password is empty.
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{api_key}:"));
        Ok(Self {
            http,
            base_url,
            auth_header: format!("Basic {token}"),
            limiter: RateLimiter::new(50, RATE_WINDOW),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn limiter(&self) -> &RateLimiter {
        &self.limiter
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

    /// Checks the key with the cheapest authenticated call.
    pub async fn verify(&self) -> Result<(), GreenhouseError> {
        let url = self.url("/users", &[("per_page", "1".into())]);
        self.get_page::<GhUser>(&url).await.map(|_| ())
    }

    pub async fn get_page<T: DeserializeOwned>(
        &self,
        url: &str,
    ) -> Result<Page<T>, GreenhouseError> {
        let (headers, body) = self.get(url).await?;
        let items = parse_body(url, &body)?;
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
        parse_body(url, &body)
    }

    async fn get(&self, url: &str) -> Result<(HeaderMap, Vec<u8>), GreenhouseError> {
        let endpoint = endpoint_of(url);
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.limiter.acquire().await;
            let response = self
                .http
                .get(url)
                .header(reqwest::header::AUTHORIZATION, &self.auth_header)
                .send()
                .await
                .map_err(|e| GreenhouseError::Network {
                    endpoint: endpoint.clone(),
                    message: describe_reqwest(&e),
                })?;
            let status = response.status();
            let headers = response.headers().clone();
            self.limiter.observe(&headers);
            let body = response
                .bytes()
                .await
                .map_err(|e| GreenhouseError::Network {
                    endpoint: endpoint.clone(),
                    message: describe_reqwest(&e),
                })?;
            match status {
                s if s.is_success() => return Ok((headers, body.to_vec())),
                StatusCode::TOO_MANY_REQUESTS if attempt < MAX_ATTEMPTS => {
                    let wait = retry_after(&headers).unwrap_or(RATE_WINDOW);
                    tracing::warn!(%endpoint, ?wait, "Greenhouse rate limit hit; waiting as told");
                    tokio::time::sleep(wait).await;
                }
                s if s.is_server_error() && attempt < MAX_ATTEMPTS => {
                    let wait = Duration::from_millis(250 * 2u64.pow(attempt - 1));
                    tracing::warn!(%endpoint, status = s.as_u16(), ?wait, "Greenhouse server error; retrying");
                    tokio::time::sleep(wait).await;
                }
                s => return Err(GreenhouseError::from_status(s, &endpoint, &body)),
            }
        }
    }
}

fn parse_body<T: DeserializeOwned>(url: &str, body: &[u8]) -> Result<T, GreenhouseError> {
    serde_json::from_slice(body).map_err(|e| GreenhouseError::Malformed {
        endpoint: endpoint_of(url),
        message: e.to_string(),
    })
}

/// `GET /v1/candidates` for messages: the path without host or query.
fn endpoint_of(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => format!("GET {}", u.path()),
        Err(_) => format!("GET {url}"),
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
    if e.is_timeout() {
        "the request timed out".into()
    } else if e.is_connect() {
        "could not connect (check your network, or whether the server is up)".into()
    } else {
        e.to_string()
    }
}
