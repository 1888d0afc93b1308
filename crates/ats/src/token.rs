//! Where a bearer-token connector gets its access token. The app's
//! implementation refreshes OAuth grants and persists rotated refresh
//! tokens; tests use [`StaticToken`].

use async_trait::async_trait;

use crate::AtsError;

#[async_trait]
pub trait TokenSource: Send + Sync {
    /// A currently valid access token (refreshing first when it is about to
    /// expire).
    async fn access_token(&self) -> Result<String, AtsError>;

    /// The server answered 401 to `token`: refresh before the next call.
    /// A connector retries once after this; a second 401 means the grant
    /// is gone and it reports [`AtsError::NeedsReconnect`].
    async fn invalidate(&self, token: &str);
}

/// A fixed token; `invalidate` does nothing.
pub struct StaticToken(pub String);

#[async_trait]
impl TokenSource for StaticToken {
    async fn access_token(&self) -> Result<String, AtsError> {
        Ok(self.0.clone())
    }

    async fn invalidate(&self, _token: &str) {}
}
