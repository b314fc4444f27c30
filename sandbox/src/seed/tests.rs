use std::collections::BTreeSet;

use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use serde_json::Value;

use super::*;

const NOW: OffsetDateTime = datetime!(2026-11-24 12:00:00.5 UTC);

fn contoso() -> Seed {
    Seed::for_tenant("contoso", "tid-contoso", NOW)
}

#[test]
fn the_seed_is_deterministic_and_ids_are_unique() {
    let seed = contoso();
    assert_eq!(seed, contoso());
    let ids: BTreeSet<_> = seed.alerts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids.len(), seed.alerts.len());
    assert!(
        seed.alerts
            .iter()
            .all(|a| a.id.chars().all(|c| c.is_ascii_alphanumeric()))
    );
}

#[test]
fn contoso_covers_every_severity_status_and_many_sources() {
    let seed = contoso();
    assert!(seed.alerts.len() >= 40);
    for severity in AlertSeverity::MEMBERS {
        assert!(
            seed.alerts.iter().any(|a| a.severity == *severity),
            "{severity}"
        );
    }
    for status in AlertStatus::MEMBERS {
        assert!(seed.alerts.iter().any(|a| a.status == *status), "{status}");
    }
    let sources: BTreeSet<_> = seed
        .alerts
        .iter()
        .map(|a| a.source.legacy_provider)
        .collect();
    assert!(sources.len() >= 5);
    assert!(seed.alerts.iter().any(|a| a.comments.len() >= 2));
    assert!(seed.alerts.iter().any(|a| a.title.contains("<script>")));
}

#[test]
fn fabrikam_has_its_own_smaller_data_and_others_none() {
    let seed = Seed::for_tenant("fabrikam", "tid-fabrikam", NOW);
    assert_eq!(seed.alerts.len(), 6);
    assert!(seed.alerts.iter().all(|a| a.tenant_id == "tid-fabrikam"));
    assert!(
        seed.alerts
            .iter()
            .all(|a| a.hosts[0].fqdn.ends_with("fabrikam.example"))
    );
    assert_eq!(Seed::for_tenant("northwind", "x", NOW), Seed::default());
}

#[test]
fn contoso_has_incidents_in_every_status_the_seed_derives() {
    let seed = contoso();
    for status in [
        IncidentStatus::Active,
        IncidentStatus::InProgress,
        IncidentStatus::Resolved,
    ] {
        assert!(
            seed.incidents.iter().any(|i| i.status == status),
            "no {status} incident"
        );
    }
}

#[test]
fn incidents_group_every_alert_once() {
    let seed = contoso();
    let grouped: Vec<_> = seed
        .incidents
        .iter()
        .flat_map(|i| i.alert_ids.clone())
        .collect();
    let ids: Vec<_> = seed.alerts.iter().map(|a| a.id.clone()).collect();
    assert_eq!(grouped, ids);
    for alert in &seed.alerts {
        let incident = seed
            .incidents
            .iter()
            .find(|i| i.id == alert.incident_id)
            .unwrap();
        assert!(incident.alert_ids.contains(&alert.id));
    }
}

#[test]
fn dates_are_relative_to_now_and_some_changed_recently() {
    let seed = contoso();
    let recent = seed
        .alerts
        .iter()
        .filter(|a| a.last_update >= NOW - Duration::hours(48))
        .count();
    assert!(recent >= 5 && recent < seed.alerts.len(), "{recent}");
    assert!(
        seed.alerts
            .iter()
            .all(|a| a.last_update <= NOW && a.created <= a.last_update)
    );
    let json = render::alert_v2(&seed.alerts[0]);
    assert_eq!(json["createdDateTime"], "2026-11-24T11:20:00Z");
}

#[test]
fn legacy_shape_maps_status_feedback_and_provider() {
    let seed = contoso();
    let resolved = seed
        .alerts
        .iter()
        .find(|a| a.status == AlertStatus::Resolved)
        .unwrap();
    let json = render::alert_legacy(resolved);
    assert_eq!(json["status"], "resolved");
    assert!(json["feedback"].is_string());
    assert_eq!(json["vendorInformation"]["vendor"], "Microsoft");
    assert!(json["closedDateTime"].is_string());
    let new = seed
        .alerts
        .iter()
        .find(|a| a.status == AlertStatus::New)
        .unwrap();
    assert_eq!(render::alert_legacy(new)["status"], "newAlert");
    assert_eq!(
        render::alert_legacy(new)["feedback"],
        serde_json::Value::Null
    );
}

#[test]
fn incident_json_expands_alerts_when_asked() {
    let seed = contoso();
    let incident = &seed.incidents[0];
    let alerts: Vec<&AlertRecord> = seed
        .alerts
        .iter()
        .filter(|a| a.incident_id == incident.id)
        .collect();
    let json = render::incident(incident, Some(&alerts));
    assert_eq!(json["alerts"].as_array().unwrap().len(), 3);
    assert!(render::incident(incident, None).get("alerts").is_none());
}

