//! The pipeline of a link: funnel counts and each candidate's timeline.

use reqlink_domain::{ApiError, InviteRequest, LinkIdRequest, PipelineView};

use crate::core::Core;

impl Core {
    pub async fn pipeline(&self, _req: LinkIdRequest) -> Result<PipelineView, ApiError> {
        Err(ApiError::internal("not implemented yet"))
    }

    pub async fn invite_now(&self, _req: InviteRequest) -> Result<(), ApiError> {
        Err(ApiError::internal("not implemented yet"))
    }
}
