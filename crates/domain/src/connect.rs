//! IPC types of the ATS connections: connect (API key, OAuth, refresh
//! token, client credentials), per-connection sync, troubleshooting checks
//! and the ATS webhook endpoints. Secrets only ever travel from the window
//! to the core (inside `ConnectRequest::fields`), never back.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{ApiError, ConnectionView, Provider};

/// How a connection authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AuthKind {
    /// Greenhouse Harvest v1 or Lever API key (HTTP Basic).
    ApiKey,
    /// OAuth authorization code in the system browser (Lever, Greenhouse
    /// partner apps, Workday user sign-in).
    OauthCode,
    /// OAuth client credentials (Greenhouse Harvest v3 custom integration).
    ClientCredentials,
    /// A pre-issued refresh token (Workday Integration System User).
    RefreshToken,
}

/// One input of a connect form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FieldSpec {
    pub name: String,
    pub label: String,
    /// Rendered as a password input; its value is stored in the keychain.
    pub secret: bool,
    pub required: bool,
    /// What the sandbox fills in; `None` for secrets.
    pub placeholder: Option<String>,
    pub help: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AuthOption {
    pub kind: AuthKind,
    /// "Harvest API key", "Sign in with Lever (OAuth)", ...
    pub label: String,
    pub description: String,
    pub fields: Vec<FieldSpec>,
}

/// A card of the Integrations screen: one ATS, connected or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IntegrationCard {
    pub provider: Provider,
    pub name: String,
    pub auth_options: Vec<AuthOption>,
    /// The emulator can stand in for this ATS (the sandbox workspace).
    pub sandbox_available: bool,
    pub connection: Option<ConnectionView>,
    /// Where this ATS should send its webhooks, when it has any.
    pub webhook: Option<AtsWebhookView>,
}

/// Connect with the values of one auth option's form. With `sandbox`, the
/// core supplies the emulator's URLs and credentials itself and `fields`
/// may be empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ConnectRequest {
    pub provider: Provider,
    pub kind: AuthKind,
    pub sandbox: bool,
    pub fields: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OAuthFlowStatus {
    /// The browser is open on the provider's consent page.
    Waiting,
    Succeeded,
    Failed,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OAuthFlowView {
    pub flow_id: String,
    pub provider: Provider,
    pub status: OAuthFlowStatus,
    /// The consent page, for "the browser did not open? Open it yourself".
    pub authorize_url: String,
    /// Why it failed, and what to do.
    pub error: Option<ApiError>,
    pub connection_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FlowRequest {
    pub flow_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ConnectionRequest {
    pub connection_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncRequest {
    /// `None` syncs every connected ATS.
    pub connection_id: Option<String>,
    /// List everything instead of only what changed, and remove local
    /// records the ATS no longer has (deletions no webhook reported).
    #[serde(default)]
    #[ts(optional)]
    pub full: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncSettings {
    /// Background sync interval; 0 turns background sync off.
    pub interval_minutes: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Pass,
    Warn,
    Fail,
    /// Could not be judged yet (for example nothing is linked).
    Skipped,
}

/// One live troubleshooting check (the overview seed's four symptoms).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CheckResult {
    /// `oauth`, `candidates`, `writeback`, `job_mapping`.
    pub id: String,
    pub symptom: String,
    pub status: CheckStatus,
    pub detail: String,
    /// What to do when the check does not pass.
    pub fix: Option<String>,
}

/// An ATS's webhooks into the local receiver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AtsWebhookView {
    pub connection_id: String,
    /// The receiver URL to paste into the ATS's webhook settings (public
    /// base URL when set).
    pub url: String,
    /// Greenhouse: the secret key is set. Lever: every event's signature
    /// token is set.
    pub secret_configured: bool,
    /// Lever event types without a signature token yet.
    pub missing_events: Vec<String>,
    pub received: u32,
    pub rejected: u32,
    pub last_received_at: Option<String>,
}

/// Sets the webhook signing secret (Greenhouse) or one event's signature
/// token (Lever, `event` set). Stored in the keychain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WebhookSecretRequest {
    pub connection_id: String,
    pub event: Option<String>,
    pub secret: String,
}

/// Where secrets are kept, and the warning to show when it is not the
/// system keychain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SecretStoreStatus {
    /// `keychain`, `file` or `memory`.
    pub backend: String,
    pub warning: Option<String>,
}