#[test]
fn contoso_incidents_take_every_status_an_analyst_meets() {
    let statuses: BTreeSet<&str> = contoso()
        .incidents
        .iter()
        .map(|i| i.status.name())
        .collect();
    for status in [
        "active",
        "inProgress",
        "awaitingAction",
        "redirected",
        "resolved",
    ] {
        assert!(statuses.contains(status), "{status} missing: {statuses:?}");
    }
    let seed = contoso();
    let redirected = seed
        .incidents
        .iter()
        .find(|i| i.status == IncidentStatus::Redirected)
        .unwrap();
    let target = redirected.redirect_incident_id.as_deref().unwrap();
    assert!(seed.incidents.iter().any(|i| i.id == target));
    assert!(seed.incidents.iter().any(|i| !i.comments.is_empty()));
    assert!(seed.incidents.iter().any(|i| !i.custom_tags.is_empty()));
}

#[test]
fn contoso_alerts_carry_every_kind_of_evidence_and_one_newer_source() {
    let seed = contoso();
    let kinds: BTreeSet<String> = seed
        .alerts
        .iter()
        .flat_map(|a| render::alert_v2(a)["evidence"].as_array().unwrap().clone())
        .map(|e| e["@odata.type"].as_str().unwrap().to_string())
        .collect();
    for kind in [
        "deviceEvidence",
        "userEvidence",
        "fileEvidence",
        "processEvidence",
        "ipEvidence",
        "urlEvidence",
        "mailboxEvidence",
        "analyzedMessageEvidence",
        "cloudApplicationEvidence",
        "registryKeyEvidence",
        "securityGroupEvidence",
        "mailClusterEvidence",
    ] {
        let full = format!("#microsoft.graph.security.{kind}");
        assert!(kinds.contains(&full), "{kind} missing");
    }
    let newer: Vec<_> = seed
        .alerts
        .iter()
        .filter(|a| a.service_source.is_evolvable())
        .collect();
    assert_eq!(newer.len(), 1);
    assert!(newer[0].detection_source.is_evolvable());
}

fn distinct<'a>(ids: impl Iterator<Item = &'a String>) -> usize {
    ids.collect::<BTreeSet<_>>().len()
}

#[test]
fn generated_alerts_number_as_asked_and_cover_every_value() {
    let seed = Seed::generated("tid-contoso", NOW, 1000);
    assert_eq!(
        seed,
        Seed::generated("tid-contoso", NOW, 1000),
        "deterministic"
    );
    assert_eq!(seed.alerts.len(), 1000);
    assert_eq!(seed.incidents.len(), 200, "five alerts to an incident");
    assert_eq!(Seed::generated("tid-contoso", NOW, 0), Seed::default());
    let hand = contoso();
    let alert_ids = seed.alerts.iter().chain(&hand.alerts).map(|a| &a.id);
    assert_eq!(distinct(alert_ids), 1044, "no id repeats Contoso's own");
    let incident_ids = seed.incidents.iter().chain(&hand.incidents).map(|i| &i.id);
    assert_eq!(distinct(incident_ids), 215);
    for alert in &seed.alerts {
        assert!(alert.created <= NOW && alert.created >= NOW - Duration::days(30));
        assert!(alert.last_update <= NOW && alert.last_update >= alert.created);
    }
    let oldest = seed.alerts.iter().map(|a| a.created).min().unwrap();
    assert!(oldest < NOW - Duration::days(29), "spread over 30 days");
    for severity in AlertSeverity::MEMBERS {
        assert!(seed.alerts.iter().any(|a| a.severity == *severity));
    }
    for status in AlertStatus::MEMBERS {
        assert!(seed.alerts.iter().any(|a| a.status == *status), "{status}");
    }
    let sources: BTreeSet<_> = seed
        .alerts
        .iter()
        .map(|a| a.service_source.name())
        .collect();
    assert_eq!(
        sources.len(),
        SOURCES.len() + 1,
        "every product and Sentinel"
    );
    let statuses: BTreeSet<_> = seed.incidents.iter().map(|i| i.status.name()).collect();
    assert!(statuses.len() >= 4, "{statuses:?}");
    let hosts: BTreeSet<_> = seed.alerts.iter().map(|a| &a.hosts[0].fqdn).collect();
    assert!(hosts.len() > 300, "{} devices", hosts.len());
}

#[test]
fn generated_alerts_carry_evidence_of_every_kind_a_mirror_reads() {
    let seed = Seed::generated("tid-contoso", NOW, 60);
    let evidence: Vec<Value> = seed
        .alerts
        .iter()
        .flat_map(|a| render::alert_v2(a)["evidence"].as_array().unwrap().clone())
        .collect();
    let of = |kind: &str| {
        let kind = format!("#microsoft.graph.security.{kind}");
        evidence
            .iter()
            .find(|e| e["@odata.type"] == kind.as_str())
            .unwrap_or_else(|| panic!("no {kind}"))
            .clone()
    };
    let device = of("deviceEvidence");
    assert!(
        device["deviceDnsName"]
            .as_str()
            .unwrap()
            .ends_with(".contoso.example")
    );
    assert!(device["hostName"].is_string());
    assert!(of("userEvidence")["userAccount"]["userPrincipalName"].is_string());
    assert!(of("ipEvidence")["ipAddress"].is_string());
    let sha256 = of("fileEvidence")["fileDetails"]["sha256"].clone();
    assert_eq!(sha256.as_str().unwrap().len(), 64);
    assert!(of("processEvidence")["processCommandLine"].is_string());
    assert!(of("urlEvidence")["url"].is_string());
    assert!(of("mailboxEvidence")["primaryAddress"].is_string());
}
