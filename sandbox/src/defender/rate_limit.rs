//! The Defender API's rate limit: calls per app and tenant in a sliding window (50 a minute unless
//! a test sets otherwise), answered with 429, `Retry-After` and a message naming the wait.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct RateLimit {
    settings: Mutex<(usize, Duration)>,
    calls: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Default for RateLimit {
    fn default() -> Self {
        Self {
            settings: Mutex::new((50, Duration::from_secs(60))),
            calls: Mutex::new(HashMap::new()),
        }
    }
}

impl RateLimit {
    /// Changes the limit (for tests: e.g. 2 calls a second) and forgets earlier calls.
    pub fn set(&self, limit: usize, window: Duration) {
        *self.settings.lock().unwrap_or_else(|e| e.into_inner()) = (limit.max(1), window);
        self.calls.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// Records a call by `caller`; `Err(wait)` when it exceeds the limit (and is not recorded).
    pub fn check(&self, caller: &str) -> Result<(), Duration> {
        let (limit, window) = *self.settings.lock().unwrap_or_else(|e| e.into_inner());
        let mut calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let recent = calls.entry(caller.to_owned()).or_default();
        while recent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            recent.pop_front();
        }
        if recent.len() >= limit {
            let oldest = *recent.front().expect("the window is full");
            return Err(window.saturating_sub(now.duration_since(oldest)));
        }
        recent.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_beyond_the_limit_are_refused_with_the_wait() {
        let limit = RateLimit::default();
        limit.set(2, Duration::from_secs(60));
        assert!(limit.check("a").is_ok());
        assert!(limit.check("a").is_ok());
        let wait = limit.check("a").unwrap_err();
        assert!(wait > Duration::from_secs(59) && wait <= Duration::from_secs(60));
        assert!(limit.check("b").is_ok(), "limits are per caller");
    }

    #[test]
    fn the_window_slides() {
        let limit = RateLimit::default();
        limit.set(1, Duration::from_millis(30));
        assert!(limit.check("a").is_ok());
        assert!(limit.check("a").is_err());
        std::thread::sleep(Duration::from_millis(40));
        assert!(limit.check("a").is_ok());
    }
}
