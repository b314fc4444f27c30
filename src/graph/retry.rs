//! Bounded retry policies: waits on 429 (`Retry-After` or the body's hint), backoff on 5xx for
//! idempotent calls, and, for callers that can wait, on timeouts.

use std::time::Duration;

use reqwest::Method;

/// What to do when a 429 asks for a longer wait than the policy's `max_wait`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LongWait {
    /// Wait `max_wait` and try again (someone is looking at the page).
    Shorten,
    /// Give up at once; the error carries the wait asked for (a command can be run again later).
    GiveUp,
}

/// How many times and how long a client retries one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per call at most when the answer is 429.
    pub throttled_attempts: u32,
    /// Attempts per call at most when the answer is a 5xx (or a timeout, with `retry_timeouts`).
    pub failed_attempts: u32,
    /// The longest wait before one retry.
    pub max_wait: Duration,
    pub long_wait: LongWait,
    /// The wait when a 429 gives no hint; `None` backs off exponentially.
    pub unhinted_wait: Option<Duration>,
    /// Whether a timed-out idempotent call is tried again.
    pub retry_timeouts: bool,
}

impl RetryPolicy {
    /// For pages a user waits on: four attempts in all, no wait longer than 20 s.
    pub const INTERACTIVE: Self = Self {
        throttled_attempts: 4,
        failed_attempts: 4,
        max_wait: Duration::from_secs(20),
        long_wait: LongWait::Shorten,
        unhinted_wait: None,
        retry_timeouts: false,
    };

    /// For commands that wait out throttling: six throttled answers, waits of up to 15 minutes
    /// (a longer one, such as an hourly quota, is refused), 10 s when a 429 gives no hint;
    /// three attempts on failures and timeouts.
    pub const PATIENT: Self = Self {
        throttled_attempts: 6,
        failed_attempts: 3,
        max_wait: Duration::from_secs(15 * 60),
        long_wait: LongWait::GiveUp,
        unhinted_wait: Some(Duration::from_secs(10)),
        retry_timeouts: true,
    };

    /// The wait before retrying when attempt number `attempt` (1-based) was answered `status`
    /// with the wait hint `hint`, or `None` when the call should not be retried.
    pub fn after_status(
        &self,
        method: &Method,
        status: u16,
        hint: Option<Duration>,
        attempt: u32,
    ) -> Option<Duration> {
        match status {
            // Throttled requests were not executed, so any method may be replayed.
            429 if attempt < self.throttled_attempts => {
                let wait = hint
                    .or(self.unhinted_wait)
                    .unwrap_or_else(|| backoff(attempt));
                match self.long_wait {
                    LongWait::GiveUp if wait > self.max_wait => None,
                    _ => Some(wait.min(self.max_wait)),
                }
            }
            500 | 502 | 503 | 504 if is_idempotent(method) && attempt < self.failed_attempts => {
                Some(hint.unwrap_or_else(|| backoff(attempt)).min(self.max_wait))
            }
            _ => None,
        }
    }

    /// The wait before retrying when attempt number `attempt` timed out, or `None`.
    pub fn after_timeout(&self, method: &Method, attempt: u32) -> Option<Duration> {
        (self.retry_timeouts && is_idempotent(method) && attempt < self.failed_attempts)
            .then(|| backoff(attempt))
    }
}

pub fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(250 * 2u64.pow(attempt.saturating_sub(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const INTERACTIVE: RetryPolicy = RetryPolicy::INTERACTIVE;
    const PATIENT: RetryPolicy = RetryPolicy::PATIENT;

    fn secs(s: f64) -> Option<Duration> {
        Some(Duration::from_secs_f64(s))
    }

    #[test]
    fn honours_retry_after_but_caps_it() {
        let wait = INTERACTIVE.after_status(&Method::POST, 429, secs(2.128), 1);
        assert_eq!(wait, Some(Duration::from_millis(2128)));
        assert_eq!(
            INTERACTIVE.after_status(&Method::GET, 429, secs(999.0), 1),
            Some(INTERACTIVE.max_wait)
        );
        assert_eq!(
            INTERACTIVE.after_status(&Method::GET, 429, None, 2),
            Some(Duration::from_millis(500))
        );
    }

    #[test]
    fn server_errors_retry_only_idempotent_calls() {
        let max = INTERACTIVE.failed_attempts;
        assert!(
            INTERACTIVE
                .after_status(&Method::GET, 503, None, 1)
                .is_some()
        );
        assert!(
            INTERACTIVE
                .after_status(&Method::PATCH, 503, None, 1)
                .is_none()
        );
        assert!(
            INTERACTIVE
                .after_status(&Method::GET, 503, None, max)
                .is_none()
        );
        assert!(
            INTERACTIVE
                .after_status(&Method::GET, 404, None, 1)
                .is_none()
        );
        assert!(INTERACTIVE.after_timeout(&Method::GET, 1).is_none());
    }

    #[test]
    fn a_patient_policy_waits_long_but_refuses_longer() {
        assert_eq!(
            PATIENT.after_status(&Method::GET, 429, secs(600.0), 1),
            secs(600.0)
        );
        assert_eq!(
            PATIENT.after_status(&Method::GET, 429, secs(3600.0), 1),
            None
        );
        assert_eq!(PATIENT.after_status(&Method::GET, 429, None, 1), secs(10.0));
        assert!(
            PATIENT
                .after_status(&Method::GET, 429, secs(0.0), 5)
                .is_some()
        );
        assert!(
            PATIENT
                .after_status(&Method::GET, 429, secs(0.0), 6)
                .is_none()
        );
    }

    #[test]
    fn a_patient_policy_retries_timeouts_and_failures_twice() {
        assert!(PATIENT.after_timeout(&Method::GET, 2).is_some());
        assert!(PATIENT.after_timeout(&Method::GET, 3).is_none());
        assert!(PATIENT.after_timeout(&Method::POST, 1).is_none());
        assert!(PATIENT.after_status(&Method::GET, 502, None, 2).is_some());
        assert!(PATIENT.after_status(&Method::GET, 502, None, 3).is_none());
    }
}
