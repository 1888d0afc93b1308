use std::fmt;

use zeroize::Zeroize;

/// A secret value (API key, serialized OAuth token set, webhook signing secret).
///
/// It prints as `[redacted]` through `Debug` and `Display`, so it cannot leak into a log line or
/// an error message by accident, and it deliberately implements neither `Serialize` nor
/// `Deserialize`, so it cannot be handed to the webview or written to SQLite without someone
/// calling [`Secret::expose`] on purpose. The buffer is zeroed when the value is dropped.
#[derive(Clone, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The plain value: call it only where the value leaves for the vendor (an HTTP header, an
    /// HMAC key) or for the store itself.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let secret = Secret::new("sk_live_0123456789");
        let holder = Some(vec![secret.clone()]);
        for printed in [
            format!("{secret:?}"),
            format!("{secret:#?}"),
            format!("{secret}"),
            format!("{holder:?}"),
        ] {
            assert!(!printed.contains("sk_live"), "leaked in {printed}");
            assert!(printed.contains("[redacted]"), "{printed}");
        }
        assert_eq!(secret.expose(), "sk_live_0123456789");
    }
}
