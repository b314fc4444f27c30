//! The Defender API's shape of an incident (`/api/incidents`), made from the Graph shape
//! (`microsoft.graph.security.incident` with `alerts` expanded): renamed properties and
//! PascalCase enumerations, as the Defender API reference ("List incidents API") shows.

use serde_json::{Map, Value, json};

/// One incident in the Defender shape.
pub fn incident(graph: &Value) -> Value {
    let id = graph["id"].as_str().unwrap_or_default();
    let incident_id = id.parse::<i64>().map_or_else(|_| json!(id), |n| json!(n));
    let alerts: Vec<Value> = graph["alerts"]
        .as_array()
        .map(|alerts| alerts.iter().map(alert).collect())
        .unwrap_or_default();
    json!({
        "incidentId": incident_id,
        "incidentUri": graph["incidentWebUrl"],
        "redirectIncidentId": graph["redirectIncidentId"],
        "incidentName": graph["displayName"],
        "createdTime": graph["createdDateTime"],
        "lastUpdateTime": graph["lastUpdateDateTime"],
        "assignedTo": graph["assignedTo"],
        "classification": classification(&graph["classification"]),
        "determination": determination(&graph["determination"]),
        "status": pascal_or(&graph["status"], "Active"),
        "severity": severity(&graph["severity"]),
        "tags": graph["customTags"].as_array().cloned().unwrap_or_default(),
        "comments": graph["comments"].as_array().map(|c| c.iter().map(comment).collect::<Vec<_>>()).unwrap_or_default(),
        "alerts": alerts,
    })
}

fn comment(graph: &Value) -> Value {
    json!({
        "comment": graph["comment"],
        "createdBy": graph["createdByDisplayName"],
        "createdTime": graph["createdDateTime"],
    })
}

fn alert(graph: &Value) -> Value {
    let evidence = graph["evidence"].as_array().cloned().unwrap_or_default();
    let of_type = |suffix: &str| {
        evidence
            .iter()
            .filter(|e| {
                e["@odata.type"]
                    .as_str()
                    .is_some_and(|t| t.ends_with(suffix))
            })
            .cloned()
            .collect::<Vec<_>>()
    };
    let incident_id = graph["incidentId"].as_str().unwrap_or_default();
    json!({
        "alertId": graph["id"],
        "incidentId": incident_id.parse::<i64>().map_or_else(|_| json!(incident_id), |n| json!(n)),
        "serviceSource": pascal_or(&graph["serviceSource"], "Unknown"),
        "creationTime": graph["createdDateTime"],
        "lastUpdatedTime": graph["lastUpdateDateTime"],
        "resolvedTime": graph["resolvedDateTime"],
        "firstActivity": graph["firstActivityDateTime"],
        "lastActivity": graph["lastActivityDateTime"],
        "title": graph["title"],
        "description": graph["description"],
        "category": graph["category"],
        "status": pascal_or(&graph["status"], "Unknown"),
        "severity": severity(&graph["severity"]),
        "investigationId": null,
        "investigationState": "UnsupportedAlertType",
        "classification": classification(&graph["classification"]),
        "determination": determination(&graph["determination"]),
        "detectionSource": pascal_or(&graph["detectionSource"], "Unknown"),
        "assignedTo": graph["assignedTo"],
        "actorName": graph["actorDisplayName"],
        "threatFamilyName": graph["threatFamilyName"],
        "mitreTechniques": graph["mitreTechniques"].as_array().cloned().unwrap_or_default(),
        "devices": of_type("deviceEvidence").iter().map(device).collect::<Vec<_>>(),
        "entities": of_type("userEvidence").iter().map(user_entity).collect::<Vec<_>>(),
    })
}

fn device(evidence: &Value) -> Value {
    json!({
        "deviceId": evidence["mdeDeviceId"],
        "aadDeviceId": evidence["azureAdDeviceId"],
        "deviceDnsName": evidence["deviceDnsName"],
        "osPlatform": evidence["osPlatform"],
        "osBuild": evidence["osBuild"],
        "rbacGroupName": evidence["rbacGroupName"],
        "firstSeen": evidence["firstSeenDateTime"],
        "healthStatus": pascal_or(&evidence["healthStatus"], "Unknown"),
        "riskScore": pascal_or(&evidence["riskScore"], "None"),
    })
}

