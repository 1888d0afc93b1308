//! Where Reqlink keeps API keys, OAuth token sets and webhook signing secrets.
//!
//! Secrets live in the operating system's keychain ([`KeychainStore`]). On a machine without
//! one (a headless Linux box with no Secret Service), [`open`] with [`StoreChoice::Auto`] falls
//! back to a file readable only by the user ([`FileStore`]) and returns a warning the UI must
//! show. Secrets never go to SQLite, logs, error messages or the webview: [`Secret`] prints as
//! `[redacted]` and cannot be serialized, and [`SecretError`] never carries a value.
//!
//! Keys are paths such as `connection/<id>/api_key` (see [`key`]); Disconnect calls
//! [`SecretStore::delete_prefix`] with [`key::connection_prefix`].
//!
//! # Choosing the store
//!
//! The environment variable `REQLINK_SECRET_STORE` overrides the caller's choice:
//!
//! | value      | store                                                                   |
//! |------------|-------------------------------------------------------------------------|
//! | `auto`     | the keychain if a probe item can be written, read and deleted in time, else the file |
//! | `keychain` | the keychain, or an error saying why it cannot be used                  |
//! | `file`     | `<data dir>/secrets.json` (0600), no warning                            |
//! | `memory`   | process memory only (tests)                                             |
//!
//! Tests and end-to-end runs set `file` or `memory` so they never touch a real keychain.
//!
//! # Files in the data folder
//!
//! - `secrets.json`: the file store (0600; the folder is created 0700). A copy with wider
//!   permissions is restricted to 0600 on open and the user is warned; a damaged one is reported
//!   and left untouched. `secrets.json.lock` serializes writers; `secrets.json.tmp` exists only
//!   during a write (or after a crash, and is then ignored and replaced).
//! - `secret-index.json`: with the keychain, the names (never the values) of the keys Reqlink
//!   stored, so Disconnect can delete them all. Keychain items are namespaced by a hash of the
//!   data folder's path, so moving the folder means reconnecting the integrations.
//!
//! # Moving from the file to the keychain
//!
//! When a keychain appears on a machine whose secrets are in the file, `Auto` keeps using the
//! file (nothing is moved behind the user's back) and sets [`OpenedStore::migration_available`];
//! the app then offers the move, done by [`migrate_file_to_keychain`] (or [`migrate`]).

mod error;
mod file;
mod jsonfile;
pub mod key;
mod keychain;
mod memory;
mod secret;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

pub use error::SecretError;
pub use file::FileStore;
pub use keychain::{KeychainStore, SERVICE};
pub use memory::MemoryStore;
pub use secret::Secret;

/// The environment variable that overrides the store choice.
pub const ENV_VAR: &str = "REQLINK_SECRET_STORE";

/// A place to keep secrets. Keys are validated by every backend (see [`key`]).
pub trait SecretStore: Send + Sync {
    fn get(&self, key: &str) -> Result<Option<Secret>, SecretError>;

    fn set(&self, key: &str, value: &Secret) -> Result<(), SecretError>;

    /// Deleting a key that is not there succeeds.
    fn delete(&self, key: &str) -> Result<(), SecretError>;

    /// The keys under `prefix`, compared by whole `/` segments (`connection/1` does not cover
    /// `connection/10/...`), sorted. An empty prefix lists every key.
    fn keys(&self, prefix: &str) -> Result<Vec<String>, SecretError>;

    /// Deletes every key under `prefix` (same matching as [`SecretStore::keys`]); returns how
    /// many were deleted.
    fn delete_prefix(&self, prefix: &str) -> Result<usize, SecretError> {
        let keys = self.keys(prefix)?;
        for key in &keys {
            self.delete(key)?;
        }
        Ok(keys.len())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreChoice {
    Auto,
    Keychain,
    File,
    Memory,
}

impl FromStr for StoreChoice {
    type Err = SecretError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(Self::Auto),
            "keychain" => Ok(Self::Keychain),
            "file" => Ok(Self::File),
            "memory" => Ok(Self::Memory),
            _ => Err(SecretError::UnknownChoice(value.to_owned())),
        }
    }
}

