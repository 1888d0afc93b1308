//! Greenhouse and Lever webhooks into the local receiver: one endpoint
//! token per ATS connection, the signing keys (kept in the secret store and
//! handed to the receiver through [`HookKeyRing`]), applying verified
//! deliveries to the local copy (see [`apply`]), and the sandbox wiring
//! that registers the receiver with the emulators.

mod apply;
mod keys;

use std::sync::Arc;

use reqlink_domain::{
    ActivityLevel, ApiError, AppEvent, AtsWebhookView, ErrorCode, Provider, WebhookSecretRequest,
};
use reqlink_secrets::Secret;
use reqlink_store::Endpoint;

use crate::core::Core;
use crate::sync::blocking;
use crate::workspace::SANDBOX_GREENHOUSE;

pub(crate) use apply::{apply, Applied};
pub(crate) use keys::HookKeyRing;

/// The receiver path segment (and `hook_endpoints.source`) of an ATS.
fn source_of(provider: Provider) -> Option<&'static str> {
    match provider {
        Provider::Greenhouse => Some("greenhouse"),
        Provider::Lever => Some("lever"),
        Provider::Workday | Provider::InterviewPlatform => None,
    }
}

fn secret_error(e: reqlink_secrets::SecretError) -> ApiError {
    ApiError::new(
        ErrorCode::Storage,
        format!("Could not save the webhook secret in the secret store: {e}"),
    )
}

impl Core {
    pub(crate) fn hook_keys(&self) -> &Arc<HookKeyRing> {
        &self.inner.hook_keys
    }

    /// Stores a Greenhouse web hook's secret key (`event` unset) or one
    /// Lever event's signature token in the secret store; the receiver uses
    /// it from the next delivery on. The secret is never echoed back.
    pub async fn set_webhook_secret(
        &self,
        req: WebhookSecretRequest,
    ) -> Result<AtsWebhookView, ApiError> {
        let secret = req.secret.trim().to_owned();
        if secret.is_empty() {
            return Err(ApiError::invalid_input(
                "Enter the webhook secret (Greenhouse: the web hook's secret key; Lever: the event's signature token).",
            ));
        }
        let (provider, label) = self.ats_connection(&req.connection_id).await?;
        let key = match (provider, req.event.as_deref()) {
            (Provider::Greenhouse, None) => keys::greenhouse_key(&req.connection_id),
            (Provider::Greenhouse, Some(_)) => {
                return Err(ApiError::invalid_input(
                    "Greenhouse has one secret key per web hook; leave the event empty.",
                ))
            }
            (Provider::Lever, Some(event)) if reqlink_lever::WEBHOOK_EVENTS.contains(&event) => {
                keys::lever_key(&req.connection_id, event)
            }
            (Provider::Lever, event) => {
                return Err(ApiError::invalid_input(format!(
                "Lever has one signature token per event; choose the event it belongs to ({}){}.",
                reqlink_lever::WEBHOOK_EVENTS.join(", "),
                event.map(|e| format!(", not {e:?}")).unwrap_or_default()
            )))
            }
            _ => unreachable!("ats_connection admits Greenhouse and Lever only"),
        };
        let ring = self.hook_keys().clone();
        let id = req.connection_id.clone();
        blocking(move || {
            ring.set(&id, &key, &Secret::new(secret))
                .map_err(secret_error)
        })
        .await?;
        let what = match req.event.as_deref() {
            Some(event) => format!("the signature token of {event}"),
            None => "the web hook secret key".into(),
        };
        self.activity_for(
            ActivityLevel::Info,
            "webhook_secret_set",
            &format!("Set {what} for {label}; webhooks are verified with it from now on"),
            Some(&req.connection_id),
        );
        self.emit(AppEvent::DataChanged {
            entities: vec!["integrations".into()],
        });
        self.ats_webhook_view(&req.connection_id)
            .await
            .ok_or_else(|| {
                ApiError::internal(
                    "The secret was saved, but the webhook endpoint could not be read.",
                )
            })
    }

