//! Connecting and disconnecting ATS accounts. A connection is stored only
//! after a test call with its credentials succeeded; a wrong key or a
//! denied consent leaves nothing behind.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqlink_ats::AtsError;
use reqlink_domain::{
    ActivityLevel, ApiError, AppEvent, AuthKind, ConnectRequest, ConnectionRequest,
    ConnectionState, ConnectionView, ErrorCode, FlowRequest, IntegrationCard, OAuthFlowStatus,
    OAuthFlowView, Provider,
};
use reqlink_oauth::{CancelHandle, DesktopFlow, PersistFn, TokenSet};
use reqlink_secrets::{key, Secret};
use reqlink_store::NewConnection;

use crate::connections::{provider_name, Live};
use crate::connectors::{self, Fields, SECRET_FIELDS};
use crate::core::Core;
use crate::sync::blocking;

/// How long the browser sign-in may take before the flow gives up.
const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(10 * 60);

const ATS: [Provider; 3] = [Provider::Greenhouse, Provider::Lever, Provider::Workday];

/// What `establish` needs to build, test and save a connection.
struct Plan {
    provider: Provider,
    kind: AuthKind,
    sandbox: bool,
    fields: Fields,
    /// OAuth tokens from a browser sign-in.
    tokens: Option<TokenSet>,
    /// The sign-in's Cancel button, which still counts until the
    /// connection is saved.
    cancel: Option<CancelHandle>,
    sync_after: bool,
}

/// An OAuth sign-in in progress or finished.
pub(crate) struct FlowEntry {
    view: Mutex<OAuthFlowView>,
    cancel: CancelHandle,
}

pub(crate) fn connection_id(provider: Provider, sandbox: bool) -> String {
    let name = match provider {
        Provider::Greenhouse => "greenhouse",
        Provider::Lever => "lever",
        Provider::Workday => "workday",
        Provider::InterviewPlatform => "platform",
    };
    if sandbox {
        format!("sandbox-{name}")
    } else {
        name.to_string()
    }
}

fn secret_key(connection_id: &str, field: &str) -> String {
    format!("connection/{connection_id}/{field}")
}

impl Core {
    pub async fn integrations(&self) -> Result<Vec<IntegrationCard>, ApiError> {
        let connections = self.list_connections().await?;
        let sandbox = self.with_sandbox(|s| s.is_some());
        let mut cards = Vec::new();
        for provider in ATS {
            // A connected connection wins over a stale one of the same ATS.
            let connection = connections
                .iter()
                .filter(|c| c.provider == provider)
                .max_by_key(|c| c.state == ConnectionState::Connected)
                .cloned();
            let webhook = match &connection {
                Some(c) => self.ats_webhook_view(&c.id).await,
                None => None,
            };
            cards.push(IntegrationCard {
                provider,
                name: provider_name(provider).to_string(),
                auth_options: connectors::auth_options(provider),
                sandbox_available: sandbox,
                connection,
                webhook,
            });
        }
        // The interview platform: the real account if one is connected,
        // else the sandbox's emulator.
        let platform = connections
            .iter()
            .filter(|c| c.provider == Provider::InterviewPlatform)
            .max_by_key(|c| !c.sandbox)
            .cloned();
        cards.push(IntegrationCard {
            provider: Provider::InterviewPlatform,
            name: "Interview platform".to_string(),
            auth_options: connectors::auth_options(Provider::InterviewPlatform),
            sandbox_available: sandbox,
            connection: platform,
            webhook: None,
        });
        Ok(cards)
    }

    /// Connects with an API key, client credentials or a refresh token.
    pub async fn connect(&self, req: ConnectRequest) -> Result<ConnectionView, ApiError> {
        if req.kind == AuthKind::OauthCode {
            return Err(ApiError::invalid_input(
                "Signing in through the browser is started with start_oauth.",
            ));
        }
        if req.provider == Provider::InterviewPlatform {
            return self.connect_platform(req).await;
        }
        let fields = self.form_values(&req)?;
        self.establish(Plan {
            provider: req.provider,
            kind: req.kind,
            sandbox: req.sandbox,
            fields,
            tokens: None,
            cancel: None,
            sync_after: true,
        })
        .await
    }

