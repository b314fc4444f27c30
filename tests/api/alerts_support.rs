//! Shared steps for the alert tests: signed-in apps on either API, row ids, expected ids from
//! the sandbox's own data.

use graphsec::config::AlertsApiKind;
use graphsec_sandbox::security::TenantRef;
use graphsec_sandbox::seed::AlertRecord;
use graphsec_sandbox::users::tenant_by_key;
use scraper::{Html, Selector};

use crate::helpers::{TestApp, spawn_app_on};

pub const APIS: [AlertsApiKind; 2] = [AlertsApiKind::V2, AlertsApiKind::Legacy];

/// An app on `api`, signed in as Megan (contoso).
pub async fn signed_in(api: AlertsApiKind) -> TestApp {
    let app = spawn_app_on(api).await;
    app.sign_in().await;
    app
}

pub fn contoso() -> TenantRef<'static> {
    let tenant = tenant_by_key("contoso").expect("contoso exists");
    TenantRef {
        key: tenant.key,
        id: tenant.id,
    }
}

/// The sandbox's contoso alerts as they are now.
pub fn alerts(app: &TestApp) -> Vec<AlertRecord> {
    app.sandbox
        .state()
        .security()
        .with_tenant(contoso(), |seed| seed.alerts.clone())
}

/// Ids of the sandbox alerts that satisfy `keep`, sorted. A list, not a set: compared with
/// [`all_ids`], a row shown twice makes the lists differ.
pub fn expected(app: &TestApp, keep: impl Fn(&AlertRecord) -> bool) -> Vec<String> {
    let mut ids: Vec<String> = alerts(app)
        .into_iter()
        .filter(|a| keep(a))
        .map(|a| a.id)
        .collect();
    ids.sort();
    ids
}

pub fn row_ids(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let rows = Selector::parse("#alerts-table tr[data-alert-id]").unwrap();
    doc.select(&rows)
        .filter_map(|r| r.value().attr("data-alert-id").map(str::to_string))
        .collect()
}

pub fn next_href(html: &str) -> Option<String> {
    crate::helpers::select_attr(html, "#next-page", "href")
}

/// Every row id of a view, following next-page links, sorted with duplicates kept (a row on
/// two pages shows twice); panics past 50 pages.
pub async fn all_ids(app: &TestApp, query: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut path = format!("/alerts?{query}");
    for _ in 0..50 {
        let (status, html) = app.get_html(&path).await;
        assert_eq!(status, 200, "{path}: {html}");
        ids.extend(row_ids(&html));
        match next_href(&html) {
            Some(next) => path = next,
            None => {
                ids.sort();
                return ids;
            }
        }
    }
    panic!("more than 50 pages for {query}");
}

/// The `$filter` values the sandbox received on alert collection calls, decoded.
pub fn received_filters(app: &TestApp) -> Vec<String> {
    app.sandbox
        .state()
        .requests()
        .into_iter()
        .filter(|r| r.path().starts_with("/v1.0/security/alerts"))
        .filter_map(|r| {
            let query = r.path_and_query.split_once('?')?.1.to_string();
            url::form_urlencoded::parse(query.as_bytes())
                .find(|(k, _)| k == "$filter")
                .map(|(_, v)| v.into_owned())
        })
        .collect()
}

/// The visible text of the first element matching `selector`.
pub fn text_of(html: &str, selector: &str) -> String {
    crate::helpers::select_text(html, selector).unwrap_or_default()
}

/// All text of a page, entities decoded.
pub fn page_text(html: &str) -> String {
    Html::parse_document(html).root_element().text().collect()
}
