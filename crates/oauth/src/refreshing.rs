//! A [`TokenSource`] that renews its access token shortly before expiry,
//! one renewal at a time, and hands every new token set to the app.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;
use reqlink_ats::{AtsError, TokenSource};
use serde::Serialize;

use crate::error::OAuthError;
use crate::token::{unix_now, TokenClient, TokenSet};

/// Called after every renewal with the newest tokens (the app writes them
/// to the keychain: a rotated refresh token that is not stored is lost, and
/// with it the connection).
pub type PersistFn = Arc<dyn Fn(&TokenSet) + Send + Sync>;
type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

const DEFAULT_MARGIN: Duration = Duration::from_secs(5 * 60);

enum Renewal {
    RefreshToken,
    /// No refresh token in this grant type: renewing means asking again.
    ClientCredentials {
        sub: Option<String>,
        scopes: Vec<String>,
    },
}

struct State {
    tokens: Option<TokenSet>,
    /// Lifetime of the current access token, when it was issued here.
    lifetime: Option<i64>,
    /// The API answered 401 to the current access token.
    stale: bool,
    /// The grant is gone; only [`RefreshingTokens::replace`] revives it.
    dead: bool,
}

/// For the UI: "Token expires in 42 min".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenStatus {
    pub expires_at: Option<i64>,
    pub expires_in_secs: Option<i64>,
    pub has_refresh_token: bool,
    pub needs_reconnect: bool,
}

pub struct RefreshingTokens {
    client: TokenClient,
    renewal: Renewal,
    state: Mutex<State>,
    /// Held for the whole renewal so concurrent callers wait for its result
    /// instead of spending the (rotating) refresh token twice.
    renewing: tokio::sync::Mutex<()>,
    persist: Option<PersistFn>,
    margin: Duration,
    clock: Clock,
}

impl fmt::Debug for RefreshingTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshingTokens")
            .field("vendor", &self.client.vendor())
            .field("status", &self.status())
            .finish()
    }
}

impl RefreshingTokens {
    /// Tokens from a sign-in (or the keychain), renewed with their refresh
    /// token.
    pub fn new(client: TokenClient, tokens: TokenSet) -> Self {
        Self::build(client, Renewal::RefreshToken, Some(tokens))
    }

    /// Tokens obtained with the client-credentials grant acting as `sub`;
    /// the first [`access_token`](TokenSource::access_token) call fetches one.
    pub fn client_credentials(
        client: TokenClient,
        sub: Option<String>,
        scopes: Vec<String>,
    ) -> Self {
        Self::build(client, Renewal::ClientCredentials { sub, scopes }, None)
    }

    fn build(client: TokenClient, renewal: Renewal, tokens: Option<TokenSet>) -> Self {
        Self {
            client,
            renewal,
            state: Mutex::new(State {
                tokens,
                lifetime: None,
                stale: false,
                dead: false,
            }),
            renewing: tokio::sync::Mutex::new(()),
            persist: None,
            margin: DEFAULT_MARGIN,
            clock: Arc::new(unix_now),
        }
    }

    pub fn with_persist(mut self, persist: PersistFn) -> Self {
        self.persist = Some(persist);
        self
    }

    /// Renew when less than this remains (default 5 min), or less than a
    /// tenth of the token's lifetime when that is shorter.
    pub fn with_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Unix seconds; for tests.
    pub fn with_clock(mut self, clock: Arc<dyn Fn() -> i64 + Send + Sync>) -> Self {
        self.clock = clock;
        self
    }

