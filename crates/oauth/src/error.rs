use std::time::Duration;

use reqlink_ats::AtsError;

/// Everything that can go wrong connecting or renewing. Messages say what
/// failed and what to do, and never contain a token, code, verifier or
/// client secret (server-provided `error_description`s are shown: RFC 6749
/// meant them for developers, and they carry no credentials).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OAuthError {
    #[error("the OAuth settings are invalid: {0}")]
    Config(String),
    #[error("could not listen on 127.0.0.1:{port} for the sign-in redirect ({source}); close the program using that port, or choose another one in the connection settings")]
    Bind {
        port: u16,
        #[source]
        source: std::io::Error,
    },
    #[error("could not open the web browser with `{program}` ({message}); copy the sign-in link into your browser instead")]
    Browser { program: String, message: String },
    #[error("the sign-in response did not carry the state value this sign-in started with, so it was refused (it may come from another site: a possible cross-site request forgery); start the connection again")]
    StateMismatch,
    #[error("you denied Reqlink access in {vendor}; to connect, start again and choose Approve")]
    AccessDenied { vendor: &'static str },
    #[error("{vendor} refused the sign-in ({error}{}); check the {vendor} connection settings and try again", describe(.description))]
    AuthorizationFailed {
        vendor: &'static str,
        error: String,
        description: Option<String>,
    },
    #[error("no answer from the {vendor} sign-in page within {} s; start the connection again", .after.as_secs())]
    TimedOut {
        vendor: &'static str,
        after: Duration,
    },
    #[error("the {vendor} sign-in was cancelled")]
    Cancelled { vendor: &'static str },
    /// `invalid_grant`: the code, verifier or refresh token was refused
    /// (expired, used, revoked, or PKCE did not match).
    #[error("{vendor} refused the grant at {endpoint} (invalid_grant{}); sign in to {vendor} again", describe(.description))]
    InvalidGrant {
        vendor: &'static str,
        endpoint: String,
        description: Option<String>,
    },
    #[error("{vendor} rejected the OAuth client credentials at {endpoint} (invalid_client{}); check the client ID and secret in the connection settings", describe(.description))]
    InvalidClient {
        vendor: &'static str,
        endpoint: String,
        description: Option<String>,
    },
    #[error("{vendor} refused the token request at {endpoint} (HTTP {status}, {error}{}); check the connection settings", describe(.description))]
    TokenRequest {
        vendor: &'static str,
        endpoint: String,
        status: u16,
        error: String,
        description: Option<String>,
    },
    #[error("the {vendor} connection has no refresh token, so the expired access token cannot be renewed; sign in to {vendor} again")]
    NoRefreshToken { vendor: &'static str },
    #[error("{vendor} returned HTTP {status} on {endpoint}; try again later")]
    Server {
        vendor: &'static str,
        endpoint: String,
        status: u16,
    },
    #[error("{vendor} did not answer {endpoint} in time; check the network and try again")]
    Timeout {
        vendor: &'static str,
        endpoint: String,
    },
    #[error("could not reach {vendor} ({endpoint}): {message}; check the network and try again")]
    Network {
        vendor: &'static str,
        endpoint: String,
        message: String,
    },
    #[error("{vendor} sent an unexpected answer on {endpoint}: {message}")]
    Malformed {
        vendor: &'static str,
        endpoint: String,
        message: String,
    },
}

fn describe(description: &Option<String>) -> String {
    match description {
        Some(d) if !d.is_empty() => format!(": {d}"),
        _ => String::new(),
    }
}

impl OAuthError {
    /// Only a new sign-in can fix this.
    pub fn needs_reconnect(&self) -> bool {
        matches!(
            self,
            OAuthError::InvalidGrant { .. } | OAuthError::NoRefreshToken { .. }
        )
    }
}

impl From<OAuthError> for AtsError {
    fn from(e: OAuthError) -> Self {
        let message = e.to_string();
        match e {
            OAuthError::InvalidGrant { vendor, .. } => AtsError::NeedsReconnect {
                vendor,
                reason: "the sign-in has expired or was revoked".into(),
            },
            OAuthError::NoRefreshToken { vendor } => AtsError::NeedsReconnect {
                vendor,
                reason: "the access token expired and there is no refresh token".into(),
            },
            OAuthError::InvalidClient {
                vendor, endpoint, ..
            } => AtsError::Unauthorized {
                vendor,
                endpoint,
                hint: "the OAuth client ID or secret was rejected; check them in the connection settings".into(),
            },
            OAuthError::TokenRequest {
                vendor,
                endpoint,
                error,
                ..
            } => AtsError::Unauthorized {
                vendor,
                endpoint,
                hint: format!("the token request was refused ({error}); check the connection settings"),
            },
            OAuthError::Server {
                vendor,
                endpoint,
                status,
            } => AtsError::Server {
                vendor,
                endpoint,
                status,
            },
            OAuthError::Timeout { vendor, endpoint } => AtsError::Timeout { vendor, endpoint },
            OAuthError::Network {
                vendor,
                endpoint,
                message,
            } => AtsError::Network {
                vendor,
                endpoint,
                message,
            },
            OAuthError::Malformed {
                vendor,
                endpoint,
                message,
            } => AtsError::Malformed {
                vendor,
                endpoint,
                message,
            },
            _ => AtsError::Config(message),
        }
    }
}
