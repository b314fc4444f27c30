//! Expanding a [`Plan`] into alert and incident records.
//!
//! Every choice is a function of the alert's index, so the data is the same on every run.

use time::{Duration, OffsetDateTime};

use super::catalog::source;
use super::plan::Plan;
use super::{AlertRecord, CORRELATION_ENGINE, Comment, IncidentRecord, Seed};
use crate::schema::security::{
    AlertClassification as Classification, AlertDetermination as Determination, AlertSeverity,
    AlertStatus, DetectionSource, IncidentStatus, ServiceSource,
};

/// Severities from least to most severe; alert `i` gets `SEVERITIES[i % 5]`.
const SEVERITIES: [AlertSeverity; 5] = [
    AlertSeverity::Unknown,
    AlertSeverity::Informational,
    AlertSeverity::Low,
    AlertSeverity::Medium,
    AlertSeverity::High,
];

const STATUSES: [AlertStatus; 7] = [
    AlertStatus::New,
    AlertStatus::InProgress,
    AlertStatus::Resolved,
    AlertStatus::New,
    AlertStatus::Unknown,
    AlertStatus::InProgress,
    AlertStatus::New,
];

/// Incident `n` (counted from 0) is resolved when `n % 7 == 6`, awaiting action when
/// `n % 7 == 2`; incident 4 was merged into incident 3 (redirected).
const RESOLVED_INCIDENT_EVERY: usize = 7;
const AWAITING_ACTION_AT: usize = 2;
const REDIRECTED_INCIDENT: usize = 4;

const VERDICTS: [(Classification, Determination); 4] = [
    (Classification::TruePositive, Determination::Malware),
    (Classification::FalsePositive, Determination::NotMalicious),
    (
        Classification::InformationalExpectedActivity,
        Determination::SecurityTesting,
    ),
    (
        Classification::TruePositive,
        Determination::CompromisedAccount,
    ),
];

const COMMENTS: [&str; 3] = [
    "Looked at the device timeline; nothing else suspicious.",
    "Contacted the user, waiting for an answer.",
    "Escalated to the incident response team.",
];

pub(super) fn build(plan: &Plan, tenant_id: &str, now: OffsetDateTime) -> Seed {
    let now = now.replace_nanosecond(0).unwrap_or(now);
    let alerts: Vec<AlertRecord> = (0..plan.alert_count)
        .map(|i| alert(plan, i, tenant_id, now))
        .collect();
    let incidents = alerts
        .chunks(plan.alerts_per_incident.max(1))
        .enumerate()
        .map(|(n, group)| incident(plan, n, group, tenant_id))
        .collect();
    Seed { alerts, incidents }
}

