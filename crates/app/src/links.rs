//! Requisition-to-agent links: create (one or several jobs at once),
//! change, unlink, warnings, and "test this link".

use reqlink_domain::{
    ApiError, LinkIdRequest, LinkQuery, LinkRequest, LinkTestResult, LinkView, LinkWarning,
};

use crate::core::Core;

impl Core {
    pub async fn list_links(&self, _req: LinkQuery) -> Result<Vec<LinkView>, ApiError> {
        Err(ApiError::internal("not implemented yet"))
    }

    pub async fn preview_link(&self, _req: LinkRequest) -> Result<Vec<LinkWarning>, ApiError> {
        Err(ApiError::internal("not implemented yet"))
    }

    pub async fn save_link(&self, _req: LinkRequest) -> Result<Vec<LinkView>, ApiError> {
        Err(ApiError::internal("not implemented yet"))
    }

    pub async fn unlink(&self, _req: LinkIdRequest) -> Result<(), ApiError> {
        Err(ApiError::internal("not implemented yet"))
    }

    pub async fn test_link(&self, _req: LinkIdRequest) -> Result<LinkTestResult, ApiError> {
        Err(ApiError::internal("not implemented yet"))
    }
}
