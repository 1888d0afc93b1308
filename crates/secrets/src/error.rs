use std::io;
use std::path::PathBuf;
use std::time::Duration;

/// Everything that can go wrong while keeping secrets. Messages say what failed and what to do;
/// they name keys (`connection/3/api_key`) and files, never a secret value.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("`{key}` is not a valid secret key: {reason}")]
    InvalidKey { key: String, reason: &'static str },

    #[error(
        "No system keychain is available ({detail}). Install and unlock a Secret Service keychain \
         (GNOME Keyring or KWallet), or set REQLINK_SECRET_STORE=file to keep secrets in a file \
         readable only by your user account."
    )]
    KeychainUnavailable { detail: String },

    #[error(
        "The system keychain did not answer within {}ms. Unlock the keychain (it may be waiting \
         for a password prompt) and restart Reqlink, or set REQLINK_SECRET_STORE=file.",
        waited.as_millis()
    )]
    KeychainTimeout { waited: Duration },

    #[error("Could not {op} `{key}` in the system keychain: {detail}. Unlock the keychain and try again.")]
    Keychain {
        op: &'static str,
        key: String,
        detail: String,
    },

    #[error("Could not {action} {}: {source}. Check that the folder exists and belongs to your user account.", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error(
        "The secrets file {} is damaged ({detail}); Reqlink left it untouched. Restore it from a \
         backup, or move it aside and reconnect your integrations.",
        path.display()
    )]
    Corrupt { path: PathBuf, detail: String },

    #[error(
        "Moving `{key}` to the new secret store failed: the value read back differs from the one \
         written. The old secrets file was kept; try the move again."
    )]
    MigrationMismatch { key: String },

    #[error("REQLINK_SECRET_STORE is set to `{0}`; use one of auto, keychain, file or memory.")]
    UnknownChoice(String),
}

impl SecretError {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Self::Io {
            action,
            path: path.into(),
            source,
        }
    }

    pub(crate) fn keychain(op: &'static str, key: &str, err: &keyring_core::Error) -> Self {
        Self::Keychain {
            op,
            key: key.to_owned(),
            detail: keychain_detail(err),
        }
    }
}

/// Describes a keychain error without its payload: some variants carry the raw secret bytes.
pub(crate) fn keychain_detail(err: &keyring_core::Error) -> String {
    use keyring_core::Error as E;
    match err {
        E::PlatformFailure(e) => format!("platform failure: {e}"),
        E::NoStorageAccess(e) => format!("no access to the keychain: {e}"),
        E::NoEntry => "no such item".to_owned(),
        E::BadEncoding(_) => "the stored value is not UTF-8 text".to_owned(),
        E::BadDataFormat(..) => "the stored value is malformed".to_owned(),
        E::BadStoreFormat(reason) => format!("the keychain is malformed: {reason}"),
        E::TooLong(name, limit) => format!("{name} is longer than the keychain limit of {limit}"),
        E::Invalid(name, reason) => format!("{name} is invalid: {reason}"),
        E::Ambiguous(items) => format!("{} keychain items match", items.len()),
        E::NoDefaultStore => "no keychain store is configured".to_owned(),
        E::NotSupportedByStore(what) => format!("not supported by this keychain: {what}"),
        _ => "unexpected keychain error".to_owned(),
    }
}
