use std::collections::BTreeSet;

use super::*;
use crate::SandboxOptions;
use crate::schema::security::IncidentStatus;
use crate::security::incident_patch::fits;
use crate::security::listing::{Collection, ListOptions};
use crate::seed::{IncidentRecord, Seed};

fn contoso() -> TenantRef<'static> {
    let tenant = tenant_by_key("contoso").unwrap();
    TenantRef {
        key: tenant.key,
        id: tenant.id,
    }
}

fn seed(state: &SandboxState) -> Seed {
    state.security().with_tenant(contoso(), |seed| seed.clone())
}

fn find<'a>(seed: &'a Seed, id: &str) -> &'a IncidentRecord {
    seed.incidents.iter().find(|i| i.id == id).unwrap()
}

/// The incidents a `lastUpdateDateTime ge since` listing finds.
fn updated_since(state: &SandboxState, since: OffsetDateTime) -> Vec<String> {
    let filter = format!("lastUpdateDateTime ge {}", render::date(since));
    let options = ListOptions::parse(Collection::Incidents, &[("$filter".into(), filter)]);
    let page = state
        .security()
        .list_incidents(contoso(), &options.unwrap());
    page.items
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn activity_changes_incidents_and_their_last_update_time() {
    let state = SandboxState::for_tests(SandboxOptions::default());
    let mut seen = BTreeSet::new();
    for round in 0..16 {
        let before = seed(&state);
        let at = OffsetDateTime::now_utc();
        let id = step_incident(&state, "contoso", round).expect("an incident changes");
        let after = seed(&state);
        let (old, new) = (find(&before, &id), find(&after, &id));
        assert!(
            new.last_update >= at && new.last_update > old.last_update,
            "{id}"
        );
        assert_ne!(new.status, IncidentStatus::Redirected);
        if let (Some(c), Some(d)) = (new.classification, new.determination) {
            assert!(fits(c, d), "{c}/{d}");
        }
        if new.status != old.status {
            seen.insert("status");
        }
        if new.assigned_to != old.assigned_to {
            seen.insert("assignment");
        }
        if (new.classification, new.determination) != (old.classification, old.determination) {
            seen.insert("verdict");
        }
        if new.alert_ids.len() > old.alert_ids.len() {
            let added = new.alert_ids.last().unwrap();
            let alert = after.alerts.iter().find(|a| &a.id == added).unwrap();
            assert_eq!(alert.incident_id, id);
            assert_eq!(after.alerts.len(), before.alerts.len() + 1);
            seen.insert("alert added");
        }
        assert_eq!(updated_since(&state, at), [id]);
    }
    assert_eq!(seen.len(), 4, "{seen:?}");
}
