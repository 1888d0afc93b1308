//! Client for the interview platform (HeyMilo-compatible): the v2 postings
//! list and the webhook management API under `/api/webhook`, exactly as
//! `shared/seeds/heymilo-webhooks-api.txt` documents it.

pub mod payload;
use std::time::Duration;

use reqlink_domain::{ApiError, ErrorCode};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The platform allows 300 requests per minute per key.
const RATE_LIMIT: u32 = 300;
const RATE_WINDOW: Duration = Duration::from_secs(60);
const MAX_ATTEMPTS: u32 = 4;

#[derive(Debug, thiserror::Error)]
pub enum PlatformError {
    #[error(
        "the interview platform rejected the API key ({endpoint}); check the key in Integrations"
    )]
    Unauthorized { endpoint: String },
    #[error("the interview platform has no {endpoint}")]
    NotFound { endpoint: String },
    #[error("the interview platform rejected {endpoint}: {message}")]
    Invalid { endpoint: String, message: String },
    #[error(
        "the interview platform is rate limiting requests ({endpoint}); try again in a minute"
    )]
    RateLimited { endpoint: String },
    #[error("the interview platform returned HTTP {status} on {endpoint}")]
    Server { endpoint: String, status: u16 },
    #[error("could not reach the interview platform ({endpoint}): {message}")]
    Network { endpoint: String, message: String },
    #[error("the interview platform sent an unexpected response on {endpoint}: {message}")]
    Malformed { endpoint: String, message: String },
}

impl From<PlatformError> for ApiError {
    fn from(err: PlatformError) -> Self {
        let code = match &err {
            PlatformError::Unauthorized { .. } => ErrorCode::Unauthorized,
            PlatformError::NotFound { .. } => ErrorCode::NotFound,
            PlatformError::Invalid { .. } => ErrorCode::InvalidInput,
            PlatformError::RateLimited { .. } => ErrorCode::RateLimited,
            PlatformError::Server { .. } => ErrorCode::Upstream,
            PlatformError::Network { .. } => ErrorCode::Network,
            PlatformError::Malformed { .. } => ErrorCode::MalformedResponse,
        };
        ApiError::new(code, err.to_string())
    }
}

/// A posting ("agent" / "interviewer") as `GET /api/v2/postings` lists it.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Posting {
    pub posting_id: String,
    pub title: String,
    #[serde(default)]
    pub archived: bool,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    InterviewStarted,
    InterviewCompleted,
    ReportAvailable,
}

impl EventType {
    pub const ALL: [EventType; 3] = [
        EventType::InterviewStarted,
        EventType::InterviewCompleted,
        EventType::ReportAvailable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::InterviewStarted => "interview_started",
            EventType::InterviewCompleted => "interview_completed",
            EventType::ReportAvailable => "report_available",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HttpMethod {
    Get,
    Post,
}

#[derive(Debug, Clone, Serialize)]
pub struct CreateWebhook<'a> {
    pub posting_id: &'a str,
    pub url: &'a str,
    pub event_type: EventType,
    pub http_method: HttpMethod,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Webhook {
    pub webhook_id: String,
    pub posting_id: String,
    pub url: String,
    pub event_type: String,
    pub http_method: String,
    pub is_active: bool,
    pub created_at: f64,
    pub updated_at: f64,
}

/// A candidate to invite (`POST /api/v2/postings/{id}/candidates`).
#[derive(Debug, Clone, Serialize)]
pub struct NewCandidate<'a> {
    pub name: &'a str,
    pub email: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<&'a str>,
    /// At most 50 keys; keys up to 40 characters, values up to 500.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Invite {
    pub interview_id: String,
    #[serde(default)]
    pub interview_url: Option<String>,
    pub posting_id: String,
}

#[derive(Deserialize)]
struct DataEnvelope<T> {
    data: T,
}

#[derive(Deserialize)]
struct ListEnvelope<T> {
    data: Vec<T>,
    pagination: Pagination,
}

#[derive(Deserialize)]
struct Pagination {
    has_more: bool,
}

#[derive(Clone)]
pub struct PlatformClient {
    http: reqwest::Client,
    base_url: String,
    api_key: String,
    limiter: reqlink_ratelimit::RateLimiter,
}

impl PlatformClient {
    /// `base_url` is the API host, e.g. `https://api.heymilo.ai`.
    pub fn new(base_url: &str, api_key: &str) -> Result<Self, PlatformError> {
        let base_url = base_url.trim_end_matches('/').to_string();
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("Reqlink/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| PlatformError::Network {
                endpoint: base_url.clone(),
                message: e.to_string(),
            })?;
        Ok(Self {
            http,
            base_url,
            api_key: api_key.to_string(),
            limiter: reqlink_ratelimit::RateLimiter::new(RATE_LIMIT, RATE_WINDOW),
        })
    }

    /// Every posting, following `starting_after` paging.
    pub async fn list_postings(&self) -> Result<Vec<Posting>, PlatformError> {
        let mut out: Vec<Posting> = Vec::new();
        loop {
            let mut query = vec![("limit", "100".to_string())];
            if let Some(last) = out.last() {
                query.push(("starting_after", last.posting_id.clone()));
            }
            let page: ListEnvelope<Posting> = self
                .send(reqwest::Method::GET, "/api/v2/postings", &query, None)
                .await?;
            let more = page.pagination.has_more && !page.data.is_empty();
            out.extend(page.data);
            if !more {
                return Ok(out);
            }
        }
    }

