//! Fabrikam's sample data: 6 alerts, 2 incidents.

use time::Duration;

use super::plan::{Plan, Template, account, host};
use crate::schema::security::ServiceSource as S;

pub(super) fn plan() -> Plan {
    Plan {
        id_tag: 22,
        alert_count: 6,
        alerts_per_incident: 3,
        spacing: Duration::minutes(197),
        first_incident_id: 501,
        templates: vec![
            Template {
                title: "Malware detected on a file server",
                description: "Antivirus quarantined a trojan in a shared folder.",
                category: "Execution",
                legacy_category: "Malware",
                service_source: S::MicrosoftDefenderForEndpoint,
                techniques: &["T1204"],
                recommended_actions: "Scan the share and find who wrote the file.",
            },
            Template {
                title: "Atypical travel",
                description: "Two sign-ins from distant locations within an hour.",
                category: "InitialAccess",
                legacy_category: "ImpossibleTravel",
                service_source: S::AzureAdIdentityProtection,
                techniques: &["T1078"],
                recommended_actions: "Confirm the sign-ins with the user.",
            },
            Template {
                title: "Phishing email delivered to several mailboxes",
                description: "A credential phishing message reached five users.",
                category: "InitialAccess",
                legacy_category: "Phishing",
                service_source: S::MicrosoftDefenderForOffice365,
                techniques: &["T1566"],
                recommended_actions: "Purge the message and reset passwords of users who clicked.",
            },
        ],
        hosts: vec![
            host(
                "fs01.fabrikam.example",
                "Windows Server 2022",
                "10.2.0.5",
                "9b2e1d3c4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b01",
            ),
            host(
                "pc-diego.fabrikam.example",
                "Windows 11",
                "10.2.1.10",
                "9b2e1d3c4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b02",
            ),
        ],
        accounts: vec![
            account(
                "diego@fabrikam.example",
                "Diego Siciliani",
                "914d2f60-8e5c-4a01-9d43-5f7e9a1b3c44",
            ),
            account(
                "isaiah@fabrikam.example",
                "Isaiah Langer",
                "c2d3e4f5-1a2b-4c3d-9e4f-5a6b7c8d9e01",
            ),
        ],
        analysts: vec!["diego@fabrikam.example"],
        sentinel_alert: None,
    }
}
