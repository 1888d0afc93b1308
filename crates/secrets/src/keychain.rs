use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use keyring_core::{CredentialStore, Entry, Error as KeyringError};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::keychain_detail;
use crate::jsonfile::{ensure_dir, JsonFile};
use crate::{key, Secret, SecretError, SecretStore};

/// The service name every Reqlink item carries in the keychain.
pub const SERVICE: &str = "Reqlink";
const INDEX_FILE: &str = "secret-index.json";

/// Secrets in the operating system's keychain: Secret Service (GNOME Keyring, KWallet) on Linux
/// and the BSDs, the login keychain on macOS, Credential Manager on Windows.
///
/// Items are stored under service `Reqlink` with the account `<namespace>/<key>`, where the
/// namespace is a short hash of the data folder, so a development or test data folder never
/// reads or overwrites the items of the real one.
///
/// Keychains cannot list their items cheaply, so the store keeps the names of the keys it holds
/// (not their values) in `secret-index.json` next to the database; `keys` and `delete_prefix`
/// read it.
pub struct KeychainStore {
    backend: Arc<CredentialStore>,
    namespace: String,
    index: JsonFile,
}

#[derive(Serialize, Deserialize)]
struct Index {
    version: u32,
    namespace: String,
    keys: BTreeSet<String>,
}

impl Default for Index {
    fn default() -> Self {
        Self {
            version: 1,
            namespace: String::new(),
            keys: BTreeSet::new(),
        }
    }
}

impl KeychainStore {
    /// Connects to this platform's keychain. It does not check that the keychain works: `open`
    /// with [`crate::StoreChoice::Auto`] or [`crate::StoreChoice::Keychain`] probes it first.
    pub fn open(data_dir: &Path) -> Result<Self, SecretError> {
        Self::with_backend(platform_store()?, data_dir)
    }

    /// Uses any keyring-core credential store (tests use `keyring_core::mock::Store`).
    pub fn with_backend(
        backend: Arc<CredentialStore>,
        data_dir: &Path,
    ) -> Result<Self, SecretError> {
        ensure_dir(data_dir)?;
        Ok(Self {
            backend,
            namespace: namespace_for(data_dir)?,
            index: JsonFile::new(data_dir.join(INDEX_FILE)),
        })
    }

    /// The short hash of the data folder that prefixes every account name.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    fn entry_for_account(&self, account: &str, key: &str) -> Result<Entry, SecretError> {
        self.backend
            .build(SERVICE, account, None)
            .map_err(|e| SecretError::keychain("address", key, &e))
    }

    fn entry(&self, key: &str) -> Result<Entry, SecretError> {
        key::validate(key)?;
        self.entry_for_account(&format!("{}/{key}", self.namespace), key)
    }

    fn edit_index(
        &self,
        edit: impl FnOnce(&mut BTreeSet<String>) -> bool,
    ) -> Result<(), SecretError> {
        let _lock = self.index.lock()?;
        let mut index: Index = self.index.read()?;
        index.namespace.clone_from(&self.namespace);
        if edit(&mut index.keys) {
            self.index.write(&index)?;
        }
        Ok(())
    }

    /// Writes, reads back and deletes a throwaway item: the only reliable sign that the
    /// keychain exists, is unlocked and accepts writes.
    fn probe_roundtrip(&self) -> Result<(), SecretError> {
        // `#` cannot appear in a key, so the probe never collides with a real item.
        let entry = self.entry_for_account(&format!("{}#probe", self.namespace), "probe")?;
        let nonce = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let token = format!("probe-{}-{nonce}", std::process::id());
        let unavailable = |step: &str, e: &KeyringError| SecretError::KeychainUnavailable {
            detail: format!("{step}: {}", keychain_detail(e)),
        };
        entry
            .set_password(&token)
            .map_err(|e| unavailable("writing a test item failed", &e))?;
        let read = entry
            .get_password()
            .map_err(|e| unavailable("reading the test item back failed", &e))?;
        let _ = entry.delete_credential();
        if read != token {
            return Err(SecretError::KeychainUnavailable {
                detail: "the keychain returned a different value than was written".to_owned(),
            });
        }
        Ok(())
    }
}

