//! Deterministic sample data for the sandbox's security routes.
//!
//! Each tenant gets a fixed list of alerts and the incidents that group them. Ids, titles, hosts,
//! users and enumeration values never change between runs; dates are the start time ("now")
//! minus fixed offsets, so "changed in the last 48 hours" style queries always have matches.
//!
//! Records are API-neutral: [`render`] produces both the alerts_v2 shape
//! (`microsoft.graph.security.alert`) and the legacy shape (`microsoft.graph.alert`) from the same
//! [`AlertRecord`], so an update through one API shows in the other. The mapping is:
//! status `new` ↔ `newAlert`; classification `truePositive`/`falsePositive`/
//! `informationalExpectedActivity` ↔ feedback `truePositive`/`falsePositive`/`benignPositive`;
//! v2 comments ↔ legacy comment strings; `lastUpdateDateTime` ↔ `lastModifiedDateTime`.
//!
//! Contoso (tenant key `contoso`) has 44 alerts over six service sources (six legacy providers),
//! every severity and status, eight devices and seven accounts (one with an apostrophe in its UPN,
//! one alert with markup in its title), 15 incidents (active, in progress, awaiting action,
//! redirected and resolved ones). Its alert 11 comes from Microsoft Sentinel (`serviceSource` and
//! `detectionSource` members Graph hides from clients that do not ask for them). Every alert
//! carries evidence of its product's kinds (files, processes, addresses, URLs, mail, cloud apps,
//! registry keys). Fabrikam has 6 alerts and 2 incidents.
//! Other tenants have no security data. [`Seed::generated`] makes any number of further alerts
//! for Contoso (benchmarks): Contoso's kinds of alert on generated devices and accounts.

mod build;
mod catalog;
mod contoso;
mod evidence;
mod fabrikam;
mod generated;
mod plan;
pub mod render;

#[cfg(test)]
mod tests;

pub use catalog::{SOURCES, Source};

use time::OffsetDateTime;

use crate::schema::security::{
    AlertClassification, AlertDetermination, AlertSeverity, AlertStatus, DetectionSource,
    IncidentStatus, ServiceSource,
};

/// Who changes an incident when Defender groups alerts into it (`lastModifiedBy`).
pub const CORRELATION_ENGINE: &str = "Microsoft 365 Defender-AlertCorrelation";

/// A device an alert involves (v2 `deviceEvidence`, legacy `hostStates`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host {
    pub fqdn: String,
    pub netbios_name: String,
    pub os: String,
    pub private_ip: String,
    pub device_id: String,
}

/// A user account an alert involves (v2 `userEvidence`, legacy `userStates`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub upn: String,
    pub account_name: String,
    pub display_name: String,
    pub domain: String,
    pub aad_user_id: String,
}

/// One analyst comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub text: String,
    pub by: String,
    pub at: OffsetDateTime,
}

/// One alert, independent of the API that shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertRecord {
    pub id: String,
    pub tenant_id: String,
    pub title: String,
    pub description: String,
    /// MITRE tactic (alerts_v2 `category`), e.g. "CredentialAccess".
    pub category: String,
    /// Legacy free-text category, e.g. "credentialTheft".
    pub legacy_category: String,
    pub severity: AlertSeverity,
    pub status: AlertStatus,
    pub classification: Option<AlertClassification>,
    pub determination: Option<AlertDetermination>,
    /// The product behind the legacy provider name; alerts_v2 shows `service_source`.
    pub source: &'static Source,
    /// alerts_v2 `serviceSource`: the source's, or a newer (evolvable) member.
    pub service_source: ServiceSource,
    /// alerts_v2 `detectionSource`.
    pub detection_source: DetectionSource,
    pub assigned_to: Option<String>,
    pub created: OffsetDateTime,
    pub first_activity: OffsetDateTime,
    pub last_activity: OffsetDateTime,
    pub last_update: OffsetDateTime,
    pub resolved: Option<OffsetDateTime>,
    pub hosts: Vec<Host>,
    pub accounts: Vec<Account>,
    /// Which of its product's evidence the alert shows beyond its devices and accounts (files,
    /// processes, addresses, mail, …; names, hashes and addresses derive from it). The evidence
    /// is drawn when the alert is shown, so a record stays small however many there are.
    pub evidence_variant: usize,
    pub comments: Vec<Comment>,
    pub incident_id: String,
    pub mitre_techniques: Vec<String>,
    pub recommended_actions: String,
    /// Legacy `tags`.
    pub tags: Vec<String>,
    /// Legacy `confidence` (1–100).
    pub confidence: u8,
}

/// One incident and the ids of the alerts it groups.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentRecord {
    pub id: String,
    pub tenant_id: String,
    pub display_name: String,
    pub severity: AlertSeverity,
    pub status: IncidentStatus,
    pub classification: Option<AlertClassification>,
    pub determination: Option<AlertDetermination>,
    pub assigned_to: Option<String>,
    pub created: OffsetDateTime,
    pub last_update: OffsetDateTime,
    /// Who changed the incident last (`lastModifiedBy`).
    pub last_modified_by: String,
    pub alert_ids: Vec<String>,
    pub comments: Vec<Comment>,
    pub custom_tags: Vec<String>,
    pub description: Option<String>,
    pub summary: Option<String>,
    pub resolving_comment: Option<String>,
    /// The incident this one was merged into (status `redirected`).
    pub redirect_incident_id: Option<String>,
}

/// A tenant's security data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Seed {
    pub alerts: Vec<AlertRecord>,
    pub incidents: Vec<IncidentRecord>,
}

impl Seed {
    /// The sample data of the tenant with key `tenant_key` (`contoso`, `fabrikam`; others are
    /// empty), stamped with `tenant_id`, dated relative to `now`.
    pub fn for_tenant(tenant_key: &str, tenant_id: &str, now: OffsetDateTime) -> Seed {
        let plan = match tenant_key {
            "contoso" => contoso::plan(),
            "fabrikam" => fabrikam::plan(),
            _ => return Seed::default(),
        };
        build::build(&plan, tenant_id, now)
    }

    /// `count` generated alerts for Contoso's directory, about five to an incident, created over
    /// the 30 days before `now` (for benchmarks). Their ids and incident ids differ from the
    /// hand-written seed's, so [`Seed::extend`] can add them to it.
    pub fn generated(tenant_id: &str, now: OffsetDateTime, count: usize) -> Seed {
        if count == 0 {
            return Seed::default();
        }
        build::build(&generated::plan(count), tenant_id, now)
    }

    /// Adds `other`'s alerts and incidents to this seed.
    pub fn extend(&mut self, other: Seed) {
        self.alerts.extend(other.alerts);
        self.incidents.extend(other.incidents);
    }
}

/// The service source's legacy provider name, or `None` for a source the seed does not use.
pub fn legacy_provider(service_source: ServiceSource) -> Option<&'static str> {
    SOURCES
        .iter()
        .find(|s| s.service_source == service_source)
        .map(|s| s.legacy_provider)
}
