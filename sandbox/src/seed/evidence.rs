//! The evidence a product attaches to its alerts, beyond the devices and accounts every alert
//! names: Defender for Endpoint sees files, processes and registry keys; Defender for Office 365
//! mailboxes, messages, URLs and mail clusters; Defender for Cloud Apps cloud applications and
//! addresses; the identity products addresses and groups. Shapes follow the CSDL's
//! `microsoft.graph.security.*Evidence` complex types.

use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::render::date;
use super::{Account, Host};
use crate::schema::security::ServiceSource as S;

const NS: &str = "#microsoft.graph.security.";

/// The evidence of alert `i` raised by `product` on `host` for `account`.
pub(super) fn for_alert(
    product: S,
    i: usize,
    host: &Host,
    account: &Account,
    created: OffsetDateTime,
) -> Vec<Value> {
    let at = date(created);
    let public_ip = format!("203.0.113.{}", 10 + i % 200);
    match product {
        S::MicrosoftDefenderForEndpoint => {
            let mut found = vec![process(&at, i, host, account), file(&at, i, host)];
            if i.is_multiple_of(2) {
                found.push(registry_key(&at));
            }
            found
        }
        S::MicrosoftDefenderForIdentity => vec![ip(&at, &public_ip, "NL"), group(&at)],
        S::MicrosoftDefenderForCloudApps => {
            vec![cloud_app(&at), ip(&at, &public_ip, "BR")]
        }
        S::MicrosoftDefenderForOffice365 => vec![
            mailbox(&at, account),
            message(&at, i, account),
            url(&at, i),
            mail_cluster(&at, i),
        ],
        S::AzureAdIdentityProtection => vec![ip(&at, &public_ip, "SG")],
        _ => vec![url(&at, i), ip(&at, &public_ip, "US")],
    }
}

/// The members every `alertEvidence` has, then the type's own.
fn evidence(kind: &str, at: &str, verdict: &str, own: Value) -> Value {
    let mut fields = Map::new();
    fields.insert("@odata.type".into(), json!(format!("{NS}{kind}")));
    fields.insert("createdDateTime".into(), json!(at));
    fields.insert("verdict".into(), json!(verdict));
    fields.insert("remediationStatus".into(), json!("none"));
    fields.insert("remediationStatusDetails".into(), Value::Null);
    fields.insert("roles".into(), json!([]));
    fields.insert("detailedRoles".into(), json!([]));
    fields.insert("tags".into(), json!([]));
    if let Value::Object(own) = own {
        fields.extend(own);
    }
    Value::Object(fields)
}

fn user_account(account: &Account) -> Value {
    json!({
        "accountName": account.account_name,
        "domainName": account.domain,
        "userSid": null,
        "azureAdUserId": account.aad_user_id,
        "userPrincipalName": account.upn,
        "displayName": account.display_name,
    })
}

fn file_details(name: &str, path: &str, i: usize) -> Value {
    json!({
        "fileName": name,
        "filePath": path,
        "filePublisher": null,
        "fileSize": 48_640 + i as i64 * 512,
        "issuer": null,
        "md5": null,
        "sha1": format!("{:040x}", 0x5eed_0000_u64 + i as u64),
        "sha256": format!("{:064x}", 0xfeed_0000_u64 + i as u64),
        "signer": null,
    })
}

fn process(at: &str, i: usize, host: &Host, account: &Account) -> Value {
    evidence(
        "processEvidence",
        at,
        "malicious",
        json!({
            "processId": 4_000 + i as i64,
            "parentProcessId": 1_200 + i as i64,
            "processCommandLine": format!(
                "powershell.exe -NoProfile -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0A{i:03}"
            ),
            "processCreationDateTime": at,
            "parentProcessCreationDateTime": at,
            "detectionStatus": "detected",
            "mdeDeviceId": host.device_id,
            "imageFile": file_details(
                "powershell.exe",
                "C:\\Windows\\System32\\WindowsPowerShell\\v1.0",
                i,
            ),
            "parentProcessImageFile": file_details("explorer.exe", "C:\\Windows", i),
            "userAccount": user_account(account),
        }),
    )
}

