//! Workday's OAuth 2.0 side, on the shared authorization-server emulator
//! (`crate::oauth`): the tenant's "API Client for Integrations" (confidential,
//! HTTP Basic `client_id:client_secret`), its token endpoint
//! `POST /ccx/oauth2/{tenant}/token` and authorize page `/{tenant}/authorize`.
//!
//! The Integration System User's refresh token is minted out of band at
//! start, as a Workday administrator does when registering the client; it
//! never expires and does not rotate (a refresh answer carries no new
//! refresh token). Access tokens last `access_token_ttl` (Workday: 1 h).
//! The authorization-code flow (PKCE S256, loopback redirect on
//! `/callback`) signs in as one of the tenant's active workers.

use std::sync::Arc;

use crate::oauth::{OAuthServer, OAuthServerConfig, RedirectRule};
use crate::rng::mix;

use super::model::Tenant;
use super::WorkdayConfig;

/// The ISU the refresh token belongs to (the grant's subject).
pub(crate) const ISU_SUBJECT: &str = "ISU_Reqlink_Integration";

pub(crate) struct Auth {
    pub server: Arc<OAuthServer>,
    pub client_id: String,
    pub client_secret: String,
    pub refresh_token: String,
}

impl Auth {
    pub(crate) fn new(seed: u64, config: &WorkdayConfig, tenant: &Tenant) -> Self {
        // Derived from the seed so a demo workspace keeps its connection
        // across restarts of the app.
        let client_id = format!(
            "{:016X}{:016X}",
            mix(seed ^ 0x5744_4349_4431),
            mix(seed ^ 0x5744_4349_4432)
        );
        let client_secret = format!(
            "{:016x}{:016x}{:016x}",
            mix(seed ^ 0x5744_5345_4331),
            mix(seed ^ 0x5744_5345_4332),
            mix(seed ^ 0x5744_5345_4333)
        );
        let mut oc = OAuthServerConfig::new("Workday", client_id.clone());
        oc.client_secret = Some(client_secret.clone());
        oc.redirect = RedirectRule::LoopbackAnyPort {
            path: "/callback".into(),
        };
        oc.access_ttl = config.access_token_ttl;
        oc.refresh_ttl = None;
        oc.rotate_refresh = config.rotate_refresh_tokens;
        oc.subjects = tenant
            .workers
            .iter()
            .filter(|w| w.active)
            .map(|w| (w.wid.clone(), w.name()))
            .collect();
        let server = OAuthServer::new(oc);
        let refresh_token = server.mint_refresh_token(ISU_SUBJECT, &[]);
        Self {
            server,
            client_id,
            client_secret,
            refresh_token,
        }
    }
}
