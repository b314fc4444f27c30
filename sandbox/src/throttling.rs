//! Graph's request-rate limit (Microsoft's "Microsoft Graph throttling guidance"): a token bucket
//! per app and tenant over the `/v1.0` and `/beta` routes. A request beyond it is answered 429
//! with `Retry-After` and the documented TooManyRequests body, and is not served. Requests inside
//! a `$batch` are counted one by one, as Graph evaluates them.

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::SandboxState;
use super::faults::too_many_requests;

/// How many requests one app may send in one tenant: `burst` at once, then `per_second`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    pub burst: u32,
    pub per_second: f64,
}

impl Default for RateLimit {
    /// Far above what a person clicking through pages sends, well below a burst of hundreds.
    fn default() -> Self {
        Self {
            burst: 100,
            per_second: 50.0,
        }
    }
}

impl FromStr for RateLimit {
    type Err = String;

    /// `BURST/PER_SECOND`, e.g. `100/50`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let refused = || format!("'{text}' is not BURST/PER_SECOND, e.g. 100/50");
        let (burst, rate) = text.split_once('/').ok_or_else(refused)?;
        let burst: u32 = burst.trim().parse().map_err(|_| refused())?;
        let per_second: f64 = rate.trim().parse().map_err(|_| refused())?;
        if burst == 0 || !per_second.is_finite() || per_second <= 0.0 {
            return Err(refused());
        }
        Ok(Self { burst, per_second })
    }
}

/// The buckets, one per app and tenant.
#[derive(Debug, Default)]
pub struct Buckets {
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl Buckets {
    /// Takes one request from `key`'s bucket, or tells how long until one is available.
    pub fn take(&self, limit: RateLimit, key: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let (tokens, last) = buckets
            .entry(key.to_owned())
            .or_insert((f64::from(limit.burst), now));
        let refilled = *tokens + now.duration_since(*last).as_secs_f64() * limit.per_second;
        *tokens = refilled.min(f64::from(limit.burst));
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - *tokens) / limit.per_second))
        }
    }
}

/// Middleware for Graph routes: refuses a request beyond its caller's bucket.
pub async fn apply(State(state): State<SandboxState>, request: Request, next: Next) -> Response {
    let Some(limit) = state.options().graph_rate_limit else {
        return next.run(request).await;
    };
    let path = request.uri().path();
    if !(path.starts_with("/v1.0/") || path.starts_with("/beta/")) {
        return next.run(request).await;
    }
    let Some(key) = caller_key(&state, request.headers()) else {
        // No valid token: the route answers 401 itself.
        return next.run(request).await;
    };
    match state.throttling().take(limit, &key) {
        Ok(()) => next.run(request).await,
        // Whole seconds, at least one, as Graph usually sends them.
        Err(wait) => too_many_requests(wait.as_secs_f64().ceil().max(1.0)),
    }
}

/// `tenant/app` from a valid bearer token.
fn caller_key(state: &SandboxState, headers: &axum::http::HeaderMap) -> Option<String> {
    let token = headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?;
    let claims = state.signer().verify_access(token.trim()).ok()?;
    Some(format!("{}/{}", claims.tid, claims.appid))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_names_the_wait() {
        let buckets = Buckets::default();
        let limit = RateLimit {
            burst: 3,
            per_second: 1.0,
        };
        for _ in 0..3 {
            assert!(buckets.take(limit, "t/a").is_ok());
        }
        let wait = buckets.take(limit, "t/a").unwrap_err();
        assert!(wait > Duration::from_millis(900) && wait <= Duration::from_secs(1));
        assert!(buckets.take(limit, "t/b").is_ok(), "buckets are per caller");
    }

    #[test]
    fn limits_are_read_as_burst_and_rate() {
        assert_eq!(
            "10/2.5".parse::<RateLimit>(),
            Ok(RateLimit {
                burst: 10,
                per_second: 2.5
            })
        );
        for bad in ["10", "0/1", "5/0", "a/b", "5/-1"] {
            assert!(bad.parse::<RateLimit>().is_err(), "{bad}");
        }
    }
}
