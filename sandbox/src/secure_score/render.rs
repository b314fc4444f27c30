//! The Graph JSON of the sandbox's secure scores and control profiles.

use serde_json::{Value, json};
use time::{Date, Duration, OffsetDateTime};

use super::controls::{Control, enabled_services, for_tenant, user_counts};

/// Days of score history kept (Graph keeps 90).
pub const HISTORY_DAYS: i64 = 30;

/// The tenant's daily scores, newest first; older days score a little lower.
pub fn scores(tenant_key: &str, tenant_id: &str, today: Date) -> Vec<Value> {
    let controls = for_tenant(tenant_key);
    if controls.is_empty() {
        return Vec::new();
    }
    (0..HISTORY_DAYS)
        .map(|days_ago| {
            score(
                tenant_key,
                tenant_id,
                controls,
                today - Duration::days(days_ago),
                days_ago,
            )
        })
        .collect()
}

fn score(
    tenant_key: &str,
    tenant_id: &str,
    controls: &[Control],
    day: Date,
    days_ago: i64,
) -> Value {
    let max: f64 = controls.iter().map(|c| c.max_score).sum();
    let current: f64 = controls.iter().map(|c| c.score).sum();
    let current = (current - 0.5 * days_ago as f64).max(0.0);
    let (licensed, active) = user_counts(tenant_key);
    let created = OffsetDateTime::new_utc(day, time::Time::MIDNIGHT);
    json!({
        "id": format!("{tenant_id}_{day}"),
        "azureTenantId": tenant_id,
        "activeUserCount": active,
        "createdDateTime": date(created),
        "currentScore": current,
        "maxScore": max,
        "enabledServices": enabled_services(tenant_key),
        "licensedUserCount": licensed,
        "averageComparativeScores": [
            {"basis": "AllTenants", "averageScore": (max * 0.38 * 100.0).round() / 100.0},
            {"basis": "TotalSeats", "averageScore": (max * 0.41 * 100.0).round() / 100.0},
        ],
        "controlScores": controls.iter().map(|c| json!({
            "controlCategory": c.category,
            "controlName": c.id,
            "description": c.title,
            "score": if days_ago == 0 { c.score } else { (c.score - 0.5).max(0.0) },
        })).collect::<Vec<_>>(),
        "vendorInformation": vendor(),
    })
}

/// The tenant's control profiles, in catalogue order.
pub fn profiles(tenant_key: &str, tenant_id: &str, today: Date) -> Vec<Value> {
    let modified = OffsetDateTime::new_utc(today - Duration::days(14), time::Time::MIDNIGHT);
    for_tenant(tenant_key)
        .iter()
        .enumerate()
        .map(|(rank, c)| {
            json!({
                "id": c.id,
                "azureTenantId": tenant_id,
                "title": c.title,
                "controlCategory": c.category,
                "service": c.service,
                "maxScore": c.max_score,
                "rank": rank + 1,
                "actionType": c.action_type,
                "actionUrl": c.action_url,
                "tier": c.tier,
                "userImpact": c.user_impact,
                "implementationCost": c.implementation_cost,
                "threats": c.threats,
                "remediation": c.remediation,
                "remediationImpact": c.remediation_impact,
                "deprecated": false,
                "lastModifiedDateTime": date(modified),
                "complianceInformation": [],
                "controlStateUpdates": [],
                "vendorInformation": vendor(),
            })
        })
        .collect()
}

fn date(at: OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn vendor() -> Value {
    json!({"provider": "SecureScore", "providerVersion": null, "subProvider": null, "vendor": "Microsoft"})
}
