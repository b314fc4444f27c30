//! Legacy `/security/alerts` (Graph v1.0 "alert" resource): list, get and update.

use reqwest::Method;
use secrecy::SecretString;
use serde_json::Value;
use url::Url;

use super::ids::graph_segment;
use super::{GraphClient, GraphError};

pub const COLLECTION: &str = "v1.0/security/alerts";

/// The first-page URL: `$top` (applied per provider by Graph) and, when set, `$filter`.
pub fn list_url(graph: &GraphClient, top: u32, filter: Option<&str>) -> Url {
    let mut params = vec![("$top", top.to_string())];
    if let Some(filter) = filter {
        params.push(("$filter", filter.to_string()));
    }
    graph.url_with_query(COLLECTION, &params)
}

/// The URL of one alert; the id is percent-encoded into the path.
pub fn alert_url(graph: &GraphClient, id: &str) -> Url {
    graph.url(&format!("{COLLECTION}/{}", graph_segment(id)))
}

pub async fn get(graph: &GraphClient, token: &SecretString, id: &str) -> Result<Value, GraphError> {
    graph.get_json(token, alert_url(graph, id)).await
}

/// The header that makes PATCH answer 200 with the updated alert instead of 204.
pub const PREFER_REPRESENTATION: (&str, &str) = ("Prefer", "return=representation");

/// `PATCH` with `Prefer: return=representation`; the body must carry `vendorInformation`.
/// Returns the updated alert, or `None` when Graph answered 204 without one.
pub async fn patch(
    graph: &GraphClient,
    token: &SecretString,
    id: &str,
    body: &Value,
) -> Result<Option<Value>, GraphError> {
    let response = graph
        .send(
            Method::PATCH,
            token,
            alert_url(graph, id),
            Some(body),
            &[PREFER_REPRESENTATION],
        )
        .await?;
    if response.body.is_empty() {
        return Ok(None);
    }
    response.json().map(Some)
}