    pub fn vendor(&self) -> &'static str {
        self.client.vendor()
    }

    pub fn expires_at(&self) -> Option<i64> {
        self.lock().tokens.as_ref().map(|t| t.expires_at)
    }

    pub fn status(&self) -> TokenStatus {
        let now = (self.clock)();
        let state = self.lock();
        let tokens = state.tokens.as_ref();
        TokenStatus {
            expires_at: tokens.map(|t| t.expires_at),
            expires_in_secs: tokens.map(|t| t.expires_in(now)),
            has_refresh_token: tokens.is_some_and(|t| t.refresh_token.is_some()),
            needs_reconnect: state.dead,
        }
    }

    /// A copy of the current tokens.
    pub fn current(&self) -> Option<TokenSet> {
        self.lock().tokens.clone()
    }

    /// New tokens from a reconnect; clears a previous "needs reconnect".
    pub fn replace(&self, tokens: TokenSet) {
        let mut state = self.lock();
        *state = State {
            tokens: Some(tokens),
            lifetime: None,
            stale: false,
            dead: false,
        };
    }

    /// Renews now, whatever the expiry, and returns the new tokens.
    pub async fn refresh_now(&self) -> Result<TokenSet, OAuthError> {
        let _guard = self.renewing.lock().await;
        self.renew().await
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The current access token when it is good for a while yet.
    fn usable(&self, now: i64) -> Result<Option<String>, AtsError> {
        let state = self.lock();
        if state.dead {
            return Err(self.reconnect_error());
        }
        let Some(tokens) = &state.tokens else {
            return Ok(None);
        };
        if state.stale {
            return Ok(None);
        }
        let mut margin = self.margin.as_secs() as i64;
        if let Some(lifetime) = state.lifetime {
            margin = margin.min(lifetime / 10);
        }
        Ok((tokens.expires_at - now > margin).then(|| tokens.access_token.clone()))
    }

    fn reconnect_error(&self) -> AtsError {
        AtsError::NeedsReconnect {
            vendor: self.client.vendor(),
            reason: "the sign-in has expired or was revoked".into(),
        }
    }

    async fn renew(&self) -> Result<TokenSet, OAuthError> {
        let current = self.lock().tokens.clone();
        let result = match &self.renewal {
            Renewal::RefreshToken => match &current {
                Some(tokens) => self.client.refresh(tokens).await,
                None => Err(OAuthError::NoRefreshToken {
                    vendor: self.client.vendor(),
                }),
            },
            Renewal::ClientCredentials { sub, scopes } => {
                self.client.client_credentials(sub.as_deref(), scopes).await
            }
        };
        match result {
            Ok(tokens) => {
                let now = (self.clock)();
                {
                    let mut state = self.lock();
                    state.tokens = Some(tokens.clone());
                    state.lifetime = Some(tokens.expires_in(now));
                    state.stale = false;
                }
                if let Some(persist) = &self.persist {
                    persist(&tokens);
                }
                Ok(tokens)
            }
            Err(e) => {
                if e.needs_reconnect() {
                    self.lock().dead = true;
                }
                Err(e)
            }
        }
    }
}

#[async_trait]
impl TokenSource for RefreshingTokens {
    async fn access_token(&self) -> Result<String, AtsError> {
        if let Some(token) = self.usable((self.clock)())? {
            return Ok(token);
        }
        let _guard = self.renewing.lock().await;
        // Whoever held the lock before may have renewed already.
        if let Some(token) = self.usable((self.clock)())? {
            return Ok(token);
        }
        match self.renew().await {
            Ok(tokens) => Ok(tokens.access_token),
            Err(e) => {
                // A failed early renewal is no reason to fail a call the
                // current token can still make.
                if !e.needs_reconnect() {
                    let now = (self.clock)();
                    let state = self.lock();
                    if let Some(t) = state.tokens.as_ref() {
                        if !state.stale && t.expires_at > now {
                            tracing::warn!(vendor = self.client.vendor(), error = %e, "early token renewal failed; using the current token");
                            return Ok(t.access_token.clone());
                        }
                    }
                }
                Err(e.into())
            }
        }
    }

    async fn invalidate(&self, token: &str) {
        let mut state = self.lock();
        // Only if it is still the current one: a concurrent caller may have
        // renewed already.
        if state
            .tokens
            .as_ref()
            .is_some_and(|t| t.access_token == token)
        {
            state.stale = true;
        }
    }
}
