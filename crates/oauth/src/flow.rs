//! One desktop sign-in: listener, PKCE, state, authorize URL, callback,
//! code exchange.

use std::time::Duration;

use url::Url;

use crate::authorize::AuthorizeRequest;
use crate::error::OAuthError;
use crate::loopback::{BrowserReply, CancelHandle, LoopbackListener};
use crate::pkce::{random_state, Pkce};
use crate::token::{TokenClient, TokenEndpoint, TokenSet};

/// Everything the app knows about a provider's OAuth registration.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    pub authorize_url: String,
    pub token: TokenEndpoint,
    pub scopes: Vec<String>,
    /// Extra authorize parameters (Lever's `audience`).
    pub authorize_extra: Vec<(String, String)>,
    /// `Some`: listen on this port (providers with registered redirect
    /// URIs); `None`: an ephemeral one.
    pub fixed_port: Option<u16>,
}

/// A started sign-in. Open [`authorize_url`](Self::authorize_url) in the
/// browser, then [`finish`](Self::finish).
#[derive(Debug)]
pub struct DesktopFlow {
    listener: LoopbackListener,
    pkce: Pkce,
    state: String,
    redirect_uri: String,
    url: Url,
    client: TokenClient,
    cancel: CancelHandle,
}

impl DesktopFlow {
    pub async fn start(provider: &ProviderConfig) -> Result<Self, OAuthError> {
        let client = TokenClient::new(provider.token.clone())?;
        let listener = LoopbackListener::bind(provider.fixed_port).await?;
        let pkce = Pkce::generate();
        let state = random_state();
        let redirect_uri = listener.redirect_uri();
        let url = AuthorizeRequest {
            authorize_url: provider.authorize_url.clone(),
            client_id: provider.token.client_id.clone(),
            redirect_uri: redirect_uri.clone(),
            scopes: provider.scopes.clone(),
            state: state.clone(),
            code_challenge: pkce.challenge().to_owned(),
            extra: provider.authorize_extra.clone(),
        }
        .to_url()?;
        Ok(Self {
            listener,
            pkce,
            state,
            redirect_uri,
            url,
            client,
            cancel: CancelHandle::new(),
        })
    }

    pub fn authorize_url(&self) -> &Url {
        &self.url
    }

    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Cancels [`finish`](Self::finish) from elsewhere (a Cancel button).
    pub fn cancel_handle(&self) -> CancelHandle {
        self.cancel.clone()
    }

    /// Waits for the browser to come back (at most `timeout`), then
    /// exchanges the code; the browser shows "Connected" once the tokens
    /// are in hand. Callers that test the tokens before calling the
    /// connection good use [`finish_pending`](Self::finish_pending).
    pub async fn finish(self, timeout: Duration) -> Result<TokenSet, OAuthError> {
        let (tokens, reply) = self.finish_pending(timeout).await?;
        reply.connected();
        Ok(tokens)
    }

    /// Like [`finish`](Self::finish), but the browser keeps waiting until
    /// the returned [`BrowserReply`] is answered. A failed exchange is
    /// shown in the browser before this returns the error.
    pub async fn finish_pending(
        self,
        timeout: Duration,
    ) -> Result<(TokenSet, BrowserReply), OAuthError> {
        let vendor = self.client.vendor();
        let (code, reply) = self
            .listener
            .wait_for_code(vendor, &self.state, timeout, &self.cancel)
            .await?;
        match self
            .client
            .exchange_code(code.as_str(), self.pkce.verifier(), &self.redirect_uri)
            .await
        {
            Ok(tokens) => Ok((tokens, reply)),
            Err(e) => {
                // OAuthError messages never carry credentials.
                reply.failed(&e.to_string());
                Err(e)
            }
        }
    }
}
