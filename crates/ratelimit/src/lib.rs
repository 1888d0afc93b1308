//! Client-side sliding-window limiter. Vendors count requests in fixed
//! windows; never sending more than `limit` in any sliding window of the
//! same length keeps every fixed window under the limit too, so a healthy
//! sync runs at the rate floor without a single 429.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::HeaderMap;
use tokio::time::Instant;

#[derive(Clone)]
pub struct RateLimiter {
    inner: Arc<Mutex<Inner>>,
}

struct Inner {
    limit: u32,
    window: Duration,
    sent: VecDeque<Instant>,
    /// Off for benchmarks against an unlimited sandbox.
    enabled: bool,
}

impl RateLimiter {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            inner: Arc::new(Mutex::new(Inner {
                limit: limit.max(1),
                window,
                sent: VecDeque::new(),
                enabled: true,
            })),
        }
    }

    pub fn set_enabled(&self, enabled: bool) {
        self.lock().enabled = enabled;
    }

    pub fn limit(&self) -> u32 {
        self.lock().limit
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until one more request fits in the window, then records it.
    pub async fn acquire(&self) {
        loop {
            let wait = {
                let mut inner = self.lock();
                if !inner.enabled {
                    return;
                }
                let now = Instant::now();
                let window = inner.window;
                while inner
                    .sent
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= window)
                {
                    inner.sent.pop_front();
                }
                if (inner.sent.len() as u32) < inner.limit {
                    inner.sent.push_back(now);
                    return;
                }
                let oldest = *inner.sent.front().expect("window is full, so not empty");
                window - now.duration_since(oldest)
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Adopts the server's advertised `X-RateLimit-Limit`, which differs per
    /// account and can change.
    pub fn observe(&self, headers: &HeaderMap) {
        let limit = headers
            .get("x-ratelimit-limit")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u32>().ok());
        if let Some(limit) = limit.filter(|l| *l > 0) {
            self.lock().limit = limit;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn never_exceeds_limit_in_any_window() {
        let limiter = RateLimiter::new(3, Duration::from_secs(10));
        let start = Instant::now();
        let mut times = Vec::new();
        for _ in 0..7 {
            limiter.acquire().await;
            times.push(start.elapsed());
        }
        // 3 immediately, 3 more at 10 s, the 7th at 20 s.
        assert_eq!(times[2], Duration::ZERO);
        assert_eq!(times[3], Duration::from_secs(10));
        assert_eq!(times[5], Duration::from_secs(10));
        assert_eq!(times[6], Duration::from_secs(20));
    }

    #[test]
    fn adopts_advertised_limit() {
        let limiter = RateLimiter::new(50, Duration::from_secs(10));
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-limit", "20".parse().unwrap());
        limiter.observe(&headers);
        assert_eq!(limiter.limit(), 20);
    }
}
