//! The token endpoint (RFC 6749 §3.2, §4.1.3, §4.4, §6).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::error::OAuthError;

/// Assumed lifetime when a token answer has no `expires_in` (it is only
/// RECOMMENDED); a 401 makes the connector refresh earlier anyway.
const DEFAULT_EXPIRES_IN: i64 = 3600;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Tokens of one connection. The app stores it as JSON in the OS keychain.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenSet {
    pub access_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Unix seconds.
    pub expires_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

impl TokenSet {
    /// Seconds left at `now` (negative once expired).
    pub fn expires_in(&self, now: i64) -> i64 {
        self.expires_at - now
    }
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &"<redacted>")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .field("expires_at", &self.expires_at)
            .field("scope", &self.scope)
            .finish()
    }
}

/// How the client proves its identity (RFC 6749 §2.3.1). Public clients
/// (no secret) always send only `client_id` in the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// `Authorization: Basic base64(urlencode(id):urlencode(secret))`.
    Basic,
    /// `client_id` and `client_secret` as form fields.
    Body,
}

/// One provider's token endpoint and client registration.
#[derive(Clone)]
pub struct TokenEndpoint {
    /// "Lever", used in every message.
    pub vendor: &'static str,
    pub token_url: String,
    pub client_id: String,
    /// `None`: a public client relying on PKCE.
    pub client_secret: Option<String>,
    pub client_auth: ClientAuth,
    /// Extra form fields of the code exchange and client-credentials
    /// requests (Lever's `audience`). Refresh requests carry none.
    pub extra: Vec<(String, String)>,
}

impl fmt::Debug for TokenEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenEndpoint")
            .field("vendor", &self.vendor)
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("client_auth", &self.client_auth)
            .field("extra", &self.extra)
            .finish()
    }
}

/// Talks to one token endpoint.
#[derive(Clone, Debug)]
pub struct TokenClient {
    http: reqwest::Client,
    endpoint: TokenEndpoint,
    /// `POST /oauth/token`: the endpoint as shown in errors (no host, which
    /// for Workday names the tenant).
    label: String,
}

