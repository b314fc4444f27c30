//! Bad input on every alert form gets a 4xx page with a readable message, and nothing is sent.

use graphsec::config::AlertsApiKind;

use crate::alerts_support::*;

fn patches(app: &crate::helpers::TestApp) -> usize {
    app.sandbox
        .state()
        .requests()
        .iter()
        .filter(|r| r.method == "PATCH" || r.path().ends_with("/comments"))
        .count()
}

#[tokio::test]
async fn bad_filters_get_readable_messages() {
    let app = signed_in(AlertsApiKind::V2).await;
    let long = "a".repeat(10 * 1024);
    let cases = [
        (
            "/alerts?status=bogus".to_string(),
            "'bogus' is not a valid alert status",
        ),
        (
            "/alerts?top=7".to_string(),
            "Show must be one of 1, 5, 10, 20, 50 or 100",
        ),
        (
            "/alerts?severity=critical%27".to_string(),
            "is not a valid severity",
        ),
        (
            "/alerts?provider=IPC".to_string(),
            "not available on the v2 alerts API",
        ),
        (format!("/alerts?fqdn={long}"), "longer than 256 characters"),
        (
            "/alerts?next=https%3A%2F%2Fevil.example%2Fv1.0%2Fsecurity%2Falerts_v2".to_string(),
            "next-page link must point",
        ),
        (
            "/alerts/export.csv?status=bogus".to_string(),
            "'bogus' is not a valid alert status",
        ),
    ];
    for (path, message) in cases {
        let (status, html) = app.get_html(&path).await;
        assert_eq!(status, 400, "{}", &path[..path.len().min(80)]);
        assert!(
            page_text(&html).contains(message),
            "{}: {html}",
            &path[..path.len().min(80)]
        );
    }
    let outside = app.sandbox.base_url().join("v1.0/me").unwrap();
    let (status, _) = app
        .get_html(&format!(
            "/alerts?next={}",
            crate::helpers::urlencode(outside.as_str())
        ))
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn unknown_and_malformed_alert_ids_are_refused() {
    for api in APIS {
        let app = signed_in(api).await;
        let (status, html) = app.get_html("/alerts/da0000000000000000").await;
        assert_eq!(status, 404, "{api:?}");
        assert!(page_text(&html).contains("There is no alert with the id"));
        let (status, html) = app
            .get_html(&format!("/alerts/{}", "a".repeat(10 * 1024)))
            .await;
        assert_eq!(status, 400, "{api:?}");
        assert!(page_text(&html).contains("at most 256 characters"));
        let (status, _) = app.get_html("/alerts/a%20b").await;
        assert_eq!(status, 400);
    }
}

/// Form fields, expected status, expected message.
type UpdateCase<'a> = (Vec<(&'a str, &'a str)>, u16, &'a str);

#[tokio::test]
async fn bad_update_forms_send_nothing() {
    for api in APIS {
        let app = signed_in(api).await;
        let id = alerts(&app)[0].id.clone();
        let long = "a".repeat(10 * 1024);
        let wrong_enum = if api == AlertsApiKind::V2 {
            ("classification", "benignPositive")
        } else {
            ("feedback", "malware")
        };
        let cases: Vec<UpdateCase> = vec![
            (
                vec![("alert_id", ""), ("status", "resolved")],
                400,
                "Enter an alert id",
            ),
            (
                vec![("alert_id", long.as_str()), ("status", "resolved")],
                400,
                "at most 256 characters",
            ),
            (
                vec![("alert_id", "da0000000000000000"), ("status", "resolved")],
                404,
                "There is no alert with the id",
            ),
            (
                vec![("alert_id", id.as_str()), ("status", "closed")],
                400,
                "is not a valid",
            ),
            (
                vec![("alert_id", id.as_str()), wrong_enum],
                400,
                "is not a valid",
            ),
            (
                vec![("alert_id", id.as_str())],
                400,
                "Choose something to change",
            ),
        ];
        for (fields, code, message) in cases {
            let response = app.post_form("/alerts/update", &fields).await;
            assert_eq!(response.status(), code, "{api:?} {:?}", &fields[1..]);
            let html = response.text().await.unwrap();
            assert!(
                page_text(&html).contains(message),
                "{api:?}: {message}: {html}"
            );
        }
        assert_eq!(patches(&app), 0, "{api:?}: nothing was sent");
    }
}

#[tokio::test]
async fn bad_email_forms_send_nothing() {
    let app = signed_in(AlertsApiKind::V2).await;
    let id = alerts(&app)[0].id.clone();
    let cases = [
        (
            format!("/alerts/{id}/email"),
            "not-an-address",
            400,
            "is not a valid email address",
        ),
        (
            format!("/alerts/{id}/email"),
            "",
            400,
            "Enter at least one recipient",
        ),
        (
            format!("/alerts/{id}/email"),
            "a@contoso.example, <b>@x.org",
            400,
            "is not a valid email address",
        ),
        (
            "/alerts/da0000000000000000/email".to_string(),
            "a@contoso.example",
            404,
            "There is no alert with the id",
        ),
    ];
    for (path, recipients, code, message) in cases {
        let response = app.post_form(&path, &[("recipients", recipients)]).await;
        assert_eq!(response.status(), code, "{recipients}");
        assert!(
            page_text(&response.text().await.unwrap()).contains(message),
            "{recipients}"
        );
    }
    assert!(app.sandbox.state().security().outbox().is_empty());
}
