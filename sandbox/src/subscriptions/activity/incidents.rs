//! Generated incident activity: each round one incident of a tenant changes as an analyst (or
//! Defender's correlation) would change it, in turn its status, its assignment, its
//! classification and determination (a pair Defender accepts), or a new alert grouped into it.
//! Changes go through the same rules as `PATCH /security/incidents/{id}`, so each one also moves
//! the incident's `lastUpdateDateTime` and `lastModifiedBy`.

use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::schema::security::{
    AlertClassification, AlertDetermination, AlertStatus, IncidentStatus,
};
use crate::security::incident_patch::{self, Editor, fits};
use crate::security::{SecurityStore, TenantRef};
use crate::seed::CORRELATION_ENGINE;
use crate::users::{Tenant, users_in};

/// The kinds of change, taken in turn.
const CHANGES: usize = 4;

/// Changes one incident of `tenant` (chosen round-robin; redirected incidents are left alone)
/// and returns its id.
pub fn step(
    store: &SecurityStore,
    tenant: &Tenant,
    round: usize,
    now: OffsetDateTime,
) -> Option<String> {
    let tenant_ref = TenantRef {
        key: tenant.key,
        id: tenant.id,
    };
    let (id, current) = store.with_tenant(tenant_ref, |seed| {
        let open: Vec<_> = seed
            .incidents
            .iter()
            .filter(|i| i.status != IncidentStatus::Redirected)
            .collect();
        let incident = open.get(round % open.len().max(1))?;
        Some((incident.id.clone(), (*incident).clone()))
    })?;
    let analysts: Vec<&str> = users_in(tenant).map(|u| u.upn).collect();
    let analyst = analysts.get(round % analysts.len().max(1)).copied();
    let body = match (round + round / CHANGES) % CHANGES {
        0 => json!({"status": next_status(current.status).name()}),
        1 => json!({"assignedTo": next_assignee(current.assigned_to.as_deref(), &analysts)}),
        2 => {
            let (classification, determination) = verdict(round);
            json!({"classification": classification.name(), "determination": determination.name()})
        }
        _ => return add_alert(store, tenant_ref, &id, now).then_some(id),
    };
    let editor = Editor {
        name: analyst.unwrap_or(CORRELATION_ENGINE),
        evolvable: true,
    };
    store
        .update_incident(tenant_ref, &id, |incident| {
            incident_patch::apply(incident, &body, &editor, now)
        })
        .ok()
        .map(|()| id)
}

fn next_status(status: IncidentStatus) -> IncidentStatus {
    match status {
        IncidentStatus::Active => IncidentStatus::InProgress,
        IncidentStatus::InProgress | IncidentStatus::AwaitingAction => IncidentStatus::Resolved,
        _ => IncidentStatus::Active,
    }
}

/// The analyst after `current` in the tenant's list, or nobody after the last.
fn next_assignee(current: Option<&str>, analysts: &[&str]) -> Value {
    let next = match current.and_then(|c| analysts.iter().position(|a| *a == c)) {
        None => analysts.first(),
        Some(at) => analysts.get(at + 1),
    };
    json!(next)
}

/// The `round`-th of the pairs Defender accepts (a determination that suits its classification).
fn verdict(round: usize) -> (AlertClassification, AlertDetermination) {
    let pairs: Vec<_> = AlertClassification::MEMBERS
        .iter()
        .flat_map(|c| AlertDetermination::MEMBERS.iter().map(move |d| (*c, *d)))
        .filter(|(c, d)| *d != AlertDetermination::Unknown && fits(*c, *d))
        .collect();
    pairs[(round / CHANGES) % pairs.len()]
}

/// Groups a new alert into the incident: a fresh sighting of its first alert's kind.
fn add_alert(store: &SecurityStore, tenant: TenantRef<'_>, id: &str, now: OffsetDateTime) -> bool {
    let alert = store.with_tenant(tenant, |seed| {
        let incident = seed.incidents.iter().find(|i| i.id == id)?;
        let first = seed
            .alerts
            .iter()
            .find(|a| incident.alert_ids.first() == Some(&a.id))?;
        let mut alert = first.clone();
        alert.id = format!(
            "{}639{}{:04}",
            first.source.id_prefix,
            incident.id,
            incident.alert_ids.len() + 1
        );
        if seed.alerts.iter().any(|a| a.id == alert.id) {
            return None;
        }
        alert.status = AlertStatus::New;
        alert.classification = None;
        alert.determination = None;
        alert.assigned_to = None;
        alert.created = now;
        alert.first_activity = now;
        alert.last_activity = now;
        alert.last_update = now;
        alert.resolved = None;
        alert.comments.clear();
        Some(alert)
    });
    let Some(alert) = alert else {
        return false;
    };
    let alert_id = alert.id.clone();
    store.insert_alert(tenant, alert);
    store
        .update_incident(tenant, id, |incident| {
            incident.alert_ids.push(alert_id);
            incident.last_update = now;
            incident.last_modified_by = CORRELATION_ENGINE.to_string();
            Ok(())
        })
        .is_ok()
}
