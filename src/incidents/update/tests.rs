use serde_json::json;

use crate::alerts::update::MAX_COMMENT_LEN;

use super::*;

fn incident() -> Value {
    json!({"id": "101", "status": "active", "assignedTo": "adele@contoso.example",
           "classification": "truePositive", "determination": "malware",
           "customTags": ["Demo", "Phishing"]})
}

/// The form as the page fills it: the incident's current values.
fn unchanged() -> IncidentForm {
    IncidentForm {
        status: Some("active".into()),
        assigned_to: Some("adele@contoso.example".into()),
        classification: Some("true_positive".into()),
        determination: Some("malware".into()),
        tags: Some("Demo, Phishing".into()),
        ..IncidentForm::default()
    }
}

const ME: &str = "megan@contoso.example";

#[test]
fn only_changed_fields_are_sent() {
    let form = IncidentForm {
        status: Some("awaiting_action".into()),
        assign_to_me: Some("on".into()),
        tags: Some("Demo, Escalated".into()),
        comment: Some("  Called the user.  ".into()),
        ..unchanged()
    };
    let update = form.validate(ME, &incident()).unwrap();
    assert_eq!(
        Value::Object(update.patch),
        json!({"status": "awaitingAction", "assignedTo": ME,
               "customTags": ["Demo", "Escalated"]})
    );
    assert_eq!(update.comment.as_deref(), Some("Called the user."));
    assert_eq!(update.tags.added, ["Escalated"]);
    assert_eq!(update.tags.removed, ["Phishing"]);
}

#[test]
fn a_verdict_change_sends_both_halves_of_the_pair() {
    let form = IncidentForm {
        classification: Some("false_positive".into()),
        determination: Some("not_malicious".into()),
        ..unchanged()
    };
    let update = form.validate(ME, &incident()).unwrap();
    assert_eq!(
        Value::Object(update.patch),
        json!({"classification": "falsePositive", "determination": "notMalicious"})
    );
}

#[test]
fn impossible_pairs_and_bad_values_are_refused_beside_their_fields() {
    let cases = [
        (
            IncidentForm {
                classification: Some("false_positive".into()),
                ..unchanged()
            },
            "determination",
            "does not go with the classification",
        ),
        (
            IncidentForm {
                status: Some("redirected".into()),
                ..unchanged()
            },
            "status",
            "merges it into another",
        ),
        (
            IncidentForm {
                status: Some("closed".into()),
                ..unchanged()
            },
            "status",
            "is not a valid incident status",
        ),
        (
            IncidentForm {
                assigned_to: Some("megan bowen".into()),
                ..unchanged()
            },
            "assigned_to",
            "is not a user principal name",
        ),
        (
            IncidentForm {
                comment: Some("x".repeat(MAX_COMMENT_LEN + 1)),
                ..unchanged()
            },
            "comment",
            "at most",
        ),
        (unchanged(), "form", "Nothing to change"),
    ];
    for (form, field, says) in cases {
        let err = form.validate(ME, &incident()).unwrap_err();
        let messages = err.for_field(field).join(" ");
        assert!(messages.contains(says), "{field}: {err}");
    }
}

#[test]
fn an_emptied_assignee_unassigns_and_a_comment_alone_sends_no_patch() {
    let form = IncidentForm {
        assigned_to: Some(" ".into()),
        ..unchanged()
    };
    let update = form.validate(ME, &incident()).unwrap();
    assert_eq!(Value::Object(update.patch), json!({"assignedTo": null}));
    let form = IncidentForm {
        comment: Some("Looked at it.".into()),
        ..unchanged()
    };
    let update = form.validate(ME, &incident()).unwrap();
    assert!(update.patch.is_empty());
}
