//! Server-driven paging over HTTP: pages smaller than `$top`, walked by `@odata.nextLink`.

use super::*;
use crate::security::evolvable::PREFERENCE;
use std::collections::BTreeSet;

async fn token(h: &Harness, scope: &str) -> String {
    h.sign_in("megan@contoso.example", scope).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn get(h: &Harness, token: &str, url: &str) -> Value {
    let response = h
        .client
        .get(url)
        .bearer_auth(token)
        .header("prefer", PREFERENCE)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{url}");
    response.json().await.unwrap()
}

/// Every page from `path` on, following `@odata.nextLink` to the end.
async fn walk(h: &Harness, token: &str, path: &str) -> Vec<Value> {
    let mut pages = Vec::new();
    let mut next = Some(h.url(path).to_string());
    while let Some(url) = next {
        let page = get(h, token, &url).await;
        next = page["@odata.nextLink"].as_str().map(str::to_owned);
        pages.push(page);
    }
    pages
}

fn page_size(size: usize) -> SandboxOptions {
    SandboxOptions {
        page_size: Some(size),
        ..SandboxOptions::default()
    }
}

#[tokio::test]
async fn a_walk_by_next_links_under_server_paging_sees_each_item_once() {
    let h = Harness::start_with(page_size(7)).await;
    let token = token(&h, SECURITY_SCOPES).await;
    for (path, expected) in [
        (
            "/v1.0/security/alerts_v2?$top=20&$count=true\
             &$filter=lastUpdateDateTime ge 2000-01-01T00:00:00Z",
            44,
        ),
        (
            "/v1.0/security/incidents?$top=20&$count=true&$expand=alerts\
             &$filter=lastUpdateDateTime ge 2000-01-01T00:00:00Z",
            15,
        ),
    ] {
        let pages = walk(&h, &token, path).await;
        let mut seen = BTreeSet::new();
        for page in &pages {
            assert_eq!(
                page["@odata.count"], expected,
                "every page counts every match"
            );
            let items = page["value"].as_array().unwrap();
            assert!(items.len() <= 7, "{} items on a page of 7", items.len());
            for item in items {
                assert!(seen.insert(item["id"].to_string()), "{} twice", item["id"]);
            }
        }
        assert_eq!(seen.len(), expected, "{path}");
        assert_eq!(pages.len(), expected.div_ceil(7), "{path}");
        let link = Url::parse(pages[0]["@odata.nextLink"].as_str().unwrap()).unwrap();
        let query = query_map(&link);
        assert_eq!(query["$top"], "20", "$top is kept");
        assert_eq!(query["$skip"], "7", "$skip moves by the items returned");
        assert_eq!(query["$count"], "true");
        assert!(query["$filter"].starts_with("lastUpdateDateTime ge"));
    }
    let incidents = walk(&h, &token, "/v1.0/security/incidents?$expand=alerts").await;
    assert!(
        incidents[0]["value"][0]["alerts"].is_array(),
        "$expand is kept"
    );
    assert!(
        incidents[1]["value"][0]["alerts"].is_array(),
        "$expand is kept"
    );
}

#[tokio::test]
async fn legacy_alerts_keep_their_per_provider_paging_under_server_paging() {
    let h = Harness::start_with(page_size(1)).await;
    let token = token(
        &h,
        "openid profile offline_access User.Read SecurityEvents.ReadWrite.All",
    )
    .await;
    let page = get(&h, &token, h.url("/v1.0/security/alerts?$top=2").as_str()).await;
    assert_eq!(
        page["value"].as_array().unwrap().len(),
        12,
        "two per provider"
    );
    let link = Url::parse(page["@odata.nextLink"].as_str().unwrap()).unwrap();
    assert_eq!(query_map(&link)["$skip"], "2");
}

#[tokio::test]
async fn extra_alerts_are_added_to_contoso_and_paged_like_the_rest() {
    let options = SandboxOptions {
        extra_alerts: 500,
        ..page_size(200)
    };
    let h = Harness::start_with(options).await;
    let token = token(&h, SECURITY_SCOPES).await;
    let pages = walk(&h, &token, "/v1.0/security/alerts_v2?$top=2000&$count=true").await;
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[0]["@odata.count"], 544, "Contoso's 44 and 500 more");
    let ids: BTreeSet<String> = pages
        .iter()
        .flat_map(|p| p["value"].as_array().unwrap().clone())
        .map(|a| a["id"].to_string())
        .collect();
    assert_eq!(ids.len(), 544);
    let incidents = get(
        &h,
        &token,
        h.url("/v1.0/security/incidents?$count=true").as_str(),
    )
    .await;
    assert_eq!(
        incidents["@odata.count"], 115,
        "15 and one for every five more alerts"
    );
}
