//! Console users and their ATS identities (user mapping).

use reqlink_domain::{
    ApiError, ConnectionRequest, ConsoleUser, ConsoleUserRequest, UserMappingRequest,
    UserMappingView,
};

use crate::core::Core;

impl Core {
    pub async fn user_mappings(&self, _req: ConnectionRequest) -> Result<UserMappingView, ApiError> {
        Err(ApiError::internal("not implemented yet"))
    }

    pub async fn set_user_mapping(
        &self,
        _req: UserMappingRequest,
    ) -> Result<UserMappingView, ApiError> {
        Err(ApiError::internal("not implemented yet"))
    }

    pub async fn add_console_user(&self, _req: ConsoleUserRequest) -> Result<ConsoleUser, ApiError> {
        Err(ApiError::internal("not implemented yet"))
    }
}
