//! Incidents on the live page: each change the mirror's sync (or a write through graphsec)
//! finds in an incident becomes a notification of its tenant, saying what changed, from → to,
//! and who changed it when graphsec knows. Graph has no change notifications for incidents;
//! this costs no Graph call beyond the sync.

use std::sync::Arc;

use serde_json::Value;
use tokio::sync::broadcast::error::RecvError;

use crate::notify::feed::journal::Journal;
use crate::notify::feed::sse::INCIDENTS;
use crate::notify::model::NewNotification;
use crate::notify::summary::{AlertFields, Change, Summary};
use crate::sync::store::Resource;
use crate::sync::{Changed, Mirror};

/// The subscription id incident notifications are filed under: graphsec's mirror itself.
pub const MIRROR_FEED: &str = "mirror";

/// Follows the mirror's changes for as long as the app runs. Each change is found by one
/// instance only (the one holding the tenant's sync lease, or the one a write went through:
/// the store hands back only what differs from what it held), so each instance publishes what
/// it found.
pub async fn run(mirror: Mirror, journal: Journal) {
    let mut changes = mirror.follow();
    loop {
        let changed = match changes.recv().await {
            Ok(changed) => changed,
            Err(RecvError::Lagged(missed)) => {
                tracing::warn!(missed, "the live view missed mirror changes");
                continue;
            }
            Err(RecvError::Closed) => return,
        };
        let batch = notifications(&changed);
        if batch.is_empty() {
            continue;
        }
        if let Err(error) = journal.append_owned(batch).await {
            tracing::warn!(%error, "incident changes could not be stored for the live view");
        }
    }
}

/// The incident changes of one sync run (or write) as notifications.
pub fn notifications(changed: &Changed) -> Vec<NewNotification> {
    let tenant: Arc<str> = changed.tenant.as_str().into();
    let feed: Arc<str> = MIRROR_FEED.into();
    changed
        .changes
        .iter()
        .filter(|c| c.resource == Resource::Incidents)
        .filter_map(|change| {
            let after: Value = serde_json::from_str(&change.after).ok()?;
            let before: Option<Value> = change
                .before
                .as_deref()
                .and_then(|b| serde_json::from_str(b).ok());
            let mut summary = Summary::between(
                before.as_ref().map(AlertFields::of).as_ref(),
                AlertFields::of(&after),
            );
            if let Some(before) = &before {
                let (was, now) = (alert_count(before), alert_count(&after));
                if was != now {
                    summary.changes.push(Change {
                        field: "alerts".into(),
                        from: Some(was.to_string()),
                        to: Some(now.to_string()),
                    });
                }
                // Only times moved: nothing an analyst triages by.
                if summary.changes.is_empty() {
                    return None;
                }
            }
            summary.by = changed.by.clone();
            Some(NewNotification {
                tenant_id: Arc::clone(&tenant),
                subscription_id: Arc::clone(&feed),
                change_type: if before.is_some() {
                    "updated"
                } else {
                    "created"
                }
                .into(),
                resource: format!("{INCIDENTS}{}", change.id),
                alert_id: None,
                raw: change.after.clone(),
                summary: Some(summary.to_json()),
            })
        })
        .collect()
}

fn alert_count(incident: &Value) -> usize {
    incident
        .get("alertIds")
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::sync::store::Change as Stored;

    fn changed(before: Option<Value>, after: Value) -> Changed {
        Changed {
            tenant: "t1".into(),
            changes: Arc::new(vec![Stored {
                resource: Resource::Incidents,
                id: "7".into(),
                before: before.map(|b| b.to_string()),
                after: after.to_string(),
            }]),
            by: Some("Megan Bowen".into()),
        }
    }

    #[test]
    fn an_incident_change_says_what_changed_and_who_changed_it() {
        let before = json!({"displayName": "Ransomware", "status": "active", "alertIds": ["a"]});
        let after =
            json!({"displayName": "Ransomware", "status": "inProgress", "alertIds": ["a", "b"]});
        let notes = notifications(&changed(Some(before), after));
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].resource, "security/incidents/7");
        let summary = Summary::from_json(notes[0].summary.as_deref().unwrap()).unwrap();
        assert_eq!(summary.alert.title.as_deref(), Some("Ransomware"));
        let fields: Vec<_> = summary.changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["status", "alerts"]);
        assert_eq!(summary.by.as_deref(), Some("Megan Bowen"));
    }

    #[test]
    fn a_new_incident_is_created_and_a_time_only_change_is_not_shown() {
        let new = notifications(&changed(None, json!({"displayName": "New one"})));
        assert_eq!(&*new[0].change_type, "created");
        let same = json!({"status": "active", "lastUpdateDateTime": "2026-12-01T00:00:00Z"});
        let later = json!({"status": "active", "lastUpdateDateTime": "2026-12-02T00:00:00Z"});
        assert!(notifications(&changed(Some(same), later)).is_empty());
    }
}
