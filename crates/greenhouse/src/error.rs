use reqlink_ats::AtsError;
use reqlink_domain::{ApiError, ErrorCode};
use reqwest::StatusCode;
use serde::Deserialize;

const VENDOR: &str = "Greenhouse";

/// What went wrong talking to Greenhouse. `endpoint` is `METHOD /path`
/// (never the host, query or credentials), so every message is safe to show.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GreenhouseError {
    #[error("the Greenhouse base URL {0:?} is not a valid URL")]
    BadBaseUrl(String),
    #[error(
        "Greenhouse rejected the API key ({endpoint}): check the Harvest key and its permissions"
    )]
    Unauthorized { endpoint: String },
    /// v3: the access token was refused even after a refresh, or could not
    /// be refreshed: the user must sign in to Greenhouse again.
    #[error("the Greenhouse connection needs to be reconnected ({endpoint}): {reason}")]
    NeedsReconnect { endpoint: String, reason: String },
    /// `detail` is Greenhouse's own explanation (a missing `On-Behalf-Of`,
    /// a disabled user, a key without the permission).
    #[error("Greenhouse refused access to {endpoint}: {detail}")]
    Forbidden { endpoint: String, detail: String },
    #[error("Greenhouse could not find {endpoint}")]
    NotFound { endpoint: String },
    #[error("Greenhouse rejected the request to {endpoint}: {}", describe_fields(.fields))]
    Validation {
        endpoint: String,
        fields: Vec<FieldError>,
    },
    #[error(
        "Greenhouse kept answering 429 Too Many Requests on {endpoint}; try again in a minute"
    )]
    RateLimited { endpoint: String },
    #[error("Greenhouse returned HTTP {status} on {endpoint}; try again later")]
    Server { endpoint: String, status: u16 },
    /// No answer in time. For a write this is ambiguous: it may have been
    /// applied, so check before writing again.
    #[error("Greenhouse did not answer {endpoint} in time; check the network and try again")]
    Timeout { endpoint: String },
    #[error("could not reach Greenhouse ({endpoint}): {message}")]
    Network { endpoint: String, message: String },
    #[error("Greenhouse sent an unexpected response on {endpoint}: {message}")]
    Malformed { endpoint: String, message: String },
    /// The request was not sent: the caller asked for something Greenhouse
    /// cannot do (e.g. a candidate on two jobs).
    #[error("{0}")]
    Invalid(String),
}

/// One entry of a 422 body's `errors` list.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct FieldError {
    #[serde(default)]
    pub field: Option<String>,
    pub message: String,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    errors: Vec<FieldError>,
    #[serde(default)]
    message: Option<String>,
}

fn describe_fields(fields: &[FieldError]) -> String {
    fields
        .iter()
        .map(|f| match &f.field {
            Some(field) => format!("{field}: {}", f.message),
            None => f.message.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Greenhouse's `{"message": ...}`, kept short and on one line.
fn server_message(body: &[u8]) -> Option<String> {
    let m = serde_json::from_slice::<ErrorBody>(body).ok()?.message?;
    let m: String = m.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(m.chars().take(300).collect())
}

impl GreenhouseError {
    pub(crate) fn from_status(status: StatusCode, endpoint: &str, body: &[u8]) -> Self {
        let endpoint = endpoint.to_string();
        match status {
            StatusCode::UNAUTHORIZED => Self::Unauthorized { endpoint },
            StatusCode::FORBIDDEN => Self::Forbidden {
                endpoint,
                detail: server_message(body)
                    .unwrap_or_else(|| "the credentials lack permission for it".into()),
            },
            StatusCode::NOT_FOUND => Self::NotFound { endpoint },
            StatusCode::TOO_MANY_REQUESTS => Self::RateLimited { endpoint },
            StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => {
                let fields = match serde_json::from_slice::<ErrorBody>(body) {
                    Ok(v) if !v.errors.is_empty() => v.errors,
                    Ok(v) => vec![FieldError {
                        field: None,
                        message: v.message.unwrap_or_else(|| "validation error".into()),
                    }],
                    Err(_) => vec![FieldError {
                        field: None,
                        message: format!("HTTP {} without details", status.as_u16()),
                    }],
                };
                Self::Validation { endpoint, fields }
            }
            s => Self::Server {
                endpoint,
                status: s.as_u16(),
            },
        }
    }

    /// The fields a 422 named, if this is one.
    pub fn fields(&self) -> &[FieldError] {
        match self {
            Self::Validation { fields, .. } => fields,
            _ => &[],
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Self::BadBaseUrl(_) | Self::Validation { .. } | Self::Invalid(_) => {
                ErrorCode::InvalidInput
            }
            Self::Unauthorized { .. } => ErrorCode::Unauthorized,
            Self::NeedsReconnect { .. } => ErrorCode::NeedsReconnect,
            Self::Forbidden { .. } => ErrorCode::Forbidden,
            Self::NotFound { .. } => ErrorCode::NotFound,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::Server { .. } => ErrorCode::Upstream,
            Self::Timeout { .. } | Self::Network { .. } => ErrorCode::Network,
            Self::Malformed { .. } => ErrorCode::MalformedResponse,
        }
    }
}

impl From<GreenhouseError> for ApiError {
    fn from(err: GreenhouseError) -> Self {
        ApiError::new(err.code(), err.to_string())
    }
}

impl From<GreenhouseError> for AtsError {
    fn from(e: GreenhouseError) -> Self {
        let vendor = VENDOR;
        match e {
            GreenhouseError::Unauthorized { endpoint } => AtsError::Unauthorized {
                vendor,
                endpoint,
                hint: "check the Harvest API key and its permissions".into(),
            },
            GreenhouseError::NeedsReconnect { reason, .. } => {
                AtsError::NeedsReconnect { vendor, reason }
            }
            GreenhouseError::Forbidden { endpoint, detail } => AtsError::Forbidden {
                vendor,
                endpoint,
                hint: detail,
            },
            GreenhouseError::NotFound { endpoint } => AtsError::NotFound { vendor, endpoint },
            GreenhouseError::Validation { endpoint, fields } => AtsError::Validation {
                vendor,
                endpoint,
                fields: fields
                    .into_iter()
                    .map(|f| reqlink_ats::FieldError {
                        field: f.field,
                        message: f.message,
                    })
                    .collect(),
            },
            GreenhouseError::RateLimited { endpoint } => AtsError::RateLimited {
                vendor,
                endpoint,
                retry_after: None,
            },
            GreenhouseError::Server { endpoint, status } => AtsError::Server {
                vendor,
                endpoint,
                status,
            },
            GreenhouseError::Timeout { endpoint } => AtsError::Timeout { vendor, endpoint },
            GreenhouseError::Network { endpoint, message } => AtsError::Network {
                vendor,
                endpoint,
                message,
            },
            GreenhouseError::Malformed { endpoint, message } => AtsError::Malformed {
                vendor,
                endpoint,
                message,
            },
            GreenhouseError::BadBaseUrl(_) | GreenhouseError::Invalid(_) => {
                AtsError::Config(e.to_string())
            }
        }
    }
}
