use std::collections::BTreeSet;

use time::macros::datetime;

use super::*;
use crate::security::{SecurityStore, TenantRef};

const CONTOSO: TenantRef<'static> = TenantRef {
    key: "contoso",
    id: "tid-contoso",
};

fn options(collection: Collection, query: &str) -> Result<ListOptions, Failure> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    ListOptions::parse(collection, &pairs)
}

fn store() -> SecurityStore {
    SecurityStore::new(datetime!(2026-11-24 12:00 UTC))
}

#[test]
fn v2_pages_follow_top_and_skip() {
    let store = store();
    let first = store.list_v2(CONTOSO, &options(Collection::AlertsV2, "$top=20").unwrap());
    assert_eq!(
        (first.items.len(), first.total, first.next_skip),
        (20, 44, Some(20))
    );
    let last = store.list_v2(
        CONTOSO,
        &options(Collection::AlertsV2, "$top=20&$skip=40").unwrap(),
    );
    assert_eq!((last.items.len(), last.next_skip), (4, None));
    assert_ne!(first.items[0]["id"], last.items[0]["id"]);
}

#[test]
fn legacy_top_applies_per_provider() {
    let store = store();
    let page = store.list_legacy(
        CONTOSO,
        &options(Collection::LegacyAlerts, "$top=2").unwrap(),
    );
    assert_eq!(page.items.len(), 12);
    assert_eq!(page.next_skip, Some(2), "each provider skips two more");
    let one = store.list_legacy(
        CONTOSO,
        &options(
            Collection::LegacyAlerts,
            "$top=5&$filter=vendorInformation/provider eq 'IPC'",
        )
        .unwrap(),
    );
    assert_eq!(one.items.len(), 4);
    assert!(
        one.items
            .iter()
            .all(|a| a["vendorInformation"]["provider"] == "IPC")
    );
}

#[test]
fn documented_limits_are_enforced() {
    assert!(options(Collection::LegacyAlerts, "$skip=500").is_ok());
    let err = options(Collection::LegacyAlerts, "$skip=501").unwrap_err();
    assert!(err.message.contains("500"));
    assert!(options(Collection::LegacyAlerts, "$top=1001").is_err());
    assert!(options(Collection::AlertsV2, "$top=0").is_err());
    assert!(options(Collection::AlertsV2, "$top=ten").is_err());
    assert!(options(Collection::AlertsV2, "$orderby=title").is_err());
    assert!(options(Collection::AlertsV2, "$top=1&top=2").is_err());
    assert!(options(Collection::AlertsV2, "$expand=alerts").is_err());
    assert!(
        options(Collection::Incidents, "$expand=alerts")
            .unwrap()
            .expand_alerts
    );
}

#[test]
fn filters_on_unsupported_properties_are_refused() {
    let err = options(Collection::AlertsV2, "$filter=title eq 'x'").unwrap_err();
    assert!(err.message.contains("'title'"), "{}", err.message);
    assert!(options(Collection::Incidents, "$filter=serviceSource eq 'x'").is_err());
    assert!(options(Collection::LegacyAlerts, "$filter=title eq 'x'").is_ok());
    let err = options(Collection::AlertsV2, "$filter=status eq 'new' or x eq 'y'").unwrap_err();
    assert!(err.message.contains("'x'"), "{}", err.message);
    let err = options(Collection::AlertsV2, "$filter=not (status eq 'new')").unwrap_err();
    assert!(
        err.message.starts_with("Invalid filter clause"),
        "{}",
        err.message
    );
}

#[test]
fn next_link_keeps_the_query_and_sets_the_next_skip() {
    let opts = options(
        Collection::AlertsV2,
        "$top=5&$filter=status eq 'new'&$skip=5",
    )
    .unwrap();
    let url = Url::parse(
        "http://127.0.0.1:9/v1.0/security/alerts_v2?%24top=5&%24filter=status+eq+%27new%27&%24skip=5",
    )
    .unwrap();
    let body = page("ctx", Vec::new(), 30, Some(10), &opts, &url);
    let next = Url::parse(body["@odata.nextLink"].as_str().unwrap()).unwrap();
    let pairs: Vec<(String, String)> = next.query_pairs().into_owned().collect();
    assert_eq!(
        pairs,
        vec![
            ("$top".to_string(), "5".to_string()),
            ("$filter".to_string(), "status eq 'new'".to_string()),
            ("$skip".to_string(), "10".to_string()),
        ]
    );
    assert!(body.get("@odata.count").is_none());
}

