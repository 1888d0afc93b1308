//! Token bucket per credential: Lever allows a steady ~10 requests/s with
//! bursts to 20, which a bucket (not a fixed window) describes: an idle
//! client may fire 20 at once, then gets one more every 100 ms.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::LeverRateLimit;

pub(crate) struct TokenBucket {
    inner: Mutex<Inner>,
}

struct Inner {
    config: Option<LeverRateLimit>,
    buckets: HashMap<String, Bucket>,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

impl TokenBucket {
    pub(crate) fn new(config: Option<LeverRateLimit>) -> Self {
        Self {
            inner: Mutex::new(Inner {
                config,
                buckets: HashMap::new(),
            }),
        }
    }

    /// Replaces the limit; every bucket starts full again.
    pub(crate) fn set(&self, config: Option<LeverRateLimit>) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.config = config;
        inner.buckets.clear();
    }

    /// Takes one token for `key`; `Err(wait)` when the bucket is empty, with
    /// the time until a token is back.
    pub(crate) fn take(&self, key: &str) -> Result<(), Duration> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let Some(cfg) = inner.config else {
            return Ok(());
        };
        let rate = cfg.per_second.max(0.001);
        let burst = f64::from(cfg.burst.max(1));
        let now = Instant::now();
        let b = inner.buckets.entry(key.to_owned()).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        b.tokens = (b.tokens + now.duration_since(b.at).as_secs_f64() * rate).min(burst);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - b.tokens) / rate))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_then_refuses_then_refills() {
        let b = TokenBucket::new(Some(LeverRateLimit {
            per_second: 100.0,
            burst: 5,
        }));
        for _ in 0..5 {
            assert!(b.take("k").is_ok());
        }
        let wait = b.take("k").unwrap_err();
        assert!(wait <= Duration::from_millis(10), "{wait:?}");
        assert!(b.take("other").is_ok(), "buckets are per credential");
        std::thread::sleep(Duration::from_millis(25));
        assert!(b.take("k").is_ok());
    }

    #[test]
    fn disabled_never_refuses() {
        let b = TokenBucket::new(None);
        assert!((0..500).all(|_| b.take("k").is_ok()));
    }
}