    /// The webhook card of a Greenhouse or Lever connection: the URL to
    /// give the ATS (its endpoint is created on first use), whether the
    /// keys are set, and how deliveries went. `None` for other connections.
    pub async fn ats_webhook_view(&self, connection_id: &str) -> Option<AtsWebhookView> {
        let (provider, _) = self.ats_connection(connection_id).await.ok()?;
        let endpoint = self
            .ats_endpoint(connection_id, provider)
            .await
            .map_err(|e| tracing::warn!("no webhook endpoint for {connection_id}: {}", e.message))
            .ok()?;
        let base = self.public_base_url().await.unwrap_or_default();
        let ring = self.hook_keys().clone();
        let store = self.inner.store.clone();
        let (id, token) = (connection_id.to_owned(), endpoint.token.clone());
        let ((greenhouse_set, lever_set), counts) = tokio::task::spawn_blocking(move || {
            (ring.configured(&id), store.endpoint_counts(&token))
        })
        .await
        .ok()?;
        let counts = counts
            .map_err(|e| tracing::warn!("webhook counts of {connection_id}: {e}"))
            .unwrap_or_default();
        let missing_events: Vec<String> = match provider {
            Provider::Lever => reqlink_lever::WEBHOOK_EVENTS
                .iter()
                .filter(|e| !lever_set.iter().any(|s| s == *e))
                .map(|e| (*e).to_owned())
                .collect(),
            _ => Vec::new(),
        };
        Some(AtsWebhookView {
            connection_id: connection_id.to_owned(),
            url: format!(
                "{}/hooks/{}/{}",
                base.trim_end_matches('/'),
                endpoint.source,
                endpoint.token
            ),
            secret_configured: match provider {
                Provider::Lever => missing_events.is_empty(),
                _ => greenhouse_set,
            },
            missing_events,
            received: counts.received,
            rejected: counts.rejected,
            last_received_at: counts.last_received_at,
        })
    }

    /// Registers all five Lever events of a sandbox Lever connection with
    /// the Lever emulator, pointing at this receiver, and stores the
    /// signature tokens the emulator shows. The connect flow calls it.
    pub async fn register_sandbox_lever_hooks(
        &self,
        connection_id: &str,
    ) -> Result<AtsWebhookView, ApiError> {
        let (provider, label) = self.ats_connection(connection_id).await?;
        if provider != Provider::Lever {
            return Err(ApiError::invalid_input(format!(
                "{label} is not a Lever connection."
            )));
        }
        let endpoint = self.ats_endpoint(connection_id, provider).await?;
        let url = self.sandbox_hook_url(&endpoint)?;
        let control = self
            .with_sandbox(|s| s.map(|s| s.control()))
            .ok_or_else(|| ApiError::invalid_input("The sandbox is not running."))?;
        let mut tokens = Vec::new();
        for event in reqlink_lever::WEBHOOK_EVENTS {
            let token = control.lever_register_webhook(event, &url).map_err(|e| {
                ApiError::internal(format!(
                    "The Lever emulator refused the {event} webhook: {e}"
                ))
            })?;
            tokens.push((keys::lever_key(connection_id, event), token));
        }
        let ring = self.hook_keys().clone();
        let id = connection_id.to_owned();
        blocking(move || {
            for (key, token) in tokens {
                ring.set(&id, &key, &Secret::new(token))
                    .map_err(secret_error)?;
            }
            Ok(())
        })
        .await?;
        self.activity_for(
            ActivityLevel::Info,
            "webhooks_registered",
            &format!("{label} sends its five webhook events to this receiver, signed"),
            Some(connection_id),
        );
        self.ats_webhook_view(connection_id)
            .await
            .ok_or_else(|| ApiError::internal("The Lever webhook endpoint could not be read."))
    }

    /// Registers this receiver in the Greenhouse emulator with a secret key
    /// kept in the secret store, so the sandbox shows signed web hooks
    /// updating the local copy out of the box. The emulator forgets its
    /// web hooks when it stops, so this runs at every start.
    pub(crate) async fn register_sandbox_greenhouse_hooks(&self) {
        if let Err(e) = self.try_register_sandbox_greenhouse_hooks().await {
            self.activity_for(
                ActivityLevel::Warn,
                "webhooks_not_registered",
                &format!(
                    "Greenhouse (sandbox) web hooks are not set up, so changes arrive only with the next sync: {}",
                    e.message
                ),
                Some(SANDBOX_GREENHOUSE),
            );
        }
    }

