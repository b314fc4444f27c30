use serde_json::json;

use super::*;

fn form(pairs: &str) -> UpdateForm {
    serde_urlencoded::from_str(pairs).unwrap()
}

#[test]
fn v2_update_builds_patch_and_keeps_comment_apart() {
    let update = form("alert_id=da1&status=resolved&classification=true_positive&determination=malware&comment=done&assign_to_me=on")
        .validate_v2("megan@contoso.example")
        .unwrap();
    assert_eq!(
        update.v2_patch_body().unwrap(),
        json!({"status": "resolved", "classification": "truePositive",
               "determination": "malware", "assignedTo": "megan@contoso.example"})
    );
    assert_eq!(update.comment.as_deref(), Some("done"));
    let comment_only = form("alert_id=da1&comment=hi").validate_v2("me").unwrap();
    assert_eq!(comment_only.v2_patch_body(), None);
}

#[test]
fn legacy_update_appends_to_existing_or_null_comments() {
    let update = form("alert_id=x&status=in_progress&feedback=true_positive&comment=third")
        .validate_legacy("me@contoso.example")
        .unwrap();
    let original = json!({"comments": ["one", "two"],
        "vendorInformation": {"provider": "IPC", "vendor": "Microsoft", "providerVersion": "2.0"}});
    let body = update.legacy_patch_body(&original);
    assert_eq!(body["comments"], json!(["one", "two", "third"]));
    assert_eq!(
        body["vendorInformation"],
        json!({"provider": "IPC", "vendor": "Microsoft"})
    );
    assert_eq!(body["status"], "inProgress");
    assert_eq!(body["feedback"], "truePositive");
    let null_comments =
        json!({"comments": null, "vendorInformation": {"provider": "IPC", "vendor": "Microsoft"}});
    assert_eq!(
        update.legacy_patch_body(&null_comments)["comments"],
        json!(["third"])
    );
}

#[test]
fn bad_forms_get_readable_messages() {
    let cases = [
        ("status=resolved", "Enter an alert id"),
        ("alert_id=&status=resolved", "Enter an alert id"),
        ("alert_id=a%2Fb&status=resolved", "only letters, digits"),
        (
            "alert_id=x&status=newAlert",
            "'newAlert' is not a valid alert status",
        ),
        (
            "alert_id=x&classification=bogus",
            "not a valid classification",
        ),
        (
            "alert_id=x&feedback=truePositive",
            "Feedback applies to the legacy",
        ),
        ("alert_id=x", "Choose something to change"),
        (
            "alert_id=x&assign_to_me=perhaps",
            "Assign to me must be on or off",
        ),
    ];
    for (pairs, expected) in cases {
        let err = form(pairs).validate_v2("me").unwrap_err();
        assert!(err.to_string().contains(expected), "{pairs}: {err}");
    }
    let long_id = format!("alert_id={}&status=resolved", "a".repeat(10_240));
    assert!(
        form(&long_id)
            .validate_v2("me")
            .unwrap_err()
            .to_string()
            .contains("256")
    );
    let err = form("alert_id=x&determination=apt")
        .validate_legacy("me")
        .unwrap_err();
    assert!(err.to_string().contains("use feedback"));
    let err = form("alert_id=x&status=new")
        .validate_legacy("me")
        .unwrap_err();
    assert!(err.to_string().contains("not a valid legacy alert status"));
}

#[test]
fn undocumented_verdict_pairs_are_refused_beside_the_determination() {
    let err = form("alert_id=x&classification=false_positive&determination=apt")
        .validate_v2("me")
        .unwrap_err();
    assert_eq!(err.for_field("determination").len(), 1);
    assert!(err.to_string().contains("does not go with"), "{err}");
    assert!(
        form("alert_id=x&classification=true_positive&determination=apt")
            .validate_v2("me")
            .is_ok()
    );
    let alone = form("alert_id=x&determination=malware")
        .validate_v2("me")
        .unwrap();
    assert!(alone.check_pair_with("falsePositive").is_err());
    assert!(alone.check_pair_with("truePositive").is_ok());
}