impl TokenClient {
    pub fn new(endpoint: TokenEndpoint) -> Result<Self, OAuthError> {
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| OAuthError::Config(format!("cannot build the HTTP client ({e})")))?;
        Self::with_http(endpoint, http)
    }

    pub fn with_http(endpoint: TokenEndpoint, http: reqwest::Client) -> Result<Self, OAuthError> {
        let url = Url::parse(&endpoint.token_url).map_err(|e| {
            OAuthError::Config(format!(
                "the {} token URL is not a valid URL ({e})",
                endpoint.vendor
            ))
        })?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(OAuthError::Config(format!(
                "the {} token URL must be an https:// address",
                endpoint.vendor
            )));
        }
        if endpoint.client_id.is_empty() {
            return Err(OAuthError::Config(format!(
                "the {} client ID is empty",
                endpoint.vendor
            )));
        }
        Ok(Self {
            http,
            label: format!("POST {}", url.path()),
            endpoint,
        })
    }

    pub fn endpoint(&self) -> &TokenEndpoint {
        &self.endpoint
    }

    pub fn vendor(&self) -> &'static str {
        self.endpoint.vendor
    }

    /// Authorization code → tokens (RFC 6749 §4.1.3 + RFC 7636 §4.5).
    pub async fn exchange_code(
        &self,
        code: &str,
        verifier: &str,
        redirect_uri: &str,
    ) -> Result<TokenSet, OAuthError> {
        let mut form = vec![
            ("grant_type", "authorization_code".to_owned()),
            ("code", code.to_owned()),
            ("redirect_uri", redirect_uri.to_owned()),
            ("code_verifier", verifier.to_owned()),
        ];
        form.extend(
            self.endpoint
                .extra
                .iter()
                .map(|(k, v)| (k.as_str(), v.clone())),
        );
        self.request(form, None).await
    }

    /// Renews `current`. A answer without a refresh token keeps the old one
    /// (RFC 6749 §6: the server MAY issue a new one).
    pub async fn refresh(&self, current: &TokenSet) -> Result<TokenSet, OAuthError> {
        let refresh_token = current
            .refresh_token
            .as_deref()
            .ok_or(OAuthError::NoRefreshToken {
                vendor: self.endpoint.vendor,
            })?;
        let form = vec![
            ("grant_type", "refresh_token".to_owned()),
            ("refresh_token", refresh_token.to_owned()),
        ];
        self.request(form, Some(refresh_token)).await
    }

    /// Client credentials (RFC 6749 §4.4) acting for user `sub` where the
    /// provider supports it (Greenhouse Harvest v3).
    pub async fn client_credentials(
        &self,
        sub: Option<&str>,
        scopes: &[String],
    ) -> Result<TokenSet, OAuthError> {
        if self.endpoint.client_secret.is_none() {
            return Err(OAuthError::Config(format!(
                "the {} client credentials grant needs a client secret",
                self.endpoint.vendor
            )));
        }
        let mut form = vec![("grant_type", "client_credentials".to_owned())];
        if let Some(sub) = sub {
            form.push(("sub", sub.to_owned()));
        }
        if !scopes.is_empty() {
            form.push(("scope", scopes.join(" ")));
        }
        form.extend(
            self.endpoint
                .extra
                .iter()
                .map(|(k, v)| (k.as_str(), v.clone())),
        );
        self.request(form, None).await
    }

    async fn request(
        &self,
        mut form: Vec<(&str, String)>,
        previous_refresh: Option<&str>,
    ) -> Result<TokenSet, OAuthError> {
        let ep = &self.endpoint;
        let mut req = self
            .http
            .post(&ep.token_url)
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        match (&ep.client_secret, ep.client_auth) {
            (Some(secret), ClientAuth::Basic) => {
                let pair = format!("{}:{}", form_encode(&ep.client_id), form_encode(secret));
                let value = HeaderValue::from_str(&format!("Basic {}", STANDARD.encode(pair)))
                    .map_err(|_| {
                        OAuthError::Config("the client ID contains invalid characters".into())
                    })?;
                req = req.header(AUTHORIZATION, value);
            }
            (Some(secret), ClientAuth::Body) => {
                form.push(("client_id", ep.client_id.clone()));
                form.push(("client_secret", secret.clone()));
            }
            (None, _) => form.push(("client_id", ep.client_id.clone())),
        }
        let started = unix_now();
        let resp = req
            .form(&form)
            .send()
            .await
            .map_err(|e| self.transport(e))?;
        let status = resp.status();
        let body = resp.bytes().await.map_err(|e| self.transport(e))?;
        if !status.is_success() {
            return Err(self.refusal(status.as_u16(), &body));
        }
        let json: Value = serde_json::from_slice(&body)
            .map_err(|_| self.malformed("the token answer is not JSON"))?;
        let access_token = json
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| self.malformed("the token answer has no access_token"))?;
        let token_type = json.get("token_type").and_then(Value::as_str).unwrap_or("");
        if !token_type.eq_ignore_ascii_case("bearer") {
            return Err(self.malformed("the token type is not Bearer"));
        }
        // Some servers send expires_in as a string.
        let expires_in = match json.get("expires_in") {
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => s.parse().ok(),
            _ => None,
        }
        .unwrap_or(DEFAULT_EXPIRES_IN);
        let refresh_token = json
            .get("refresh_token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .or_else(|| previous_refresh.map(str::to_owned));
        Ok(TokenSet {
            access_token: access_token.to_owned(),
            refresh_token,
            expires_at: started + expires_in,
            scope: json.get("scope").and_then(Value::as_str).map(str::to_owned),
        })
    }

    fn transport(&self, e: reqwest::Error) -> OAuthError {
        let vendor = self.endpoint.vendor;
        let endpoint = self.label.clone();
        if e.is_timeout() {
            OAuthError::Timeout { vendor, endpoint }
        } else {
            OAuthError::Network {
                vendor,
                endpoint,
                message: e.without_url().to_string(),
            }
        }
    }

    fn malformed(&self, message: &str) -> OAuthError {
        OAuthError::Malformed {
            vendor: self.endpoint.vendor,
            endpoint: self.label.clone(),
            message: message.into(),
        }
    }

    /// Maps an RFC 6749 §5.2 error answer.
    fn refusal(&self, status: u16, body: &[u8]) -> OAuthError {
        let vendor = self.endpoint.vendor;
        let endpoint = self.label.clone();
        let json: Option<Value> = serde_json::from_slice(body).ok();
        let error = json
            .as_ref()
            .and_then(|j| j.get("error"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let description = json
            .as_ref()
            .and_then(|j| j.get("error_description"))
            .and_then(Value::as_str)
            .map(|d| d.chars().take(300).collect::<String>());
        match error.as_deref() {
            Some("invalid_grant") => OAuthError::InvalidGrant {
                vendor,
                endpoint,
                description,
            },
            Some("invalid_client") => OAuthError::InvalidClient {
                vendor,
                endpoint,
                description,
            },
            Some(other) => OAuthError::TokenRequest {
                vendor,
                endpoint,
                status,
                error: other.chars().take(80).collect(),
                description,
            },
            None if status >= 500 => OAuthError::Server {
                vendor,
                endpoint,
                status,
            },
            None if status == 401 => OAuthError::InvalidClient {
                vendor,
                endpoint,
                description: None,
            },
            None => OAuthError::Malformed {
                vendor,
                endpoint,
                message: format!("HTTP {status} without an OAuth error body"),
            },
        }
    }
}

fn form_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_tokens_and_secret() {
        let set = TokenSet {
            access_token: "AT-secret".into(),
            refresh_token: Some("RT-secret".into()),
            expires_at: 5,
            scope: None,
        };
        let shown = format!("{set:?}");
        assert!(!shown.contains("AT-secret") && !shown.contains("RT-secret"));
        let ep = TokenEndpoint {
            vendor: "Lever",
            token_url: "https://auth.lever.co/oauth/token".into(),
            client_id: "cid".into(),
            client_secret: Some("CS-secret".into()),
            client_auth: ClientAuth::Basic,
            extra: vec![],
        };
        assert!(!format!("{ep:?}").contains("CS-secret"));
        let client = TokenClient::new(ep).unwrap();
        assert!(!format!("{client:?}").contains("CS-secret"));
    }

    #[test]
    fn token_set_round_trips_as_json() {
        let set = TokenSet {
            access_token: "a".into(),
            refresh_token: None,
            expires_at: 1_700_000_000,
            scope: Some("x y".into()),
        };
        let json = serde_json::to_string(&set).unwrap();
        assert_eq!(serde_json::from_str::<TokenSet>(&json).unwrap(), set);
    }
}
