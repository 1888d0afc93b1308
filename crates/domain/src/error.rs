use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Stable machine-readable error codes. The UI branches on these, never on
/// message text, so renaming a variant is a breaking change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidInput,
    NotFound,
    Unauthorized,
    /// Expired or revoked OAuth grant: only signing in again fixes it.
    NeedsReconnect,
    /// A webhook whose signature did not verify.
    SignatureInvalid,
    Forbidden,
    RateLimited,
    Network,
    Upstream,
    MalformedResponse,
    Storage,
    DatabaseTooNew,
    SyncInProgress,
    Cancelled,
    Internal,
}

/// The error shape every command returns: `{code, message}`. `message` is
/// written for a person (what failed, what to do) and must never contain a
/// secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_code_and_message() {
        let err = ApiError::new(ErrorCode::RateLimited, "slow down");
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "rate_limited", "message": "slow down"})
        );
    }
}