impl StoreChoice {
    /// The choice set by `REQLINK_SECRET_STORE`, if it is set and not empty.
    pub fn from_env() -> Result<Option<Self>, SecretError> {
        match std::env::var(ENV_VAR) {
            Ok(value) if !value.trim().is_empty() => value.parse().map(Some),
            _ => Ok(None),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    Keychain,
    File { path: PathBuf },
    Memory,
}

pub struct OpenedStore {
    pub store: Arc<dyn SecretStore>,
    pub backend: Backend,
    /// Text for the user, to be shown where they will see it (not only logged).
    pub warning: Option<String>,
    /// The keychain works but secrets are still in the file: offer [`migrate_file_to_keychain`].
    pub migration_available: bool,
    /// Why the keychain was not used, for diagnostics (never contains a secret).
    pub keychain_problem: Option<String>,
}

#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// How long the keychain probe may take before the keychain counts as missing.
    pub probe_timeout: Duration,
    /// Whether `REQLINK_SECRET_STORE` overrides the choice (tests turn this off).
    pub honour_env: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            probe_timeout: Duration::from_secs(3),
            honour_env: true,
        }
    }
}

/// Opens the secret store for the data folder `data_dir`, honouring `REQLINK_SECRET_STORE`.
pub fn open(data_dir: &Path, choice: StoreChoice) -> Result<OpenedStore, SecretError> {
    open_with(data_dir, choice, &OpenOptions::default())
}

pub fn open_with(
    data_dir: &Path,
    choice: StoreChoice,
    options: &OpenOptions,
) -> Result<OpenedStore, SecretError> {
    open_inner(data_dir, choice, options, keychain::probe)
}

type Probe = fn(&Path, Duration) -> Result<KeychainStore, SecretError>;

fn open_inner(
    data_dir: &Path,
    choice: StoreChoice,
    options: &OpenOptions,
    probe: Probe,
) -> Result<OpenedStore, SecretError> {
    let choice = match options.honour_env {
        true => StoreChoice::from_env()?.unwrap_or(choice),
        false => choice,
    };
    match choice {
        StoreChoice::Memory => Ok(OpenedStore {
            store: Arc::new(MemoryStore::new()),
            backend: Backend::Memory,
            warning: None,
            migration_available: false,
            keychain_problem: None,
        }),
        StoreChoice::File => opened_file(FileStore::open(data_dir)?, None, None, false),
        StoreChoice::Keychain => {
            let keychain = probe(data_dir, options.probe_timeout)?;
            let file = FileStore::open(data_dir)?;
            let leftover = !file.is_empty()?;
            Ok(OpenedStore {
                store: Arc::new(keychain),
                backend: Backend::Keychain,
                warning: leftover.then(|| leftover_warning(file.path())),
                migration_available: leftover,
                keychain_problem: None,
            })
        }
        StoreChoice::Auto => match probe(data_dir, options.probe_timeout) {
            Ok(keychain) => {
                let file = FileStore::open(data_dir)?;
                if file.is_empty()? {
                    return Ok(OpenedStore {
                        store: Arc::new(keychain),
                        backend: Backend::Keychain,
                        warning: None,
                        migration_available: false,
                        keychain_problem: None,
                    });
                }
                let warning = leftover_warning(file.path());
                opened_file(file, Some(warning), None, true)
            }
            Err(problem) => {
                let file = FileStore::open(data_dir)?;
                let warning = fallback_warning(file.path());
                opened_file(file, Some(warning), Some(problem.to_string()), false)
            }
        },
    }
}

fn opened_file(
    file: FileStore,
    warning: Option<String>,
    keychain_problem: Option<String>,
    migration_available: bool,
) -> Result<OpenedStore, SecretError> {
    let warning = match (warning, file.permission_notice()) {
        (Some(w), Some(n)) => Some(format!("{w}\n\n{n}")),
        (w, n) => w.or_else(|| n.map(str::to_owned)),
    };
    Ok(OpenedStore {
        backend: Backend::File {
            path: file.path().to_owned(),
        },
        store: Arc::new(file),
        warning,
        migration_available,
        keychain_problem,
    })
}

