//! The Graph side of the background tasks: reading changed alerts and renewing
//! subscriptions with the owner's token (see `owners.rs`). Given the Graph client and the
//! owners, not the whole app state.

use std::time::Duration;

use serde_json::Value;
use time::OffsetDateTime;

use super::{
    changes::{self, ChangeSource, PollError},
    owners::Owners,
    renewal::{RenewError, SubscriptionApi},
};
use crate::{
    graph::{GraphClient, GraphError, GraphErrorKind, subscriptions},
    notify::model::Subscription,
};

/// At most this many pages are read per poll; the cursor catches up on the next one.
const MAX_PAGES: usize = 20;

/// How long a throttled poll waits when Graph gives no `Retry-After`.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(60);

#[derive(Clone)]
pub struct GraphBackend {
    graph: GraphClient,
    owners: Owners,
}

impl GraphBackend {
    pub fn new(graph: GraphClient, owners: Owners) -> Self {
        Self { graph, owners }
    }

    async fn token(&self, sub: &Subscription) -> Option<secrecy::SecretString> {
        self.owners
            .access_token(&sub.tenant_id, &sub.owner_oid)
            .await
    }
}

impl ChangeSource for GraphBackend {
    async fn changed_since(
        &self,
        sub: &Subscription,
        since: OffsetDateTime,
    ) -> Result<Vec<Value>, PollError> {
        let token = self.token(sub).await.ok_or(PollError::NoToken)?;
        let graph = &self.graph;
        let url = graph.url(&format!(
            "v1.0/{}",
            changes::changed_since_query(sub, since)
        ));
        graph
            .get_all(&token, url, MAX_PAGES)
            .await
            .map_err(poll_error)
    }
}

fn poll_error(error: GraphError) -> PollError {
    match error.kind {
        GraphErrorKind::Throttled => {
            PollError::Throttled(error.retry_after.unwrap_or(DEFAULT_RETRY_AFTER))
        }
        GraphErrorKind::Unauthorized => PollError::NoToken,
        _ => PollError::Failed(error.user_message()),
    }
}

impl SubscriptionApi for GraphBackend {
    async fn renew(
        &self,
        sub: &Subscription,
        until: OffsetDateTime,
    ) -> Result<OffsetDateTime, RenewError> {
        let graph_id = sub.graph_id.as_deref().ok_or(RenewError::Gone)?;
        let token = self.token(sub).await.ok_or(RenewError::NoToken)?;
        match subscriptions::renew(&self.graph, &token, graph_id, until).await {
            Ok(renewed) => Ok(renewed.expires_at().unwrap_or(until)),
            Err(e) if e.kind == GraphErrorKind::NotFound => Err(RenewError::Gone),
            Err(e) if e.kind == GraphErrorKind::Unauthorized => Err(RenewError::NoToken),
            Err(e) => Err(RenewError::Refused(e.user_message())),
        }
    }

    async fn owner_can_act(&self, sub: &Subscription) -> bool {
        self.token(sub).await.is_some()
    }

    async fn exists(&self, sub: &Subscription) -> Result<bool, RenewError> {
        let Some(graph_id) = sub.graph_id.as_deref() else {
            return Ok(false);
        };
        let token = self.token(sub).await.ok_or(RenewError::NoToken)?;
        match subscriptions::get(&self.graph, &token, graph_id).await {
            Ok(_) => Ok(true),
            Err(e) if e.kind == GraphErrorKind::NotFound => Ok(false),
            Err(e) if e.kind == GraphErrorKind::Unauthorized => Err(RenewError::NoToken),
            Err(e) => Err(RenewError::Refused(e.user_message())),
        }
    }
}
