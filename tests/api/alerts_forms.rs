//! Forms that never lose work: the update redirects to a result a refresh does not resend,
//! refused forms come back with what was typed, and verdict pairs are checked.

use graphsec::config::AlertsApiKind;
use graphsec_sandbox::schema::security::AlertStatus;

use crate::alerts_support::*;
use crate::helpers::{TestApp, location, select_attr};

/// PATCHes and comment POSTs the sandbox received.
pub fn writes(app: &TestApp) -> usize {
    app.sandbox
        .state()
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH" || (r.method == "POST" && r.path().ends_with("/comments")))
        .count()
}

/// Submits the manage form, expects the 303 and returns the result page's path and HTML.
pub async fn update_and_follow(app: &TestApp, fields: &[(&str, &str)]) -> (String, String) {
    let response = app.post_form("/alerts/update", fields).await;
    assert_eq!(response.status(), 303, "the update redirects to its result");
    let path = location(&response);
    let (status, html) = app.get_html(&path).await;
    assert_eq!(status, 200, "{path}: {html}");
    (path, html)
}

fn new_unassigned(app: &TestApp) -> graphsec_sandbox::seed::AlertRecord {
    alerts(app)
        .into_iter()
        .find(|a| a.status == AlertStatus::New && a.assigned_to.is_none())
        .expect("a new, unassigned alert")
}

#[tokio::test]
async fn refreshing_the_update_result_sends_nothing_again() {
    for api in APIS {
        let app = signed_in(api).await;
        let alert = new_unassigned(&app);
        let before = alert.comments.len();
        let (path, html) = update_and_follow(
            &app,
            &[
                ("alert_id", alert.id.as_str()),
                ("status", "in_progress"),
                ("comment", "looked at it once"),
            ],
        )
        .await;
        assert!(path.starts_with("/alerts/update?result="), "{path}");
        assert!(text_of(&html, "#original-alert .alert-status").contains("New"));
        assert!(text_of(&html, "#updated-alert .alert-status").contains("In progress"));
        let sent = writes(&app);
        for _ in 0..2 {
            let (status, again) = app.get_html(&path).await;
            assert_eq!(status, 200, "{api:?}");
            assert!(again.contains("id=\"updated-alert\""));
        }
        assert_eq!(
            writes(&app),
            sent,
            "{api:?}: a refresh sends no second PATCH"
        );
        let after = app
            .sandbox
            .state()
            .security()
            .alert(contoso(), &alert.id)
            .unwrap();
        assert_eq!(after.comments.len(), before + 1, "{api:?}: one comment");
    }
}

#[tokio::test]
async fn an_unknown_result_is_a_readable_not_found() {
    let app = signed_in(AlertsApiKind::V2).await;
    let (status, html) = app.get_html("/alerts/update?result=nothing-here").await;
    assert_eq!(status, 404);
    assert!(page_text(&html).contains("no longer kept"));
}

#[tokio::test]
async fn a_refused_update_comes_back_on_the_form_with_what_was_typed() {
    let app = signed_in(AlertsApiKind::V2).await;
    let alert = new_unassigned(&app);
    // Nothing to change, but a comment typed with only spaces and a status left unchanged.
    let response = app
        .post_form(
            "/alerts/update",
            &[("alert_id", alert.id.as_str()), ("status", "")],
        )
        .await;
    assert_eq!(response.status(), 400);
    let html = response.text().await.unwrap();
    assert!(text_of(&html, "#manage-form .form-problem").contains("Choose something to change"));
    assert_eq!(
        text_of(&html, "#alert-title"),
        alert.title,
        "back on the alert's page"
    );

    // A bad status keeps the comment, the other choices and the tick.
    let response = app
        .post_form(
            "/alerts/update",
            &[
                ("alert_id", alert.id.as_str()),
                ("status", "closed"),
                ("classification", "true_positive"),
                ("comment", "Typed <carefully>"),
                ("assign_to_me", "on"),
            ],
        )
        .await;
    assert_eq!(response.status(), 400);
    let html = response.text().await.unwrap();
    assert_eq!(
        select_attr(&html, "#manage-form #comment", "value").as_deref(),
        Some("Typed <carefully>")
    );
    assert!(select_attr(&html, "#manage-form #assign_to_me", "checked").is_some());
    assert_eq!(
        select_attr(&html, "#update_classification option[selected]", "value").as_deref(),
        Some("true_positive")
    );
    assert!(
        text_of(&html, "#update_status ~ .invalid-feedback").contains("is not a valid"),
        "the message sits beside the status field"
    );

    // An id that names no alert comes back on the form with the id kept.
    let response = app
        .post_form(
            "/alerts/update",
            &[("alert_id", "da0000000000000000"), ("comment", "keep me")],
        )
        .await;
    assert_eq!(response.status(), 404);
    let html = response.text().await.unwrap();
    assert_eq!(
        select_attr(&html, "#manage-form #alert_id", "value").as_deref(),
        Some("da0000000000000000")
    );
    assert_eq!(
        select_attr(&html, "#manage-form #comment", "value").as_deref(),
        Some("keep me")
    );
    assert!(text_of(&html, "#alert_id ~ .invalid-feedback").contains("There is no alert"));
    assert_eq!(writes(&app), 0);
}

