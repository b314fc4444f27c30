//! What the mirror keeps of an alert or an incident: the columns lists filter and sort on, the
//! text the search reads, and the item's JSON as Graph sent it.

use serde_json::Value;

use crate::graph::odata;

/// One mirrored item, ready to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub id: String,
    /// The alert's incident (alerts only).
    pub incident_id: String,
    pub severity: String,
    pub status: String,
    pub service_source: String,
    pub classification: String,
    pub determination: String,
    /// Lower case: Graph compares UPNs without case.
    pub assigned_to: String,
    /// How many alerts an incident holds (incidents only).
    pub alert_count: i64,
    pub created_ms: i64,
    pub updated_ms: i64,
    /// Host names, one per line (search and the host filter).
    pub hosts: String,
    /// User names, UPNs and mailboxes, one per line (search and the user filter).
    pub users: String,
    /// Every other searchable word: title, description, ids, addresses, files, hashes, command lines, URLs.
    pub words: String,
    /// The JSON stored; an incident's expanded alerts are left out (they are mirrored as alerts).
    pub body: String,
}

/// How lists order severities: most severe highest.
pub fn severity_rank(severity: &str) -> i64 {
    match severity {
        "high" => 4,
        "medium" => 3,
        "low" => 2,
        "informational" => 1,
        _ => 0,
    }
}

/// How lists order statuses: the ones needing work highest (new, then active, …, resolved).
pub fn status_rank(status: &str) -> i64 {
    match status {
        "new" | "active" => 5,
        "inProgress" => 4,
        "awaitingAction" => 3,
        "redirected" => 1,
        "resolved" => 0,
        _ => 2,
    }
}

fn text(item: &Value, key: &str) -> String {
    match item.get(key) {
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    }
}

fn millis(item: &Value, key: &str) -> i64 {
    item.get(key)
        .and_then(Value::as_str)
        .and_then(odata::parse_datetime)
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
        .unwrap_or(0)
}

impl Record {
    /// An alerts_v2 alert; `None` without an id.
    pub fn alert(item: &Value) -> Option<Self> {
        let id = text(item, "id");
        if id.is_empty() {
            return None;
        }
        let mut found = Found::default();
        if let Some(Value::Array(evidence)) = item.get("evidence") {
            for one in evidence {
                found.walk(None, one);
            }
        }
        for key in [
            "title",
            "description",
            "id",
            "incidentId",
            "providerAlertId",
        ] {
            found.word(&text(item, key));
        }
        found.people(item);
        Some(Self {
            incident_id: text(item, "incidentId"),
            severity: text(item, "severity"),
            status: text(item, "status"),
            service_source: text(item, "serviceSource"),
            classification: text(item, "classification"),
            determination: text(item, "determination"),
            assigned_to: text(item, "assignedTo").to_lowercase(),
            alert_count: 0,
            created_ms: millis(item, "createdDateTime"),
            updated_ms: millis(item, "lastUpdateDateTime"),
            hosts: found.hosts.join("\n"),
            users: found.users.join("\n"),
            words: found.words.join("\n"),
            body: item.to_string(),
            id,
        })
    }

    /// An incident, read with `$expand=alerts`; its alerts' evidence makes it searchable by host
    /// and user, and the stored JSON keeps their ids only.
    pub fn incident(item: &Value) -> Option<Self> {
        let id = text(item, "id");
        if id.is_empty() {
            return None;
        }
        let mut found = Found::default();
        let mut alert_ids = Vec::new();
        if let Some(Value::Array(alerts)) = item.get("alerts") {
            for alert in alerts {
                if let Some(Value::Array(evidence)) = alert.get("evidence") {
                    for one in evidence {
                        found.walk(None, one);
                    }
                }
                let alert_id = text(alert, "id");
                found.word(&alert_id);
                found.word(&text(alert, "title"));
                if !alert_id.is_empty() {
                    alert_ids.push(Value::String(alert_id));
                }
            }
        }
        for key in ["displayName", "description", "id", "summary"] {
            found.word(&text(item, key));
        }
        found.people(item);
        if let Some(Value::Array(tags)) = item.get("customTags") {
            for tag in tags.iter().filter_map(Value::as_str) {
                found.word(tag);
            }
        }
        let mut body = item.clone();
        if let Value::Object(map) = &mut body
            && map.remove("alerts").is_some()
        {
            map.insert("alertIds".into(), Value::Array(alert_ids.clone()));
        }
        Some(Self {
            incident_id: String::new(),
            severity: text(item, "severity"),
            status: text(item, "status"),
            service_source: String::new(),
            classification: text(item, "classification"),
            determination: text(item, "determination"),
            assigned_to: text(item, "assignedTo").to_lowercase(),
            alert_count: alert_ids.len() as i64,
            created_ms: millis(item, "createdDateTime"),
            updated_ms: millis(item, "lastUpdateDateTime"),
            hosts: found.hosts.join("\n"),
            users: found.users.join("\n"),
            words: found.words.join("\n"),
            body: body.to_string(),
            id,
        })
    }
}

