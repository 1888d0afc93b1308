//! Export of interview candidates into an ATS (the Headhuntr flow).

use reqlink_domain::{ApiError, ExportRequest, ExportSummary};

use crate::core::Core;

impl Core {
    pub async fn export_candidates(&self, _req: ExportRequest) -> Result<ExportSummary, ApiError> {
        Err(ApiError::internal("not implemented yet"))
    }
}