    /// Opens the provider's consent page in the system browser and waits,
    /// in the background, for the loopback redirect.
    pub async fn start_oauth(&self, req: ConnectRequest) -> Result<OAuthFlowView, ApiError> {
        if req.kind != AuthKind::OauthCode {
            return Err(ApiError::invalid_input(
                "Only browser sign-in is started with start_oauth; use connect for keys.",
            ));
        }
        let fields = self.form_values(&req)?;
        let config = connectors::provider_config(req.provider, &fields).map_err(ApiError::from)?;
        let flow = DesktopFlow::start(&config)
            .await
            .map_err(|e| ApiError::from(AtsError::from(e)))?;
        let flow_id = reqlink_oauth::random_state();
        let view = OAuthFlowView {
            flow_id: flow_id.clone(),
            provider: req.provider,
            status: OAuthFlowStatus::Waiting,
            authorize_url: flow.authorize_url().to_string(),
            error: None,
            connection_id: None,
        };
        let entry = Arc::new(FlowEntry {
            view: Mutex::new(view.clone()),
            cancel: flow.cancel_handle(),
        });
        self.inner
            .flows
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(flow_id.clone(), entry.clone());
        if let Err(e) = reqlink_oauth::open_browser(flow.authorize_url().as_str()) {
            // The card shows the link to open by hand.
            tracing::warn!("could not open the browser: {e}");
        }
        self.emit(AppEvent::OauthFlow { flow: view.clone() });
        let core = self.clone();
        tokio::spawn(async move {
            let mut browser = None;
            let outcome = match flow.finish_pending(SIGN_IN_TIMEOUT).await {
                Ok((tokens, reply)) => {
                    browser = Some(reply);
                    core.establish(Plan {
                        provider: req.provider,
                        kind: req.kind,
                        sandbox: req.sandbox,
                        fields,
                        tokens: Some(tokens),
                        cancel: Some(entry.cancel.clone()),
                        sync_after: true,
                    })
                    .await
                }
                Err(reqlink_oauth::OAuthError::Cancelled { vendor }) => Err(cancelled(vendor)),
                Err(e) => Err(ApiError::from(AtsError::from(e))),
            };
            let mut view = entry.view.lock().unwrap_or_else(|e| e.into_inner());
            match &outcome {
                Ok(connection) => {
                    view.status = OAuthFlowStatus::Succeeded;
                    view.connection_id = Some(connection.id.clone());
                }
                Err(error) if error.code == ErrorCode::Cancelled => {
                    view.status = OAuthFlowStatus::Cancelled;
                }
                Err(error) => {
                    view.status = OAuthFlowStatus::Failed;
                    view.error = Some(error.clone());
                }
            }
            let flow = view.clone();
            drop(view);
            core.emit(AppEvent::OauthFlow { flow });
            // The browser hears last, so whoever reads its page finds the
            // app already showing the same outcome.
            if let Some(reply) = browser {
                match outcome {
                    Ok(_) => reply.connected(),
                    Err(error) if error.code == ErrorCode::Cancelled => reply.cancelled(),
                    Err(error) => reply.failed(&error.message),
                }
            }
        });
        Ok(view)
    }

    pub async fn oauth_flow(&self, req: FlowRequest) -> Result<OAuthFlowView, ApiError> {
        let flows = self.inner.flows.lock().unwrap_or_else(|e| e.into_inner());
        let entry = flows
            .get(&req.flow_id)
            .ok_or_else(|| ApiError::not_found("No such sign-in; start it again."))?;
        let view = entry.view.lock().unwrap_or_else(|e| e.into_inner()).clone();
        Ok(view)
    }

