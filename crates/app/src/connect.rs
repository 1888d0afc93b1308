//! Connecting and disconnecting ATS accounts.

use reqlink_domain::{
    ApiError, CheckResult, ConnectRequest, ConnectionRequest, ConnectionView, ErrorCode,
    FlowRequest, IntegrationCard, OAuthFlowView,
};

use crate::core::Core;

fn pending() -> ApiError {
    ApiError::new(ErrorCode::Internal, "not available yet in this build")
}

impl Core {
    pub async fn integrations(&self) -> Result<Vec<IntegrationCard>, ApiError> {
        Err(pending())
    }
    pub async fn connect(&self, _req: ConnectRequest) -> Result<ConnectionView, ApiError> {
        Err(pending())
    }
    pub async fn start_oauth(&self, _req: ConnectRequest) -> Result<OAuthFlowView, ApiError> {
        Err(pending())
    }
    pub async fn oauth_flow(&self, _req: FlowRequest) -> Result<OAuthFlowView, ApiError> {
        Err(pending())
    }
    pub async fn cancel_oauth(&self, _req: FlowRequest) -> Result<(), ApiError> {
        Err(pending())
    }
    pub async fn disconnect(&self, _req: ConnectionRequest) -> Result<(), ApiError> {
        Err(pending())
    }
    pub async fn run_checks(&self, _req: ConnectionRequest) -> Result<Vec<CheckResult>, ApiError> {
        Err(pending())
    }
}
