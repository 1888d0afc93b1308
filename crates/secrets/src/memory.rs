use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::{key, Secret, SecretError, SecretStore};

/// Secrets that live only as long as the process: for tests and throwaway sessions.
#[derive(Default)]
pub struct MemoryStore {
    secrets: Mutex<BTreeMap<String, Secret>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn map(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Secret>> {
        // A panic elsewhere cannot leave the map half-updated: every change is one call.
        self.secrets.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<Secret>, SecretError> {
        key::validate(key)?;
        Ok(self.map().get(key).cloned())
    }

    fn set(&self, key: &str, value: &Secret) -> Result<(), SecretError> {
        key::validate(key)?;
        self.map().insert(key.to_owned(), value.clone());
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<(), SecretError> {
        key::validate(key)?;
        self.map().remove(key);
        Ok(())
    }

    fn keys(&self, prefix: &str) -> Result<Vec<String>, SecretError> {
        Ok(self
            .map()
            .keys()
            .filter(|k| key::under_prefix(k, prefix))
            .cloned()
            .collect())
    }
}
