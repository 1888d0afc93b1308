//! Lever API v1 client and [`reqlink_ats::AtsConnector`].
//!
//! - [`LeverClient`]: Basic auth with the API key, or OAuth bearer tokens
//!   from a [`reqlink_ats::TokenSource`]; a client-side limiter that stays
//!   under Lever's ~10 requests/s; `Retry-After` obeyed; reads retried on
//!   5xx; writes never blindly retried.
//! - [`LeverConnector`]: users, postings (jobs) and opportunities
//!   (candidates + applications), the global stage list, and the writes
//!   (note, file, stage, create) made `perform_as` the acting user.
//! - [`verify_webhook`]: Lever's per-event signature check.

mod client;
mod connector;
pub mod model;
mod webhook;

use time::OffsetDateTime;

pub use client::{LeverAuth, LeverClient, DEFAULT_RATE};
pub use connector::{LeverConnector, MAX_PAGE};
pub use webhook::{
    authenticate_webhook, parse_webhook, verify_webhook, SignedDelivery, WEBHOOK_EVENTS,
};

/// The vendor name errors carry.
pub const VENDOR: &str = "Lever";

/// The OAuth `audience` Lever requires (trailing slash included).
pub const AUDIENCE: &str = "https://api.lever.co/v1/";

/// Lever's production API root.
pub const PRODUCTION_BASE_URL: &str = "https://api.lever.co/v1";

/// Lever's milliseconds as RFC 3339 UTC with milliseconds
/// (`2026-03-31T18:00:00.000Z`), the form records store.
pub fn ms_to_rfc3339(ms: i64) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_milliseconds() {
        assert_eq!(
            super::ms_to_rfc3339(1_774_980_000_123),
            "2026-03-31T18:00:00.123Z"
        );
    }
}
