use time::macros::datetime;

use super::*;

const NOW: OffsetDateTime = datetime!(2026-11-24 12:00 UTC);

fn body() -> CreateBody {
    CreateBody {
        change_type: Some("updated".into()),
        notification_url: Some("http://127.0.0.1:5000/listen".into()),
        lifecycle_notification_url: Some("https://example.org/lifecycle".into()),
        resource: Some("security/alerts?$filter=severity%20eq%20'high'".into()),
        expiration_date_time: Some("2026-11-26T12:00:00Z".into()),
        client_state: Some("state".into()),
        latest_supported_tls_version: None,
    }
}

fn refused(b: CreateBody) -> String {
    check_create(b, NOW).unwrap_err().message
}

#[test]
fn a_documented_request_is_accepted() {
    let ok = check_create(body(), NOW).unwrap();
    assert_eq!(ok.filter, "severity eq 'high'");
    assert_eq!(ok.expiration, datetime!(2026-11-26 12:00 UTC));
    assert_eq!(ok.tls, "v1_2");
}

#[test]
fn missing_fields_are_named() {
    let mut b = body();
    b.notification_url = None;
    assert!(refused(b).contains("'notificationUrl'"));
    let mut b = body();
    b.expiration_date_time = None;
    assert!(refused(b).contains("'expirationDateTime'"));
}

#[test]
fn the_bare_collection_and_other_resources_are_refused() {
    let mut b = body();
    b.resource = Some("security/alerts".into());
    assert!(refused(b).contains("too broad"));
    let mut b = body();
    b.resource = Some("security/alerts_v2?$filter=severity%20eq%20'high'".into());
    assert!(refused(b).contains("does not support change notifications"));
    let mut b = body();
    b.resource = Some("security/alerts?$filter=severity%20or%20x".into());
    assert!(check_create(b, NOW).is_err());
}

#[test]
fn urls_must_be_https_unless_loopback() {
    let mut b = body();
    b.notification_url = Some("http://example.org/listen".into());
    assert!(refused(b).contains("https"));
    let mut b = body();
    b.lifecycle_notification_url = Some("not a url".into());
    assert!(refused(b).contains("lifecycleNotificationUrl"));
}

#[test]
fn expiry_must_be_future_and_within_the_maximum() {
    let mut b = body();
    b.expiration_date_time = Some("2026-11-24T11:00:00Z".into());
    assert!(refused(b).contains("future"));
    let mut b = body();
    b.expiration_date_time = Some("2027-01-24T11:00:00Z".into());
    assert!(refused(b).contains("43200 minutes"));
    let renew = RenewBody {
        expiration_date_time: Some("2026-11-25T00:00:00Z".into()),
    };
    assert_eq!(
        check_renew(renew, NOW).unwrap(),
        datetime!(2026-11-25 0:00 UTC)
    );
}

#[test]
fn change_types_and_client_state_are_checked() {
    let mut b = body();
    b.change_type = Some("updated,exploded".into());
    assert!(refused(b).contains("changeType"));
    let mut b = body();
    b.client_state = Some("x".repeat(129));
    assert!(refused(b).contains("128"));
}
