//! `/security/incidents` (Graph v1.0 "security.incident" resource): list and get, with their alerts.

use secrecy::SecretString;
use serde_json::Value;
use url::Url;

use super::ids::graph_segment;
use super::{GraphClient, GraphError};

pub const COLLECTION: &str = "v1.0/security/incidents";

/// The first-page URL: `$top` and, when set, `$filter`.
pub fn list_url(graph: &GraphClient, top: u32, filter: Option<&str>) -> Url {
    let mut params = vec![("$top", top.to_string())];
    if let Some(filter) = filter {
        params.push(("$filter", filter.to_string()));
    }
    graph.url_with_query(COLLECTION, &params)
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
