//! Throttling from both sides: client-side pacing (e.g. the Defender API's 50 calls a minute)
//! and reading how long a 429 asks us to wait.

use std::collections::VecDeque;
use std::time::Duration;

use time::OffsetDateTime;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::odata;

/// At most `limit` calls in any `window`; callers wait for a free slot.
#[derive(Debug)]
pub struct RateLimiter {
    limit: usize,
    window: Duration,
    calls: Mutex<VecDeque<Instant>>,
}

impl RateLimiter {
    pub fn new(limit: usize, window: Duration) -> Self {
        Self {
            limit: limit.max(1),
            window,
            calls: Mutex::new(VecDeque::new()),
        }
    }

    /// The Defender API's documented limit: 50 calls a minute.
    pub fn defender() -> Self {
        Self::new(50, Duration::from_secs(60))
    }

    /// Waits until a call is allowed and records it; returns how long it waited.
    pub async fn acquire(&self) -> Duration {
        let mut calls = self.calls.lock().await;
        let started = Instant::now();
        while let Some(&oldest) = calls.front() {
            if oldest.elapsed() >= self.window {
                calls.pop_front();
            } else {
                break;
            }
        }
        if calls.len() >= self.limit {
            let oldest = calls.pop_front().expect("the window is full");
            tokio::time::sleep_until(oldest + self.window).await;
        }
        calls.push_back(Instant::now());
        started.elapsed()
    }
}

/// How long a 429 asks to wait: the `Retry-After` header (seconds, possibly fractional), else a
/// reset hint in the body's message ("Try again in 12 seconds" or an RFC 3339 time).
pub fn throttle_wait(
    retry_after: Option<&str>,
    body: &[u8],
    now: OffsetDateTime,
) -> Option<Duration> {
    if let Some(wait) = retry_after.and_then(parse_retry_after) {
        return Some(wait);
    }
    let message = body_message(body)?;
    seconds_in_message(&message).or_else(|| reset_time_in_message(&message, now))
}

/// `Retry-After` in seconds, possibly fractional (Graph sends e.g. `2.128`).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let seconds: f64 = value.trim().parse().ok()?;
    if seconds < 0.0 {
        return None;
    }
    Duration::try_from_secs_f64(seconds).ok()
}

/// `error.message` of an error envelope, `message` of a flat one, or the raw text.
fn body_message(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Some(text.into_owned());
    };
    json.pointer("/error/message")
        .or_else(|| json.get("message"))
        .and_then(|m| m.as_str())
        .map(str::to_owned)
}

fn seconds_in_message(message: &str) -> Option<Duration> {
    let words: Vec<&str> = message.split_whitespace().collect();
    words.windows(2).find_map(|pair| {
        let unit = pair[1]
            .trim_end_matches(['.', ',', ')'])
            .to_ascii_lowercase();
        if unit == "second" || unit == "seconds" || unit == "s" {
            parse_retry_after(pair[0])
        } else {
            None
        }
    })
}

fn reset_time_in_message(message: &str, now: OffsetDateTime) -> Option<Duration> {
    message.split_whitespace().find_map(|word| {
        let word = word.trim_end_matches(['.', ',', ')']);
        let at = odata::parse_datetime(word)?;
        Some(Duration::try_from(at - now).unwrap_or(Duration::ZERO))
    })
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const NOW: OffsetDateTime = datetime!(2026-11-24 12:00:00 UTC);

    #[test]
    fn retry_after_header_wins_and_may_be_fractional() {
        let wait = throttle_wait(Some("2.5"), b"Try again in 40 seconds", NOW);
        assert_eq!(wait, Some(Duration::from_millis(2500)));
    }

    #[test]
    fn body_reset_hints_are_read_when_the_header_is_missing() {
        let body = br#"{"error":{"code":"TooManyRequests","message":"Rate limit is exceeded. Try again in 7 seconds."}}"#;
        assert_eq!(throttle_wait(None, body, NOW), Some(Duration::from_secs(7)));
        let flat =
            br#"{"statusCode":429,"message":"Rate limit is exceeded. Try again in 1 second."}"#;
        assert_eq!(
            throttle_wait(Some("soon"), flat, NOW),
            Some(Duration::from_secs(1))
        );
        let at = br#"{"error":{"message":"Quota exceeded. Next call allowed at 2026-11-24T12:00:30Z."}}"#;
        assert_eq!(throttle_wait(None, at, NOW), Some(Duration::from_secs(30)));
        let past = br#"{"error":{"message":"Reset at 2026-11-24T11:00:00Z"}}"#;
        assert_eq!(throttle_wait(None, past, NOW), Some(Duration::ZERO));
    }

    #[test]
    fn bad_retry_after_values_are_ignored() {
        for bad in ["soon", "-1", "NaN", "inf", "1e300"] {
            assert!(parse_retry_after(bad).is_none(), "{bad}");
        }
        assert_eq!(
            parse_retry_after(" 2.128 "),
            Some(Duration::from_millis(2128))
        );
    }

    #[test]
    fn no_hint_means_none() {
        assert_eq!(throttle_wait(None, b"", NOW), None);
        assert_eq!(throttle_wait(Some("-3"), br#"{"error":{}}"#, NOW), None);
    }

    #[tokio::test]
    async fn the_limiter_spaces_calls_beyond_the_limit() {
        let window = Duration::from_millis(300);
        let limiter = RateLimiter::new(3, window);
        let start = Instant::now();
        for _ in 0..3 {
            assert!(limiter.acquire().await < Duration::from_millis(50));
        }
        let waited = limiter.acquire().await;
        assert!(waited >= Duration::from_millis(250), "{waited:?}");
        assert!(start.elapsed() >= window);
        tokio::time::sleep(window).await;
        assert!(limiter.acquire().await < Duration::from_millis(50));
    }
}
