use serde_json::json;

use super::*;

fn v2_alert() -> serde_json::Value {
    json!({
        "id": "da1",
        "status": "new",
        "severity": "high",
        "assignedTo": "O'Neil@contoso.com",
        "lastUpdateDateTime": "2026-11-24T10:15:00.1234567Z",
        "evidence": [
            {"@odata.type": "#microsoft.graph.security.deviceEvidence", "deviceDnsName": "pc1.contoso.com"},
            {"@odata.type": "#microsoft.graph.security.userEvidence",
             "userAccount": {"userPrincipalName": "adele@contoso.com"}}
        ]
    })
}

fn matches(filter: &str) -> bool {
    parse(filter).unwrap().matches(&v2_alert())
}

#[test]
fn eq_compares_strings_ignoring_case() {
    assert!(matches("status eq 'New'"));
    assert!(!matches("status eq 'resolved'"));
    assert!(matches("assignedTo eq 'o''neil@contoso.com'"));
}

#[test]
fn and_needs_every_part() {
    assert!(matches("status eq 'new' and severity eq 'high'"));
    assert!(!matches("status eq 'new' and severity eq 'low'"));
    assert!(matches("(status eq 'new') and (severity eq 'high')"));
}

#[test]
fn or_needs_one_part_and_binds_looser_than_and() {
    assert!(matches("status eq 'resolved' or severity eq 'high'"));
    assert!(!matches("status eq 'resolved' or severity eq 'low'"));
    assert!(matches(
        "(status eq 'new' or status eq 'inProgress') and severity eq 'high'"
    ));
    assert!(!matches(
        "(status eq 'resolved' or status eq 'inProgress') and severity eq 'high'"
    ));
    // a or b and c reads a or (b and c).
    assert!(matches(
        "status eq 'new' or status eq 'x' and severity eq 'low'"
    ));
    assert!(!matches(
        "status eq 'x' or status eq 'new' and severity eq 'low'"
    ));
}

#[test]
fn any_lambdas_honour_type_casts() {
    assert!(matches(
        "evidence/any(e:e/microsoft.graph.security.deviceEvidence/deviceDnsName eq 'PC1.contoso.com')"
    ));
    assert!(!matches(
        "evidence/any(e:e/microsoft.graph.security.userEvidence/deviceDnsName eq 'pc1.contoso.com')"
    ));
    assert!(matches(
        "evidence/any(e: e/microsoft.graph.security.userEvidence/userAccount/userPrincipalName eq 'adele@contoso.com')"
    ));
    assert!(!matches("comments/any(c:c/comment eq 'x')"));
}

#[test]
fn dates_compare_as_instants() {
    assert!(matches("lastUpdateDateTime ge 2026-11-24T10:00:00Z"));
    assert!(matches("lastUpdateDateTime gt 2026-11-24T12:00:00+02:00"));
    assert!(!matches("lastUpdateDateTime ge 2026-11-24T10:16:00Z"));
}

#[test]
fn null_and_ne() {
    assert!(matches("classification eq null"));
    assert!(matches("classification ne 'truePositive'"));
    assert!(!matches("status ne 'new'"));
}

#[test]
fn unsupported_forms_are_refused_with_graph_wording() {
    for bad in [
        "",
        "not status eq 'new'",
        "status eq 'new' or",
        "contains(title, 'x')",
        "status eq",
        "status 'new'",
        "status eq 'new' and",
        "evidence/all(e:e/x eq 'y')",
        "evidence/any(e e/x eq 'y')",
        "status eq 'new')",
        "status lk 'new'",
        "status eq new",
    ] {
        let err = parse(bad).expect_err(bad);
        assert!(
            err.message.starts_with("Invalid filter clause"),
            "{bad}: {err}"
        );
    }
}

#[test]
fn root_properties_lists_top_level_paths() {
    let expr = parse(
        "status eq 'new' and vendorInformation/provider eq 'IPC' and hostStates/any(a:a/fqdn eq 'x')",
    )
    .unwrap();
    assert_eq!(
        expr.root_properties(),
        vec!["status", "vendorInformation", "hostStates"]
    );
}
