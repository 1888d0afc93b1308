//! The writeback outbox as the UI sees it: list, Retry, Discard.

use reqlink_domain::{ApiError, OutboxQuery, OutboxRequest, OutboxRow};

use crate::core::Core;

impl Core {
    pub async fn list_outbox(&self, _req: OutboxQuery) -> Result<Vec<OutboxRow>, ApiError> {
        Err(ApiError::internal("not implemented yet"))
    }

    pub async fn retry_outbox(&self, _req: OutboxRequest) -> Result<(), ApiError> {
        Err(ApiError::internal("not implemented yet"))
    }

    pub async fn discard_outbox(&self, _req: OutboxRequest) -> Result<(), ApiError> {
        Err(ApiError::internal("not implemented yet"))
    }
}
