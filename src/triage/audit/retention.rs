//! Removes audit records older than `[audit] retention_days`, once at start and then hourly.

use std::time::Duration;

use time::OffsetDateTime;

use crate::config::MAX_RETENTION_DAYS;

use super::AuditLog;

const EVERY: Duration = Duration::from_secs(3600);

/// The oldest moment kept when records are kept `days` days (at least one, at most
/// [`MAX_RETENTION_DAYS`]).
pub fn cutoff(now: OffsetDateTime, days: u32) -> OffsetDateTime {
    let days = u64::from(days).clamp(1, MAX_RETENTION_DAYS);
    now - time::Duration::days(days as i64)
}

/// Spawns the trimming task; it runs for the life of the app.
pub fn spawn(log: AuditLog, days: u32) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let before = cutoff(OffsetDateTime::now_utc(), days);
            match log.store().remove_older_than(before).await {
                Ok(0) => {}
                Ok(removed) => tracing::info!(removed, "old audit records removed"),
                Err(error) => tracing::warn!(%error, "audit retention failed"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn the_cutoff_is_whole_days_back_and_never_now() {
        let now = datetime!(2026-11-30 12:00 UTC);
        assert_eq!(cutoff(now, 365), datetime!(2025-11-30 12:00 UTC));
        assert_eq!(cutoff(now, 0), datetime!(2026-11-29 12:00 UTC));
        // A longer retention than can be dated (refused at start) reaches back 100 years.
        assert_eq!(cutoff(now, u32::MAX), now - time::Duration::days(36_500));
    }
}
