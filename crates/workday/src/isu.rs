//! Access tokens for an Integration System User: Workday's "API Client for
//! Integrations" comes with a refresh token an administrator generated for
//! the ISU, usually non-expiring. No browser is involved, so this is the
//! whole of the ISU connection's OAuth: trade the refresh token for an
//! access token at `POST {host}/ccx/oauth2/{tenant}/token` (HTTP Basic
//! `client_id:client_secret`, `grant_type=refresh_token`) and do it again
//! shortly before the hour is up or after a 401.

use std::time::Duration;

use async_trait::async_trait;
use reqlink_ats::{AtsError, TokenSource};
use serde::Deserialize;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::client::VENDOR;
use crate::paths;

/// Refresh this long before the advertised expiry, so a request never
/// leaves with a token that dies in flight.
const EXPIRY_MARGIN: Duration = Duration::from_secs(60);
const TOKEN_TIMEOUT: Duration = Duration::from_secs(30);

pub struct IsuTokenSource {
    http: reqwest::Client,
    token_url: String,
    endpoint: String,
    client_id: String,
    client_secret: String,
    state: Mutex<State>,
}

struct State {
    refresh_token: String,
    access: Option<(String, Instant)>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    refresh_token: Option<String>,
}

#[derive(Deserialize)]
struct OAuthError {
    error: String,
}

impl IsuTokenSource {
    pub fn new(
        host: &str,
        tenant: &str,
        client_id: &str,
        client_secret: &str,
        refresh_token: &str,
    ) -> Result<Self, AtsError> {
        let path = paths::token(tenant);
        let token_url = format!("{}{path}", host.trim_end_matches('/'));
        url::Url::parse(&token_url)
            .map_err(|_| AtsError::Config(format!("the Workday host {host:?} is not a URL")))?;
        let http = reqwest::Client::builder()
            .timeout(TOKEN_TIMEOUT)
            .user_agent(concat!("Reqlink/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| AtsError::Config(format!("could not set up HTTP: {e}")))?;
        Ok(Self {
            http,
            token_url,
            endpoint: format!("POST {path}"),
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            state: Mutex::new(State {
                refresh_token: refresh_token.to_owned(),
                access: None,
            }),
        })
    }

    /// The refresh token to persist. Workday's ISU tokens do not rotate,
    /// but should the tenant ever return a new one, this is it.
    pub async fn refresh_token(&self) -> String {
        self.state.lock().await.refresh_token.clone()
    }

    async fn refresh(&self, state: &mut State) -> Result<String, AtsError> {
        let resp = self
            .http
            .post(&self.token_url)
            .basic_auth(&self.client_id, Some(&self.client_secret))
            .form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", state.refresh_token.as_str()),
            ])
            .send()
            .await
            .map_err(|e| {
                if e.is_timeout() {
                    AtsError::Timeout {
                        vendor: VENDOR,
                        endpoint: self.endpoint.clone(),
                    }
                } else {
                    AtsError::Network {
                        vendor: VENDOR,
                        endpoint: self.endpoint.clone(),
                        message: "could not reach the token endpoint (check the Workday host and your network)".into(),
                    }
                }
            })?;
        let status = resp.status();
        let body = resp.bytes().await.unwrap_or_default();
        if status.is_success() {
            let answer: TokenAnswer =
                serde_json::from_slice(&body).map_err(|e| AtsError::Malformed {
                    vendor: VENDOR,
                    endpoint: self.endpoint.clone(),
                    message: e.to_string(),
                })?;
            let ttl = Duration::from_secs(answer.expires_in.unwrap_or(3600));
            let valid_for = ttl.saturating_sub(EXPIRY_MARGIN.min(ttl / 2));
            if let Some(rt) = answer.refresh_token.filter(|t| !t.is_empty()) {
                state.refresh_token = rt;
            }
            state.access = Some((answer.access_token.clone(), Instant::now() + valid_for));
            return Ok(answer.access_token);
        }
        let code = serde_json::from_slice::<OAuthError>(&body)
            .map(|e| e.error)
            .unwrap_or_default();
        Err(match (status.as_u16(), code.as_str()) {
            (_, "invalid_grant") => AtsError::NeedsReconnect {
                vendor: VENDOR,
                reason: "Workday refused the refresh token (revoked, or the Integration System \
                         User was disabled); generate a new refresh token for the API client and \
                         reconnect"
                    .into(),
            },
            (404, _) => AtsError::NotFound {
                vendor: VENDOR,
                endpoint: self.endpoint.clone(),
            },
            (401, _) | (_, "invalid_client") => AtsError::Unauthorized {
                vendor: VENDOR,
                endpoint: self.endpoint.clone(),
                hint: "check the API client's client ID and secret".into(),
            },
            (s, _) if s >= 500 => AtsError::Server {
                vendor: VENDOR,
                endpoint: self.endpoint.clone(),
                status: s,
            },
            (s, _) => AtsError::Validation {
                vendor: VENDOR,
                endpoint: self.endpoint.clone(),
                fields: vec![reqlink_ats::FieldError {
                    field: None,
                    message: if code.is_empty() {
                        format!("HTTP {s}")
                    } else {
                        code
                    },
                }],
            },
        })
    }
}

#[async_trait]
impl TokenSource for IsuTokenSource {
    async fn access_token(&self) -> Result<String, AtsError> {
        // Held across the refresh so concurrent callers share one.
        let mut state = self.state.lock().await;
        if let Some((token, until)) = &state.access {
            if Instant::now() < *until {
                return Ok(token.clone());
            }
        }
        self.refresh(&mut state).await
    }

    async fn invalidate(&self, token: &str) {
        let mut state = self.state.lock().await;
        if state.access.as_ref().is_some_and(|(t, _)| t == token) {
            state.access = None;
        }
    }
}
