use reqlink_domain::{ApiError, ErrorCode};
use reqwest::StatusCode;
use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub enum GreenhouseError {
    #[error("the Greenhouse base URL {0:?} is not a valid URL")]
    BadBaseUrl(String),
    #[error(
        "Greenhouse rejected the API key ({endpoint}): check the Harvest key and its permissions"
    )]
    Unauthorized { endpoint: String },
    #[error("Greenhouse refused access to {endpoint}: the Harvest key lacks permission for it")]
    Forbidden { endpoint: String },
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
    #[error("could not reach Greenhouse ({endpoint}): {message}")]
    Network { endpoint: String, message: String },
    #[error("Greenhouse sent an unexpected response on {endpoint}: {message}")]
    Malformed { endpoint: String, message: String },
}

/// One entry of a 422 body's `errors` list.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct FieldError {
    #[serde(default)]
    pub field: Option<String>,
    pub message: String,
}

#[derive(Deserialize)]
struct ValidationBody {
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

impl GreenhouseError {
    pub(crate) fn from_status(status: StatusCode, endpoint: &str, body: &[u8]) -> Self {
        let endpoint = endpoint.to_string();
        match status {
            StatusCode::UNAUTHORIZED => Self::Unauthorized { endpoint },
            StatusCode::FORBIDDEN => Self::Forbidden { endpoint },
            StatusCode::NOT_FOUND => Self::NotFound { endpoint },
            StatusCode::TOO_MANY_REQUESTS => Self::RateLimited { endpoint },
            StatusCode::UNPROCESSABLE_ENTITY => {
                let fields = match serde_json::from_slice::<ValidationBody>(body) {
                    Ok(v) if !v.errors.is_empty() => v.errors,
                    Ok(v) => vec![FieldError {
                        field: None,
                        message: v.message.unwrap_or_else(|| "validation error".into()),
                    }],
                    Err(_) => vec![FieldError {
                        field: None,
                        message: "validation error".into(),
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

    pub fn code(&self) -> ErrorCode {
        match self {
            Self::BadBaseUrl(_) | Self::Validation { .. } => ErrorCode::InvalidInput,
            Self::Unauthorized { .. } => ErrorCode::Unauthorized,
            Self::Forbidden { .. } => ErrorCode::Forbidden,
            Self::NotFound { .. } => ErrorCode::NotFound,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::Server { .. } => ErrorCode::Upstream,
            Self::Network { .. } => ErrorCode::Network,
            Self::Malformed { .. } => ErrorCode::MalformedResponse,
        }
    }
}

impl From<GreenhouseError> for ApiError {
    fn from(err: GreenhouseError) -> Self {
        ApiError::new(err.code(), err.to_string())
    }
}
