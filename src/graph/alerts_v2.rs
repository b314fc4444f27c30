//! `/security/alerts_v2`: list, get, update and comment (Graph v1.0 "security.alert" resource).

use reqwest::Method;
use secrecy::SecretString;
use serde_json::{Value, json};
use url::Url;

use super::ids::graph_segment;
use super::{GraphClient, GraphError};

pub const COLLECTION: &str = "v1.0/security/alerts_v2";

/// The first-page URL: `$top` and, when set, `$filter`.
pub fn list_url(graph: &GraphClient, top: u32, filter: Option<&str>) -> Url {
    let mut params = vec![("$top", top.to_string())];
    if let Some(filter) = filter {
        params.push(("$filter", filter.to_string()));
    }
    graph.url_with_query(COLLECTION, &params)
}

/// Every alert updated at or after `since`, counted: what the mirror reads.
pub fn changed_since_url(graph: &GraphClient, since: time::OffsetDateTime, top: u32) -> Url {
    graph.url_with_query(
        COLLECTION,
        &[
            ("$top", top.to_string()),
            ("$count", "true".to_string()),
            (
                "$filter",
                format!("lastUpdateDateTime ge {}", super::odata::datetime(since)),
            ),
        ],
    )
}

/// The URL of one alert; the id is percent-encoded into the path.
pub fn alert_url(graph: &GraphClient, id: &str) -> Url {
    graph.url(&format!("{COLLECTION}/{}", graph_segment(id)))
}

pub async fn get(graph: &GraphClient, token: &SecretString, id: &str) -> Result<Value, GraphError> {
    graph.get_json(token, alert_url(graph, id)).await
}

/// `PATCH` with the changed fields; Graph answers 200 with the updated alert.
pub async fn patch(
    graph: &GraphClient,
    token: &SecretString,
    id: &str,
    body: &Value,
) -> Result<Value, GraphError> {
    graph
        .send(Method::PATCH, token, alert_url(graph, id), Some(body), &[])
        .await?
        .json()
}

/// The body of `POST …/comments`.
pub fn comment_body(text: &str) -> Value {
    json!({"@odata.type": "microsoft.graph.security.alertComment", "comment": text})
}

/// The URL comments are posted to.
pub fn comments_url(graph: &GraphClient, id: &str) -> Url {
    graph.url(&format!("{COLLECTION}/{}/comments", graph_segment(id)))
}

/// Adds a comment; Graph answers with the alert's whole comment list.
pub async fn add_comment(
    graph: &GraphClient,
    token: &SecretString,
    id: &str,
    text: &str,
) -> Result<Value, GraphError> {
    graph
        .send(
            Method::POST,
            token,
            comments_url(graph, id),
            Some(&comment_body(text)),
            &[],
        )
        .await?
        .json()
}
