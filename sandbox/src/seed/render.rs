//! The Graph JSON shapes of seeded records: alerts_v2, legacy alerts and incidents.

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{AlertRecord, Comment, Host, IncidentRecord, evidence};
use crate::schema::legacy;

const PORTAL: &str = "https://security.microsoft.com";

/// A Graph DateTimeOffset string (`2026-11-24T08:00:00Z`).
pub fn date(value: OffsetDateTime) -> String {
    value.format(&Rfc3339).unwrap_or_default()
}

fn opt_date(value: Option<OffsetDateTime>) -> Value {
    value.map_or(Value::Null, |d| json!(date(d)))
}

/// The alerts_v2 properties Graph lets a `$filter` name.
pub const V2_FILTERABLE: [&str; 9] = [
    "assignedTo",
    "classification",
    "determination",
    "createdDateTime",
    "lastUpdateDateTime",
    "severity",
    "serviceSource",
    "status",
    "evidence",
];

/// `microsoft.graph.security.alert`.
pub fn alert_v2(alert: &AlertRecord) -> Value {
    let mut value = json!({
        "@odata.type": "#microsoft.graph.security.alert",
        "id": alert.id,
        "providerAlertId": alert.id,
        "incidentId": alert.incident_id,
        "detectionSource": alert.detection_source.name(),
        "productName": alert.source.product_name,
        "detectorId": format!("{}-{}", alert.source.id_prefix, alert.category.to_lowercase()),
        "tenantId": alert.tenant_id,
        "title": alert.title,
        "description": alert.description,
        "recommendedActions": alert.recommended_actions,
        "category": alert.category,
        "alertWebUrl": alert_web_url(alert),
        "incidentWebUrl": format!("{PORTAL}/incidents/{}?tid={}", alert.incident_id, alert.tenant_id),
        "actorDisplayName": null,
        "threatDisplayName": null,
        "threatFamilyName": null,
        "mitreTechniques": alert.mitre_techniques,
        "resolvedDateTime": opt_date(alert.resolved),
        "firstActivityDateTime": date(alert.first_activity),
        "lastActivityDateTime": date(alert.last_activity),
        "comments": alert.comments.iter().map(comment_v2).collect::<Vec<_>>(),
        "systemTags": [],
        "additionalData": {},
    });
    for name in V2_FILTERABLE {
        value[name] = v2_filterable(alert, name);
    }
    value
}

/// The alert with only the named filterable properties (others are left out): what a
/// `$filter` over them needs, without drawing the rest of the alert.
pub fn alert_v2_part(alert: &AlertRecord, names: &[&str]) -> Value {
    Value::Object(
        names
            .iter()
            .filter(|name| V2_FILTERABLE.contains(name))
            .map(|name| ((*name).to_owned(), v2_filterable(alert, name)))
            .collect(),
    )
}

fn v2_filterable(alert: &AlertRecord, name: &str) -> Value {
    match name {
        "assignedTo" => json!(alert.assigned_to),
        "classification" => json!(alert.classification.map(|c| c.name())),
        "determination" => json!(alert.determination.map(|d| d.name())),
        "createdDateTime" => json!(date(alert.created)),
        "lastUpdateDateTime" => json!(date(alert.last_update)),
        "severity" => json!(alert.severity.name()),
        "serviceSource" => json!(alert.service_source.name()),
        "status" => json!(alert.status.name()),
        "evidence" => Value::Array(evidence_v2(alert)),
        _ => Value::Null,
    }
}

/// The alert's devices and accounts, then its product's evidence.
fn evidence_v2(alert: &AlertRecord) -> Vec<Value> {
    let mut evidence: Vec<Value> = alert
        .hosts
        .iter()
        .map(|h| device_evidence(h, alert.created))
        .collect();
    evidence.extend(alert.accounts.iter().map(|a| {
        json!({
            "@odata.type": "#microsoft.graph.security.userEvidence",
            "createdDateTime": date(alert.created),
            "verdict": "suspicious",
            "remediationStatus": "none",
            "remediationStatusDetails": null,
            "roles": [],
            "detailedRoles": [],
            "tags": [],
            "userAccount": {
                "accountName": a.account_name,
                "domainName": a.domain,
                "userSid": null,
                "azureAdUserId": a.aad_user_id,
                "userPrincipalName": a.upn,
                "displayName": a.display_name,
            },
        })
    }));
    if let (Some(host), Some(account)) = (alert.hosts.first(), alert.accounts.first()) {
        evidence.extend(evidence::for_alert(
            alert.service_source,
            alert.evidence_variant,
            host,
            account,
            alert.created,
        ));
    }
    evidence
}

/// The portal link of an alert.
pub fn alert_web_url(alert: &AlertRecord) -> String {
    format!("{PORTAL}/alerts/{}?tid={}", alert.id, alert.tenant_id)
}

/// `microsoft.graph.security.alertComment`.
pub fn comment_v2(comment: &Comment) -> Value {
    json!({
        "@odata.type": "microsoft.graph.security.alertComment",
        "comment": comment.text,
        "createdByDisplayName": comment.by,
        "createdDateTime": date(comment.at),
    })
}

