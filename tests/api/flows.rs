//! Flows that used to mislead or loop: a cancelled sign-in, incidents on the legacy API, the
//! legacy list's order, a hand-edited next link, and a Secure Score that cannot be read.

use graphsec::config::AlertsApiKind;
use reqwest::StatusCode;
use time::OffsetDateTime;

use crate::alerts_support::*;
use crate::helpers::{
    location, sandbox_options, select_attr, spawn_app, spawn_app_with, urlencode,
};

#[tokio::test]
async fn cancelling_sign_in_says_so_and_offers_to_try_again() {
    let app = spawn_app().await;
    let authorize = app.begin_sign_in(Some("/alerts?severity=high")).await;
    let response = app
        .client
        .post(authorize)
        .form(&[("decision", "cancel")])
        .send()
        .await
        .unwrap();
    assert!(response.status().is_redirection());
    let callback = location(&response);
    let response = app.client.get(callback).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    let text = text_of(&html, "#sign-in-cancelled");
    assert!(text.contains("cancelled"), "{text}");
    assert!(!text.contains("Bad request"));
    let retry = select_attr(&html, "#sign-in-again", "href").unwrap();
    assert_eq!(
        retry,
        format!("/login?next={}", urlencode("/alerts?severity=high"))
    );
    // Trying again works and lands where the user was going.
    let authorize = app.begin_sign_in(Some("/alerts?severity=high")).await;
    let callback = app.approve(&authorize, crate::helpers::MEGAN).await;
    let response = app.client.get(callback).send().await.unwrap();
    assert_eq!(location(&response), "/alerts?severity=high");
}

#[tokio::test]
async fn legacy_incidents_are_explained_without_a_consent_loop() {
    let app = signed_in(AlertsApiKind::Legacy).await;
    let (status, html) = app.get_html("/incidents").await;
    assert_eq!(status, 200);
    let notice = text_of(&html, "#graph-notice");
    assert!(notice.contains("legacy alert API"), "{notice}");
    assert!(notice.contains("graph.alerts_api"), "{notice}");
    assert!(!html.contains("href=\"/admin-consent\""), "no consent link");
    let incidents_calls = app
        .sandbox
        .state()
        .requests()
        .into_iter()
        .filter(|r| r.path().starts_with("/v1.0/security/incidents"))
        .count();
    assert_eq!(incidents_calls, 0, "no call bound to be refused");
}

fn created(app: &crate::helpers::TestApp, id: &str) -> OffsetDateTime {
    alerts(app)
        .into_iter()
        .find(|a| a.id == id)
        .unwrap()
        .created
}

#[tokio::test]
async fn the_legacy_list_is_newest_first_across_providers() {
    let app = signed_in(AlertsApiKind::Legacy).await;
    let (status, html) = app.get_html("/alerts?top=10").await;
    assert_eq!(status, 200);
    let ids = row_ids(&html);
    assert!(ids.len() > 10, "several providers answer: {}", ids.len());
    let times: Vec<OffsetDateTime> = ids.iter().map(|id| created(&app, id)).collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "newest first");
}

#[tokio::test]
async fn a_next_link_for_other_filters_is_not_followed() {
    // The legacy API pages by Graph's next links (alerts_v2 pages by number).
    let app = signed_in(AlertsApiKind::Legacy).await;
    let (_, html) = app.get_html("/alerts?top=1&severity=high").await;
    let next = next_href(&html).expect("more than one page of high alerts");
    assert!(next.contains("severity=high"));
    let edited = next.replacen("severity=high", "severity=low", 1);
    let (status, html) = app.get_html(&edited).await;
    assert_eq!(status, 400);
    assert!(page_text(&html).contains("lists other alerts than the filters shown"));
    assert!(row_ids(&html).is_empty());
    let (status, _) = app.get_html(&next).await;
    assert_eq!(status, 200, "the untouched link still works");
}

#[tokio::test]
async fn home_does_not_link_to_secure_score_controls_it_cannot_read() {
    let app = spawn_app_with(sandbox_options(), |s| {
        s.identity.scopes =
            "openid profile offline_access User.Read SecurityAlert.ReadWrite.All".into();
    })
    .await;
    app.sign_in().await;
    let (_, html) = app.get_html("/").await;
    let card = text_of(&html, "#home-secure-score");
    assert!(card.contains("Not available"), "{card}");
    assert!(select_attr(&html, "#home-secure-score a", "href").is_none());
    let (status, _) = app.get_html("/secure-score").await;
    assert_eq!(status, 403, "the page agrees: it cannot be read");
}
