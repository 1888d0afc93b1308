use std::path::PathBuf;

use reqlink_domain::{ApiError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the data directory {path}: {source}")]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "this database was written by a newer version of Reqlink (schema {found}, this app knows up to {supported}); \
         update Reqlink, or point REQLINK_DATA_DIR at another directory"
    )]
    TooNew { found: u32, supported: u32 },
    #[error("migration {name} failed: {source}")]
    Migration {
        name: &'static str,
        source: rusqlite::Error,
    },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored JSON is invalid: {0}")]
    Json(#[from] serde_json::Error),
    #[error("{0} not found")]
    NotFound(String),
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        let code = match &err {
            StoreError::TooNew { .. } => ErrorCode::DatabaseTooNew,
            StoreError::NotFound(_) => ErrorCode::NotFound,
            _ => ErrorCode::Storage,
        };
        ApiError::new(code, err.to_string())
    }
}
