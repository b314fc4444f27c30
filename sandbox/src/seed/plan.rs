//! What a tenant's sample data is made of, before it is expanded into records.

use time::Duration;

use super::{Account, Host};
use crate::schema::security::ServiceSource;

/// One kind of alert; the seed cycles through a tenant's templates.
pub(super) struct Template {
    pub title: &'static str,
    pub description: &'static str,
    /// MITRE tactic (alerts_v2 category).
    pub category: &'static str,
    /// Legacy free-text category.
    pub legacy_category: &'static str,
    pub service_source: ServiceSource,
    pub techniques: &'static [&'static str],
    pub recommended_actions: &'static str,
}

/// A tenant's sample data before expansion.
pub(super) struct Plan {
    /// Two digits that make this tenant's ids unique.
    pub id_tag: u32,
    pub alert_count: usize,
    pub alerts_per_incident: usize,
    pub first_incident_id: u32,
    /// How far apart alerts were created, newest first.
    pub spacing: Duration,
    pub templates: Vec<Template>,
    pub hosts: Vec<Host>,
    pub accounts: Vec<Account>,
    /// Analysts alerts get assigned to (demo users' UPNs).
    pub analysts: Vec<&'static str>,
    /// The index of the alert that comes from Microsoft Sentinel, a newer service source.
    pub sentinel_alert: Option<usize>,
}

pub(super) fn host(fqdn: &str, os: &str, ip: &str, device_id: &str) -> Host {
    let netbios = fqdn.split('.').next().unwrap_or(fqdn).to_uppercase();
    Host {
        fqdn: fqdn.to_string(),
        netbios_name: netbios,
        os: os.to_string(),
        private_ip: ip.to_string(),
        device_id: device_id.to_string(),
    }
}

pub(super) fn account(upn: &str, display_name: &str, aad_user_id: &str) -> Account {
    let (name, domain) = upn.split_once('@').unwrap_or((upn, ""));
    Account {
        upn: upn.to_string(),
        account_name: name.to_string(),
        display_name: display_name.to_string(),
        domain: domain.to_string(),
        aad_user_id: aad_user_id.to_string(),
    }
}
