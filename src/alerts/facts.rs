//! What an analyst reads first on an alert's page, from either API's JSON: MITRE techniques,
//! recommended actions, first and last activity, devices with their risk and OS, users, evidence
//! verdicts and the incident the alert belongs to.

use serde_json::Value;

use super::labels::words_of;
use super::row::{Shape, text};

/// A device named in the alert.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceFact {
    /// The FQDN (v2 `deviceDnsName`, legacy `hostStates/fqdn`).
    pub name: String,
    pub os: String,
    /// Risk as a label ("Medium"), empty when not given.
    pub risk: String,
    /// Evidence verdict as a label ("Suspicious"), empty on the legacy API.
    pub verdict: String,
}

/// A user account named in the alert.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserFact {
    pub display_name: String,
    pub upn: String,
    pub verdict: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertFacts {
    pub mitre_techniques: Vec<String>,
    /// Recommended actions, one paragraph each.
    pub recommended_actions: Vec<String>,
    pub first_activity: String,
    pub last_activity: String,
    pub devices: Vec<DeviceFact>,
    pub users: Vec<UserFact>,
    /// The incident the alert belongs to (v2), for graphsec's incident page.
    pub incident_id: Option<String>,
}

fn array<'a>(value: &'a Value, pointer: &str) -> Vec<&'a Value> {
    value
        .pointer(pointer)
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

/// Evidence enumerations (risk, verdict) have no labels of their own: their words are shown.
fn labelled(value: &Value, pointer: &str) -> String {
    words_of(&text(value, pointer))
}

impl AlertFacts {
    pub fn from_json(shape: Shape, alert: &Value) -> Self {
        match shape {
            Shape::V2 => Self::v2(alert),
            Shape::Legacy => Self::legacy(alert),
        }
    }

    fn v2(alert: &Value) -> Self {
        let evidence = array(alert, "/evidence");
        let of_type = |kind: &'static str| {
            evidence
                .clone()
                .into_iter()
                .filter(move |e| text(e, "/@odata.type").trim_start_matches('#') == kind)
        };
        let devices = of_type("microsoft.graph.security.deviceEvidence")
            .map(|e| DeviceFact {
                name: text(e, "/deviceDnsName"),
                os: text(e, "/osPlatform"),
                risk: labelled(e, "/riskScore"),
                verdict: labelled(e, "/verdict"),
            })
            .filter(|d| !d.name.is_empty())
            .collect();
        let users = of_type("microsoft.graph.security.userEvidence")
            .map(|e| UserFact {
                display_name: text(e, "/userAccount/displayName"),
                upn: text(e, "/userAccount/userPrincipalName"),
                verdict: labelled(e, "/verdict"),
            })
            .filter(|u| !u.upn.is_empty() || !u.display_name.is_empty())
            .collect();
        let incident = text(alert, "/incidentId");
        Self {
            mitre_techniques: array(alert, "/mitreTechniques")
                .into_iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            recommended_actions: paragraphs(&text(alert, "/recommendedActions")),
            first_activity: text(alert, "/firstActivityDateTime"),
            last_activity: text(alert, "/lastActivityDateTime"),
            devices,
            users,
            incident_id: (!incident.is_empty()).then_some(incident),
        }
    }

    fn legacy(alert: &Value) -> Self {
        let devices = array(alert, "/hostStates")
            .into_iter()
            .map(|h| DeviceFact {
                name: text(h, "/fqdn"),
                os: text(h, "/os"),
                risk: text(h, "/riskScore"),
                verdict: String::new(),
            })
            .filter(|d| !d.name.is_empty())
            .collect();
        let users = array(alert, "/userStates")
            .into_iter()
            .map(|u| UserFact {
                display_name: text(u, "/accountName"),
                upn: text(u, "/userPrincipalName"),
                verdict: String::new(),
            })
            .filter(|u| !u.upn.is_empty() || !u.display_name.is_empty())
            .collect();
        Self {
            mitre_techniques: Vec::new(),
            recommended_actions: array(alert, "/recommendedActions")
                .into_iter()
                .filter_map(Value::as_str)
                .flat_map(paragraphs)
                .collect(),
            first_activity: text(alert, "/eventDateTime"),
            last_activity: text(alert, "/lastEventDateTime"),
            devices,
            users,
            incident_id: None,
        }
    }
}

fn paragraphs(text: &str) -> Vec<String> {
    text.split('\n')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn v2_facts_come_from_the_alert_and_its_evidence() {
        let alert = json!({
            "incidentId": "29", "mitreTechniques": ["T1059.001"],
            "recommendedActions": "Isolate the device.\nReset the password.",
            "firstActivityDateTime": "2026-11-24T08:00:00Z",
            "lastActivityDateTime": "2026-11-24T09:00:00Z",
            "evidence": [
                {"@odata.type": "#microsoft.graph.security.deviceEvidence",
                 "deviceDnsName": "pc1.contoso.example", "osPlatform": "Windows11",
                 "riskScore": "high", "verdict": "malicious"},
                {"@odata.type": "#microsoft.graph.security.userEvidence", "verdict": "suspicious",
                 "userAccount": {"displayName": "Lee Gu", "userPrincipalName": "lee@contoso.example"}}
            ]
        });
        let facts = AlertFacts::from_json(Shape::V2, &alert);
        assert_eq!(facts.mitre_techniques, ["T1059.001"]);
        assert_eq!(facts.recommended_actions.len(), 2);
        assert_eq!(facts.incident_id.as_deref(), Some("29"));
        assert_eq!(
            facts.devices,
            [DeviceFact {
                name: "pc1.contoso.example".into(),
                os: "Windows11".into(),
                risk: "High".into(),
                verdict: "Malicious".into()
            }]
        );
        assert_eq!(facts.users[0].display_name, "Lee Gu");
        assert_eq!(facts.users[0].verdict, "Suspicious");
    }

    #[test]
    fn legacy_facts_come_from_host_and_user_states() {
        let alert = json!({
            "recommendedActions": ["Reset the password"],
            "hostStates": [{"fqdn": "srv1", "os": "Windows Server 2022", "riskScore": "Medium"}],
            "userStates": [{"accountName": "lee", "userPrincipalName": "lee@contoso.example"}],
        });
        let facts = AlertFacts::from_json(Shape::Legacy, &alert);
        assert_eq!(facts.devices[0].os, "Windows Server 2022");
        assert_eq!(facts.users[0].upn, "lee@contoso.example");
        assert_eq!(facts.recommended_actions, ["Reset the password"]);
        assert_eq!(facts.incident_id, None);
    }
}
