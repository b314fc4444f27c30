//! Filtering alerts through the form, field by field, and opening one, on both alert APIs.

use graphsec::config::AlertsApiKind;
use graphsec_sandbox::schema::security::{
    AlertClassification, AlertDetermination, AlertSeverity, AlertStatus, ServiceSource,
};
use graphsec_sandbox::seed::AlertRecord;

use crate::browser::{self, MEGAN, Session};
use crate::sandbox_data;

/// How a case sets its field on the form.
enum Set {
    Choose(&'static str),
    /// Ticks the box with this value in a group of checkboxes.
    Check(&'static str),
    Fill(&'static str),
    Tick,
}

struct Case {
    field: &'static str,
    set: Set,
    keep: fn(&AlertRecord) -> bool,
}

fn common_cases(new_status: &'static str) -> Vec<Case> {
    vec![
        Case {
            field: "status",
            set: Set::Check(new_status),
            keep: |a| a.status == AlertStatus::New,
        },
        Case {
            field: "severity",
            set: Set::Check("high"),
            keep: |a| a.severity == AlertSeverity::High,
        },
        Case {
            field: "fqdn",
            set: Set::Fill("srv-dc01.contoso.example"),
            keep: |a| a.hosts.iter().any(|h| h.fqdn == "srv-dc01.contoso.example"),
        },
        Case {
            field: "upn",
            set: Set::Fill("lee@contoso.example"),
            keep: |a| a.accounts.iter().any(|u| u.upn == "lee@contoso.example"),
        },
        Case {
            field: "assigned_to_me",
            set: Set::Tick,
            keep: |a| a.assigned_to.as_deref() == Some(MEGAN),
        },
    ]
}

fn v2_cases() -> Vec<Case> {
    let mut cases = common_cases("new");
    cases.extend([
        Case {
            field: "service_source",
            set: Set::Choose("microsoft_defender_for_identity"),
            keep: |a| a.source.service_source == ServiceSource::MicrosoftDefenderForIdentity,
        },
        Case {
            field: "classification",
            set: Set::Choose("true_positive"),
            keep: |a| a.classification == Some(AlertClassification::TruePositive),
        },
        Case {
            field: "determination",
            set: Set::Choose("malware"),
            keep: |a| a.determination == Some(AlertDetermination::Malware),
        },
    ]);
    cases
}

fn legacy_cases() -> Vec<Case> {
    let mut cases = common_cases("new_alert");
    cases.extend([
        Case {
            field: "provider",
            set: Set::Choose("IPC"),
            keep: |a| a.source.legacy_provider == "IPC",
        },
        Case {
            field: "category",
            set: Set::Choose("credentialTheft"),
            keep: |a| a.legacy_category == "credentialTheft",
        },
    ]);
    cases
}

/// The row ids the filtered table shows, sorted, duplicates kept.
async fn filter_by(session: &Session, case: &Case) -> Vec<String> {
    session.goto("/alerts").await;
    session.choose("#top", "20").await;
    session.click("#filters-toggle").await;
    let field = format!("#{}", case.field);
    match case.set {
        Set::Choose(value) => session.choose(&field, value).await,
        Set::Check(value) => session.click(&format!("{field}-{value}")).await,
        Set::Fill(text) => session.fill(&field, text).await,
        Set::Tick => session.click(&field).await,
    }
    session
        .click_and_wait("#filter-form button[type=submit]")
        .await;
    let url = session.current_url().await;
    assert!(url.contains(&format!("{}=", case.field)), "{url}");
    session.assert_clean_page().await;
    let mut ids = session.alert_row_ids().await;
    ids.sort();
    ids
}

async fn filter_each_field_and_open_one(api: AlertsApiKind, cases: Vec<Case>) {
    let session = browser::start(api).await;
    session.sign_in(MEGAN).await;
    let everything = sandbox_data::alerts(&session);
    for case in &cases {
        let mut want: Vec<String> = everything
            .iter()
            .filter(|a| (case.keep)(a))
            .map(|a| a.id.clone())
            .collect();
        want.sort();
        assert!(
            !want.is_empty() && want.len() <= 20,
            "{api:?} {}: a weak case",
            case.field
        );
        let got = filter_by(&session, case).await;
        assert_eq!(got, want, "{api:?} filtered by {}", case.field);
        // The form keeps what was asked, so the view can be refined.
        let control = match case.set {
            Set::Check(value) => session.element(&format!("#{}-{value}", case.field)).await,
            _ => session.element(&format!("#{}", case.field)).await,
        };
        let kept = match case.set {
            Set::Tick | Set::Check(_) => control.is_selected().await.unwrap(),
            _ => control
                .prop("value")
                .await
                .unwrap()
                .is_some_and(|v| !v.is_empty()),
        };
        assert!(kept, "{api:?}: the form forgot {}", case.field);
    }

    let first = session.alert_row_ids().await.remove(0);
    session
        .click_and_wait(&format!("tr[data-alert-id='{first}'] a"))
        .await;
    let opened = session.current_url().await;
    assert!(
        opened.contains(&format!("/alerts/{first}?back=")),
        "{opened}"
    );
    let alert = everything.iter().find(|a| a.id == first).unwrap();
    assert_eq!(session.text("#alert-title").await, alert.title);
    session.click("#alert-json-toggle").await;
    assert!(session.text("#alert-json").await.contains(&first));
    session.assert_clean_page().await;
    // "Back" returns to the filtered list.
    session.click_and_wait("#back-to-list").await;
    let back = session.current_url().await;
    let last_field = cases.last().unwrap().field;
    assert!(
        back.contains("/alerts?") && back.contains(&format!("{last_field}=")),
        "{back}"
    );
    session.close().await;
}

#[tokio::test]
async fn filtering_by_each_field_then_opening_an_alert_works_on_alerts_v2() {
    filter_each_field_and_open_one(AlertsApiKind::V2, v2_cases()).await;
}

#[tokio::test]
async fn filtering_by_each_field_then_opening_an_alert_works_on_the_legacy_api() {
    filter_each_field_and_open_one(AlertsApiKind::Legacy, legacy_cases()).await;
}

#[tokio::test]
async fn a_filter_nothing_matches_says_so() {
    let session = browser::start(AlertsApiKind::V2).await;
    session.sign_in(MEGAN).await;
    session.goto("/alerts").await;
    session.click("#filters-toggle").await;
    session.fill("#fqdn", "no-such-host.contoso.example").await;
    session
        .click_and_wait("#filter-form button[type=submit]")
        .await;
    assert_eq!(session.text("#no-alerts").await, "No matching alerts.");
    session.assert_clean_page().await;
    session.close().await;
}