fn file(at: &str, i: usize, host: &Host) -> Value {
    evidence(
        "fileEvidence",
        at,
        "malicious",
        json!({
            "detectionStatus": "prevented",
            "mdeDeviceId": host.device_id,
            "fileDetails": file_details(
                &format!("invoice_{i:03}.exe"),
                "C:\\Users\\Public\\Downloads",
                i,
            ),
        }),
    )
}

fn registry_key(at: &str) -> Value {
    evidence(
        "registryKeyEvidence",
        at,
        "suspicious",
        json!({
            "registryHive": "HKEY_CURRENT_USER",
            "registryKey": "Software\\Microsoft\\Windows\\CurrentVersion\\Run",
        }),
    )
}

fn ip(at: &str, address: &str, country: &str) -> Value {
    evidence(
        "ipEvidence",
        at,
        "suspicious",
        json!({"ipAddress": address, "countryLetterCode": country, "location": null, "stream": null}),
    )
}

fn group(at: &str) -> Value {
    evidence(
        "securityGroupEvidence",
        at,
        "unknown",
        json!({
            "displayName": "Domain Admins",
            "securityGroupId": "S-1-5-21-1004336348-1177238915-682003330-512",
            "activeDirectoryObjectGuid": null,
            "distinguishedName": null,
            "friendlyName": null,
            "sid": null,
        }),
    )
}

fn cloud_app(at: &str) -> Value {
    evidence(
        "cloudApplicationEvidence",
        at,
        "unknown",
        json!({
            "appId": 20_892,
            "displayName": "Microsoft SharePoint Online",
            "instanceId": 0,
            "instanceName": "Microsoft SharePoint Online",
            "saasAppId": 20_892,
            "stream": null,
        }),
    )
}

fn mailbox(at: &str, account: &Account) -> Value {
    evidence(
        "mailboxEvidence",
        at,
        "unknown",
        json!({
            "displayName": account.display_name,
            "primaryAddress": account.upn,
            "upn": account.upn,
            "userAccount": user_account(account),
        }),
    )
}

fn message(at: &str, i: usize, account: &Account) -> Value {
    evidence(
        "analyzedMessageEvidence",
        at,
        "malicious",
        json!({
            "subject": format!("Invoice {i:03} overdue <action required>"),
            "recipientEmailAddress": account.upn,
            "p1Sender": {
                "displayName": "Billing",
                "domainName": "billing-notice.example",
                "emailAddress": "billing@billing-notice.example",
            },
            "p2Sender": null,
            "senderIp": "198.51.100.23",
            "deliveryAction": "delivered",
            "deliveryLocation": "inbox",
            "internetMessageId": format!("<inv{i:03}@billing-notice.example>"),
            "networkMessageId": format!("5c1f9e2a-{i:04}-4b6d-9a8e-0c2d4f6a8b10"),
            "receivedDateTime": at,
            "antiSpamDirection": "inbound",
            "attachmentsCount": 1,
            "urlCount": 1,
            "urls": [format!("https://billing-notice.example/pay?ref={i}")],
            "threats": ["Phish"],
            "threatDetectionMethods": ["URL detonation reputation"],
            "language": "en",
            "urn": null,
        }),
    )
}

fn url(at: &str, i: usize) -> Value {
    evidence(
        "urlEvidence",
        at,
        "malicious",
        json!({"url": format!("https://billing-notice.example/pay?ref={i}")}),
    )
}

fn mail_cluster(at: &str, i: usize) -> Value {
    evidence(
        "mailClusterEvidence",
        at,
        "malicious",
        json!({
            "clusterBy": "Subject;P2SenderDomain",
            "clusterByValue": format!("Invoice {i:03} overdue <action required>;billing-notice.example"),
            "emailCount": 12,
            "networkMessageIds": [],
            "query": format!("(Subject:\"Invoice {i:03} overdue <action required>\")"),
            "urn": null,
        }),
    )
}