#[test]
fn incidents_expand_and_filter() {
    let store = store();
    let opts = options(
        Collection::Incidents,
        "$expand=alerts&$filter=status eq 'active'&$count=true",
    )
    .unwrap();
    let page = store.list_incidents(CONTOSO, &opts);
    assert!(page.total > 0);
    assert!(
        page.items
            .iter()
            .all(|i| i["status"] == "active" && i["alerts"].is_array())
    );
    assert!(store.incident(CONTOSO, "101", false).is_some());
    assert!(store.incident(CONTOSO, "nope", false).is_none());
}

#[test]
fn legacy_select_keeps_the_named_properties_only() {
    let opts = options(
        Collection::LegacyAlerts,
        "$top=1&$select=ID,title,vendorInformation,title",
    )
    .unwrap();
    assert_eq!(
        opts.select.as_deref(),
        Some(&["id", "title", "vendorInformation"][..])
    );
    let items = store().list_legacy(CONTOSO, &opts).items;
    let url = Url::parse("http://127.0.0.1:9/v1.0/security/alerts").unwrap();
    let body = page("ctx", items, 12, None, &opts, &url);
    assert_eq!(body["@odata.context"], "ctx(id,title,vendorInformation)");
    let first = body["value"][0].as_object().unwrap();
    let mut keys: Vec<&str> = first.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["id", "title", "vendorInformation"]);
    assert!(first["vendorInformation"]["provider"].is_string());
}

#[test]
fn select_names_only_declared_properties_and_only_on_legacy_alerts() {
    let err = options(Collection::LegacyAlerts, "$select=id,secret").unwrap_err();
    assert!(
        err.message.contains("'secret'") && err.message.contains("microsoft.graph.alert"),
        "{}",
        err.message
    );
    assert!(options(Collection::LegacyAlerts, "$select=").is_err());
    assert!(options(Collection::AlertsV2, "$select=id").is_err());
    assert!(options(Collection::Incidents, "$select=id").is_err());
}

#[test]
fn a_server_page_holds_at_most_its_size_and_the_next_skip_follows_what_it_returned() {
    let store = store();
    let mut opts = options(Collection::AlertsV2, "$top=20&$skip=3").unwrap();
    opts.limit_page(7);
    let page = store.list_v2(CONTOSO, &opts);
    assert_eq!((page.items.len(), page.total), (7, 44));
    assert_eq!(
        page.next_skip,
        Some(10),
        "3 skipped + 7 returned, not 3 + $top"
    );
    let url = Url::parse("http://127.0.0.1:9/v1.0/security/alerts_v2?$top=20&$skip=3").unwrap();
    let body = page_body(&page, &opts, &url);
    let next = Url::parse(body["@odata.nextLink"].as_str().unwrap()).unwrap();
    let next = options(Collection::AlertsV2, next.query().unwrap()).unwrap();
    assert_eq!((next.top, next.skip), (20, 10));

    let mut last = options(Collection::AlertsV2, "$top=20&$skip=40").unwrap();
    last.limit_page(7);
    let page = store.list_v2(CONTOSO, &last);
    assert_eq!((page.items.len(), page.next_skip), (4, None));
}

#[test]
fn pages_walked_by_their_next_skip_hold_each_item_once() {
    let store = store();
    for (collection, query, expected) in [
        (Collection::AlertsV2, "$top=20&$count=true", 44),
        (Collection::Incidents, "$top=20&$expand=alerts", 15),
    ] {
        let mut seen = BTreeSet::new();
        let mut skip = Some(0);
        let mut pages = 0;
        while let Some(at) = skip {
            let mut opts = options(collection, &format!("{query}&$skip={at}")).unwrap();
            opts.limit_page(6);
            let page = match collection {
                Collection::AlertsV2 => store.list_v2(CONTOSO, &opts),
                _ => store.list_incidents(CONTOSO, &opts),
            };
            assert_eq!(page.total, expected);
            assert!(page.items.len() <= 6);
            for item in &page.items {
                assert!(seen.insert(item["id"].to_string()), "{} twice", item["id"]);
            }
            skip = page.next_skip;
            pages += 1;
        }
        assert_eq!(seen.len(), expected, "{collection:?}");
        assert_eq!(pages, expected.div_ceil(6));
    }
}

fn page_body(result: &crate::security::store::Page, opts: &ListOptions, url: &Url) -> Value {
    page(
        "ctx",
        result.items.clone(),
        result.total,
        result.next_skip,
        opts,
        url,
    )
}