    async fn try_register_sandbox_greenhouse_hooks(&self) -> Result<(), ApiError> {
        let endpoint = self
            .ats_endpoint(SANDBOX_GREENHOUSE, Provider::Greenhouse)
            .await?;
        let url = self.sandbox_hook_url(&endpoint)?;
        let control = self
            .with_sandbox(|s| s.map(|s| s.control()))
            .ok_or_else(|| ApiError::internal("the sandbox is not running"))?;
        let ring = self.hook_keys().clone();
        // Kept across restarts; made once.
        let secret = blocking(move || {
            use reqlink_receiver::HookKeys;
            if let Some(existing) = ring.greenhouse_secret(SANDBOX_GREENHOUSE) {
                return Ok(String::from_utf8_lossy(&existing).into_owned());
            }
            let fresh = hex::encode(rand::random::<[u8; 32]>());
            ring.set(
                SANDBOX_GREENHOUSE,
                &keys::greenhouse_key(SANDBOX_GREENHOUSE),
                &Secret::new(fresh.clone()),
            )
            .map_err(secret_error)?;
            Ok(fresh)
        })
        .await?;
        let hook = control
            .greenhouse_register_webhook(
                "Reqlink",
                &url,
                &secret,
                reqlink_sandbox::SUPPORTED_ACTIONS,
            )
            .await
            .map_err(|e| ApiError::internal(format!("the emulator refused the web hook: {e}")))?;
        if !hook.enabled {
            return Err(ApiError::internal(
                "the emulator's ping to this receiver failed, so the web hook was created disabled",
            ));
        }
        Ok(())
    }

    /// Called after an ATS moved an application to another stage and the
    /// local copy has it: the invite worker queues an invite if the stage
    /// triggers one.
    pub(crate) async fn on_application_stage(&self, connection_id: &str, application_id: &str) {
        tracing::debug!("application {application_id} of {connection_id} changed stage");
        self.wake_invites();
    }

    /// The provider and label of a Greenhouse or Lever connection.
    async fn ats_connection(&self, connection_id: &str) -> Result<(Provider, String), ApiError> {
        let id = connection_id.to_owned();
        let view = self
            .read(move |store| Ok(store.connection(&id)?))
            .await?
            .ok_or_else(|| ApiError::not_found(format!("No connection {connection_id:?}.")))?;
        if source_of(view.provider).is_none() {
            return Err(ApiError::invalid_input(format!(
                "{} does not send webhooks to Reqlink; only Greenhouse and Lever do.",
                view.label
            )));
        }
        Ok((view.provider, view.label))
    }

    /// The connection's live endpoint, created on first use.
    async fn ats_endpoint(
        &self,
        connection_id: &str,
        provider: Provider,
    ) -> Result<Endpoint, ApiError> {
        let source = source_of(provider)
            .ok_or_else(|| ApiError::invalid_input("Only Greenhouse and Lever send webhooks."))?;
        let id = connection_id.to_owned();
        self.read(move |store| {
            if let Some(existing) = store.connection_endpoint(&id, source)? {
                return Ok(existing);
            }
            let endpoint = Endpoint {
                token: crate::webhooks::new_token(),
                source: source.into(),
                connection_id: Some(id),
                posting_id: None,
                event_type: None,
                webhook_id: None,
            };
            store.create_endpoint(&endpoint)?;
            Ok(endpoint)
        })
        .await
    }

    /// The emulators run on loopback next to the receiver, so they are
    /// given its own address, not the public base URL (a tunnel may be
    /// down).
    fn sandbox_hook_url(&self, endpoint: &Endpoint) -> Result<String, ApiError> {
        let addr = self.inner.receiver_addr.ok_or_else(|| {
            ApiError::internal(
                self.inner
                    .receiver_error
                    .clone()
                    .unwrap_or_else(|| "the webhook receiver is not running".into()),
            )
        })?;
        Ok(format!(
            "http://{addr}/hooks/{}/{}",
            endpoint.source, endpoint.token
        ))
    }
}
