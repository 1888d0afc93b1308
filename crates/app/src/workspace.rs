//! Opening the workspace. With no real connection configured (real
//! connections arrive with the ATS-connections work), the app runs on the
//! sandbox: the emulators start on loopback and are registered as the
//! workspace's Greenhouse and interview-platform connections.

use reqlink_domain::{ApiError, ErrorCode, Provider, WorkspaceInfo};
use reqlink_greenhouse::{GreenhouseClient, GreenhouseConnector};

use crate::connections::Live;
use reqlink_platform::PlatformClient;
use reqlink_sandbox::{Sandbox, SandboxConfig};
use reqlink_store::{NewConnection, Store};

pub const SANDBOX_GREENHOUSE: &str = "sandbox-greenhouse";
pub const SANDBOX_PLATFORM: &str = "sandbox-platform";

pub struct OpenWorkspace {
    pub info: WorkspaceInfo,
    pub sandbox: Option<Sandbox>,
    pub ats: Vec<Live>,
    pub platform: Option<(String, PlatformClient)>,
}

pub async fn open_sandbox(store: &Store, config: SandboxConfig) -> Result<OpenWorkspace, ApiError> {
    let info = store.ensure_sandbox_workspace()?;
    let unlimited = config.rate_limit.is_none();
    let sandbox = Sandbox::start(config).await.map_err(|e| {
        ApiError::new(
            ErrorCode::Internal,
            format!("could not start the sandbox emulators on 127.0.0.1: {e}"),
        )
    })?;

    let gh_url = sandbox.greenhouse_base_url();
    store.upsert_connection(&NewConnection {
        id: SANDBOX_GREENHOUSE,
        workspace_id: &info.id,
        provider: Provider::Greenhouse,
        label: "Greenhouse (sandbox)",
        auth_style: "Harvest API key",
        base_url: &gh_url,
        sandbox: true,
    })?;
    let greenhouse = GreenhouseClient::new(&gh_url, &sandbox.greenhouse_api_key())?;
    if unlimited {
        // The emulator still advertises `X-RateLimit-Limit: 50` (Greenhouse
        // always sends it); pacing against a limit it does not enforce
        // would only slow a sandbox that was asked to be unlimited.
        greenhouse.limiter().set_enabled(false);
    }

    let platform_url = sandbox.platform_base_url();
    store.upsert_connection(&NewConnection {
        id: SANDBOX_PLATFORM,
        workspace_id: &info.id,
        provider: Provider::InterviewPlatform,
        label: "Interview platform (sandbox)",
        auth_style: "API key",
        base_url: &platform_url,
        sandbox: true,
    })?;
    let platform = PlatformClient::new(&platform_url, &sandbox.platform_api_key())?;

    Ok(OpenWorkspace {
        info,
        sandbox: Some(sandbox),
        ats: vec![Live {
            id: SANDBOX_GREENHOUSE.to_string(),
            provider: Provider::Greenhouse,
            connector: std::sync::Arc::new(GreenhouseConnector::new(greenhouse)),
        }],
        platform: Some((SANDBOX_PLATFORM.to_string(), platform)),
    })
}
