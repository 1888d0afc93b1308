//! What the receiver needs from its owner to take ATS deliveries: the
//! signing keys of each connection, and someone to tell when a delivery was
//! turned away. The receiver never reads the keychain itself, so the owner
//! decides how keys are cached and refreshed.

use std::collections::HashMap;

/// Signing keys of the ATS connections, by connection id.
///
/// Called from a blocking thread for every ATS delivery, so an
/// implementation may read a slow store, but should cache.
pub trait HookKeys: Send + Sync {
    /// Greenhouse: the web hook's secret key.
    fn greenhouse_secret(&self, connection_id: &str) -> Option<Vec<u8>>;

    /// Lever: the signature token of each event type, keyed by event name
    /// (`candidateStageChange`, ...).
    fn lever_tokens(&self, connection_id: &str) -> HashMap<String, Vec<u8>>;

    /// A delivery for `connection_id` was refused (its rejected-delivery
    /// row is already stored). The receiver cannot write the Activity log;
    /// the owner can.
    fn on_rejected(&self, _notice: &RejectedNotice) {}
}

/// A refused ATS delivery, as the owner is told about it. It carries
/// nothing from the body: the body was not authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedNotice {
    /// `greenhouse` or `lever`.
    pub source: &'static str,
    pub connection_id: String,
    pub reason: String,
    /// The HTTP status it was answered with.
    pub status: u16,
    pub size: usize,
}

/// No ATS connection has keys: every ATS delivery is refused.
pub struct NoKeys;

impl HookKeys for NoKeys {
    fn greenhouse_secret(&self, _connection_id: &str) -> Option<Vec<u8>> {
        None
    }

    fn lever_tokens(&self, _connection_id: &str) -> HashMap<String, Vec<u8>> {
        HashMap::new()
    }
}
