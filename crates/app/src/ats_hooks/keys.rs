//! The receiver's view of the webhook keys: read from the secret store on
//! first use, kept in memory, replaced when the user sets one. A refused
//! delivery becomes a warning in Activity (at most one per connection and
//! reason a minute, so a misconfigured or hostile sender cannot flood it;
//! every refusal is still in the delivery log).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use reqlink_domain::{ActivityLevel, AppEvent};
use reqlink_receiver::{HookKeys, RejectedNotice};
use reqlink_secrets::{Secret, SecretStore};
use reqlink_store::{NewActivity, Store};

use crate::events::EventSink;

const WARN_EVERY: Duration = Duration::from_secs(60);

/// `connection/<id>/webhook/secret`: a Greenhouse web hook's secret key.
pub(crate) fn greenhouse_key(connection_id: &str) -> String {
    format!("connection/{connection_id}/webhook/secret")
}

/// `connection/<id>/webhook/<event>`: a Lever event's signature token.
pub(crate) fn lever_key(connection_id: &str, event: &str) -> String {
    format!("connection/{connection_id}/webhook/{event}")
}

#[derive(Default)]
struct ConnectionKeys {
    greenhouse: Option<Secret>,
    lever: HashMap<String, Secret>,
}

pub(crate) struct HookKeyRing {
    secrets: Arc<dyn SecretStore>,
    store: Arc<Store>,
    events: EventSink,
    cache: RwLock<HashMap<String, Arc<ConnectionKeys>>>,
    warned: Mutex<HashMap<(String, String), Instant>>,
}

impl HookKeyRing {
    pub(crate) fn new(secrets: Arc<dyn SecretStore>, store: Arc<Store>, events: EventSink) -> Self {
        Self {
            secrets,
            store,
            events,
            cache: RwLock::new(HashMap::new()),
            warned: Mutex::new(HashMap::new()),
        }
    }

    /// Stores a key and refreshes the cached keys of its connection.
    /// Blocking (the keychain may be slow).
    pub(crate) fn set(
        &self,
        connection_id: &str,
        key: &str,
        value: &Secret,
    ) -> Result<(), reqlink_secrets::SecretError> {
        self.secrets.set(key, value)?;
        self.forget(connection_id);
        Ok(())
    }

    /// Drops the cached keys of a connection (after Disconnect deleted its
    /// secrets, or a key changed); the next delivery reads them again.
    pub(crate) fn forget(&self, connection_id: &str) {
        self.cache
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(connection_id);
    }

    /// Whether the Greenhouse secret is set, and the Lever events that have
    /// a signature token. Blocking.
    pub(crate) fn configured(&self, connection_id: &str) -> (bool, Vec<String>) {
        let keys = self.keys(connection_id);
        let mut events: Vec<String> = keys.lever.keys().cloned().collect();
        events.sort();
        (keys.greenhouse.is_some(), events)
    }

    fn keys(&self, connection_id: &str) -> Arc<ConnectionKeys> {
        if let Some(k) = self
            .cache
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(connection_id)
        {
            return k.clone();
        }
        match self.load(connection_id) {
            Ok(keys) => {
                let keys = Arc::new(keys);
                self.cache
                    .write()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(connection_id.to_owned(), keys.clone());
                keys
            }
            // Not cached: a keychain hiccup must not stick.
            Err(e) => {
                tracing::warn!("could not read the webhook keys of {connection_id}: {e}");
                Arc::new(ConnectionKeys::default())
            }
        }
    }

    fn load(&self, connection_id: &str) -> Result<ConnectionKeys, reqlink_secrets::SecretError> {
        let greenhouse = self
            .secrets
            .get(&greenhouse_key(connection_id))?
            .filter(|s| !s.is_empty());
        let mut lever = HashMap::new();
        for event in reqlink_lever::WEBHOOK_EVENTS {
            if let Some(token) = self
                .secrets
                .get(&lever_key(connection_id, event))?
                .filter(|s| !s.is_empty())
            {
                lever.insert(event.to_owned(), token);
            }
        }
        Ok(ConnectionKeys { greenhouse, lever })
    }

    fn should_warn(&self, connection_id: &str, reason: &str) -> bool {
        let now = Instant::now();
        let mut warned = self.warned.lock().unwrap_or_else(|e| e.into_inner());
        warned.retain(|_, at| now.duration_since(*at) < WARN_EVERY);
        let key = (connection_id.to_owned(), reason.to_owned());
        if warned.contains_key(&key) {
            return false;
        }
        warned.insert(key, now);
        true
    }
}

impl HookKeys for HookKeyRing {
    fn greenhouse_secret(&self, connection_id: &str) -> Option<Vec<u8>> {
        self.keys(connection_id)
            .greenhouse
            .as_ref()
            .map(|s| s.expose().as_bytes().to_vec())
    }

    fn lever_tokens(&self, connection_id: &str) -> HashMap<String, Vec<u8>> {
        self.keys(connection_id)
            .lever
            .iter()
            .map(|(event, token)| (event.clone(), token.expose().as_bytes().to_vec()))
            .collect()
    }

    fn on_rejected(&self, notice: &RejectedNotice) {
        if self.should_warn(&notice.connection_id, &notice.reason) {
            let vendor = match notice.source {
                "lever" => "Lever",
                _ => "Greenhouse",
            };
            let label = self
                .store
                .connection(&notice.connection_id)
                .ok()
                .flatten()
                .map(|c| c.label)
                .unwrap_or_else(|| notice.connection_id.clone());
            let message = format!(
                "Refused a {vendor} webhook for {label} (HTTP {}): {}. Nothing from it was stored; \
                 if this keeps happening, check the webhook secret on Integrations.",
                notice.status, notice.reason
            );
            let entry = NewActivity {
                level: ActivityLevel::Warn,
                kind: "webhook_rejected",
                message: &message,
                connection_id: Some(&notice.connection_id),
            };
            if let Err(e) = self.store.record_activity(&entry) {
                tracing::warn!("could not record a refused webhook in Activity: {e}");
            }
        }
        (self.events)(AppEvent::DataChanged {
            entities: vec![
                "activity".into(),
                "deliveries".into(),
                "integrations".into(),
            ],
        });
    }
}
