//! Secret keys are `/`-separated paths such as `connection/<id>/api_key`. They are not secret
//! themselves (they appear in error messages and in the keychain index), so never put a secret in
//! a key.

use crate::SecretError;

const MAX_KEY_LEN: usize = 200;

/// The API key of a connection (Greenhouse Harvest key, Lever API key, ...).
pub fn api_key(connection_id: &str) -> String {
    format!("connection/{connection_id}/api_key")
}

/// The OAuth token set of a connection, stored as one JSON document.
pub fn oauth(connection_id: &str) -> String {
    format!("connection/{connection_id}/oauth")
}

/// The signing secret of a webhook subscription.
pub fn webhook_secret(webhook_id: &str) -> String {
    format!("webhook/{webhook_id}/secret")
}

/// Everything a connection owns: what Disconnect passes to `delete_prefix`.
pub fn connection_prefix(connection_id: &str) -> String {
    format!("connection/{connection_id}/")
}

pub(crate) fn validate(key: &str) -> Result<(), SecretError> {
    let invalid = |reason| {
        Err(SecretError::InvalidKey {
            key: key.chars().take(MAX_KEY_LEN).collect(),
            reason,
        })
    };
    if key.is_empty() {
        return invalid("it is empty");
    }
    if key.len() > MAX_KEY_LEN {
        return invalid("it is longer than 200 characters");
    }
    if key.split('/').any(str::is_empty) {
        return invalid("it has an empty path segment (leading, trailing or doubled `/`)");
    }
    if key
        .split('/')
        .any(|segment| segment == "." || segment == "..")
    {
        return invalid("`.` and `..` are not allowed as path segments");
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || "/_-.:@".contains(c);
    if !key.chars().all(allowed) {
        return invalid("use only letters, digits and / _ - . : @");
    }
    Ok(())
}

/// Whether `key` lies under `prefix`, compared by whole path segments so that
/// `connection/1` never matches `connection/10/api_key`. An empty prefix matches every key.
pub(crate) fn under_prefix(key: &str, prefix: &str) -> bool {
    let prefix = prefix.trim_end_matches('/');
    if prefix.is_empty() {
        return true;
    }
    key == prefix || (key.starts_with(prefix) && key[prefix.len()..].starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builders_produce_valid_keys() {
        for key in [api_key("42"), oauth("a-b_c"), webhook_secret("7")] {
            validate(&key).unwrap();
        }
    }

    #[test]
    fn rejects_malformed_keys() {
        for bad in [
            "",
            "/a",
            "a/",
            "a//b",
            "a b",
            "a\nb",
            "a/../b",
            "./a",
            "ключ",
            &"x".repeat(201),
        ] {
            let err = validate(bad).unwrap_err();
            assert!(matches!(err, SecretError::InvalidKey { .. }), "{bad:?}");
        }
    }

    #[test]
    fn prefix_matches_whole_segments() {
        assert!(under_prefix("connection/1/api_key", "connection/1/"));
        assert!(under_prefix("connection/1/api_key", "connection/1"));
        assert!(!under_prefix("connection/10/api_key", "connection/1"));
        assert!(!under_prefix("connection/10/api_key", "connection/1/"));
        assert!(under_prefix("anything/at/all", ""));
    }
}
