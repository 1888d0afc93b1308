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
//!
//! The window only sees this client's requests. Another client on the same
//! key (a second install, a script) spends the same quota, which shows as
//! an `X-RateLimit-Remaining` lower than this client's own count explains;
//! the difference is held as slots nobody here sent.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
    /// account and can change, and its `X-RateLimit-Remaining`.
    ///
    /// Every request the server counted in its current window arrived less
    /// than a window ago, so it is still among this client's slots unless
    /// someone else sent it. Requests the server counted beyond ours become
    /// slots of their own, which leave when the server's window resets:
    /// at `X-RateLimit-Reset` (Unix seconds; Greenhouse sends it with a
    /// 429), otherwise a full window from now, which is never earlier.
    pub fn observe(&self, headers: &HeaderMap) {
        let limit = header_u64(headers, "x-ratelimit-limit")
            .and_then(|l| u32::try_from(l).ok())
            .filter(|l| *l > 0);
        let remaining = header_u64(headers, "x-ratelimit-remaining");
        let now = Instant::now();
        let mut inner = self.lock();
        if let Some(limit) = limit {
            inner.limit = limit;
        }
        let Some(remaining) = remaining else {
            return;
        };
        let window = inner.window;
        inner
            .slots
            .retain(|(_, at)| at.is_none_or(|t| now.duration_since(t) < window));
        let counted = u64::from(inner.limit).saturating_sub(remaining);
        let foreign = counted.saturating_sub(inner.slots.len() as u64);
        if foreign == 0 {
            return;
        }
        let leaves = header_u64(headers, "x-ratelimit-reset")
            .and_then(|reset| unix_to_instant(reset, now))
            .map_or(now + window, |at| at.min(now + window));
        // A slot leaves a window after it is dated.
        let dated = leaves.checked_sub(window).unwrap_or(now);
        for _ in 0..foreign {
            let id = inner.next_id;
            inner.next_id += 1;
            inner.slots.push((id, Some(dated)));
        }
    }
}

fn header_u64(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// The instant of a Unix time in seconds, or `None` when it has passed.
fn unix_to_instant(unix_secs: u64, now: Instant) -> Option<Instant> {
    let since_epoch = SystemTime::now().duration_since(UNIX_EPOCH).ok()?;
    let ahead = Duration::from_secs(unix_secs).checked_sub(since_epoch)?;
    now.checked_add(ahead)
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

    fn headers(pairs: &[(&'static str, String)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(*name, value.parse().unwrap());
        }
        h
    }

    #[tokio::test(start_paused = true)]
    async fn quota_spent_by_another_client_is_waited_out() {
        let limiter = RateLimiter::new(5, Duration::from_secs(10));
        let start = Instant::now();
        drop(limiter.acquire().await);
        // One request was ours; the server counted three.
        limiter.observe(&headers(&[
            ("x-ratelimit-limit", "5".into()),
            ("x-ratelimit-remaining", "2".into()),
        ]));
        let mut times = Vec::new();
        for _ in 0..3 {
            drop(limiter.acquire().await);
            times.push(start.elapsed());
        }
        assert_eq!(times[..2], [Duration::ZERO; 2], "the two left are sent");
        assert_eq!(times[2], Duration::from_secs(10), "then the window resets");

        // Spent entirely elsewhere: nothing goes out until the reset.
        tokio::time::sleep(Duration::from_secs(10)).await;
        let start = Instant::now();
        limiter.observe(&headers(&[("x-ratelimit-remaining", "0".into())]));
        drop(limiter.acquire().await);
        assert_eq!(start.elapsed(), Duration::from_secs(10));
    }

    #[tokio::test(start_paused = true)]
    async fn own_requests_are_not_counted_twice() {
        let limiter = RateLimiter::new(3, Duration::from_secs(10));
        let start = Instant::now();
        for remaining in ["2", "1", "0"] {
            drop(limiter.acquire().await);
            limiter.observe(&headers(&[("x-ratelimit-remaining", remaining.into())]));
            tokio::time::sleep(Duration::from_secs(4)).await;
        }
        // The server's count is all ours: the first slot frees at 10 s, not
        // a window after the answer that said 0.
        drop(limiter.acquire().await);
        assert_eq!(start.elapsed(), Duration::from_secs(12));
    }

    #[tokio::test(start_paused = true)]
    async fn the_advertised_reset_ends_the_wait() {
        let limiter = RateLimiter::new(5, Duration::from_secs(10));
        let now_unix = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let start = Instant::now();
        limiter.observe(&headers(&[
            ("x-ratelimit-remaining", "0".into()),
            ("x-ratelimit-reset", (now_unix + 3).to_string()),
        ]));
        drop(limiter.acquire().await);
        let waited = start.elapsed();
        assert!(
            waited > Duration::from_secs(2) && waited <= Duration::from_secs(3),
            "{waited:?}"
        );
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
