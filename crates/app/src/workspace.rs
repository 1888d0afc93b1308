//! Opening the workspace: the emulators start on loopback and the
//! interview-platform connection points at them. ATS connections are
//! restored (or, on the first run, the sandbox Greenhouse is connected) by
//! `restore`.

use reqlink_domain::{ApiError, ErrorCode, Provider, WorkspaceInfo};
use reqlink_platform::PlatformClient;
use reqlink_sandbox::{Sandbox, SandboxConfig};
use reqlink_store::{NewConnection, Store};

pub const SANDBOX_PLATFORM: &str = "sandbox-platform";
pub const SANDBOX_GREENHOUSE: &str = "sandbox-greenhouse";
pub const SANDBOX_LEVER: &str = "sandbox-lever";

pub struct OpenWorkspace {
    pub info: WorkspaceInfo,
    pub sandbox: Option<Sandbox>,
    pub platform: Option<(String, PlatformClient)>,
}

pub async fn open_sandbox(
    store: &Store,
    config: SandboxConfig,
    running: Option<Sandbox>,
) -> Result<OpenWorkspace, ApiError> {
    let info = store.ensure_sandbox_workspace()?;
    let sandbox = match running {
        Some(sandbox) => sandbox,
        None => Sandbox::start(config).await.map_err(|e| {
            ApiError::new(
                ErrorCode::Internal,
                format!("could not start the sandbox emulators on 127.0.0.1: {e}"),
            )
        })?,
    };

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
        platform: Some((SANDBOX_PLATFORM.to_string(), platform)),
    })
}
