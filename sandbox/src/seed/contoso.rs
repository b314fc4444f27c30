//! Contoso's sample data: 44 alerts over six products, 15 incidents.

use time::Duration;

use super::plan::{Plan, Template, account, host};
use crate::schema::security::ServiceSource as S;

pub(super) fn plan() -> Plan {
    Plan {
        id_tag: 11,
        alert_count: 44,
        alerts_per_incident: 3,
        spacing: Duration::minutes(197),
        first_incident_id: 101,
        templates: templates(),
        hosts: vec![
            host(
                "pc-megan.contoso.example",
                "Windows 11",
                "10.1.0.11",
                "7a1f0c2b9d3e4f5a6b7c8d9e0f1a2b3c4d5e6f01",
            ),
            host(
                "pc-adele.contoso.example",
                "Windows 11",
                "10.1.0.12",
                "7a1f0c2b9d3e4f5a6b7c8d9e0f1a2b3c4d5e6f02",
            ),
            host(
                "pc-alex.contoso.example",
                "Windows 10",
                "10.1.0.13",
                "7a1f0c2b9d3e4f5a6b7c8d9e0f1a2b3c4d5e6f03",
            ),
            host(
                "srv-dc01.contoso.example",
                "Windows Server 2022",
                "10.1.1.4",
                "7a1f0c2b9d3e4f5a6b7c8d9e0f1a2b3c4d5e6f04",
            ),
            host(
                "srv-sql01.contoso.example",
                "Windows Server 2019",
                "10.1.1.20",
                "7a1f0c2b9d3e4f5a6b7c8d9e0f1a2b3c4d5e6f05",
            ),
            host(
                "srv-web01.contoso.example",
                "Ubuntu 24.04",
                "10.1.2.30",
                "7a1f0c2b9d3e4f5a6b7c8d9e0f1a2b3c4d5e6f06",
            ),
            host(
                "mac-lee.contoso.example",
                "macOS 15",
                "10.1.0.40",
                "7a1f0c2b9d3e4f5a6b7c8d9e0f1a2b3c4d5e6f07",
            ),
            host(
                "kiosk-07.contoso.example",
                "Windows 10",
                "10.1.3.7",
                "7a1f0c2b9d3e4f5a6b7c8d9e0f1a2b3c4d5e6f08",
            ),
        ],
        accounts: vec![
            account(
                "megan@contoso.example",
                "Megan Bowen",
                "6e1a9c3d-5b2f-4d7e-8a10-2c4b6d8e0f11",
            ),
            account(
                "adele@contoso.example",
                "Adele Vance",
                "7f2b0d4e-6c3a-4e8f-9b21-3d5c7e9f1a22",
            ),
            account(
                "alex@contoso.example",
                "Alex Wilber",
                "803c1e5f-7d4b-4f90-8c32-4e6d8f0a2b33",
            ),
            account(
                "o'brien@contoso.example",
                "Liam O'Brien",
                "b1c2d3e4-0a1b-4c2d-8e3f-4a5b6c7d8e91",
            ),
            account(
                "lee@contoso.example",
                "Lee Gu",
                "b1c2d3e4-0a1b-4c2d-8e3f-4a5b6c7d8e92",
            ),
            account(
                "svc-backup@contoso.example",
                "Backup service",
                "b1c2d3e4-0a1b-4c2d-8e3f-4a5b6c7d8e93",
            ),
            account(
                "admin@contoso.example",
                "Contoso administrator",
                "b1c2d3e4-0a1b-4c2d-8e3f-4a5b6c7d8e94",
            ),
        ],
        analysts: vec![
            "megan@contoso.example",
            "adele@contoso.example",
            "alex@contoso.example",
        ],
        sentinel_alert: Some(10),
    }
}

