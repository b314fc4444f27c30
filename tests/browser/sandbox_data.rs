//! What the sandbox tenant holds, read directly so tests can compare the page with the data.

use graphsec_sandbox::schema::security::AlertStatus;
use graphsec_sandbox::security::TenantRef;
use graphsec_sandbox::seed::AlertRecord;
use graphsec_sandbox::users::tenant_by_key;

use crate::browser::Session;

pub fn contoso() -> TenantRef<'static> {
    let tenant = tenant_by_key("contoso").expect("contoso exists");
    TenantRef {
        key: tenant.key,
        id: tenant.id,
    }
}

/// The contoso alerts as they are now.
pub fn alerts(session: &Session) -> Vec<AlertRecord> {
    session
        .sandbox
        .state()
        .security()
        .with_tenant(contoso(), |seed| seed.alerts.clone())
}

/// One contoso alert as it is now.
pub fn alert(session: &Session, id: &str) -> AlertRecord {
    session
        .sandbox
        .state()
        .security()
        .alert(contoso(), id)
        .expect("the alert exists")
}

/// The id of the first contoso incident.
pub fn an_incident_id(session: &Session) -> String {
    session
        .sandbox
        .state()
        .security()
        .with_tenant(contoso(), |seed| seed.incidents[0].id.clone())
}

/// One contoso incident as it is now.
pub fn incident(session: &Session, id: &str) -> graphsec_sandbox::seed::IncidentRecord {
    session
        .sandbox
        .state()
        .security()
        .with_tenant(contoso(), |seed| {
            seed.incidents.iter().find(|i| i.id == id).cloned()
        })
        .expect("the incident exists")
}

/// A new, unassigned contoso alert.
pub fn a_new_alert(session: &Session) -> String {
    alerts(session)
        .into_iter()
        .find(|a| a.status == AlertStatus::New && a.assigned_to.is_none())
        .expect("a new unassigned alert")
        .id
}
