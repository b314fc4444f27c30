//! Every change made through the API moves `lastUpdateDateTime`, and a
//! `$filter=lastUpdateDateTime ge …` on alerts_v2 and incidents finds what changed.

use super::*;
use crate::seed::render::date;
use serde_json::json;
use std::collections::BTreeSet;
use time::{Duration, OffsetDateTime};

const SCOPES: &str = "openid profile offline_access User.Read SecurityEvents.ReadWrite.All \
     https://graph.microsoft.com/SecurityAlert.ReadWrite.All SecurityIncident.ReadWrite.All";

/// The ids `path` lists.
async fn ids(h: &Harness, token: &str, path: &str) -> BTreeSet<String> {
    let response = h.client.get(h.url(path)).bearer_auth(token).send().await;
    let body: Value = response.unwrap().json().await.unwrap();
    let items = body["value"].as_array().unwrap_or_else(|| panic!("{body}"));
    items
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn send(request: reqwest::RequestBuilder, token: &str, body: Value) {
    let response = request.bearer_auth(token).json(&body).send().await.unwrap();
    assert!(response.status().is_success(), "{}", response.status());
}

#[tokio::test]
async fn changes_through_patch_and_comments_are_found_by_a_last_update_filter() {
    let h = Harness::start().await;
    let token = h.sign_in("megan@contoso.example", SCOPES).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    // A whole second after every seeded time, so only what changes next is at or after it.
    let now = OffsetDateTime::now_utc();
    let cut = now.replace_nanosecond(0).unwrap() + Duration::seconds(1);
    tokio::time::sleep((cut - now).unsigned_abs()).await;
    let since = date(cut);
    assert!(since.ends_with('Z') && !since.contains('.'), "{since}");
    let alerts = format!("/v1.0/security/alerts_v2?$top=100&$filter=lastUpdateDateTime ge {since}");
    let incidents = format!("/v1.0/security/incidents?$filter=lastUpdateDateTime ge {since}");
    assert!(ids(&h, &token, &alerts).await.is_empty());
    assert!(ids(&h, &token, &incidents).await.is_empty());

    let all: Vec<String> = ids(&h, &token, "/v1.0/security/alerts_v2?$top=3")
        .await
        .into_iter()
        .collect();
    let v2 = |tail: &str| h.url(&format!("/v1.0/security/alerts_v2/{tail}"));
    send(
        h.client.patch(v2(&all[0])),
        &token,
        json!({"status": "inProgress"}),
    )
    .await;
    let comment =
        json!({"@odata.type": "microsoft.graph.security.alertComment", "comment": "Seen."});
    send(
        h.client.post(v2(&format!("{}/comments", all[1]))),
        &token,
        comment.clone(),
    )
    .await;
    let legacy = h.url(&format!("/v1.0/security/alerts/{}", all[2]));
    let provider = provider(&h, &token, &all[2]).await;
    send(
        h.client.patch(legacy),
        &token,
        json!({"status": "resolved",
        "vendorInformation": {"provider": provider, "vendor": "Microsoft"}}),
    )
    .await;
    let incident = |tail: &str| h.url(&format!("/v1.0/security/incidents/{tail}"));
    send(
        h.client.patch(incident("102")),
        &token,
        json!({"assignedTo": "adele@contoso.example"}),
    )
    .await;
    send(h.client.post(incident("103/comments")), &token, comment).await;

    assert_eq!(ids(&h, &token, &alerts).await, all.into_iter().collect());
    let changed: BTreeSet<String> = ["102", "103"].map(String::from).into();
    assert_eq!(ids(&h, &token, &incidents).await, changed);
}

/// The legacy provider name of alert `id`, which a legacy PATCH must repeat.
async fn provider(h: &Harness, token: &str, id: &str) -> String {
    let url = h.url(&format!("/v1.0/security/alerts/{id}"));
    let response = h.client.get(url).bearer_auth(token).send().await.unwrap();
    let alert: Value = response.json().await.unwrap();
    alert["vendorInformation"]["provider"]
        .as_str()
        .unwrap()
        .to_owned()
}
