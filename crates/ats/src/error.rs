use std::time::Duration;

use reqlink_domain::{ApiError, ErrorCode};

/// One entry of a validation error: which field, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: Option<String>,
    pub message: String,
}

/// Failures every connector maps its vendor's answers onto. `endpoint` is
/// `METHOD /path` without host, query or credentials, so it is safe to show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AtsError {
    #[error("{vendor} rejected the credentials ({endpoint}): {hint}")]
    Unauthorized {
        vendor: &'static str,
        endpoint: String,
        hint: String,
    },
    /// The access token expired and could not be refreshed, or the grant
    /// was revoked: only a new sign-in fixes it.
    #[error("the {vendor} connection needs to be reconnected: {reason}")]
    NeedsReconnect {
        vendor: &'static str,
        reason: String,
    },
    #[error("{vendor} refused access to {endpoint}: {hint}")]
    Forbidden {
        vendor: &'static str,
        endpoint: String,
        hint: String,
    },
    #[error("{vendor} could not find {endpoint}")]
    NotFound {
        vendor: &'static str,
        endpoint: String,
    },
    #[error("{vendor} rejected the request to {endpoint}: {}", describe(.fields))]
    Validation {
        vendor: &'static str,
        endpoint: String,
        fields: Vec<FieldError>,
    },
    #[error("{vendor} kept answering 429 Too Many Requests on {endpoint}; try again in a minute")]
    RateLimited {
        vendor: &'static str,
        endpoint: String,
        retry_after: Option<Duration>,
    },
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
    #[error("could not reach {vendor} ({endpoint}): {message}")]
    Network {
        vendor: &'static str,
        endpoint: String,
        message: String,
    },
    #[error("{vendor} sent an unexpected response on {endpoint}: {message}")]
    Malformed {
        vendor: &'static str,
        endpoint: String,
        message: String,
    },
    #[error("{vendor} does not support {operation}")]
    Unsupported {
        vendor: &'static str,
        operation: String,
    },
    #[error("{0}")]
    Config(String),
}

fn describe(fields: &[FieldError]) -> String {
    fields
        .iter()
        .map(|f| match &f.field {
            Some(field) => format!("{field}: {}", f.message),
            None => f.message.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl AtsError {
    /// Whether trying the same request again later can succeed (writeback
    /// retries these; it parks the others).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            AtsError::RateLimited { .. }
                | AtsError::Server { .. }
                | AtsError::Timeout { .. }
                | AtsError::Network { .. }
        )
    }

    /// A timeout or dropped connection after the request was sent: the
    /// write may or may not have happened.
    pub fn is_ambiguous(&self) -> bool {
        matches!(self, AtsError::Timeout { .. } | AtsError::Network { .. })
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            AtsError::Unauthorized { .. } => ErrorCode::Unauthorized,
            AtsError::NeedsReconnect { .. } => ErrorCode::NeedsReconnect,
            AtsError::Forbidden { .. } => ErrorCode::Forbidden,
            AtsError::NotFound { .. } => ErrorCode::NotFound,
            AtsError::Validation { .. } => ErrorCode::InvalidInput,
            AtsError::RateLimited { .. } => ErrorCode::RateLimited,
            AtsError::Server { .. } => ErrorCode::Upstream,
            AtsError::Timeout { .. } | AtsError::Network { .. } => ErrorCode::Network,
            AtsError::Malformed { .. } => ErrorCode::MalformedResponse,
            AtsError::Unsupported { .. } | AtsError::Config(_) => ErrorCode::InvalidInput,
        }
    }
}

impl From<AtsError> for ApiError {
    fn from(e: AtsError) -> Self {
        ApiError::new(e.code(), e.to_string())
    }
}