fn device_evidence(host: &Host, created: OffsetDateTime) -> Value {
    let (name, dns_domain) = host.fqdn.split_once('.').unwrap_or((&host.fqdn, ""));
    json!({
        "@odata.type": "#microsoft.graph.security.deviceEvidence",
        "createdDateTime": date(created),
        "verdict": "suspicious",
        "remediationStatus": "none",
        "remediationStatusDetails": null,
        "roles": [],
        "detailedRoles": [],
        "tags": [],
        "firstSeenDateTime": date(created - time::Duration::days(90)),
        "mdeDeviceId": host.device_id,
        "azureAdDeviceId": null,
        "deviceDnsName": host.fqdn,
        "hostName": name,
        "dnsDomain": dns_domain,
        "ntDomain": dns_domain.split('.').next().unwrap_or_default().to_uppercase(),
        "osPlatform": host.os,
        "osBuild": null,
        "version": null,
        "healthStatus": "active",
        "riskScore": "medium",
        "rbacGroupId": 0,
        "rbacGroupName": null,
        "onboardingStatus": "onboarded",
        "defenderAvStatus": "updated",
        "ipInterfaces": [host.private_ip],
        "loggedOnUsers": [],
        "vmMetadata": null,
    })
}

/// `microsoft.graph.alert` (legacy).
pub fn alert_legacy(alert: &AlertRecord) -> Value {
    let host_states: Vec<Value> = alert
        .hosts
        .iter()
        .map(|h| {
            json!({
                "fqdn": h.fqdn, "isAzureAdJoined": true, "isAzureAdRegistered": null,
                "isHybridAzureDomainJoined": false, "netBiosName": h.netbios_name, "os": h.os,
                "privateIpAddress": h.private_ip, "publicIpAddress": null, "riskScore": "medium",
            })
        })
        .collect();
    let user_states: Vec<Value> = alert
        .accounts
        .iter()
        .map(|a| {
            json!({
                "aadUserId": a.aad_user_id, "accountName": a.account_name, "domainName": a.domain,
                "emailRole": "unknown", "isVpn": null, "logonDateTime": date(alert.first_activity),
                "logonId": null, "logonIp": null, "logonLocation": null, "logonType": null,
                "onPremisesSecurityIdentifier": null, "riskScore": null,
                "userAccountType": null, "userPrincipalName": a.upn,
            })
        })
        .collect();
    json!({
        "id": alert.id,
        "activityGroupName": null,
        "assignedTo": alert.assigned_to,
        "azureSubscriptionId": null,
        "azureTenantId": alert.tenant_id,
        "category": alert.legacy_category,
        "closedDateTime": opt_date(alert.resolved),
        "comments": alert.comments.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(),
        "confidence": alert.confidence,
        "createdDateTime": date(alert.created),
        "description": alert.description,
        "detectionIds": [],
        "eventDateTime": date(alert.first_activity),
        "feedback": alert.classification.map(|c| legacy::AlertFeedback::from_v2(c).name()),
        "incidentIds": [alert.incident_id],
        "lastModifiedDateTime": date(alert.last_update),
        "recommendedActions": [alert.recommended_actions],
        "severity": alert.severity.name(),
        "sourceMaterials": [alert_web_url(alert)],
        "status": legacy::AlertStatus::from_v2(alert.status).name(),
        "tags": alert.tags,
        "title": alert.title,
        "vendorInformation": {
            "provider": alert.source.legacy_provider,
            "providerVersion": alert.source.provider_version,
            "subProvider": null,
            "vendor": "Microsoft",
        },
        "cloudAppStates": [], "fileStates": [], "hostStates": host_states, "malwareStates": [],
        "networkConnections": [], "processes": [], "registryKeyStates": [],
        "securityResources": [], "triggers": [], "userStates": user_states,
        "vulnerabilityStates": [],
    })
}

/// `microsoft.graph.security.incident`; `alerts` is included when given (`$expand=alerts`).
pub fn incident(incident: &IncidentRecord, alerts: Option<&[&AlertRecord]>) -> Value {
    let mut value = json!({
        "@odata.type": "#microsoft.graph.security.incident",
        "id": incident.id,
        "tenantId": incident.tenant_id,
        "displayName": incident.display_name,
        "incidentWebUrl": format!("{PORTAL}/incidents/{}?tid={}", incident.id, incident.tenant_id),
        "redirectIncidentId": incident.redirect_incident_id,
        "status": incident.status.name(),
        "severity": incident.severity.name(),
        "classification": incident.classification.map(|c| c.name()),
        "determination": incident.determination.map(|d| d.name()),
        "assignedTo": incident.assigned_to,
        "createdDateTime": date(incident.created),
        "lastUpdateDateTime": date(incident.last_update),
        "lastModifiedBy": incident.last_modified_by,
        "description": incident.description,
        "summary": incident.summary,
        "resolvingComment": incident.resolving_comment,
        "priorityScore": null,
        "comments": incident.comments.iter().map(comment_v2).collect::<Vec<_>>(),
        "customTags": incident.custom_tags,
        "systemTags": [],
    });
    if let Some(alerts) = alerts {
        value["alerts"] = alerts.iter().map(|a| alert_v2(a)).collect();
    }
    value
}