fn fallback_warning(path: &Path) -> String {
    let remedy = if cfg!(any(target_os = "macos", target_os = "windows")) {
        "Unlock your system keychain and restart Reqlink to store them there instead."
    } else {
        "Install and unlock a Secret Service keychain (GNOME Keyring or KWallet) to store them \
         there instead."
    };
    format!(
        "No system keychain was found, so Reqlink keeps your ATS tokens in {}, readable only by \
         your user account. {remedy}",
        path.display()
    )
}

fn leftover_warning(path: &Path) -> String {
    format!(
        "A system keychain is available, but your ATS tokens are still in {}. Move them into the \
         keychain to stop keeping them in a file.",
        path.display()
    )
}

/// Moves every secret from `from` into `to`, then deletes the file. Returns how many moved.
pub fn migrate(from: &FileStore, to: &dyn SecretStore) -> Result<usize, SecretError> {
    from.move_into(to)
}

/// Moves the file's secrets into the keychain (which must pass the probe first) and returns the
/// keychain store to use from now on.
pub fn migrate_file_to_keychain(
    data_dir: &Path,
    options: &OpenOptions,
) -> Result<(OpenedStore, usize), SecretError> {
    migrate_inner(data_dir, options, keychain::probe)
}

fn migrate_inner(
    data_dir: &Path,
    options: &OpenOptions,
    probe: Probe,
) -> Result<(OpenedStore, usize), SecretError> {
    let keychain = probe(data_dir, options.probe_timeout)?;
    let moved = migrate(&FileStore::open(data_dir)?, &keychain)?;
    let opened = OpenedStore {
        store: Arc::new(keychain),
        backend: Backend::Keychain,
        warning: None,
        migration_available: false,
        keychain_problem: None,
    };
    Ok((opened, moved))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A keychain that always works, on keyring-core's in-memory mock. One mock per process so
    /// that successive probes see the same items, as a real keychain would.
    fn working_keychain(data_dir: &Path, _: Duration) -> Result<KeychainStore, SecretError> {
        static BACKEND: std::sync::OnceLock<Arc<keyring_core::CredentialStore>> =
            std::sync::OnceLock::new();
        let backend = BACKEND.get_or_init(|| keyring_core::mock::Store::new().unwrap());
        KeychainStore::with_backend(backend.clone(), data_dir)
    }

    fn options() -> OpenOptions {
        OpenOptions {
            honour_env: false,
            ..OpenOptions::default()
        }
    }

    #[test]
    fn auto_uses_a_working_keychain_without_warning() {
        let dir = tempfile::tempdir().unwrap();
        let opened =
            open_inner(dir.path(), StoreChoice::Auto, &options(), working_keychain).unwrap();
        assert_eq!(opened.backend, Backend::Keychain);
        assert!(opened.warning.is_none() && !opened.migration_available);
    }

    #[test]
    fn auto_keeps_the_file_until_the_user_moves_it() {
        let dir = tempfile::tempdir().unwrap();
        let api = key::api_key("1");
        FileStore::open(dir.path())
            .unwrap()
            .set(&api, &Secret::new("from-file"))
            .unwrap();

        let opened =
            open_inner(dir.path(), StoreChoice::Auto, &options(), working_keychain).unwrap();
        assert!(matches!(opened.backend, Backend::File { .. }));
        assert!(opened.migration_available);
        let warning = opened.warning.unwrap();
        assert!(
            warning.contains("still in") && warning.contains("secrets.json"),
            "{warning}"
        );
        assert_eq!(
            opened.store.get(&api).unwrap().unwrap().expose(),
            "from-file"
        );

        let (moved_to, moved) = migrate_inner(dir.path(), &options(), working_keychain).unwrap();
        assert_eq!(moved, 1);
        assert_eq!(moved_to.backend, Backend::Keychain);
        assert_eq!(
            moved_to.store.get(&api).unwrap().unwrap().expose(),
            "from-file"
        );
        assert!(!dir.path().join("secrets.json").exists());

        let reopened =
            open_inner(dir.path(), StoreChoice::Auto, &options(), working_keychain).unwrap();
        assert_eq!(reopened.backend, Backend::Keychain);
        assert!(reopened.warning.is_none());
        assert_eq!(
            reopened.store.get(&api).unwrap().unwrap().expose(),
            "from-file"
        );
    }
}