#[tokio::test]
async fn a_bad_recipient_comes_back_on_the_alert_page_with_what_was_typed() {
    let app = signed_in(AlertsApiKind::V2).await;
    let id = alerts(&app)[0].id.clone();
    let typed = "soc@contoso.example, not-an-address";
    let response = app
        .post_form(&format!("/alerts/{id}/email"), &[("recipients", typed)])
        .await;
    assert_eq!(response.status(), 400);
    let html = response.text().await.unwrap();
    assert_eq!(
        select_attr(&html, "#email-form #recipients", "value").as_deref(),
        Some(typed)
    );
    assert!(text_of(&html, "#recipients-problem").contains("is not a valid email address"));
    assert!(
        html.contains("id=\"manage-form\""),
        "the rest of the page is there"
    );
    assert!(app.sandbox.state().security().outbox().is_empty());
}

#[tokio::test]
async fn classification_and_determination_must_be_a_documented_pair() {
    let app = signed_in(AlertsApiKind::V2).await;
    let alert = new_unassigned(&app);
    let response = app
        .post_form(
            "/alerts/update",
            &[
                ("alert_id", alert.id.as_str()),
                ("classification", "false_positive"),
                ("determination", "apt"),
            ],
        )
        .await;
    assert_eq!(response.status(), 400);
    let html = response.text().await.unwrap();
    let message = text_of(&html, "#update_determination ~ .invalid-feedback");
    assert!(
        message.contains("does not go with") && message.contains("Not malicious"),
        "{message}"
    );
    assert_eq!(writes(&app), 0, "nothing was sent");

    // A determination alone is checked against the alert's current classification.
    let unclassified = alerts(&app)
        .into_iter()
        .find(|a| a.classification.is_none())
        .expect("an unclassified alert");
    let response = app
        .post_form(
            "/alerts/update",
            &[
                ("alert_id", unclassified.id.as_str()),
                ("determination", "malware"),
            ],
        )
        .await;
    assert_eq!(response.status(), 400);
    assert_eq!(writes(&app), 0);

    // The documented pair goes through.
    update_and_follow(
        &app,
        &[
            ("alert_id", alert.id.as_str()),
            ("classification", "true_positive"),
            ("determination", "apt"),
        ],
    )
    .await;
    assert_eq!(writes(&app), 1);
}

#[tokio::test]
async fn the_determination_options_are_grouped_by_classification() {
    let app = signed_in(AlertsApiKind::V2).await;
    let (_, html) = app.get_html("/alerts").await;
    let doc = scraper::Html::parse_document(&html);
    let groups = scraper::Selector::parse("#update_determination optgroup").unwrap();
    let labels: Vec<&str> = doc
        .select(&groups)
        .filter_map(|g| g.value().attr("label"))
        .collect();
    assert_eq!(
        labels,
        [
            "True positive",
            "Informational, expected activity",
            "False positive",
            "Not yet known"
        ]
    );
    let false_positive =
        scraper::Selector::parse("#update_determination optgroup[label='False positive'] option")
            .unwrap();
    let values: Vec<&str> = doc
        .select(&false_positive)
        .filter_map(|o| o.value().attr("value"))
        .collect();
    assert_eq!(
        values,
        ["not_malicious", "not_enough_data_to_validate", "other"]
    );
}