    /// Invites a candidate to a posting's interview.
    pub async fn ingest_candidate(
        &self,
        posting_id: &str,
        candidate: &NewCandidate<'_>,
    ) -> Result<Invite, PlatformError> {
        let path = format!("/api/v2/postings/{}/candidates", encode(posting_id));
        let body = serde_json::to_value(candidate).expect("serialising a plain struct");
        let envelope: DataEnvelope<Invite> = self
            .send(reqwest::Method::POST, &path, &[], Some(body))
            .await?;
        Ok(envelope.data)
    }

    /// The interview's current status and, once evaluated, its results.
    pub async fn interview_data(
        &self,
        interview_id: &str,
    ) -> Result<serde_json::Value, PlatformError> {
        let path = format!("/api/v2/interviews/{}/data", encode(interview_id));
        let envelope: DataEnvelope<serde_json::Value> =
            self.send(reqwest::Method::GET, &path, &[], None).await?;
        Ok(envelope.data)
    }

    pub async fn create_webhook(&self, req: &CreateWebhook<'_>) -> Result<Webhook, PlatformError> {
        let body = serde_json::to_value(req).expect("serialising a plain struct");
        self.send(
            reqwest::Method::POST,
            "/api/webhook/create",
            &[],
            Some(body),
        )
        .await
    }

    pub async fn fetch_webhook(&self, webhook_id: &str) -> Result<Webhook, PlatformError> {
        let path = format!("/api/webhook/fetch/{}", encode(webhook_id));
        self.send(reqwest::Method::GET, &path, &[], None).await
    }

    pub async fn list_webhooks(
        &self,
        posting_id: Option<&str>,
        event_type: Option<EventType>,
    ) -> Result<Vec<Webhook>, PlatformError> {
        let mut query = Vec::new();
        if let Some(p) = posting_id {
            query.push(("posting_id", p.to_string()));
        }
        if let Some(e) = event_type {
            query.push(("event_type", e.as_str().to_string()));
        }
        self.send(reqwest::Method::GET, "/api/webhook/all", &query, None)
            .await
    }

    pub async fn deactivate_webhook(&self, webhook_id: &str) -> Result<Webhook, PlatformError> {
        let path = format!("/api/webhook/deactivate/{}", encode(webhook_id));
        self.send(reqwest::Method::POST, &path, &[], None).await
    }

    async fn send<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<serde_json::Value>,
    ) -> Result<T, PlatformError> {
        let endpoint = format!("{method} {path}");
        let mut attempt = 0;
        let response = loop {
            attempt += 1;
            let permit = self.limiter.acquire().await;
            let mut request = self
                .http
                .request(method.clone(), format!("{}{}", self.base_url, path))
                .header("X-API-KEY", &self.api_key)
                .query(query);
            if let Some(body) = &body {
                request = request.json(body);
            }
            let sent = request.send().await;
            drop(permit);
            let response = sent.map_err(|e| PlatformError::Network {
                endpoint: endpoint.clone(),
                message: if e.is_connect() {
                    "could not connect".into()
                } else {
                    e.to_string()
                },
            })?;
            if response.status() != StatusCode::TOO_MANY_REQUESTS || attempt >= MAX_ATTEMPTS {
                break response;
            }
            // Over the 300/min limit anyway (another client on the same
            // key): wait as long as the platform says.
            let wait = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(|s| Duration::from_secs(s.max(1)))
                .unwrap_or(Duration::from_secs(5));
            tracing::warn!(%endpoint, ?wait, "interview platform rate limit hit; waiting as told");
            tokio::time::sleep(wait).await;
        };
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| PlatformError::Network {
            endpoint: endpoint.clone(),
            message: e.to_string(),
        })?;
        match status {
            s if s.is_success() => {
                serde_json::from_slice(&bytes).map_err(|e| PlatformError::Malformed {
                    endpoint,
                    message: e.to_string(),
                })
            }
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                Err(PlatformError::Unauthorized { endpoint })
            }
            StatusCode::NOT_FOUND => Err(PlatformError::NotFound { endpoint }),
            StatusCode::TOO_MANY_REQUESTS => Err(PlatformError::RateLimited { endpoint }),
            StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => {
                Err(PlatformError::Invalid {
                    endpoint,
                    message: validation_message(&bytes),
                })
            }
            s => Err(PlatformError::Server {
                endpoint,
                status: s.as_u16(),
            }),
        }
    }
}

/// Flattens `{"detail": [{loc, msg}]}` or `{"error": {message}}` into one line.
fn validation_message(body: &[u8]) -> String {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return "invalid request".into();
    };
    if let Some(items) = value.get("detail").and_then(|d| d.as_array()) {
        return items
            .iter()
            .map(|item| {
                let loc = item
                    .get("loc")
                    .and_then(|l| l.as_array())
                    .map(|l| {
                        l.iter()
                            .map(|p| {
                                p.as_str()
                                    .map(str::to_string)
                                    .unwrap_or_else(|| p.to_string())
                            })
                            .collect::<Vec<_>>()
                            .join(".")
                    })
                    .unwrap_or_default();
                let msg = item
                    .get("msg")
                    .and_then(|m| m.as_str())
                    .unwrap_or("invalid");
                format!("{loc}: {msg}")
            })
            .collect::<Vec<_>>()
            .join("; ");
    }
    value
        .pointer("/error/message")
        .or_else(|| value.get("detail"))
        .and_then(|m| m.as_str())
        .unwrap_or("invalid request")
        .to_string()
}

fn encode(segment: &str) -> String {
    url::form_urlencoded::byte_serialize(segment.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattens_validation_details() {
        let body = br#"{"detail":[{"loc":["body","event_type"],"msg":"unknown event","type":"value_error"}]}"#;
        assert_eq!(validation_message(body), "body.event_type: unknown event");
        assert_eq!(validation_message(b"not json"), "invalid request");
    }
}
