//! Reqlink's desktop OAuth 2.0 client, following RFC 8252 (OAuth for native
//! apps): the user signs in in the system browser (never an embedded
//! webview), the authorization server redirects to a one-shot listener on
//! `http://127.0.0.1:<port>/callback`, the code is bound to this run by PKCE
//! (S256) and a random `state`, and the tokens then live in a
//! [`RefreshingTokens`] that renews them before they expire and hands every
//! new refresh token to the app for safe keeping.
//!
//! ```no_run
//! # async fn demo(provider: reqlink_oauth::ProviderConfig) -> Result<(), reqlink_oauth::OAuthError> {
//! use std::time::Duration;
//! let flow = reqlink_oauth::DesktopFlow::start(&provider).await?;
//! reqlink_oauth::open_browser(flow.authorize_url().as_str())?;
//! let tokens = flow.finish(Duration::from_secs(300)).await?;
//! # let _ = tokens; Ok(()) }
//! ```

mod authorize;
mod browser;
mod error;
mod flow;
mod loopback;
mod pages;
mod pkce;
mod refreshing;
mod token;

pub use authorize::AuthorizeRequest;
pub use browser::{open_browser, BROWSER_ENV};
pub use error::OAuthError;
pub use flow::{DesktopFlow, ProviderConfig};
pub use loopback::{
    AuthorizationCode, BrowserReply, CancelHandle, LoopbackListener, CALLBACK_PATH,
};
pub use pkce::{random_state, Pkce};
pub use refreshing::{PersistFn, RefreshingTokens, TokenStatus};
pub use token::{unix_now, ClientAuth, TokenClient, TokenEndpoint, TokenSet};
