//! Fixed-window request limiter, per API key.
//!
//! Greenhouse documents "N requests per 10 seconds" and exposes
//! `X-RateLimit-*` headers; a fixed window reproduces that behaviour exactly
//! enough for clients to exercise their back-off, and is predictable in tests.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::RateLimit;

/// What the limiter decided for one request, with everything needed for the
/// response headers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Decision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// Time until the current window ends (zero when unlimited).
    pub reset_in: Duration,
}

impl Decision {
    /// `Retry-After` in whole seconds, rounded up and at least 1 so that a
    /// client sleeping exactly that long lands in the next window.
    pub(crate) fn retry_after_secs(&self) -> u64 {
        let ms = self.reset_in.as_millis() as u64;
        ms.div_ceil(1000).max(1)
    }

    /// Unix time (seconds) at which the window resets.
    pub(crate) fn reset_unix_secs(&self) -> u64 {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        (now + self.reset_in).as_secs_f64().ceil() as u64
    }
}

/// Header values reported when limiting is switched off: Greenhouse always
/// sends the headers, and clients may rely on their presence.
const UNLIMITED_REPORTED: u32 = 50;

pub(crate) struct Limiter {
    inner: Mutex<Inner>,
}

struct Inner {
    config: Option<RateLimit>,
    windows: HashMap<String, Window>,
}

struct Window {
    started: Instant,
    count: u32,
}

impl Limiter {
    pub(crate) fn new(config: Option<RateLimit>) -> Self {
        Self {
            inner: Mutex::new(Inner {
                config,
                windows: HashMap::new(),
            }),
        }
    }

    /// Replaces the limit and forgets all counts, so a test that tightens the
    /// limit starts from a fresh window.
    pub(crate) fn set(&self, config: Option<RateLimit>) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.config = config;
        inner.windows.clear();
    }

    /// Counts one request for `key` and says whether it may proceed.
    pub(crate) fn check(&self, key: &str) -> Decision {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let Some(cfg) = inner.config else {
            return Decision {
                allowed: true,
                limit: UNLIMITED_REPORTED,
                remaining: UNLIMITED_REPORTED,
                reset_in: Duration::ZERO,
            };
        };
        let now = Instant::now();
        // Look up before inserting: allocating the key on every request
        // would be wasted on the hot path.
        if !inner.windows.contains_key(key) {
            inner.windows.insert(
                key.to_owned(),
                Window {
                    started: now,
                    count: 0,
                },
            );
        }
        let window = inner.windows.get_mut(key).expect("inserted above");
        if now.duration_since(window.started) >= cfg.window {
            window.started = now;
            window.count = 0;
        }
        window.count = window.count.saturating_add(1);
        let reset_in = cfg
            .window
            .saturating_sub(now.duration_since(window.started));
        Decision {
            allowed: window.count <= cfg.limit,
            limit: cfg.limit,
            remaining: cfg.limit.saturating_sub(window.count),
            reset_in,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_key_and_blocks_past_the_limit() {
        let l = Limiter::new(Some(RateLimit {
            limit: 2,
            window: Duration::from_secs(60),
        }));
        let a1 = l.check("a");
        let a2 = l.check("a");
        let a3 = l.check("a");
        let b1 = l.check("b");
        assert!(a1.allowed && a2.allowed && !a3.allowed && b1.allowed);
        assert_eq!((a1.remaining, a2.remaining, a3.remaining), (1, 0, 0));
        assert_eq!(b1.remaining, 1, "keys have separate windows");
        assert!((1..=60).contains(&a3.retry_after_secs()));
    }

    #[test]
    fn window_expiry_resets_the_count() {
        let l = Limiter::new(Some(RateLimit {
            limit: 1,
            window: Duration::from_millis(30),
        }));
        assert!(l.check("k").allowed);
        assert!(!l.check("k").allowed);
        std::thread::sleep(Duration::from_millis(40));
        assert!(l.check("k").allowed);
    }

    #[test]
    fn unlimited_never_blocks_but_reports() {
        let l = Limiter::new(None);
        for _ in 0..200 {
            let d = l.check("k");
            assert!(d.allowed);
            assert_eq!((d.limit, d.remaining), (50, 50));
        }
    }
}
