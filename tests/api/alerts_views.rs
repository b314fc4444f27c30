//! The console's alert detail and email views of the sandbox's seeded alerts, as Graph would
//! send them on either API.

use askama::Template;
use graphsec::alerts::detail::AlertDetail;
use graphsec::alerts::email::{AlertEmail, subject};
use graphsec::alerts::row::Shape;
use graphsec_sandbox::seed::{Seed, render};
use time::macros::datetime;

#[test]
fn v2_and_legacy_details_agree_on_hosts_users_and_comments() {
    let seed = Seed::for_tenant("contoso", "tid", datetime!(2026-11-24 12:00 UTC));
    let alert = seed.alerts.iter().find(|a| a.comments.len() == 2).unwrap();
    let v2 = AlertDetail::from_json(Shape::V2, &render::alert_v2(alert));
    let legacy = AlertDetail::from_json(Shape::Legacy, &render::alert_legacy(alert));
    assert_eq!(v2.hosts, legacy.hosts);
    assert_eq!(v2.users, legacy.users);
    assert_eq!(v2.comments.len(), 2);
    assert_eq!(
        v2.comments.iter().map(|c| &c.text).collect::<Vec<_>>(),
        legacy.comments.iter().map(|c| &c.text).collect::<Vec<_>>()
    );
    assert_eq!(v2.links.len(), 2);
    assert!(v2.json.contains("\"evidence\""));
}

#[test]
fn the_summary_escapes_alert_text() {
    let seed = Seed::for_tenant("contoso", "tid", datetime!(2026-11-24 12:00 UTC));
    let alert = seed
        .alerts
        .iter()
        .find(|a| a.title.contains("<script>"))
        .unwrap();
    let detail = AlertDetail::from_json(Shape::V2, &render::alert_v2(alert));
    let html = AlertEmail {
        alert: &detail,
        app_link: "http://localhost/alerts/x",
        sender: "Megan",
    }
    .render()
    .unwrap();
    assert!(!html.contains("<script>"));
    assert!(
        html.contains("&lt;script&gt;") || html.contains("&#60;script&#62;"),
        "{html}"
    );
    assert!(html.contains("http://localhost/alerts/x"));
    assert!(html.contains("security.microsoft.com/alerts/"));
    assert!(subject(&detail).starts_with("Security alert ("));
}
