//! Graph change-notification subscriptions: create, read, renew (PATCH expiry), delete.

use reqwest::Method;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::ids::graph_segment;
use super::{GraphClient, GraphError, GraphErrorKind, odata};

/// The body of `POST /subscriptions`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewGraphSubscription<'a> {
    pub change_type: &'a str,
    pub notification_url: &'a str,
    pub lifecycle_notification_url: &'a str,
    pub resource: &'a str,
    pub expiration_date_time: String,
    pub client_state: &'a str,
}

/// A subscription as Graph returns it (`clientState` is not relied on: Graph omits it
/// when listing).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GraphSubscription {
    pub id: String,
    pub resource: String,
    pub expiration_date_time: String,
}

impl GraphSubscription {
    /// The expiry Graph granted, when it parses.
    pub fn expires_at(&self) -> Option<OffsetDateTime> {
        odata::parse_datetime(&self.expiration_date_time)
    }
}

/// `POST /v1.0/subscriptions`. Graph validates the notification URLs before answering.
pub async fn create(
    graph: &GraphClient,
    token: &SecretString,
    body: &NewGraphSubscription<'_>,
) -> Result<GraphSubscription, GraphError> {
    let body = serde_json::to_value(body).map_err(invalid)?;
    let url = graph.url("v1.0/subscriptions");
    graph
        .send(Method::POST, token, url, Some(&body), &[])
        .await?
        .json()
}

/// `PATCH /v1.0/subscriptions/{id}` with a new expiry (renews and reauthorizes).
pub async fn renew(
    graph: &GraphClient,
    token: &SecretString,
    id: &str,
    until: OffsetDateTime,
) -> Result<GraphSubscription, GraphError> {
    let body = serde_json::json!({ "expirationDateTime": odata::datetime_value(until) });
    let url = graph.url(&path(id));
    graph
        .send(Method::PATCH, token, url, Some(&body), &[])
        .await?
        .json()
}

/// `GET /v1.0/subscriptions/{id}`.
pub async fn get(
    graph: &GraphClient,
    token: &SecretString,
    id: &str,
) -> Result<GraphSubscription, GraphError> {
    let url = graph.url(&path(id));
    graph.send(Method::GET, token, url, None, &[]).await?.json()
}

/// `DELETE /v1.0/subscriptions/{id}`.
pub async fn delete(graph: &GraphClient, token: &SecretString, id: &str) -> Result<(), GraphError> {
    let url = graph.url(&path(id));
    graph
        .send(Method::DELETE, token, url, None, &[])
        .await
        .map(drop)
}

fn path(id: &str) -> String {
    format!("v1.0/subscriptions/{}", graph_segment(id))
}

fn invalid(error: serde_json::Error) -> GraphError {
    GraphError::transport(GraphErrorKind::InvalidResponse, error.to_string())
}
