//! `/security/incidents` (Graph v1.0 "security.incident" resource): list and get, with their
//! alerts; update (`PATCH`, SecurityIncident.ReadWrite.All) and comment.

use reqwest::Method;
use secrecy::SecretString;
use serde_json::Value;
use url::Url;

use super::ids::graph_segment;
use super::{GraphClient, GraphError};

pub const COLLECTION: &str = "v1.0/security/incidents";

/// One page: `$top`, `$skip`, `$count=true` (for "1–20 of N") and, when set, `$filter`.
pub fn page_url(graph: &GraphClient, top: u32, skip: u32, filter: Option<&str>) -> Url {
    let mut params = vec![("$top", top.to_string()), ("$count", "true".to_string())];
    if skip > 0 {
        params.push(("$skip", skip.to_string()));
    }
    if let Some(filter) = filter {
        params.push(("$filter", filter.to_string()));
    }
    graph.url_with_query(COLLECTION, &params)
}

/// Every incident updated at or after `since`, with its alerts, counted: what the mirror reads.
pub fn changed_since_url(graph: &GraphClient, since: time::OffsetDateTime, top: u32) -> Url {
    graph.url_with_query(
        COLLECTION,
        &[
            ("$top", top.to_string()),
            ("$count", "true".to_string()),
            ("$expand", "alerts".to_string()),
            (
                "$filter",
                format!("lastUpdateDateTime ge {}", super::odata::datetime(since)),
            ),
        ],
    )
}

/// One incident with `$expand=alerts`; the id is percent-encoded into the path.
pub fn incident_url(graph: &GraphClient, id: &str) -> Url {
    graph.url_with_query(
        &format!("{COLLECTION}/{}", graph_segment(id)),
        &[("$expand", "alerts".to_string())],
    )
}

pub async fn get(graph: &GraphClient, token: &SecretString, id: &str) -> Result<Value, GraphError> {
    graph.get_json(token, incident_url(graph, id)).await
}

/// The URL of one incident, without expansion (what `PATCH` goes to).
pub fn plain_url(graph: &GraphClient, id: &str) -> Url {
    graph.url(&format!("{COLLECTION}/{}", graph_segment(id)))
}

/// The URL comments are posted to.
pub fn comments_url(graph: &GraphClient, id: &str) -> Url {
    graph.url(&format!("{COLLECTION}/{}/comments", graph_segment(id)))
}

/// `PATCH` with the changed fields; Graph answers 200 with the updated incident.
pub async fn patch(
    graph: &GraphClient,
    token: &SecretString,
    id: &str,
    body: &Value,
) -> Result<Value, GraphError> {
    graph
        .send(Method::PATCH, token, plain_url(graph, id), Some(body), &[])
        .await?
        .json()
}

/// Adds a comment (the alert comment body, as the incident reference shows); Graph answers with
/// the incident's whole comment list.
pub async fn add_comment(
    graph: &GraphClient,
    token: &SecretString,
    id: &str,
    text: &str,
) -> Result<Value, GraphError> {
    let body = super::alerts_v2::comment_body(text);
    graph
        .send(
            Method::POST,
            token,
            comments_url(graph, id),
            Some(&body),
            &[],
        )
        .await?
        .json()
}