impl SecretStore for KeychainStore {
    fn get(&self, key: &str) -> Result<Option<Secret>, SecretError> {
        match self.entry(key)?.get_password() {
            Ok(value) => Ok(Some(Secret::from(value))),
            Err(KeyringError::NoEntry) => Ok(None),
            Err(e) => Err(SecretError::keychain("read", key, &e)),
        }
    }

    fn set(&self, key: &str, value: &Secret) -> Result<(), SecretError> {
        let entry = self.entry(key)?;
        // Index first: an index entry without an item is harmless, an item missing from the
        // index would survive Disconnect.
        self.edit_index(|keys| keys.insert(key.to_owned()))?;
        entry
            .set_password(value.expose())
            .map_err(|e| SecretError::keychain("save", key, &e))
    }

    fn delete(&self, key: &str) -> Result<(), SecretError> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(KeyringError::NoEntry) => {}
            Err(e) => return Err(SecretError::keychain("delete", key, &e)),
        }
        self.edit_index(|keys| keys.remove(key))
    }

    fn keys(&self, prefix: &str) -> Result<Vec<String>, SecretError> {
        let index: Index = self.index.read()?;
        Ok(index
            .keys
            .into_iter()
            .filter(|k| key::under_prefix(k, prefix))
            .collect())
    }
}

/// Connects to the keychain and proves it works, giving up after `timeout`: with a missing or
/// wedged D-Bus, or a keychain waiting on an unlock prompt, the attempt may never return. The
/// attempt runs on its own thread, which is abandoned (not killed) on timeout.
pub(crate) fn probe(data_dir: &Path, timeout: Duration) -> Result<KeychainStore, SecretError> {
    let dir = data_dir.to_owned();
    let (tx, rx) = mpsc::channel();
    thread::Builder::new()
        .name("reqlink-keychain-probe".to_owned())
        .spawn(move || {
            let outcome = KeychainStore::open(&dir).and_then(|store| {
                store.probe_roundtrip()?;
                Ok(store)
            });
            let _ = tx.send(outcome);
        })
        .map_err(|e| SecretError::KeychainUnavailable {
            detail: format!("could not start the keychain check: {e}"),
        })?;
    match rx.recv_timeout(timeout) {
        Ok(outcome) => outcome,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            Err(SecretError::KeychainTimeout { waited: timeout })
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(SecretError::KeychainUnavailable {
            detail: "the keychain check stopped unexpectedly".to_owned(),
        }),
    }
}

fn namespace_for(data_dir: &Path) -> Result<String, SecretError> {
    let canonical = data_dir
        .canonicalize()
        .map_err(|e| SecretError::io("resolve the data folder", data_dir, e))?;
    let digest = Sha256::digest(canonical.to_string_lossy().as_bytes());
    Ok(hex::encode(&digest[..6]))
}

#[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
fn platform_store() -> Result<Arc<CredentialStore>, SecretError> {
    zbus_secret_service_keyring_store::Store::new()
        .map(|s| s as Arc<CredentialStore>)
        .map_err(|e| SecretError::KeychainUnavailable {
            detail: format!("Secret Service: {}", keychain_detail(&e)),
        })
}

#[cfg(target_os = "macos")]
fn platform_store() -> Result<Arc<CredentialStore>, SecretError> {
    apple_native_keyring_store::keychain::Store::new()
        .map(|s| s as Arc<CredentialStore>)
        .map_err(|e| SecretError::KeychainUnavailable {
            detail: format!("macOS keychain: {}", keychain_detail(&e)),
        })
}

#[cfg(target_os = "windows")]
fn platform_store() -> Result<Arc<CredentialStore>, SecretError> {
    windows_native_keyring_store::Store::new()
        .map(|s| s as Arc<CredentialStore>)
        .map_err(|e| SecretError::KeychainUnavailable {
            detail: format!("Windows Credential Manager: {}", keychain_detail(&e)),
        })
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "macos",
    target_os = "windows"
)))]
fn platform_store() -> Result<Arc<CredentialStore>, SecretError> {
    Err(SecretError::KeychainUnavailable {
        detail: "Reqlink has no keychain support for this operating system".to_owned(),
    })
}