/// Searchable strings found in evidence, each once.
#[derive(Default)]
struct Found {
    hosts: Vec<String>,
    users: Vec<String>,
    words: Vec<String>,
}

/// Members that name a host.
const HOST_KEYS: &[&str] = &["deviceDnsName", "hostName", "netBiosName"];
/// Members that name a person or a mailbox.
const USER_KEYS: &[&str] = &[
    "userPrincipalName",
    "accountName",
    "upn",
    "primaryAddress",
    "recipientEmailAddress",
    "p1Sender",
    "p2Sender",
    "createdByDisplayName",
];
/// Members whose values are states or labels, not something an analyst searches for.
const SKIPPED_KEYS: &[&str] = &[
    "@odata.type",
    "verdict",
    "remediationStatus",
    "remediationStatusDetails",
    "detectionStatus",
    "roles",
    "tags",
    "healthStatus",
    "riskScore",
    "onboardingStatus",
    "defenderAvStatus",
    "rbacGroupName",
    "osPlatform",
];

impl Found {
    fn walk(&mut self, key: Option<&str>, value: &Value) {
        match value {
            Value::String(s) => match key {
                Some(k) if HOST_KEYS.contains(&k) => push_once(&mut self.hosts, s),
                Some(k) if USER_KEYS.contains(&k) => push_once(&mut self.users, s),
                Some(k) if k.ends_with("DateTime") || SKIPPED_KEYS.contains(&k) => {}
                _ => self.word(s),
            },
            Value::Array(items) => {
                for item in items {
                    self.walk(key, item);
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    if !SKIPPED_KEYS.contains(&k.as_str()) {
                        self.walk(Some(k), v);
                    }
                }
            }
            _ => {}
        }
    }

    /// Who the item is assigned to, and its comments with their authors.
    fn people(&mut self, item: &Value) {
        push_once(&mut self.users, &text(item, "assignedTo"));
        if let Some(comments) = item.get("comments") {
            self.walk(None, comments);
        }
    }

    fn word(&mut self, text: &str) {
        push_once(&mut self.words, text);
    }
}

fn push_once(list: &mut Vec<String>, text: &str) {
    let text = text.trim();
    if !text.is_empty() && !list.iter().any(|t| t == text) {
        list.push(text.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_alert_gives_its_columns_and_searchable_evidence() {
        let alert = json!({
            "id": "da1", "incidentId": "7", "title": "Ransomware", "severity": "high",
            "status": "new", "serviceSource": "microsoftDefenderForEndpoint",
            "assignedTo": "Megan@Contoso.com", "createdDateTime": "2026-12-01T10:00:00Z",
            "lastUpdateDateTime": "2026-12-01T10:00:01.5Z",
            "evidence": [
                {"@odata.type": "#microsoft.graph.security.deviceEvidence", "deviceDnsName": "PC-MEGAN.contoso.com", "verdict": "suspicious"},
                {"@odata.type": "#microsoft.graph.security.userEvidence", "userAccount": {"userPrincipalName": "megan@contoso.com", "accountName": "megan"}},
                {"@odata.type": "#microsoft.graph.security.fileEvidence", "fileDetails": {"fileName": "evil.exe", "sha256": "abc123"}, "createdDateTime": "2026-12-01T10:00:00Z"}
            ]
        });
        let record = Record::alert(&alert).unwrap();
        assert_eq!(record.assigned_to, "megan@contoso.com");
        assert_eq!(record.updated_ms - record.created_ms, 1_500);
        assert_eq!(record.hosts, "PC-MEGAN.contoso.com");
        assert_eq!(record.users, "megan\nmegan@contoso.com\nMegan@Contoso.com");
        assert!(record.words.contains("evil.exe") && record.words.contains("abc123"));
        assert!(!record.words.contains("suspicious") && !record.words.contains("2026-12-01"));
    }

    #[test]
    fn an_incident_keeps_its_alert_ids_not_the_alerts() {
        let incident = json!({
            "id": "7", "displayName": "Multi-stage", "status": "active", "severity": "medium",
            "alerts": [{"id": "da1", "title": "Ransomware", "evidence": [{"deviceDnsName": "pc1"}]}]
        });
        let record = Record::incident(&incident).unwrap();
        assert_eq!(record.alert_count, 1);
        assert_eq!(record.hosts, "pc1");
        let body: Value = serde_json::from_str(&record.body).unwrap();
        assert_eq!(body["alertIds"], json!(["da1"]));
        assert!(body.get("alerts").is_none());
        assert!(Record::alert(&json!({"title": "no id"})).is_none());
    }
}
