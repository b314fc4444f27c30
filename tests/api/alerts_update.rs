//! Managing alerts: update, comments, email.

use graphsec::config::AlertsApiKind;
use graphsec_sandbox::schema::security::{AlertClassification, AlertStatus};

use crate::alerts_forms::update_and_follow;
use crate::alerts_support::*;
use crate::helpers::MEGAN;

fn first(
    app: &crate::helpers::TestApp,
    status: AlertStatus,
) -> graphsec_sandbox::seed::AlertRecord {
    alerts(app)
        .into_iter()
        .find(|a| a.status == status && a.assigned_to.is_none())
        .expect("a seeded alert in that state")
}

#[tokio::test]
async fn v2_update_shows_original_and_updated_and_changes_the_sandbox() {
    let app = signed_in(AlertsApiKind::V2).await;
    let alert = first(&app, AlertStatus::New);
    let (_, html) = update_and_follow(
        &app,
        &[
            ("alert_id", alert.id.as_str()),
            ("status", "in_progress"),
            ("classification", "true_positive"),
            ("determination", "malware"),
            ("comment", "Checked the device <b>now</b>"),
            ("assign_to_me", "on"),
        ],
    )
    .await;
    assert!(text_of(&html, "#original-alert .alert-status").contains("New"));
    assert!(text_of(&html, "#updated-alert .alert-status").contains("In progress"));
    assert!(text_of(&html, "#updated-alert .alert-assigned-to").contains(MEGAN));
    assert!(html.contains("PATCH http://127.0.0.1:"));
    assert!(html.contains("/comments"));
    assert!(!html.contains("<b>now</b>"));
    let after = app
        .sandbox
        .state()
        .security()
        .alert(contoso(), &alert.id)
        .unwrap();
    assert_eq!(after.status, AlertStatus::InProgress);
    assert_eq!(
        after.classification,
        Some(AlertClassification::TruePositive)
    );
    assert_eq!(after.assigned_to.as_deref(), Some(MEGAN));
    assert_eq!(after.comments.len(), alert.comments.len() + 1);
    assert_eq!(
        after.comments.last().unwrap().text,
        "Checked the device <b>now</b>"
    );
}

#[tokio::test]
async fn legacy_update_sends_vendor_information_and_prefers_the_representation() {
    let app = signed_in(AlertsApiKind::Legacy).await;
    let alert = first(&app, AlertStatus::New);
    let (_, html) = update_and_follow(
        &app,
        &[
            ("alert_id", alert.id.as_str()),
            ("status", "resolved"),
            ("feedback", "benign_positive"),
            ("comment", "Closed in IPC"),
        ],
    )
    .await;
    assert!(text_of(&html, "#original-alert .alert-status").contains("New"));
    assert!(text_of(&html, "#updated-alert .alert-status").contains("Resolved"));
    assert!(text_of(&html, "#updated-alert .alert-verdict").contains("Benign positive"));
    let patch = app
        .sandbox
        .state()
        .requests()
        .into_iter()
        .find(|r| r.method == "PATCH")
        .expect("a PATCH was sent");
    assert_eq!(
        patch.header("prefer"),
        Some("return=representation, include-unknown-enum-members")
    );
    let body: serde_json::Value = serde_json::from_str(&patch.body).unwrap();
    assert_eq!(
        body["vendorInformation"]["provider"],
        alert.source.legacy_provider
    );
    assert_eq!(body["vendorInformation"]["vendor"], "Microsoft");
    let after = app
        .sandbox
        .state()
        .security()
        .alert(contoso(), &alert.id)
        .unwrap();
    assert_eq!(after.status, AlertStatus::Resolved);
    assert_eq!(after.comments.last().unwrap().text, "Closed in IPC");
}

#[tokio::test]
async fn comments_append_to_the_existing_list() {
    for api in APIS {
        let app = signed_in(api).await;
        let alert = alerts(&app)
            .into_iter()
            .find(|a| a.comments.len() == 2)
            .unwrap();
        for text in ["first note", "second note"] {
            update_and_follow(&app, &[("alert_id", alert.id.as_str()), ("comment", text)]).await;
        }
        let after = app
            .sandbox
            .state()
            .security()
            .alert(contoso(), &alert.id)
            .unwrap();
        let texts: Vec<&str> = after.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts.len(), 4, "{api:?}");
        assert_eq!(
            texts[..2],
            [
                alert.comments[0].text.as_str(),
                alert.comments[1].text.as_str()
            ]
        );
        assert_eq!(texts[2..], ["first note", "second note"]);
    }
}

#[tokio::test]
async fn email_lands_in_the_sandbox_outbox_with_the_recipients_given() {
    for api in APIS {
        let app = signed_in(api).await;
        let alert = alerts(&app)
            .into_iter()
            .find(|a| a.title.contains("<script>"))
            .unwrap();
        let response = app
            .post_form(
                &format!("/alerts/{}/email", alert.id),
                &[("recipients", "soc@contoso.example, lead@fabrikam.example")],
            )
            .await;
        assert_eq!(response.status(), 303, "{api:?}");
        let (_, page) = app.get_html(&crate::helpers::location(&response)).await;
        assert!(page_text(&page).contains("sent to soc@contoso.example, lead@fabrikam.example"));
        let outbox = app.sandbox.state().security().outbox();
        assert_eq!(outbox.len(), 1);
        let mail = &outbox[0];
        assert_eq!(mail.to, ["soc@contoso.example", "lead@fabrikam.example"]);
        assert_eq!(mail.from, MEGAN);
        assert_eq!(mail.content_type, "html");
        assert!(!mail.content.contains("<script>alert"));
        assert!(mail.content.contains(&format!("/alerts/{}", alert.id)));
        assert!(mail.subject.contains("Security alert"));
    }
}

#[tokio::test]
async fn the_alert_page_manage_form_updates_that_alert() {
    for api in [AlertsApiKind::V2, AlertsApiKind::Legacy] {
        let app = signed_in(api).await;
        let alert = first(&app, AlertStatus::New);
        let (status, page) = app.get_html(&format!("/alerts/{}", alert.id)).await;
        assert_eq!(status, 200);
        let form_id = crate::helpers::select_attr(
            &page,
            "#manage-form input[type=hidden][name=alert_id]",
            "value",
        );
        assert_eq!(form_id.as_deref(), Some(alert.id.as_str()), "{api:?}");
        update_and_follow(
            &app,
            &[
                ("alert_id", form_id.unwrap().as_str()),
                ("status", "resolved"),
            ],
        )
        .await;
        let after = app
            .sandbox
            .state()
            .security()
            .alert(contoso(), &alert.id)
            .unwrap();
        assert_eq!(after.status, AlertStatus::Resolved, "{api:?}");
    }
}
