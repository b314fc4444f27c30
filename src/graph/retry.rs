//! Bounded retry policy: Retry-After on 429, exponential backoff on 5xx for idempotent calls.

use std::time::Duration;

use reqwest::Method;

/// At most this many attempts per call, whatever the reason.
pub const MAX_ATTEMPTS: u32 = 4;
/// Never wait longer than this for one retry, even when Graph asks for more.
pub const MAX_WAIT: Duration = Duration::from_secs(20);

pub fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

/// The wait before retry number `attempt` (1-based), or None when the call should not be retried.
pub fn wait_before_retry(
    method: &Method,
    status: u16,
    retry_after: Option<Duration>,
    attempt: u32,
) -> Option<Duration> {
    if attempt >= MAX_ATTEMPTS {
        return None;
    }
    match status {
        // Throttled requests were not executed, so any method may be replayed.
        429 => Some(
            retry_after
                .unwrap_or_else(|| backoff(attempt))
                .min(MAX_WAIT),
        ),
        500 | 502 | 503 | 504 if is_idempotent(method) => Some(
            retry_after
                .unwrap_or_else(|| backoff(attempt))
                .min(MAX_WAIT),
        ),
        _ => None,
    }
}

fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(250 * 2u64.pow(attempt.saturating_sub(1)))
}

/// `Retry-After` in seconds, possibly fractional (Graph sends e.g. `2.128`).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let seconds: f64 = value.trim().parse().ok()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds.min(3600.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn honours_retry_after_but_caps_it() {
        let wait = wait_before_retry(&Method::POST, 429, parse_retry_after("2.128"), 1).unwrap();
        assert_eq!(wait, Duration::from_millis(2128));
        assert_eq!(
            wait_before_retry(&Method::GET, 429, parse_retry_after("999"), 1),
            Some(MAX_WAIT)
        );
    }

    #[test]
    fn server_errors_retry_only_idempotent_calls() {
        assert!(wait_before_retry(&Method::GET, 503, None, 1).is_some());
        assert!(wait_before_retry(&Method::PATCH, 503, None, 1).is_none());
        assert!(wait_before_retry(&Method::GET, 503, None, MAX_ATTEMPTS).is_none());
        assert!(wait_before_retry(&Method::GET, 404, None, 1).is_none());
    }

    #[test]
    fn bad_retry_after_values_are_ignored() {
        assert!(parse_retry_after("soon").is_none());
        assert!(parse_retry_after("-1").is_none());
    }
}
