//! The one place graphsec writes to an incident: the `PATCH` (when anything but the comment
//! changed), then the comment. Every incident change made through graphsec passes here.

use secrecy::SecretString;
use serde_json::Value;

use super::update::IncidentUpdate;
use crate::alerts::api::RestCall;
use crate::graph::{GraphClient, GraphError, incidents};

/// What the write did.
#[derive(Debug, Clone)]
pub struct Written {
    /// The incident as Graph answered it: the `PATCH` answer (or the original) with the comment
    /// list the comment `POST` answered.
    pub updated: Value,
    pub calls: Vec<RestCall>,
    /// Graph's refusal of the comment after the other changes were saved (they stay saved).
    pub comment_refused: Option<GraphError>,
}

/// Sends `update` for incident `id`, whose current state is `original`. An error means Graph
/// refused the first call and nothing changed.
pub async fn write_incident(
    graph: &GraphClient,
    token: &SecretString,
    id: &str,
    original: &Value,
    update: &IncidentUpdate,
) -> Result<Written, GraphError> {
    let mut calls = Vec::new();
    let mut updated = original.clone();
    let mut wrote = false;
    if !update.patch.is_empty() {
        let body = Value::Object(update.patch.clone());
        calls.push(RestCall::new(
            "PATCH",
            &incidents::plain_url(graph, id),
            Some(&body),
        ));
        updated = incidents::patch(graph, token, id, &body).await?;
        wrote = true;
        if let Some(alerts) = original.get("alerts") {
            updated["alerts"] = alerts.clone();
        }
    }
    let mut comment_refused = None;
    if let Some(comment) = &update.comment {
        let body = crate::graph::alerts_v2::comment_body(comment);
        calls.push(RestCall::new(
            "POST",
            &incidents::comments_url(graph, id),
            Some(&body),
        ));
        match incidents::add_comment(graph, token, id, comment).await {
            Ok(list) => updated["comments"] = list["value"].clone(),
            Err(err) if wrote => comment_refused = Some(err),
            Err(err) => return Err(err),
        }
    }
    Ok(Written {
        updated,
        calls,
        comment_refused,
    })
}
