//! Generated activity for demos: every few seconds one alert of each seeded tenant moves
//! to its next status, which the security store announces like any other change, and one
//! incident of each changes ([`incidents`]).

mod incidents;
#[cfg(test)]
mod tests;

use std::time::Duration;

use serde_json::Value;
use time::OffsetDateTime;

use crate::schema::security::AlertStatus;
use crate::{SandboxState, security::TenantRef, seed::render, users::tenant_by_key};

/// How often the demo generator changes an alert.
pub const EVERY: Duration = Duration::from_secs(8);

/// The tenants whose alerts the generator touches.
const TENANTS: [&str; 2] = ["contoso", "fabrikam"];

/// Starts the generator; it runs as long as the runtime does.
pub fn spawn(state: SandboxState, every: Duration) {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        ticker.tick().await;
        for round in 0usize.. {
            ticker.tick().await;
            for key in TENANTS {
                step(&state, key, round);
                step_incident(&state, key, round);
            }
        }
    });
}

/// Moves one alert of the tenant (chosen round-robin) to its next status.
pub fn step(state: &SandboxState, tenant_key: &str, round: usize) -> Option<String> {
    let tenant = tenant_by_key(tenant_key)?;
    let tenant_ref = TenantRef {
        key: tenant.key,
        id: tenant.id,
    };
    let id = state.security().with_tenant(tenant_ref, |seed| {
        let at = round % seed.alerts.len().max(1);
        seed.alerts.get(at).map(|a| a.id.clone())
    })?;
    advance(state, tenant_ref, &id, OffsetDateTime::now_utc()).then_some(id)
}

/// Changes one incident of the tenant (chosen round-robin): in turn its status, its
/// assignment, its classification and determination, or a new alert grouped into it. Returns
/// the incident's id.
pub fn step_incident(state: &SandboxState, tenant_key: &str, round: usize) -> Option<String> {
    let tenant = tenant_by_key(tenant_key)?;
    incidents::step(state.security(), tenant, round, OffsetDateTime::now_utc())
}

/// Moves the first alert of the tenant whose legacy JSON satisfies `pick` to its next
/// status (tests use it to change an alert a subscription matches).
pub fn step_matching(
    state: &SandboxState,
    tenant_key: &str,
    pick: impl Fn(&Value) -> bool,
) -> Option<String> {
    step_matching_dated(state, tenant_key, pick, OffsetDateTime::now_utc())
}

/// [`step_matching`], with the change dated `changed_at` rather than now: a change that
/// reaches the listings late, showing the earlier time it was made (as a search index
/// that catches up does).
pub fn step_matching_dated(
    state: &SandboxState,
    tenant_key: &str,
    pick: impl Fn(&Value) -> bool,
    changed_at: OffsetDateTime,
) -> Option<String> {
    let tenant = tenant_by_key(tenant_key)?;
    let tenant_ref = TenantRef {
        key: tenant.key,
        id: tenant.id,
    };
    let id = state.security().with_tenant(tenant_ref, |seed| {
        seed.alerts
            .iter()
            .find(|a| pick(&render::alert_legacy(a)))
            .map(|a| a.id.clone())
    })?;
    advance(state, tenant_ref, &id, changed_at).then_some(id)
}

fn advance(
    state: &SandboxState,
    tenant_ref: TenantRef<'_>,
    id: &str,
    changed_at: OffsetDateTime,
) -> bool {
    state
        .security()
        .update_alert(tenant_ref, id, |alert| {
            alert.status = next(alert.status);
            alert.last_update = changed_at;
            alert.resolved = (alert.status == AlertStatus::Resolved).then_some(alert.last_update);
            Ok(())
        })
        .is_ok()
}

fn next(status: AlertStatus) -> AlertStatus {
    match status {
        AlertStatus::New => AlertStatus::InProgress,
        AlertStatus::InProgress => AlertStatus::Resolved,
        _ => AlertStatus::New,
    }
}
