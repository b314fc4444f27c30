use super::*;

fn query(pairs: &str) -> AlertQuery {
    serde_urlencoded::from_str(pairs).unwrap()
}

#[test]
fn empty_query_means_top_twenty_and_no_filter() {
    let valid = query("").validate_v2("me@contoso.com").unwrap();
    assert_eq!(valid.top, 20);
    assert_eq!(valid.filter.to_odata(), None);
    let valid = query("status=&severity=&fqdn=+")
        .validate_legacy("me@contoso.com")
        .unwrap();
    assert_eq!(valid.filter.to_odata(), None);
}

#[test]
fn v2_fields_build_the_v2_filter() {
    let valid = query(
        "top=20&status=in_progress&severity=high&service_source=microsoft_defender_for_endpoint\
         &classification=true_positive&determination=malware&assigned_to_me=on",
    )
    .validate_v2("adele@contoso.com")
    .unwrap();
    assert_eq!(valid.top, 20);
    assert_eq!(
        valid.filter.to_odata().unwrap(),
        "status eq 'inProgress' and severity eq 'high' and serviceSource eq \
         'microsoftDefenderForEndpoint' and classification eq 'truePositive' and determination \
         eq 'malware' and assignedTo eq 'adele@contoso.com'"
    );
}

#[test]
fn legacy_fields_build_the_legacy_filter() {
    let valid =
        query("top=1&provider=IPC&category=credentialTheft&status=new_alert&fqdn=pc1&upn=a%27b")
            .validate_legacy("me@contoso.com")
            .unwrap();
    assert_eq!(valid.top, 1);
    assert_eq!(
        valid.filter.to_odata().unwrap(),
        "status eq 'newAlert' and vendorInformation/provider eq 'IPC' and category eq \
         'credentialTheft' and hostStates/any(a:a/fqdn eq 'pc1') and \
         userStates/any(a:a/userPrincipalName eq 'a''b')"
    );
}

#[test]
fn bad_values_get_one_readable_message_each() {
    let err = query("top=7&status=newAlert&severity=critical&upn=%01")
        .validate_v2("me@contoso.com")
        .unwrap_err();
    assert_eq!(err.messages.len(), 4, "{err}");
    assert!(err.messages[0].contains("Show must be one of 1, 5, 10, 20, 50 or 100"));
    assert!(
        err.to_string()
            .contains("'newAlert' is not a valid alert status")
    );
    assert!(
        err.to_string()
            .contains("'critical' is not a valid severity")
    );
    assert!(err.to_string().contains("control characters"));
}

#[test]
fn fields_of_the_other_api_are_refused() {
    let err = query("provider=IPC").validate_v2("me").unwrap_err();
    assert!(
        err.to_string()
            .contains("provider filter is not available on the v2")
    );
    let err = query("determination=apt")
        .validate_legacy("me")
        .unwrap_err();
    assert!(err.to_string().contains("not available on the legacy"));
}

#[test]
fn long_text_is_refused() {
    let long = "a".repeat(10_000);
    let err = query(&format!("fqdn={long}"))
        .validate_v2("me")
        .unwrap_err();
    assert!(err.to_string().contains("longer than 256 characters"));
    assert!(err.to_string().len() < 200);
}

#[test]
fn assigned_to_me_accepts_checkbox_values_only() {
    assert!(query("assigned_to_me=on").assigned_to_me());
    assert!(!query("assigned_to_me=off").assigned_to_me());
    assert!(query("assigned_to_me=maybe").validate_v2("me").is_err());
    assert!(
        query("assigned_to_me=off")
            .validate_v2("me")
            .unwrap()
            .filter
            .to_odata()
            .is_none()
    );
}

#[test]
fn has_filters_ignores_top_and_blanks() {
    assert!(!query("top=10&status=").has_filters());
    assert!(query("upn=x").has_filters());
    assert!(query("assigned_to_me=on").has_filters());
}