#[tokio::test]
async fn an_expired_session_sends_the_typed_form_through_sign_in_and_back() {
    let app = signed_in(AlertsApiKind::V2).await;
    let alert = new_unassigned(&app);
    // A browser whose session has expired: its cookie names no session, the form is still open.
    let browser = crate::helpers::new_client();
    let comment = "Typed before the session ran out: ü & <b>";
    let response = browser
        .post(app.url("/alerts/update"))
        .form(&[
            ("alert_id", alert.id.as_str()),
            ("status", "resolved"),
            ("comment", comment),
            ("assign_to_me", "on"),
            ("csrf_token", "from-the-expired-session"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let login = location(&response);
    assert!(login.starts_with("/login?next="), "{login}");
    assert_eq!(writes(&app), 0, "nothing sent while signed out");

    // Sign in again in that browser.
    let response = browser.get(app.url(&login)).send().await.unwrap();
    let authorize = url::Url::parse(&location(&response)).unwrap();
    let response = browser
        .post(authorize)
        .form(&[("user", crate::helpers::MEGAN), ("decision", "approve")])
        .send()
        .await
        .unwrap();
    let callback = location(&response);
    let response = browser.get(callback).send().await.unwrap();
    assert_eq!(response.status(), 303);
    let back = location(&response);
    assert!(
        back.starts_with(&format!("/alerts/{}?", alert.id)),
        "{back}"
    );
    let response = browser.get(app.url(&back)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(text_of(&html, "#form-restored").contains("nothing was changed"));
    assert_eq!(
        select_attr(&html, "#manage-form #comment", "value").as_deref(),
        Some(comment)
    );
    assert_eq!(
        select_attr(&html, "#update_status option[selected]", "value").as_deref(),
        Some("resolved")
    );
    assert!(select_attr(&html, "#manage-form #assign_to_me", "checked").is_some());
    assert_eq!(writes(&app), 0, "restoring sends nothing either");
}

#[tokio::test]
async fn a_form_too_long_to_carry_through_sign_in_is_shown_to_copy_instead() {
    let app = signed_in(AlertsApiKind::V2).await;
    let alert = new_unassigned(&app);
    let browser = crate::helpers::new_client();
    // Longer than a return path may be once percent-encoded (2 KiB).
    let comment = "Long notes about this alert, é & <b>. ".repeat(60);
    let response = browser
        .post(app.url("/alerts/update"))
        .form(&[
            ("alert_id", alert.id.as_str()),
            ("status", "resolved"),
            ("comment", comment.as_str()),
            ("csrf_token", "from-the-expired-session"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(text_of(&html, "#change-not-sent").contains("nothing was changed"));
    assert_eq!(text_of(&html, "#unsent-comment"), comment.trim());
    let retry = select_attr(&html, "#sign-in-again", "href").unwrap();
    let back: String =
        url::form_urlencoded::byte_serialize(format!("/alerts/{}", alert.id).as_bytes()).collect();
    assert_eq!(retry, format!("/login?next={back}"));
    assert_eq!(writes(&app), 0, "nothing sent while signed out");
}

#[tokio::test]
async fn a_forged_post_without_a_session_changes_nothing() {
    let app = signed_in(AlertsApiKind::V2).await;
    let alert = new_unassigned(&app);
    let stranger = crate::helpers::new_client();
    for path in ["/alerts/update", "/subscriptions", "/logout"] {
        let response = stranger
            .post(app.url(path))
            .form(&[("alert_id", alert.id.as_str()), ("status", "resolved")])
            .send()
            .await
            .unwrap();
        let code = response.status().as_u16();
        assert!(code == 303 || code == 403, "{path}: {code}");
    }
    assert_eq!(writes(&app), 0);
}
