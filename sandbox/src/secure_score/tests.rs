use serde_json::{Value, json};
use time::macros::date;
use url::Url;

use super::paging::{PageRequest, graph_page};
use super::render::{HISTORY_DAYS, profiles, scores};

fn query(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn scores_are_newest_first_and_add_up_from_the_controls() {
    let list = scores("contoso", "tid", date!(2026 - 11 - 24));
    assert_eq!(list.len(), HISTORY_DAYS as usize);
    assert_eq!(list[0]["id"], "tid_2026-11-24");
    assert_eq!(list[0]["createdDateTime"], "2026-11-24T00:00:00Z");
    assert_eq!(list[0]["currentScore"], 43.5);
    assert_eq!(list[0]["maxScore"], 88.0);
    assert_eq!(list[0]["licensedUserCount"], 250);
    assert_eq!(list[1]["currentScore"], 43.0);
    assert!(scores("northwind", "tid", date!(2026 - 11 - 24)).is_empty());
}

#[test]
fn contoso_profiles_include_hostile_content_for_the_sanitiser() {
    let list = profiles("contoso", "tid", date!(2026 - 11 - 24));
    let all = Value::Array(list).to_string();
    assert!(all.contains("<script>"));
    assert!(all.contains("onerror="));
    assert!(all.contains("javascript:alert"));
    assert_eq!(profiles("fabrikam", "tid", date!(2026 - 11 - 24)).len(), 4);
}

#[test]
fn pages_link_to_the_next_skip_and_keep_other_options() {
    let items: Vec<Value> = (0..7).map(|i| json!(i)).collect();
    let url = Url::parse("http://127.0.0.1:9/v1.0/security/x?$filter=a&$top=3").unwrap();
    let page = PageRequest::from_query(&query(&[("$top", "3")]), 5, 10).unwrap();
    let body = graph_page(items.clone(), page, &url, "ctx");
    assert_eq!(body["value"], json!([0, 1, 2]));
    let next = Url::parse(body["@odata.nextLink"].as_str().unwrap()).unwrap();
    let pairs: Vec<(String, String)> = next.query_pairs().into_owned().collect();
    assert_eq!(
        pairs,
        query(&[("$filter", "a"), ("$top", "3"), ("$skip", "3")])
    );
    let last = PageRequest { top: 3, skip: 6 };
    let body = graph_page(items, last, &next, "ctx");
    assert_eq!(body["value"], json!([6]));
    assert!(body.get("@odata.nextLink").is_none());
}

#[test]
fn bad_paging_values_are_400() {
    for bad in [
        ("$top", "0"),
        ("$top", "101"),
        ("$top", "x"),
        ("$skip", "-1"),
    ] {
        let response = PageRequest::from_query(&query(&[bad]), 5, 100).unwrap_err();
        assert_eq!(response.status(), 400, "{bad:?}");
    }
    let page = PageRequest::from_query(&query(&[]), 5, 100).unwrap();
    assert_eq!(page, PageRequest { top: 5, skip: 0 });
}