    pub async fn cancel_oauth(&self, req: FlowRequest) -> Result<(), ApiError> {
        let entry = self
            .inner
            .flows
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&req.flow_id)
            .cloned();
        if let Some(entry) = entry {
            entry.cancel.cancel();
        }
        Ok(())
    }

    /// Forgets a connection: its secrets, its synced data and its webhook
    /// endpoint. Reports, interviews and Activity stay.
    pub async fn disconnect(&self, req: ConnectionRequest) -> Result<(), ApiError> {
        let id = req.connection_id;
        let _ = self
            .cancel_sync(ConnectionRequest {
                connection_id: id.clone(),
            })
            .await;
        let live = self.drop_live(&id);
        let view = {
            let id = id.clone();
            self.read(move |store| Ok(store.connection(&id)?)).await?
        };
        let Some(view) = view else {
            return Err(ApiError::not_found("That connection no longer exists."));
        };
        if view.provider == Provider::InterviewPlatform {
            if id != crate::platform_conn::PLATFORM_CONNECTION {
                return Err(ApiError::invalid_input(
                    "The sandbox's interview platform is part of the sandbox and cannot be removed.",
                ));
            }
            return self.forget_platform().await;
        }
        let secrets = self.inner.secrets.clone();
        let store = self.inner.store.clone();
        let conn = id.clone();
        blocking(move || {
            secrets
                .delete_prefix(&key::connection_prefix(&conn))
                .map_err(|e| {
                    ApiError::new(
                        ErrorCode::Storage,
                        format!("Could not remove the saved credentials: {e}"),
                    )
                })?;
            store.delete_connection(&conn)?;
            Ok(())
        })
        .await?;
        self.inner
            .syncs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
        self.hook_keys().forget(&id);
        let name = live
            .map(|l| l.name())
            .unwrap_or(provider_name(view.provider));
        self.activity_for(
            ActivityLevel::Info,
            "disconnected",
            &format!("Disconnected {name}; its credentials and synced data were removed"),
            None,
        );
        self.emit(AppEvent::DataChanged {
            entities: vec!["connections".into(), "jobs".into(), "candidates".into()],
        });
        Ok(())
    }

    /// Connects an emulator without a sync (first start of the sandbox).
    pub(crate) async fn connect_quietly(
        &self,
        provider: Provider,
        kind: AuthKind,
    ) -> Result<ConnectionView, ApiError> {
        let req = ConnectRequest {
            provider,
            kind,
            sandbox: true,
            fields: BTreeMap::new(),
        };
        let fields = self.form_values(&req)?;
        self.establish(Plan {
            provider,
            kind,
            sandbox: true,
            fields,
            tokens: None,
            cancel: None,
            sync_after: false,
        })
        .await
    }

    /// The form's values, or the emulator's when connecting the sandbox.
    fn form_values(&self, req: &ConnectRequest) -> Result<Fields, ApiError> {
        if req.provider == Provider::InterviewPlatform {
            return Err(ApiError::invalid_input(
                "The interview platform is not an ATS.",
            ));
        }
        let fields = if req.sandbox {
            self.with_sandbox(|s| {
                s.map(|s| connectors::sandbox_fields(s, req.provider, req.kind))
                    .ok_or_else(|| {
                        ApiError::invalid_input(
                            "The sandbox is not running in this workspace; enter real credentials.",
                        )
                    })
            })?
        } else {
            let mut fields: Fields = req
                .fields
                .iter()
                .map(|(k, v)| (k.clone(), v.trim().to_string()))
                .collect();
            self.fill_from_saved(req.provider, req.kind, &mut fields);
            fields
        };
        connectors::validate(req.provider, req.kind, &fields)?;
        Ok(fields)
    }

    /// Builds the connector, proves it works, then stores the connection:
    /// secrets in the secret store, everything else in SQLite.
    async fn establish(&self, plan: Plan) -> Result<ConnectionView, ApiError> {
        let Plan {
            provider,
            kind,
            sandbox,
            fields,
            tokens,
            cancel,
            sync_after,
        } = plan;
        let cancelled_now = || cancel.as_ref().is_some_and(CancelHandle::is_cancelled);
        if cancelled_now() {
            return Err(cancelled(provider_name(provider)));
        }
        let id = &connection_id(provider, sandbox);
        // Tokens renewed during the test call are kept in memory; they go
        // to the secret store only once the connection is saved.
        let keep: Arc<Mutex<Option<TokenSet>>> = Arc::default();
        let persist = TokenSink::new({
            let keep = keep.clone();
            Arc::new(move |t: &TokenSet| {
                *keep.lock().unwrap_or_else(|e| e.into_inner()) = Some(t.clone());
            })
        });
        let pace = !(sandbox && self.inner.sandbox_unlimited);
        let built = connectors::build(
            provider,
            kind,
            &fields,
            tokens.clone(),
            persist.as_fn(),
            pace,
        )
        .map_err(ApiError::from)?;
        let verify = built.connector.verify();
        let identity = match &cancel {
            Some(cancel) => tokio::select! {
                r = verify => r,
                _ = cancel.cancelled() => return Err(cancelled(provider_name(provider))),
            },
            None => verify.await,
        }
        .map_err(|e| {
            let mut api = ApiError::from(e);
            api.message = format!("{} Nothing was saved.", api.message);
            api
        })?;
        // Cancel's last chance: a press after this check is too late, and
        // the saved connection stands.
        if cancelled_now() {
            return Err(cancelled(provider_name(provider)));
        }
        let latest = keep
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .or(tokens);

        let params: BTreeMap<&String, &String> = fields
            .iter()
            .filter(|(k, _)| !SECRET_FIELDS.contains(&k.as_str()))
            .collect();
        let params = serde_json::to_value(params).unwrap_or_default();
        // Sandbox credentials come from the emulators at every start.
        let secrets: Vec<(String, String)> = fields
            .iter()
            .filter(|(k, v)| !sandbox && SECRET_FIELDS.contains(&k.as_str()) && !v.is_empty())
            .map(|(k, v)| (secret_key(id, k), v.clone()))
            .collect();
        let workspace = self.inner.workspace.id.clone();
        let base = connectors::display_base(provider, &fields);
        let label = format!(
            "{}{}",
            provider_name(provider),
            if sandbox { " (sandbox)" } else { "" }
        );
        let style = connectors::auth_style(provider, kind);
        let display = identity.display.clone();
        let store = self.inner.store.clone();
        let secret_store = self.inner.secrets.clone();
        let conn = id.to_string();
        let expires = latest.as_ref().map(|t| t.expires_at);
        let tokens_json = latest
            .as_ref()
            .filter(|_| !sandbox)
            .map(|t| serde_json::to_string(t).unwrap_or_default());
        let view = blocking(move || {
            let storage = |e: reqlink_secrets::SecretError| {
                ApiError::new(
                    ErrorCode::Storage,
                    format!("Could not save the credentials: {e}"),
                )
            };
            // Replace whatever an earlier connection of this ATS left.
            secret_store
                .delete_prefix(&key::connection_prefix(&conn))
                .map_err(storage)?;
            for (k, v) in &secrets {
                secret_store
                    .set(k, &Secret::new(v.clone()))
                    .map_err(storage)?;
            }
            if let Some(json) = tokens_json {
                secret_store
                    .set(&key::oauth(&conn), &Secret::new(json))
                    .map_err(storage)?;
            }
            store.upsert_connection(&NewConnection {
                id: &conn,
                workspace_id: &workspace,
                provider,
                label: &label,
                auth_style: &style,
                base_url: &base,
                sandbox,
            })?;
            store.set_connection_auth(&conn, kind, Some(&display), &params)?;
            store.set_token_expiry(&conn, expires)?;
            store.set_connection_state(&conn, ConnectionState::Connected, None)?;
            Ok(store.connection(&conn)?)
        })
        .await?
        .ok_or_else(|| ApiError::internal("the connection vanished while it was saved"))?;

        // From now on renewed tokens go straight to the secret store.
        persist.redirect(self.token_saver(id));
        self.put_live(Live {
            id: id.to_string(),
            provider,
            connector: built.connector,
            tokens: built.tokens,
        });
        // The emulators sign and send their webhooks to this receiver, as a
        // real ATS would once its webhook settings point here.
        if sandbox && sync_after {
            match provider {
                Provider::Greenhouse => self.register_sandbox_greenhouse_hooks().await,
                Provider::Lever => {
                    if let Err(e) = self.register_sandbox_lever_hooks(id).await {
                        tracing::warn!("sandbox Lever webhooks not registered: {}", e.message);
                    }
                }
                _ => {}
            }
        }
        self.activity_for(
            ActivityLevel::Info,
            "connected",
            &format!(
                "Connected {} ({})",
                provider_name(provider),
                identity.display
            ),
            Some(id),
        );
        self.emit(AppEvent::DataChanged {
            entities: vec!["connections".into()],
        });
        if sync_after {
            self.spawn_sync(id);
        }
        Ok(view)
    }

    /// Writes renewed OAuth tokens to the secret store (the newest refresh
    /// token always wins) and their expiry to the connection row.
    pub(crate) fn token_saver(&self, id: &str) -> PersistFn {
        let secrets = self.inner.secrets.clone();
        let store = self.inner.store.clone();
        let conn = id.to_string();
        Arc::new(move |t: &TokenSet| {
            match serde_json::to_string(t) {
                Ok(json) => {
                    if let Err(e) = secrets.set(&key::oauth(&conn), &Secret::new(json)) {
                        tracing::error!("could not save renewed tokens of {conn}: {e}");
                    }
                }
                Err(e) => tracing::error!("could not encode renewed tokens of {conn}: {e}"),
            }
            let _ = store.set_token_expiry(&conn, Some(t.expires_at));
        })
    }
}

fn cancelled(vendor: &str) -> ApiError {
    ApiError::new(
        ErrorCode::Cancelled,
        format!("The {vendor} sign-in was cancelled; nothing was saved."),
    )
}

/// A persistence callback whose target can change after the token source
/// was built (memory during the test call, the secret store afterwards).
#[derive(Clone)]
pub(crate) struct TokenSink(Arc<Mutex<PersistFn>>);

impl TokenSink {
    pub fn new(target: PersistFn) -> Self {
        Self(Arc::new(Mutex::new(target)))
    }

    pub fn redirect(&self, target: PersistFn) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = target;
    }

    pub fn as_fn(&self) -> PersistFn {
        let me = self.clone();
        Arc::new(move |t: &TokenSet| {
            let target = me.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
            target(t)
        })
    }
}
