//! HTTP core: bearer auth with one refresh-and-retry on 401, a client-side
//! sliding-window limiter, `Retry-After` on 429, back-off on 5xx for reads,
//! and errors that name the endpoint (`GET /ccx/api/recruiting/v4/t/candidates`)
//! and never carry a token.
//!
//! Writes are not retried after a 5xx, a timeout or a dropped connection:
//! the change may have been made, and repeating a note or an attachment
//! would duplicate it. The caller (writeback) checks the candidate's
//! footprint before trying again. A 429 is retried for writes too, because
//! Workday refused the request before doing anything.

use std::sync::Arc;
use std::time::Duration;

use reqlink_ats::{AtsError, FieldError, TokenSource};
use reqlink_ratelimit::RateLimiter;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use crate::paths;

pub(crate) const VENDOR: &str = "Workday";

/// The largest page Workday serves.
pub const MAX_LIMIT: u32 = 100;

/// Tuning knobs; `Default` suits a real tenant, tests shorten the waits.
#[derive(Debug, Clone)]
pub struct WorkdayOptions {
    /// Client-side limit: at most `rate_limit` requests in any
    /// `rate_window`. Workday publishes no number; ten a second is an
    /// assumption (the emulator's default), and a 429 is obeyed regardless.
    pub rate_limit: u32,
    pub rate_window: Duration,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Tries per request for retryable failures (429, and for reads 5xx,
    /// timeouts and network errors).
    pub max_attempts: u32,
    /// First 5xx back-off; doubles per further try.
    pub retry_base: Duration,
    /// A `Retry-After` longer than this is not waited out: the call fails
    /// with `RateLimited` carrying the delay, for the caller to reschedule.
    pub max_retry_after: Duration,
}

impl Default for WorkdayOptions {
    fn default() -> Self {
        Self {
            rate_limit: 10,
            rate_window: Duration::from_secs(1),
            timeout: Duration::from_secs(30),
            max_attempts: 4,
            retry_base: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

/// One page of a `{data, total}` list.
#[derive(Debug, Clone, Deserialize)]
pub struct WdList<T> {
    #[serde(default = "Vec::new")]
    pub data: Vec<T>,
    pub total: u32,
}

#[derive(Clone)]
pub struct WorkdayClient {
    http: reqwest::Client,
    host: String,
    tenant: String,
    token: Arc<dyn TokenSource>,
    limiter: RateLimiter,
    opts: WorkdayOptions,
}

impl WorkdayClient {
    /// `host` is the tenant's origin (`https://wd2-impl-services1.workday.com`),
    /// `tenant` its name as it appears in paths.
    pub fn new(host: &str, tenant: &str, token: Arc<dyn TokenSource>) -> Result<Self, AtsError> {
        Self::with_options(host, tenant, token, WorkdayOptions::default())
    }

    pub fn with_options(
        host: &str,
        tenant: &str,
        token: Arc<dyn TokenSource>,
        opts: WorkdayOptions,
    ) -> Result<Self, AtsError> {
        let host = host.trim_end_matches('/').to_owned();
        let parsed = url::Url::parse(&host)
            .map_err(|_| AtsError::Config(format!("the Workday host {host:?} is not a URL")))?;
        if !matches!(parsed.scheme(), "https" | "http") || parsed.path() != "/" {
            return Err(AtsError::Config(format!(
                "the Workday host must be an origin like https://wd2-impl-services1.workday.com, not {host:?}"
            )));
        }
        let tenant = tenant.trim();
        if tenant.is_empty() || tenant.contains(['/', '?', '#', ' ']) {
            return Err(AtsError::Config(format!(
                "the Workday tenant name {tenant:?} is not valid"
            )));
        }
        let http = reqwest::Client::builder()
            .timeout(opts.timeout)
            .user_agent(concat!("Reqlink/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| AtsError::Config(format!("could not set up HTTP: {e}")))?;
        Ok(Self {
            http,
            host,
            tenant: tenant.to_owned(),
            token,
            limiter: RateLimiter::new(opts.rate_limit, opts.rate_window),
            opts,
        })
    }

    pub fn tenant(&self) -> &str {
        &self.tenant
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn limiter(&self) -> &RateLimiter {
        &self.limiter
    }

    /// One page of a list endpoint (`path` relative to the recruiting base).
    pub async fn list<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        offset: u32,
        limit: u32,
    ) -> Result<WdList<T>, AtsError> {
        let mut q: Vec<(&str, String)> = query.to_vec();
        q.push(("limit", limit.clamp(1, MAX_LIMIT).to_string()));
        q.push(("offset", offset.to_string()));
        self.get(path, &q).await
    }

    /// Every record of a list endpoint, page after page.
    pub async fn list_all<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Vec<T>, AtsError> {
        let mut out: Vec<T> = Vec::new();
        loop {
            let page: WdList<T> = self.list(path, query, out.len() as u32, MAX_LIMIT).await?;
            let got = page.data.len();
            out.extend(page.data);
            if got == 0 || out.len() >= page.total as usize {
                return Ok(out);
            }
        }
    }

    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, AtsError> {
        let (endpoint, body) = self.send(Method::GET, path, query, None).await?;
        parse(&endpoint, &body)
    }

    pub async fn post<T: DeserializeOwned>(&self, path: &str, body: &Value) -> Result<T, AtsError> {
        let (endpoint, resp) = self.send(Method::POST, path, &[], Some(body)).await?;
        parse(&endpoint, &resp)
    }

    fn url(&self, path: &str, query: &[(&str, String)]) -> (String, url::Url) {
        let full = format!("{}{path}", paths::recruiting_base(&self.tenant));
        let mut url =
            url::Url::parse(&format!("{}{full}", self.host)).expect("host was validated in new()");
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in query {
                pairs.append_pair(k, v);
            }
        }
        (full, url)
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<(String, Vec<u8>), AtsError> {
        let (full, url) = self.url(path, query);
        let endpoint = format!("{method} {full}");
        let read = method == Method::GET;
        let mut attempt = 0u32;
        let mut reauthorized = false;
        loop {
            attempt += 1;
            let retries_left = attempt < self.opts.max_attempts;
            let permit = self.limiter.acquire().await;
            let token = self.token.access_token().await?;
            let mut req = self
                .http
                .request(method.clone(), url.clone())
                .bearer_auth(&token)
                .header(reqwest::header::ACCEPT, "application/json");
            if let Some(b) = body {
                req = req.json(b);
            }
            let sent = req.send().await;
            drop(permit);
            let resp = match sent {
                Ok(r) => r,
                Err(e) => {
                    // A refused connection never reached Workday, so even a
                    // write is safe to repeat; anything later is ambiguous.
                    let safe = read || e.is_connect();
                    if safe && retries_left {
                        tracing::warn!(%endpoint, error = %e, "Workday request failed; retrying");
                        tokio::time::sleep(self.backoff(attempt)).await;
                        continue;
                    }
                    return Err(network_error(&endpoint, &e));
                }
            };
            let status = resp.status();
            let headers = resp.headers().clone();
            let bytes = match resp.bytes().await {
                Ok(b) => b,
                Err(e) => {
                    if read && retries_left {
                        tokio::time::sleep(self.backoff(attempt)).await;
                        continue;
                    }
                    return Err(network_error(&endpoint, &e));
                }
            };
            if status.is_success() {
                return Ok((endpoint, bytes.to_vec()));
            }
            match status {
                StatusCode::UNAUTHORIZED if !reauthorized => {
                    // Expired or revoked: let the source refresh, try once more.
                    reauthorized = true;
                    attempt -= 1;
                    self.token.invalidate(&token).await;
                }
                StatusCode::UNAUTHORIZED => {
                    return Err(AtsError::NeedsReconnect {
                        vendor: VENDOR,
                        reason: format!(
                            "Workday refused a freshly issued access token on {endpoint}; \
                             the integration's access was revoked or the ISU lost permissions"
                        ),
                    })
                }
                StatusCode::TOO_MANY_REQUESTS => {
                    let wait = retry_after(&headers);
                    let waitable =
                        wait.unwrap_or(self.opts.rate_window) <= self.opts.max_retry_after;
                    if retries_left && waitable {
                        let wait = wait.unwrap_or(self.opts.rate_window);
                        tracing::warn!(%endpoint, ?wait, "Workday rate limit hit; waiting as told");
                        tokio::time::sleep(wait).await;
                    } else {
                        return Err(AtsError::RateLimited {
                            vendor: VENDOR,
                            endpoint,
                            retry_after: wait,
                        });
                    }
                }
                s if s.is_server_error() && read && retries_left => {
                    let wait = self.backoff(attempt);
                    tracing::warn!(%endpoint, status = s.as_u16(), ?wait, "Workday server error; retrying");
                    tokio::time::sleep(wait).await;
                }
                s => return Err(status_error(s, endpoint, &bytes)),
            }
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        self.opts.retry_base * 2u32.saturating_pow(attempt.saturating_sub(1).min(6))
    }
}

/// Parses an answer, naming the JSON path of the first field that does not
/// fit (`field data[3].person.firstName: invalid type: integer...`): line
/// and column of a minified answer say little.
fn parse<T: DeserializeOwned>(endpoint: &str, body: &[u8]) -> Result<T, AtsError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.into_inner();
        AtsError::Malformed {
            vendor: VENDOR,
            endpoint: endpoint.to_owned(),
            message: if field == "." {
                inner.to_string()
            } else {
                format!("field {field}: {inner}")
            },
        }
    })
}

fn network_error(endpoint: &str, e: &reqwest::Error) -> AtsError {
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
                "could not connect (check the Workday host and your network)".into()
            } else if e.is_body() || e.is_decode() {
                "the connection dropped while reading the answer".into()
            } else {
                "the request failed before an answer arrived".into()
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
    Some(Duration::from_secs(secs))
}

/// Workday's error body: `{"error": summary, "errors": [{"error", "field"?}]}`.
#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    errors: Vec<ErrorItem>,
}

#[derive(Deserialize)]
struct ErrorItem {
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    field: Option<String>,
}

fn status_error(status: StatusCode, endpoint: String, body: &[u8]) -> AtsError {
    let parsed = serde_json::from_slice::<ErrorBody>(body).ok();
    let summary = parsed
        .as_ref()
        .and_then(|b| b.error.clone())
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_owned());
    match status {
        StatusCode::NOT_FOUND => AtsError::NotFound {
            vendor: VENDOR,
            endpoint,
        },
        StatusCode::FORBIDDEN => AtsError::Forbidden {
            vendor: VENDOR,
            endpoint,
            hint: "the Integration System User's security group lacks this domain permission"
                .into(),
        },
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT => {
            let mut fields: Vec<FieldError> = parsed
                .map(|b| b.errors)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|e| {
                    Some(FieldError {
                        field: e.field,
                        message: e.error?,
                    })
                })
                .collect();
            if fields.is_empty() {
                fields.push(FieldError {
                    field: None,
                    message: summary,
                });
            }
            AtsError::Validation {
                vendor: VENDOR,
                endpoint,
                fields,
            }
        }
        // 5xx, and 4xx this client never expects (405, 415…).
        s => AtsError::Server {
            vendor: VENDOR,
            endpoint,
            status: s.as_u16(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::WdWorker;

    #[test]
    fn malformed_answers_name_the_field() {
        let err = parse::<WdList<WdWorker>>(
            "GET /ccx/api/recruiting/v4/t/workers",
            br#"{"total": 2, "data": [{"id": "a"}, {"id": "b", "person": {"firstName": 7}}]}"#,
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("GET /ccx/api/recruiting/v4/t/workers"),
            "{msg}"
        );
        assert!(
            msg.contains("field data[1].person.firstName: invalid type"),
            "{msg}"
        );
    }
}
