//! Bringing connections back when the app starts: each stored connection's
//! connector is rebuilt from its parameters and secrets, without a network
//! call, so the app opens offline too. Sandbox connections take their
//! credentials from the freshly started emulators instead.

use reqlink_domain::{ApiError, AuthKind, ConnectionState, Provider};
use reqlink_oauth::TokenSet;
use reqlink_sandbox::Sandbox;
use reqlink_secrets::key;

use crate::connect::{connection_id, TokenSink};
use crate::connections::{provider_name, Live};
use crate::connectors::{self, Fields, SECRET_FIELDS};
use crate::core::Core;

/// Set once the sandbox Greenhouse was connected on first run, so that a
/// user who disconnects it does not see it come back.
const SANDBOX_SEEDED: &str = "sandbox_greenhouse_seeded";

impl Core {
    pub(crate) async fn restore_connections(&self) -> Result<(), ApiError> {
        let workspace = self.inner.workspace.id.clone();
        let rows = self
            .read(move |store| {
                let views = store.list_connections(&workspace)?;
                let mut out = Vec::new();
                for v in views {
                    let auth = store.connection_auth(&v.id)?;
                    out.push((v, auth));
                }
                Ok(out)
            })
            .await?;
        for (view, auth) in rows {
            if view.provider == Provider::InterviewPlatform {
                continue;
            }
            // Connections stored before auth kinds were recorded used keys.
            let (kind, params) = auth.unwrap_or((AuthKind::ApiKey, serde_json::json!({})));
            match self.rebuild(&view.id, view.provider, kind, view.sandbox, &params) {
                Ok(live) => self.put_live(live),
                Err(reason) => {
                    let detail = format!(
                        "{} needs to be reconnected: {reason}",
                        provider_name(view.provider)
                    );
                    let _ = self.inner.store.set_connection_state(
                        &view.id,
                        ConnectionState::NeedsReconnect,
                        Some(&detail),
                    );
                }
            }
        }
        self.seed_sandbox_greenhouse().await
    }

    fn rebuild(
        &self,
        id: &str,
        provider: Provider,
        kind: AuthKind,
        sandbox: bool,
        params: &serde_json::Value,
    ) -> Result<Live, String> {
        let (fields, tokens) = if sandbox {
            self.with_sandbox(|s| {
                let s = s.ok_or("the sandbox is not running")?;
                let fields = connectors::sandbox_fields(s, provider, kind);
                let tokens =
                    (kind == AuthKind::OauthCode).then(|| sandbox_grant(s, provider, &fields));
                Ok::<_, String>((fields, tokens))
            })?
        } else {
            let fields = self.stored_fields(id, params)?;
            let tokens = match kind {
                AuthKind::OauthCode => {
                    let raw = self
                        .inner
                        .secrets
                        .get(&key::oauth(id))
                        .map_err(|e| e.to_string())?
                        .ok_or("the saved sign-in is no longer in the keychain")?;
                    Some(
                        serde_json::from_str::<TokenSet>(raw.expose())
                            .map_err(|_| "the saved sign-in could not be read".to_string())?,
                    )
                }
                _ => None,
            };
            (fields, tokens)
        };
        if sandbox {
            let base = connectors::display_base(provider, &fields);
            let _ = self.inner.store.update_base_url(id, &base);
        }
        let sink = TokenSink::new(self.token_saver(id));
        let pace = !(sandbox && self.inner.sandbox_unlimited);
        let built = connectors::build(provider, kind, &fields, tokens, sink.as_fn(), pace)
            .map_err(|e| e.to_string())?;
        Ok(Live {
            id: id.to_string(),
            provider,
            connector: built.connector,
            tokens: built.tokens,
        })
    }

    /// A saved connection's form values: settings from SQLite, secrets
    /// from the secret store.
    fn stored_fields(&self, id: &str, params: &serde_json::Value) -> Result<Fields, String> {
        let mut fields: Fields = params
            .as_object()
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        for name in SECRET_FIELDS {
            let value = self
                .inner
                .secrets
                .get(&format!("connection/{id}/{name}"))
                .map_err(|e| e.to_string())?;
            if let Some(v) = value {
                fields.insert(name.to_string(), v.expose().to_string());
            }
        }
        // A refresh token that came back with a renewal replaces the one
        // typed in (Workday ISU); the old one may no longer work.
        if fields.contains_key("refresh_token") {
            let newest = self
                .inner
                .secrets
                .get(&key::oauth(id))
                .map_err(|e| e.to_string())?
                .and_then(|raw| serde_json::from_str::<TokenSet>(raw.expose()).ok())
                .and_then(|t| t.refresh_token);
            if let Some(newest) = newest {
                fields.insert("refresh_token".into(), newest);
            }
        }
        Ok(fields)
    }

    /// Reconnecting: whatever the form leaves empty comes from the saved
    /// connection of the same provider and sign-in kind, so "Reconnect"
    /// needs nothing typed again (a browser sign-in reuses the client id
    /// and secret; a key form only needs the new key).
    pub(crate) fn fill_from_saved(&self, provider: Provider, kind: AuthKind, fields: &mut Fields) {
        let id = connection_id(provider, false);
        let Ok(Some((saved_kind, params))) = self.inner.store.connection_auth(&id) else {
            return;
        };
        if saved_kind != kind {
            return;
        }
        let Ok(saved) = self.stored_fields(&id, &params) else {
            return;
        };
        // A saved secret never goes to an address other than its own.
        let elsewhere = fields.iter().any(|(name, value)| {
            !value.is_empty()
                && !SECRET_FIELDS.contains(&name.as_str())
                && saved.get(name).is_some_and(|s| s != value)
        });
        if elsewhere {
            return;
        }
        for (name, value) in saved {
            let slot = fields.entry(name).or_default();
            if slot.is_empty() {
                *slot = value;
            }
        }
    }

    /// On the very first run the sandbox Greenhouse is connected, so a new
    /// install opens on realistic data.
    async fn seed_sandbox_greenhouse(&self) -> Result<(), ApiError> {
        if self.with_sandbox(|s| s.is_none()) {
            return Ok(());
        }
        let seeded = self
            .read(|store| Ok(store.setting(SANDBOX_SEEDED)?))
            .await?
            .is_some();
        let id = connection_id(Provider::Greenhouse, true);
        if seeded || self.live(&id).is_some() {
            return Ok(());
        }
        self.connect_quietly(Provider::Greenhouse, AuthKind::ApiKey)
            .await?;
        let store = self.inner.store.clone();
        crate::sync::blocking(move || Ok(store.set_setting(SANDBOX_SEEDED, Some("1"))?)).await
    }
}

/// A sandbox sign-in survives restarts the way a real refresh token would:
/// the restarted emulator issues a fresh grant for the same user.
fn sandbox_grant(s: &Sandbox, provider: Provider, fields: &Fields) -> TokenSet {
    let refresh = match provider {
        Provider::Lever => {
            let scopes: Vec<&str> = connectors::LEVER_SCOPES.to_vec();
            s.control().lever_mint_refresh_token(&scopes)
        }
        Provider::Workday => s
            .control()
            .workday_oauth()
            .mint_refresh_token(&s.workday_worker_id(), &[]),
        _ => s.greenhouse_oauth().mint_refresh_token(
            fields
                .get("user_id")
                .map(String::as_str)
                .unwrap_or_default(),
            &[],
        ),
    };
    TokenSet {
        access_token: String::new(),
        refresh_token: Some(refresh),
        expires_at: 0,
        scope: None,
    }
}