/// Every entity carries every field, null where it does not apply.
const ENTITY_FIELDS: [&str; 11] = [
    "accountName",
    "domainName",
    "userSid",
    "aadUserId",
    "userPrincipalName",
    "ipAddress",
    "url",
    "sha1",
    "sha256",
    "fileName",
    "deviceId",
];

fn user_entity(evidence: &Value) -> Value {
    let account = &evidence["userAccount"];
    let mut entity = Map::new();
    entity.insert("entityType".into(), json!("User"));
    for field in ENTITY_FIELDS {
        entity.insert(field.into(), Value::Null);
    }
    entity.insert("accountName".into(), account["accountName"].clone());
    entity.insert("domainName".into(), account["domainName"].clone());
    entity.insert("userSid".into(), account["userSid"].clone());
    entity.insert("aadUserId".into(), account["azureAdUserId"].clone());
    entity.insert(
        "userPrincipalName".into(),
        account["userPrincipalName"].clone(),
    );
    Value::Object(entity)
}

/// `inProgress` → `InProgress`; null or empty → `default`.
fn pascal_or(value: &Value, default: &str) -> Value {
    match value.as_str().filter(|s| !s.is_empty()) {
        Some(s) => json!(pascal(s)),
        None => json!(default),
    }
}

pub fn pascal(value: &str) -> String {
    let mut chars = value.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn severity(value: &Value) -> Value {
    match value.as_str() {
        None | Some("") | Some("unknown") => json!("UnSpecified"),
        Some(s) => json!(pascal(s)),
    }
}

fn classification(value: &Value) -> Value {
    pascal_or(value, "Unknown")
}

fn determination(value: &Value) -> Value {
    match value.as_str() {
        None | Some("") | Some("unknown") => json!("NotAvailable"),
        Some(s) => json!(pascal(s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_incidents_become_defender_incidents() {
        let graph = json!({
            "id": "29", "displayName": "Ransomware on PC1", "status": "inProgress", "severity": "high",
            "classification": null, "determination": "unknown", "customTags": ["Demo"],
            "createdDateTime": "2026-11-20T00:00:00Z", "lastUpdateDateTime": "2026-11-23T00:00:00Z",
            "comments": [{"comment": "seen", "createdByDisplayName": "Ann", "createdDateTime": "2026-11-21T00:00:00Z"}],
            "alerts": [{"id": "da1", "incidentId": "29", "status": "new", "severity": "unknown",
                "serviceSource": "microsoftDefenderForEndpoint", "detectionSource": "antivirus",
                "evidence": [
                    {"@odata.type": "#microsoft.graph.security.deviceEvidence", "deviceDnsName": "pc1.contoso.com",
                     "healthStatus": "active", "riskScore": "high", "mdeDeviceId": "m1"},
                    {"@odata.type": "#microsoft.graph.security.userEvidence",
                     "userAccount": {"accountName": "ann", "userPrincipalName": "ann@contoso.com"}}
                ]}]
        });
        let d = incident(&graph);
        assert_eq!(d["incidentId"], 29);
        assert_eq!(d["incidentName"], "Ransomware on PC1");
        assert_eq!(d["status"], "InProgress");
        assert_eq!(d["severity"], "High");
        assert_eq!(d["classification"], "Unknown");
        assert_eq!(d["determination"], "NotAvailable");
        assert_eq!(d["lastUpdateTime"], "2026-11-23T00:00:00Z");
        assert_eq!(d["tags"], json!(["Demo"]));
        assert_eq!(d["comments"][0]["createdBy"], "Ann");
        let a = &d["alerts"][0];
        assert_eq!(a["incidentId"], 29);
        assert_eq!(a["status"], "New");
        assert_eq!(a["severity"], "UnSpecified");
        assert_eq!(a["serviceSource"], "MicrosoftDefenderForEndpoint");
        assert_eq!(a["devices"][0]["deviceDnsName"], "pc1.contoso.com");
        assert_eq!(a["devices"][0]["healthStatus"], "Active");
        assert_eq!(a["entities"][0]["entityType"], "User");
        assert_eq!(a["entities"][0]["userPrincipalName"], "ann@contoso.com");
        assert!(a["entities"][0]["sha256"].is_null());
    }
}
