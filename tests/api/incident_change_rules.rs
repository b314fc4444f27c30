//! One rule per field of an incident change: the manage form (one incident) and the bulk
//! form (many) refuse the same values, before Graph is asked to write. Each row of the table
//! is sent both ways to an incident in the same state; both write, or neither does.

use graphsec::config::AlertsApiKind;
use graphsec_sandbox::schema::security::{AlertClassification, AlertDetermination, IncidentStatus};

use crate::alerts_support::{contoso, signed_in};
use crate::audit::executed_writes;
use crate::bulk_incidents::incidents;
use crate::helpers::TestApp;

/// Fields and values, and whether the change is taken. Rows without a comment of their own
/// add one, so a value that changes nothing still makes a change the forms accept.
fn table() -> Vec<(Vec<(&'static str, String)>, bool)> {
    let one =
        |field: &'static str, value: &str, taken: bool| (vec![(field, value.to_string())], taken);
    vec![
        one("status", "active", true),
        one("status", "in_progress", true),
        one("status", "awaiting_action", true),
        one("status", "resolved", true),
        one("status", "redirected", false),
        one("status", "new", false),
        one("status", "bogus", false),
        one("classification", "true_positive", true),
        one("classification", "false_positive", false),
        one("classification", "informational_expected_activity", false),
        one("classification", "bogus", false),
        one("determination", "malware", true),
        one("determination", "phishing", true),
        one("determination", "not_malicious", false),
        one("determination", "bogus", false),
        (
            vec![
                ("classification", "false_positive".into()),
                ("determination", "not_malicious".into()),
            ],
            true,
        ),
        (
            vec![
                ("classification", "true_positive".into()),
                ("determination", "not_malicious".into()),
            ],
            false,
        ),
        one("assign_to_me", "on", true),
        one("assign_to_me", "yes", true),
        one("assign_to_me", "off", true),
        one("assign_to_me", "banana", false),
        one("comment", &"a".repeat(4000), true),
        one("comment", &"a".repeat(4001), false),
        one("comment", "   ", false),
    ]
}

/// The incident as every row finds it: active, a true positive (malware), no one assigned.
fn reset(app: &TestApp, id: &str) {
    app.sandbox
        .state()
        .security()
        .update_incident(contoso(), id, |i| {
            i.status = IncidentStatus::Active;
            i.classification = Some(AlertClassification::TruePositive);
            i.determination = Some(AlertDetermination::Malware);
            i.assigned_to = None;
            Ok(())
        })
        .unwrap();
}

/// Whether posting `fields` to `path` made Graph write anything.
async fn writes(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> bool {
    let before = executed_writes(app);
    let response = app.post_form(path, fields).await;
    let status = response.status();
    assert!(!status.is_server_error(), "{path} {fields:?}: {status}");
    if status.is_client_error() {
        let html = response.text().await.unwrap();
        assert!(
            ["invalid-feedback", "form-problem", "bulk-problems"]
                .iter()
                .any(|hook| html.contains(hook)),
            "{path} {fields:?}: a refusal without a sentence beside it"
        );
    }
    executed_writes(app) > before
}

#[tokio::test]
async fn the_manage_form_and_the_bulk_form_refuse_the_same_values() {
    let app = signed_in(AlertsApiKind::V2).await;
    let id = incidents(&app)
        .into_iter()
        .find(|i| i.status != IncidentStatus::Redirected)
        .expect("an incident that is not redirected")
        .id;
    let single = format!("/incidents/{id}/update");
    for (row, (fields, taken)) in table().into_iter().enumerate() {
        let mut fields: Vec<(&str, &str)> = fields.iter().map(|(f, v)| (*f, v.as_str())).collect();
        let comment = format!("Table row {row}.");
        if !fields.iter().any(|(f, _)| *f == "comment") {
            fields.push(("comment", &comment));
        }
        reset(&app, &id);
        let by_one = writes(&app, &single, &fields).await;
        reset(&app, &id);
        let mut bulk = fields.clone();
        bulk.push(("ids", &id));
        let by_bulk = writes(&app, "/incidents/bulk", &bulk).await;
        assert_eq!(
            (by_one, by_bulk),
            (taken, taken),
            "row {row} {fields:?}: (manage form wrote, bulk form wrote)"
        );
    }
}
