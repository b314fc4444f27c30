//! An alerts_v2 alert's evidence beyond its devices and users (which `facts` shows): grouped by
//! type, each with the fields an analyst reads first. Evidence of a type graphsec does not know
//! (Graph adds types over time) keeps its JSON, pretty-printed, so nothing is hidden.

use serde_json::Value;

use super::labels::words_of;
use super::row::text;

const NAMESPACE: &str = "#microsoft.graph.security.";

/// The types `facts` already shows as devices and users.
const SHOWN_AS_FACTS: [&str; 2] = ["deviceEvidence", "userEvidence"];

/// A known evidence type: its `@odata.type` name, a heading, and the fields shown (label, pointer).
struct Kind {
    name: &'static str,
    heading: &'static str,
    fields: &'static [(&'static str, &'static str)],
}

const KINDS: &[Kind] = &[
    Kind {
        name: "processEvidence",
        heading: "Processes",
        fields: &[
            ("Command line", "/processCommandLine"),
            ("Image", "/imageFile/fileName"),
            ("Process id", "/processId"),
            ("Parent", "/parentProcessImageFile/fileName"),
            ("Account", "/userAccount/userPrincipalName"),
        ],
    },
    Kind {
        name: "fileEvidence",
        heading: "Files",
        fields: &[
            ("Name", "/fileDetails/fileName"),
            ("Path", "/fileDetails/filePath"),
            ("SHA-256", "/fileDetails/sha256"),
            ("SHA-1", "/fileDetails/sha1"),
            ("Detection", "/detectionStatus"),
        ],
    },
    Kind {
        name: "registryKeyEvidence",
        heading: "Registry keys",
        fields: &[("Hive", "/registryHive"), ("Key", "/registryKey")],
    },
    Kind {
        name: "registryValueEvidence",
        heading: "Registry values",
        fields: &[
            ("Hive", "/registryHive"),
            ("Key", "/registryKey"),
            ("Name", "/registryValueName"),
            ("Value", "/registryValue"),
        ],
    },
    Kind {
        name: "ipEvidence",
        heading: "IP addresses",
        fields: &[("Address", "/ipAddress"), ("Country", "/countryLetterCode")],
    },
    Kind {
        name: "urlEvidence",
        heading: "URLs",
        fields: &[("URL", "/url")],
    },
    Kind {
        name: "mailboxEvidence",
        heading: "Mailboxes",
        fields: &[
            ("Name", "/displayName"),
            ("Address", "/primaryAddress"),
            ("UPN", "/upn"),
        ],
    },
    Kind {
        name: "analyzedMessageEvidence",
        heading: "Email messages",
        fields: &[
            ("Subject", "/subject"),
            ("From", "/p1Sender/emailAddress"),
            ("To", "/recipientEmailAddress"),
            ("Sender IP", "/senderIp"),
            ("Delivery", "/deliveryAction"),
            ("Location", "/deliveryLocation"),
        ],
    },
    Kind {
        name: "cloudApplicationEvidence",
        heading: "Cloud applications",
        fields: &[
            ("Name", "/displayName"),
            ("Instance", "/instanceName"),
            ("App id", "/appId"),
        ],
    },
    Kind {
        name: "securityGroupEvidence",
        heading: "Security groups",
        fields: &[("Name", "/displayName"), ("Group id", "/securityGroupId")],
    },
];

/// The evidence of one known type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceGroup {
    /// The type's name (`fileEvidence`), for the page's hooks.
    pub kind: &'static str,
    pub heading: &'static str,
    /// The column labels: the fields any item of the group has, then "Verdict".
    pub columns: Vec<&'static str>,
    /// One row per item, a cell per column.
    pub rows: Vec<Vec<String>>,
}

/// Evidence of a type graphsec does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEvidence {
    /// The `@odata.type` as sent, without the namespace when it has Graph's.
    pub kind: String,
    pub json: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    pub groups: Vec<EvidenceGroup>,
    pub raw: Vec<RawEvidence>,
}

impl Evidence {
    /// The evidence of an alerts_v2 alert (an empty list for a legacy alert).
    pub fn from_alert(alert: &Value) -> Self {
        let items: Vec<&Value> = alert
            .get("evidence")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        let type_of = |item: &Value| {
            let full = text(item, "/@odata.type");
            full.strip_prefix(NAMESPACE).unwrap_or(&full).to_string()
        };
        let groups = KINDS
            .iter()
            .filter_map(|kind| {
                let members: Vec<&Value> = items
                    .iter()
                    .copied()
                    .filter(|i| type_of(i) == kind.name)
                    .collect();
                (!members.is_empty()).then(|| group(kind, &members))
            })
            .collect();
        let raw = items
            .iter()
            .filter(|i| {
                let name = type_of(i);
                !SHOWN_AS_FACTS.contains(&name.as_str()) && !KINDS.iter().any(|k| k.name == name)
            })
            .map(|i| RawEvidence {
                kind: type_of(i),
                json: serde_json::to_string_pretty(i).unwrap_or_default(),
            })
            .collect();
        Self { groups, raw }
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.raw.is_empty()
    }
}

fn group(kind: &Kind, members: &[&Value]) -> EvidenceGroup {
    let fields: Vec<&(&str, &str)> = kind
        .fields
        .iter()
        .filter(|(_, pointer)| members.iter().any(|m| !text(m, pointer).is_empty()))
        .collect();
    let mut columns: Vec<&'static str> = fields.iter().map(|(label, _)| *label).collect();
    columns.push("Verdict");
    let rows = members
        .iter()
        .map(|m| {
            let mut row: Vec<String> = fields.iter().map(|(_, p)| text(m, p)).collect();
            row.push(words_of(&text(m, "/verdict")));
            row
        })
        .collect();
    EvidenceGroup {
        kind: kind.name,
        heading: kind.heading,
        columns,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn known_types_are_grouped_with_their_first_fields_and_others_kept_raw() {
        let alert = json!({"evidence": [
            {"@odata.type": "#microsoft.graph.security.deviceEvidence", "deviceDnsName": "pc1"},
            {"@odata.type": "#microsoft.graph.security.fileEvidence", "verdict": "malicious",
             "fileDetails": {"fileName": "a.exe", "filePath": "C:\\Temp", "sha256": "ab12"}},
            {"@odata.type": "#microsoft.graph.security.fileEvidence", "verdict": "suspicious",
             "fileDetails": {"fileName": "b.dll"}},
            {"@odata.type": "#microsoft.graph.security.ipEvidence", "ipAddress": "203.0.113.9"},
            {"@odata.type": "#microsoft.graph.security.kubernetesPodEvidence", "name": "<pod>"}
        ]});
        let evidence = Evidence::from_alert(&alert);
        let kinds: Vec<&str> = evidence.groups.iter().map(|g| g.kind).collect();
        assert_eq!(kinds, ["fileEvidence", "ipEvidence"]);
        let files = &evidence.groups[0];
        assert_eq!(files.columns, ["Name", "Path", "SHA-256", "Verdict"]);
        assert_eq!(files.rows[0], ["a.exe", "C:\\Temp", "ab12", "Malicious"]);
        assert_eq!(files.rows[1], ["b.dll", "", "", "Suspicious"]);
        assert_eq!(evidence.raw.len(), 1);
        assert_eq!(evidence.raw[0].kind, "kubernetesPodEvidence");
        assert!(evidence.raw[0].json.contains("\"<pod>\""));
    }

    #[test]
    fn an_alert_without_evidence_has_none() {
        assert!(Evidence::from_alert(&json!({"id": "a1"})).is_empty());
    }
}
