//! Connecting a real interview-platform account with its API key. The key
//! is proven with a call before anything is saved, then kept in the secret
//! store (never SQLite); while connected, the real platform replaces the
//! sandbox's emulator for agents, webhooks, invites and reconciliation.

use reqlink_domain::{
    ActivityLevel, ApiError, AppEvent, ConnectRequest, ConnectionState, ConnectionView, ErrorCode,
    Provider,
};
use reqlink_platform::PlatformClient;
use reqlink_secrets::{key, Secret};
use reqlink_store::NewConnection;

use crate::core::Core;

/// The connection id of a real platform account (one per workspace).
pub(crate) const PLATFORM_CONNECTION: &str = "interview-platform";
const DEFAULT_BASE: &str = "https://api.heymilo.ai";

impl Core {
    pub(crate) async fn connect_platform(
        &self,
        req: ConnectRequest,
    ) -> Result<ConnectionView, ApiError> {
        if req.sandbox {
            // Back to the emulator: forget a real account if there is one.
            self.forget_platform().await?;
            return self
                .read(|store| Ok(store.connection(crate::workspace::SANDBOX_PLATFORM)?))
                .await?
                .ok_or_else(|| ApiError::invalid_input("The sandbox is not running."));
        }
        let field = |k: &str| {
            req.fields
                .get(k)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let base = field("base_url").unwrap_or_else(|| DEFAULT_BASE.into());
        if !safe_base_url(&base) {
            return Err(ApiError::invalid_input(
                "The API base URL must be an https:// address (plain http only to 127.0.0.1 or localhost, for a local emulator).",
            ));
        }
        let api_key = field("api_key")
            .ok_or_else(|| ApiError::invalid_input("Enter the platform's API key."))?;
        let client = PlatformClient::new(&base, &api_key)?;
        let agents = client.list_postings().await.map_err(|e| {
            let mut api = ApiError::from(e);
            api.message = format!("{} Nothing was saved.", api.message);
            api
        })?;
        let secrets = self.inner.secrets.clone();
        let workspace = self.inner.workspace.id.clone();
        let base_url = base.clone();
        let view = self
            .read(move |store| {
                secrets
                    .set(&key::api_key(PLATFORM_CONNECTION), &Secret::new(api_key))
                    .map_err(|e| {
                        ApiError::new(
                            ErrorCode::Storage,
                            format!("Could not save the API key: {e}"),
                        )
                    })?;
                store.upsert_connection(&NewConnection {
                    id: PLATFORM_CONNECTION,
                    workspace_id: &workspace,
                    provider: Provider::InterviewPlatform,
                    label: "Interview platform",
                    auth_style: "API key",
                    base_url: &base_url,
                    sandbox: false,
                })?;
                store.set_connection_state(
                    PLATFORM_CONNECTION,
                    ConnectionState::Connected,
                    None,
                )?;
                store
                    .connection(PLATFORM_CONNECTION)?
                    .ok_or_else(|| ApiError::internal("the connection vanished while it was saved"))
            })
            .await?;
        *self
            .inner
            .platform
            .write()
            .unwrap_or_else(|e| e.into_inner()) = Some((PLATFORM_CONNECTION.into(), client));
        self.activity(
            ActivityLevel::Info,
            "connected",
            &format!(
                "Connected the interview platform at {base} ({} agents)",
                agents.len()
            ),
        );
        self.emit(AppEvent::DataChanged {
            entities: vec!["connections".into(), "agents".into()],
        });
        Ok(view)
    }

    /// Removes the real platform account: key, connection row, and back to
    /// the sandbox emulator where there is one.
    pub(crate) async fn forget_platform(&self) -> Result<(), ApiError> {
        let secrets = self.inner.secrets.clone();
        self.read(move |store| {
            secrets
                .delete_prefix(&key::connection_prefix(PLATFORM_CONNECTION))
                .map_err(|e| {
                    ApiError::new(
                        ErrorCode::Storage,
                        format!("Could not remove the saved API key: {e}"),
                    )
                })?;
            store.delete_connection(PLATFORM_CONNECTION)?;
            Ok(())
        })
        .await?;
        *self
            .inner
            .platform
            .write()
            .unwrap_or_else(|e| e.into_inner()) = self.inner.sandbox_platform.clone();
        self.emit(AppEvent::DataChanged {
            entities: vec!["connections".into(), "agents".into()],
        });
        Ok(())
    }

    /// At start: a saved real account replaces the emulator, without a
    /// network call (the state check that follows says if it works).
    pub(crate) async fn restore_platform(&self) {
        let secrets = self.inner.secrets.clone();
        let found = self
            .read(move |store| {
                let Some(view) = store.connection(PLATFORM_CONNECTION)? else {
                    return Ok(None);
                };
                let key = secrets
                    .get(&key::api_key(PLATFORM_CONNECTION))
                    .ok()
                    .flatten();
                Ok(Some((view.base_url, key)))
            })
            .await;
        match found {
            Ok(Some((base, Some(key)))) => match PlatformClient::new(&base, key.expose()) {
                Ok(client) => {
                    *self
                        .inner
                        .platform
                        .write()
                        .unwrap_or_else(|e| e.into_inner()) =
                        Some((PLATFORM_CONNECTION.into(), client));
                }
                Err(e) => tracing::warn!("the saved platform connection is unusable: {e}"),
            },
            Ok(Some((_, None))) => {
                let _ = self.inner.store.set_connection_state(
                    PLATFORM_CONNECTION,
                    ConnectionState::NeedsReconnect,
                    Some("The platform's API key is missing from the secret store; connect it again."),
                );
            }
            _ => {}
        }
    }
}

/// The key travels in a header on every request: only over TLS, or in the
/// clear to this machine itself.
fn safe_base_url(base: &str) -> bool {
    let Ok(url) = url::Url::parse(base) else {
        return false;
    };
    if !url.username().is_empty() || url.password().is_some() {
        return false;
    }
    match url.scheme() {
        "https" => url.host_str().is_some(),
        "http" => matches!(
            url.host(),
            Some(url::Host::Domain("localhost"))
                | Some(url::Host::Ipv4(std::net::Ipv4Addr::LOCALHOST))
                | Some(url::Host::Ipv6(std::net::Ipv6Addr::LOCALHOST))
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::safe_base_url;

    #[test]
    fn the_key_goes_only_over_tls_or_to_this_machine() {
        assert!(safe_base_url("https://api.heymilo.ai"));
        assert!(safe_base_url("http://127.0.0.1:4000"));
        assert!(safe_base_url("http://localhost:4000/"));
        assert!(!safe_base_url("http://api.heymilo.ai"));
        assert!(!safe_base_url("http://127.0.0.1@evil.example"));
        assert!(!safe_base_url("http://127.0.0.1.evil.example"));
        assert!(!safe_base_url("https://user:pw@api.heymilo.ai"));
        assert!(!safe_base_url("ftp://127.0.0.1"));
        assert!(!safe_base_url("not a url"));
    }
}