fn templates() -> Vec<Template> {
    vec![
        Template {
            title: "Suspicious PowerShell command line",
            description: "A PowerShell process ran an encoded command that downloads and runs a payload.",
            category: "Execution",
            legacy_category: "SuspiciousActivity",
            service_source: S::MicrosoftDefenderForEndpoint,
            techniques: &["T1059.001", "T1105"],
            recommended_actions: "Review the process tree and isolate the device if the command is not expected.",
        },
        Template {
            title: "Ransomware behavior detected in the file system",
            description: "Many files were renamed with an unknown extension in a short time.",
            category: "Impact",
            legacy_category: "ransomware",
            service_source: S::MicrosoftDefenderForEndpoint,
            techniques: &["T1486"],
            recommended_actions: "Isolate the device and restore files from backup.",
        },
        Template {
            title: "Suspected credential theft activity",
            description: "A process read the memory of lsass.exe, as credential dumping tools do.",
            category: "CredentialAccess",
            legacy_category: "credentialTheft",
            service_source: S::MicrosoftDefenderForEndpoint,
            techniques: &["T1003.001"],
            recommended_actions: "Reset the credentials of accounts that signed in to the device.",
        },
        Template {
            title: "Suspected DCSync attack (replication of directory services)",
            description: "A non-domain-controller account requested directory replication.",
            category: "CredentialAccess",
            legacy_category: "credentialTheft",
            service_source: S::MicrosoftDefenderForIdentity,
            techniques: &["T1003.006"],
            recommended_actions: "Check the account's replication permissions and reset its password.",
        },
        Template {
            title: "Suspected brute-force attack (LDAP)",
            description: "Many failed LDAP sign-ins for one account in a few minutes.",
            category: "CredentialAccess",
            legacy_category: "BruteForce",
            service_source: S::MicrosoftDefenderForIdentity,
            techniques: &["T1110"],
            recommended_actions: "Enforce strong passwords and check the source device.",
        },
        Template {
            title: "Impossible travel activity",
            description: "The user signed in from two countries too far apart for the time between the sign-ins.",
            category: "InitialAccess",
            legacy_category: "ImpossibleTravel",
            service_source: S::MicrosoftDefenderForCloudApps,
            techniques: &["T1078"],
            recommended_actions: "Confirm the sign-ins with the user; revoke sessions if they were not theirs.",
        },
        Template {
            title: "Mass download by a single user",
            description: "The user downloaded an unusual number of files from SharePoint in one session.",
            category: "Exfiltration",
            legacy_category: "DataExfiltration",
            service_source: S::MicrosoftDefenderForCloudApps,
            techniques: &["T1530"],
            recommended_actions: "Review the downloaded files and the user's recent activity.",
        },
        Template {
            title: "Email messages containing malicious URL removed after delivery",
            description: "Zero-hour auto purge removed messages with a phishing URL from mailboxes.",
            category: "InitialAccess",
            legacy_category: "Phishing",
            service_source: S::MicrosoftDefenderForOffice365,
            techniques: &["T1566.002"],
            recommended_actions: "Check whether any recipient clicked the URL.",
        },
        Template {
            title: "Suspicious script <script>alert('x')</script> in an email attachment",
            description: "An attachment carried an HTML file with script; the text is shown as sent: <b>bold</b> & more.",
            category: "InitialAccess",
            legacy_category: "Malware",
            service_source: S::MicrosoftDefenderForOffice365,
            techniques: &["T1566.001"],
            recommended_actions: "Block the sender and search for other messages with the attachment.",
        },
        Template {
            title: "Unfamiliar sign-in properties",
            description: "The sign-in used properties not seen for this user before.",
            category: "InitialAccess",
            legacy_category: "UnfamiliarLocation",
            service_source: S::AzureAdIdentityProtection,
            techniques: &["T1078.004"],
            recommended_actions: "Require the user to sign in again with multifactor authentication.",
        },
        Template {
            title: "Multi-stage incident involving initial access and lateral movement",
            description: "Several detections on one device and account were correlated into one attack story.",
            category: "LateralMovement",
            legacy_category: "MultiStageAttack",
            service_source: S::Microsoft365Defender,
            techniques: &["T1021", "T1078"],
            recommended_actions: "Investigate the incident's devices and accounts together.",
        },
    ]
}
