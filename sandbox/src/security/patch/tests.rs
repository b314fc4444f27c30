use serde_json::json;
use time::macros::datetime;

use super::*;
use crate::seed::{Seed, render};

const NOW: OffsetDateTime = datetime!(2026-11-24 12:00 UTC);

fn alert(provider_index: usize) -> AlertRecord {
    let seed = Seed::for_tenant("contoso", "tid", datetime!(2026-11-24 10:00 UTC));
    seed.alerts
        .into_iter()
        .find(|a| std::ptr::eq(a.source, &crate::seed::SOURCES[provider_index]))
        .unwrap()
}

#[test]
fn v2_patch_updates_allowed_fields() {
    let mut a = alert(0);
    apply_v2(
        &mut a,
        &json!({"status": "resolved", "classification": "truePositive",
                "determination": "malware", "assignedTo": "megan@contoso.example"}),
        NOW,
    )
    .unwrap();
    assert_eq!(a.status, AlertStatus::Resolved);
    assert_eq!(a.resolved, Some(NOW));
    assert_eq!(a.classification, Some(AlertClassification::TruePositive));
    assert_eq!(a.determination, Some(AlertDetermination::Malware));
    assert_eq!(a.assigned_to.as_deref(), Some("megan@contoso.example"));
    assert_eq!(a.last_update, NOW);
}

#[test]
fn enum_values_must_be_spelled_as_graph_spells_them() {
    let mut a = alert(0);
    let before = a.clone();
    for (field, value) in [
        ("status", "Resolved"),
        ("status", "in_progress"),
        ("status", "newAlert"),
        ("classification", "TruePositive"),
        ("classification", "benignPositive"),
        ("determination", "compromisedUser"),
    ] {
        let failure = apply_v2(&mut a, &json!({ field: value }), NOW).unwrap_err();
        assert_eq!(failure.code, "BadRequest");
        assert_eq!(
            failure.message,
            format!("Requested value '{value}' was not found for property '{field}'.")
        );
        assert_eq!(a, before);
    }
    let mut legacy = alert(4);
    let vendor = json!({"provider": "IPC", "vendor": "Microsoft"});
    for body in [
        json!({"vendorInformation": vendor, "status": "new"}),
        json!({"vendorInformation": vendor, "status": "NewAlert"}),
        json!({"vendorInformation": vendor, "feedback": "informationalExpectedActivity"}),
    ] {
        assert!(
            apply_legacy(&mut legacy, &body, "x", NOW).is_err(),
            "{body}"
        );
    }
}

#[test]
fn v2_patch_refuses_bad_values_without_changing_anything() {
    let mut a = alert(0);
    let before = a.clone();
    for body in [
        json!({"status": "resolved", "classification": "maybe"}),
        json!({"title": "new title"}),
        json!({"status": 3}),
        json!([1, 2]),
    ] {
        assert!(apply_v2(&mut a, &body, NOW).is_err(), "{body}");
        assert_eq!(a, before);
    }
}

#[test]
fn comments_append_with_author() {
    let mut a = alert(1);
    let count = a.comments.len();
    add_comment(
        &mut a,
        &json!({"@odata.type": "microsoft.graph.security.alertComment", "comment": "checked"}),
        "Megan Bowen",
        NOW,
    )
    .unwrap();
    assert_eq!(a.comments.len(), count + 1);
    assert_eq!(a.comments.last().unwrap().by, "Megan Bowen");
    assert!(add_comment(&mut a, &json!({"comment": "  "}), "x", NOW).is_err());
    assert!(
        add_comment(
            &mut a,
            &json!({"@odata.type": "x", "comment": "y"}),
            "x",
            NOW
        )
        .is_err()
    );
}

#[test]
fn legacy_patch_needs_matching_vendor_information() {
    let mut a = alert(4);
    let before = a.clone();
    assert!(apply_legacy(&mut a, &json!({"status": "resolved"}), "x", NOW).is_err());
    let wrong = json!({"status": "resolved", "vendorInformation": {"provider": "MCAS", "vendor": "Microsoft"}});
    assert!(apply_legacy(&mut a, &wrong, "x", NOW).is_err());
    let half = json!({"vendorInformation": {"provider": "IPC"}});
    assert!(apply_legacy(&mut a, &half, "x", NOW).is_err());
    assert_eq!(a, before);
}

#[test]
fn legacy_patch_maps_to_the_shared_record() {
    let mut a = alert(4);
    let mut comments: Vec<String> = a.comments.iter().map(|c| c.text.clone()).collect();
    comments.push("Closed in IPC".into());
    let body = json!({
        "vendorInformation": {"provider": "IPC", "vendor": "Microsoft"},
        "status": "inProgress", "feedback": "benignPositive",
        "assignedTo": "alex@contoso.example", "comments": comments, "tags": ["x"],
    });
    apply_legacy(&mut a, &body, "Alex Wilber", NOW).unwrap();
    let json = render::alert_legacy(&a);
    assert_eq!(json["status"], "inProgress");
    assert_eq!(json["feedback"], "benignPositive");
    assert_eq!(
        json["comments"].as_array().unwrap().last().unwrap(),
        "Closed in IPC"
    );
    assert_eq!(a.comments.last().unwrap().by, "Alex Wilber");
    assert_eq!(
        render::alert_v2(&a)["classification"],
        "informationalExpectedActivity"
    );
}

#[test]
fn legacy_comments_may_start_from_null() {
    let mut a = alert(4);
    let body =
        json!({"vendorInformation": {"provider": "IPC", "vendor": "Microsoft"}, "comments": null});
    apply_legacy(&mut a, &body, "x", NOW).unwrap();
    assert!(a.comments.is_empty());
}

#[test]
fn a_dismissed_legacy_alert_is_resolved() {
    let mut a = alert(4);
    let body = json!({"vendorInformation": {"provider": "IPC", "vendor": "Microsoft"}, "status": "dismissed"});
    apply_legacy(&mut a, &body, "x", NOW).unwrap();
    assert_eq!(a.status, AlertStatus::Resolved);
    assert_eq!(render::alert_legacy(&a)["status"], "resolved");
}

#[test]
fn field_names_are_case_sensitive_and_unknown_ones_are_refused_as_graph_does() {
    let mut a = alert(0);
    let before = a.clone();
    for field in [
        "Status",
        "AssignedTo",
        "assigned_to",
        "CLASSIFICATION",
        "owner",
    ] {
        let failure = apply_v2(&mut a, &json!({ field: "x" }), NOW).unwrap_err();
        assert_eq!(failure.code, "BadRequest");
        assert_eq!(
            failure.message,
            format!(
                "The property '{field}' does not exist on type 'microsoft.graph.security.alert'. \
                 Make sure to only use property names that are defined by the type or mark the \
                 type as open type."
            )
        );
        assert_eq!(a, before, "{field}");
    }
    let failure = apply_v2(&mut a, &json!({"title": "x"}), NOW).unwrap_err();
    assert_eq!(
        failure.message,
        "Property 'title' is read-only and cannot be updated."
    );
    let mut legacy = alert(4);
    let before = legacy.clone();
    let vendor = json!({"provider": "IPC", "vendor": "Microsoft"});
    for field in ["Status", "Feedback", "assigned_to"] {
        let body = json!({"vendorInformation": vendor, field: "x"});
        let failure = apply_legacy(&mut legacy, &body, "x", NOW).unwrap_err();
        assert!(
            failure.message.contains(&format!(
                "'{field}' does not exist on type 'microsoft.graph.alert'"
            )),
            "{}",
            failure.message
        );
        assert_eq!(legacy, before);
    }
}
