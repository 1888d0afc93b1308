//! The Workday part of the public `Sandbox` / `SandboxControl` API, kept
//! here so `lib.rs` only wires the listener.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use super::control::WorkdayApplicationInfo;
use super::{WorkdayAttachment, WorkdayFault, WorkdayWrite};
use crate::oauth::OAuthServer;
use crate::{RateLimit, Sandbox, SandboxControl, SandboxError};

impl Sandbox {
    /// The origin standing in for `https://{host}`, e.g.
    /// `http://127.0.0.1:41236`: the token endpoint is
    /// `{host}/ccx/oauth2/{tenant}/token`, the REST API
    /// `{host}/ccx/api/recruiting/v4/{tenant}/…`.
    pub fn workday_host(&self) -> String {
        self.control.wd.origin.clone()
    }

    /// The user authorize page, `{host}/{tenant}/authorize`.
    pub fn workday_authorize_url(&self) -> String {
        format!(
            "{}/{}/authorize",
            self.control.wd.origin, self.control.wd.tenant
        )
    }

    /// The token endpoint, `{host}/ccx/oauth2/{tenant}/token`.
    pub fn workday_token_url(&self) -> String {
        format!(
            "{}/ccx/oauth2/{}/token",
            self.control.wd.origin, self.control.wd.tenant
        )
    }

    pub fn workday_tenant(&self) -> String {
        self.control.wd.tenant.clone()
    }

    /// The "API Client for Integrations" registered in the tenant.
    pub fn workday_client_id(&self) -> String {
        self.control.wd.auth.client_id.clone()
    }

    pub fn workday_client_secret(&self) -> String {
        self.control.wd.auth.client_secret.clone()
    }

    /// The Integration System User's non-expiring refresh token.
    pub fn workday_refresh_token(&self) -> String {
        self.control.wd.auth.refresh_token.clone()
    }

    /// An active worker's WID, suitable as the acting worker of writes.
    pub fn workday_worker_id(&self) -> String {
        self.control.wd.default_worker_id().unwrap_or_default()
    }
}

impl SandboxControl {
    /// A recruiter moves the application into `stage` (a stage name such as
    /// "Assessment", or a stage WID) in Workday's UI; a dispositioned
    /// application is reactivated. Bumps the application's `updatedOn`.
    pub fn workday_move_application(
        &self,
        application_id: &str,
        stage: &str,
    ) -> Result<(), SandboxError> {
        self.wd
            .move_to_stage(application_id, stage)
            .map_err(SandboxError::Workday)
    }

    /// Every job application with its current stage, in listing order.
    pub fn workday_applications(&self) -> Vec<WorkdayApplicationInfo> {
        self.wd.applications_info()
    }

    /// Bumps `updatedOn` of these candidates (unknown WIDs are ignored).
    pub fn workday_touch_candidates(&self, ids: &[&str]) {
        self.wd.touch_candidates(ids);
    }

    /// Writes integrations made through the REST API, oldest first.
    pub fn workday_writes(&self) -> Vec<WorkdayWrite> {
        self.wd.writes()
    }

    /// A stored attachment, bytes exactly as uploaded.
    pub fn workday_attachment(&self, attachment_id: &str) -> Option<WorkdayAttachment> {
        self.wd.attachment(attachment_id)
    }

    /// The next `n` REST requests fail with `fault` (replaces any pending
    /// injection).
    pub fn workday_fail_next(&self, n: u32, fault: WorkdayFault) {
        self.wd.set_faults(n, fault);
    }

    /// Every access token issued so far stops working (401); refreshing
    /// still works.
    pub fn workday_expire_access_tokens(&self) {
        self.wd.auth.server.expire_access_tokens();
    }

    /// The ISU refresh token (and every other grant) is revoked: refreshing
    /// answers `invalid_grant` and bearer tokens 401.
    pub fn workday_revoke_refresh_token(&self) {
        self.wd.auth.server.revoke_all();
    }

    /// Lifetime of access tokens issued from now on.
    pub fn workday_set_access_token_ttl(&self, ttl: Duration) {
        self.wd.auth.server.set_access_ttl(ttl);
    }

    /// Changes the Workday limit and starts a fresh window.
    pub fn workday_set_rate_limit(&self, rl: Option<RateLimit>) {
        self.wd.limiter.set(rl);
    }

    /// The tenant's authorization server, for finer OAuth control (clock,
    /// stats, extra refresh tokens).
    pub fn workday_oauth(&self) -> Arc<OAuthServer> {
        self.wd.auth.server.clone()
    }

    /// REST requests served so far, errors included (not the token
    /// endpoint or `/_sandbox`).
    pub fn workday_request_count(&self) -> u64 {
        self.wd.requests.load(Ordering::Relaxed)
    }
}
