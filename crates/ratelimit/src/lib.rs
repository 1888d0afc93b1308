//! Client-side sliding-window limiter. Vendors count requests in fixed
//! windows; never sending more than `limit` in any sliding window of the
//! same length keeps every fixed window under the limit too, so a healthy
//! sync runs at the rate floor without a single 429.
//!
//! The server counts a request when it arrives, somewhere between our send
//! and its answer. A request therefore holds its slot while in flight and is
//! dated by the moment its answer came back: dating it at the send let a
//! fast request land inside the window of a slower earlier one (a 429 seen
//! once in about a hundred runs).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::header::HeaderMap;
use tokio::sync::Notify;
use tokio::time::Instant;

#[derive(Clone)]
pub struct RateLimiter {
    inner: Arc<Mutex<Inner>>,
    finished: Arc<Notify>,
}

struct Inner {
    limit: u32,
    window: Duration,
    /// Requests counted against the window: `None` while in flight.
    slots: Vec<(u64, Option<Instant>)>,
    next_id: u64,
    /// Off for benchmarks against an unlimited sandbox.
    enabled: bool,
}

/// One request's place in the window. Keep it until the response has
/// arrived; dropping it dates the request.
#[must_use = "the request's slot is dated when the permit drops; hold it until the response arrives"]
pub struct Permit {
    limiter: Option<RateLimiter>,
    id: u64,
}

impl Drop for Permit {
    fn drop(&mut self) {
        if let Some(limiter) = self.limiter.take() {
            let now = Instant::now();
            if let Some(slot) = limiter.lock().slots.iter_mut().find(|s| s.0 == self.id) {
                slot.1 = Some(now);
            }
            limiter.finished.notify_waiters();
        }
    }
}

impl RateLimiter {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            inner: Arc::new(Mutex::new(Inner {
                limit: limit.max(1),
                window,
                slots: Vec::new(),
                next_id: 0,
                enabled: true,
            })),
            finished: Arc::new(Notify::new()),
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

    /// Waits until one more request fits in the window and takes its slot.
    pub async fn acquire(&self) -> Permit {
        loop {
            // Registered before the check so a completion in between is not missed.
            let finished = self.finished.notified();
            let wait = {
                let mut inner = self.lock();
                if !inner.enabled {
                    return Permit {
                        limiter: None,
                        id: 0,
                    };
                }
                let now = Instant::now();
                let window = inner.window;
                inner
                    .slots
                    .retain(|(_, at)| at.is_none_or(|t| now.duration_since(t) < window));
                if (inner.slots.len() as u32) < inner.limit {
                    let id = inner.next_id;
                    inner.next_id += 1;
                    inner.slots.push((id, None));
                    return Permit {
                        limiter: Some(self.clone()),
                        id,
                    };
                }
                // The earliest dated slot to leave the window; with every
                // slot in flight, the next answer starts a clock.
                inner
                    .slots
                    .iter()
                    .filter_map(|(_, at)| *at)
                    .min()
                    .map(|oldest| window - now.duration_since(oldest))
            };
            match wait {
                Some(wait) => tokio::time::sleep(wait).await,
                None => finished.await,
            }
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
            drop(limiter.acquire().await);
            times.push(start.elapsed());
        }
        // 3 immediately, 3 more at 10 s, the 7th at 20 s.
        assert_eq!(times[2], Duration::ZERO);
        assert_eq!(times[3], Duration::from_secs(10));
        assert_eq!(times[5], Duration::from_secs(10));
        assert_eq!(times[6], Duration::from_secs(20));
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_is_dated_by_its_answer_and_holds_its_slot_in_flight() {
        let limiter = RateLimiter::new(2, Duration::from_secs(10));
        let start = Instant::now();
        let first = limiter.acquire().await;
        let second = limiter.acquire().await;
        let waiter = tokio::spawn({
            let limiter = limiter.clone();
            async move {
                drop(limiter.acquire().await);
                start.elapsed()
            }
        });
        // Both slots in flight: the third waits however long they take.
        tokio::time::sleep(Duration::from_secs(30)).await;
        assert!(!waiter.is_finished());
        drop(first);
        tokio::time::sleep(Duration::from_secs(1)).await;
        drop(second);
        // The first answer came at 30 s, so its slot frees at 40 s.
        assert_eq!(waiter.await.unwrap(), Duration::from_secs(40));
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
