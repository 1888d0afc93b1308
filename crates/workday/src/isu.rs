//! The Integration System User connection: Workday's "API Client for
//! Integrations" comes with a refresh token an administrator generated for
//! the ISU (usually non-expiring, not rotated). No browser is involved:
//! the shared refreshing token source (`reqlink-oauth`) trades that refresh
//! token for hour-long access tokens at `POST {host}/ccx/oauth2/{tenant}/token`
//! with HTTP Basic client credentials, renews shortly before expiry and
//! after a 401, and reports a revoked token as "needs reconnect".
//!
//! A user sign-in (authorization code at `{host}/{tenant}/authorize`) uses
//! the same [`token_endpoint`] with `reqlink_oauth::DesktopFlow`.

use reqlink_ats::AtsError;
use reqlink_oauth::{ClientAuth, RefreshingTokens, TokenClient, TokenEndpoint, TokenSet};

use crate::client::VENDOR;
use crate::paths;

/// The tenant's token endpoint for this API client.
pub fn token_endpoint(
    host: &str,
    tenant: &str,
    client_id: &str,
    client_secret: &str,
) -> TokenEndpoint {
    TokenEndpoint {
        vendor: VENDOR,
        token_url: format!("{}{}", host.trim_end_matches('/'), paths::token(tenant)),
        client_id: client_id.to_owned(),
        client_secret: Some(client_secret.to_owned()),
        client_auth: ClientAuth::Basic,
        extra: Vec::new(),
    }
}

/// A token source for the ISU, starting from its refresh token alone (the
/// first call fetches an access token).
pub fn isu_tokens(
    host: &str,
    tenant: &str,
    client_id: &str,
    client_secret: &str,
    refresh_token: &str,
) -> Result<RefreshingTokens, AtsError> {
    let client = TokenClient::new(token_endpoint(host, tenant, client_id, client_secret))
        .map_err(AtsError::from)?;
    Ok(RefreshingTokens::new(
        client,
        TokenSet {
            access_token: String::new(),
            refresh_token: Some(refresh_token.to_owned()),
            expires_at: 0,
            scope: None,
        },
    ))
}
