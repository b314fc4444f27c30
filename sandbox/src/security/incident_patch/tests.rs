use serde_json::json;
use time::macros::datetime;

use super::*;
use crate::seed::Seed;

const NOW: OffsetDateTime = datetime!(2026-11-24 12:00 UTC);

fn incident() -> IncidentRecord {
    Seed::for_tenant("contoso", "tid", datetime!(2026-11-24 10:00 UTC))
        .incidents
        .remove(0)
}

fn editor(evolvable: bool) -> Editor<'static> {
    Editor {
        name: "megan@contoso.example",
        evolvable,
    }
}

#[test]
fn every_documented_field_can_be_changed() {
    let mut i = incident();
    apply(
        &mut i,
        &json!({"status": "resolved", "assignedTo": "adele@contoso.example",
                "classification": "truePositive", "determination": "multiStagedAttack",
                "customTags": ["Ransomware", "Escalated"], "severity": "high",
                "displayName": "Ransomware on PC-MEGAN", "description": "d", "summary": "s",
                "resolvingComment": "Reimaged the device."}),
        &editor(false),
        NOW,
    )
    .unwrap();
    assert_eq!(i.status, IncidentStatus::Resolved);
    assert_eq!(i.assigned_to.as_deref(), Some("adele@contoso.example"));
    assert_eq!(i.classification, Some(AlertClassification::TruePositive));
    assert_eq!(i.determination, Some(AlertDetermination::MultiStagedAttack));
    assert_eq!(i.custom_tags, ["Ransomware", "Escalated"]);
    assert_eq!(i.severity, AlertSeverity::High);
    assert_eq!(i.display_name, "Ransomware on PC-MEGAN");
    assert_eq!(i.resolving_comment.as_deref(), Some("Reimaged the device."));
    assert_eq!(i.last_update, NOW);
    assert_eq!(i.last_modified_by, "megan@contoso.example");
}

#[test]
fn refused_bodies_change_nothing_and_say_why() {
    for (body, says) in [
        (json!({"status": "Resolved"}), "Requested value 'Resolved'"),
        (
            json!({"status": "awaitingAction"}),
            "Requested value 'awaitingAction'",
        ),
        (
            json!({"status": "redirected"}),
            "merged into another incident",
        ),
        (json!({"Status": "active"}), "does not exist on type"),
        (
            json!({"createdDateTime": "2026-01-01T00:00:00Z"}),
            "read-only",
        ),
        (
            json!({"classification": "falsePositive", "determination": "malware"}),
            "'malware' is not valid for the classification 'falsePositive'",
        ),
        (
            json!({"classification": "unknown", "determination": "phishing"}),
            "not valid for the classification 'unknown'",
        ),
        (json!({"customTags": "one"}), "array of strings"),
        (json!({"customTags": [""]}), "between 1 and"),
        (json!({"displayName": " "}), "non-empty"),
        (
            json!({"status": "resolved", "severity": "severe"}),
            "'severe'",
        ),
        (json!(["status"]), "JSON object"),
    ] {
        let mut i = incident();
        let before = i.clone();
        let failure = apply(&mut i, &body, &editor(false), NOW).unwrap_err();
        assert!(
            failure.message.contains(says),
            "{body}: {}",
            failure.message
        );
        assert_eq!(i, before, "{body} changed the incident");
    }
}

#[test]
fn awaiting_action_needs_the_preference_that_reveals_it() {
    let mut i = incident();
    apply(
        &mut i,
        &json!({"status": "awaitingAction"}),
        &editor(true),
        NOW,
    )
    .unwrap();
    assert_eq!(i.status, IncidentStatus::AwaitingAction);
}

#[test]
fn a_determination_alone_is_checked_against_the_current_classification() {
    let mut i = incident();
    apply(
        &mut i,
        &json!({"classification": "falsePositive", "determination": "notMalicious"}),
        &editor(false),
        NOW,
    )
    .unwrap();
    assert!(
        apply(
            &mut i,
            &json!({"determination": "phishing"}),
            &editor(false),
            NOW
        )
        .is_err()
    );
    apply(
        &mut i,
        &json!({"determination": "other"}),
        &editor(false),
        NOW,
    )
    .unwrap();
    assert_eq!(i.determination, Some(AlertDetermination::Other));
}

#[test]
fn comments_are_added_with_their_author() {
    let mut i = incident();
    let before = i.comments.len();
    add_comment(
        &mut i,
        &json!({"@odata.type": "microsoft.graph.security.alertComment", "comment": " Called the user. "}),
        "Megan Bowen",
        NOW,
    )
    .unwrap();
    let added = i.comments.last().unwrap();
    assert_eq!(i.comments.len(), before + 1);
    assert_eq!(
        (added.text.as_str(), added.by.as_str()),
        ("Called the user.", "Megan Bowen")
    );
    assert!(add_comment(&mut i, &json!({"comment": ""}), "x", NOW).is_err());
}