fn alert(plan: &Plan, i: usize, tenant_id: &str, now: OffsetDateTime) -> AlertRecord {
    let template = &plan.templates[i % plan.templates.len()];
    let source = source(template.service_source);
    let created = now - Duration::minutes(40) - plan.spacing * i as u32;
    let last_update = (created + Duration::minutes(5 + 37 * (i % 5) as i64)).min(now);
    // Every seventh incident has all its alerts resolved, so the tenant has resolved incidents.
    let incident = i / plan.alerts_per_incident.max(1);
    let status = if incident % RESOLVED_INCIDENT_EVERY == RESOLVED_INCIDENT_EVERY - 1 {
        AlertStatus::Resolved
    } else {
        STATUSES[i % STATUSES.len()]
    };
    let resolved = (status == AlertStatus::Resolved).then_some(last_update);
    let verdict = match status {
        AlertStatus::Resolved => Some(VERDICTS[(i / 7) % VERDICTS.len()]),
        AlertStatus::InProgress if i % 2 == 1 => {
            Some((Classification::Unknown, Determination::Unknown))
        }
        _ => None,
    };
    let assigned_to = match (status, i % 4) {
        (AlertStatus::New, 0) | (AlertStatus::Unknown, _) => None,
        _ => Some(plan.analysts[(i / 2) % plan.analysts.len()].to_string()),
    };
    let mut hosts = vec![plan.hosts[i % plan.hosts.len()].clone()];
    if i % 6 == 5 {
        hosts.push(plan.hosts[(i + 3) % plan.hosts.len()].clone());
    }
    let accounts = vec![plan.accounts[(i * 3) % plan.accounts.len()].clone()];
    let (service_source, detection_source) = if plan.sentinel_alert == Some(i) {
        (
            ServiceSource::MicrosoftSentinel,
            DetectionSource::ScheduledAlerts,
        )
    } else {
        (source.service_source, source.detection_source)
    };
    let comments = (0..i % 3)
        .map(|c| Comment {
            text: COMMENTS[(i + c) % COMMENTS.len()].to_string(),
            by: display_name(plan, plan.analysts[c % plan.analysts.len()]),
            at: created + Duration::minutes(2 + c as i64),
        })
        .collect();
    AlertRecord {
        id: format!("{}638{:02}0000{:04}", source.id_prefix, plan.id_tag, i + 1),
        tenant_id: tenant_id.to_string(),
        title: template.title.to_string(),
        description: template.description.to_string(),
        category: template.category.to_string(),
        legacy_category: template.legacy_category.to_string(),
        severity: SEVERITIES[i % SEVERITIES.len()],
        status,
        classification: verdict.map(|v| v.0),
        determination: verdict.map(|v| v.1),
        source,
        service_source,
        detection_source,
        assigned_to,
        created,
        first_activity: created - Duration::minutes(30),
        last_activity: created - Duration::minutes(3),
        last_update,
        resolved,
        hosts,
        accounts,
        evidence_variant: i,
        comments,
        incident_id: (plan.first_incident_id as usize + i / plan.alerts_per_incident.max(1))
            .to_string(),
        mitre_techniques: template.techniques.iter().map(|t| t.to_string()).collect(),
        recommended_actions: template.recommended_actions.to_string(),
        tags: if i.is_multiple_of(5) {
            vec!["Demo".to_string()]
        } else {
            Vec::new()
        },
        confidence: (40 + (i * 13) % 60) as u8,
    }
}

/// The display name of an analyst's account (comments carry display names).
fn display_name(plan: &Plan, upn: &str) -> String {
    plan.accounts
        .iter()
        .find(|a| a.upn == upn)
        .map_or_else(|| upn.to_string(), |a| a.display_name.clone())
}

fn incident(plan: &Plan, n: usize, group: &[AlertRecord], tenant_id: &str) -> IncidentRecord {
    let id = plan.first_incident_id + n as u32;
    let rank = |s: AlertSeverity| SEVERITIES.iter().position(|x| *x == s).unwrap_or(0);
    let severity = group.iter().map(|a| a.severity).max_by_key(|s| rank(*s));
    let redirected = n == REDIRECTED_INCIDENT && plan.alert_count > 5 * plan.alerts_per_incident;
    let status = if group.iter().all(|a| a.status == AlertStatus::Resolved) {
        IncidentStatus::Resolved
    } else if redirected {
        IncidentStatus::Redirected
    } else if n % RESOLVED_INCIDENT_EVERY == AWAITING_ACTION_AT {
        IncidentStatus::AwaitingAction
    } else if group.iter().any(|a| a.status == AlertStatus::InProgress) {
        IncidentStatus::InProgress
    } else {
        IncidentStatus::Active
    };
    let first = &group[0];
    let comments = match (n % 3, first.assigned_to.as_deref()) {
        (1, Some(analyst)) => vec![Comment {
            text: COMMENTS[n % COMMENTS.len()].to_string(),
            by: display_name(plan, analyst),
            at: first.last_update,
        }],
        _ => Vec::new(),
    };
    IncidentRecord {
        id: id.to_string(),
        tenant_id: tenant_id.to_string(),
        display_name: format!("{} involving {}", first.title, first.hosts[0].netbios_name),
        severity: severity.unwrap_or(AlertSeverity::Unknown),
        status,
        classification: first.classification,
        determination: first.determination,
        assigned_to: first.assigned_to.clone(),
        created: group
            .iter()
            .map(|a| a.created)
            .min()
            .unwrap_or(first.created),
        last_update: group
            .iter()
            .map(|a| a.last_update)
            .max()
            .unwrap_or(first.last_update),
        last_modified_by: CORRELATION_ENGINE.to_string(),
        alert_ids: group.iter().map(|a| a.id.clone()).collect(),
        comments,
        custom_tags: if id.is_multiple_of(2) {
            vec!["Demo".to_string()]
        } else {
            Vec::new()
        },
        description: Some(first.description.clone()),
        summary: None,
        resolving_comment: None,
        redirect_incident_id: redirected.then(|| (id - 1).to_string()),
    }
}
