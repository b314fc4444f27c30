//! Tokens for work done on a subscription owner's behalf when the owner is not at the
//! browser (renewals, v2 polling, catch-up reads).
//!
//! The owner's tokens stay where sign-in put them, in the owner's server-side session.
//! The registry remembers which session an owner last used on the notification pages;
//! background work reads the tokens from that session, refreshes them there when they are
//! about to expire, and so shares one refresh-token chain with the browser. When the owner
//! signs out, or the session expires, the owner "can no longer get a token".

use std::str::FromStr;

use secrecy::SecretString;
use tower_sessions::{
    SessionStore,
    session::{Id, Record},
};

use crate::{
    auth::{self, Tokens},
    notify::storage::{Registry, StoreResult, SubscriptionRegistry},
    oauth::OAuth,
    sessions::SessionBackend,
};

#[derive(Clone, Debug)]
pub struct Owners {
    registry: Registry,
    sessions: SessionBackend,
    oauth: OAuth,
}

impl Owners {
    /// Owners kept in `registry`, reading sessions from the app's own session store (so a
    /// refreshed token is seen by the browser too), refreshing tokens with `oauth`.
    pub fn new(registry: Registry, sessions: SessionBackend, oauth: OAuth) -> Self {
        Self {
            registry,
            sessions,
            oauth,
        }
    }

    /// A valid access token of the owner, refreshed in the owner's session if needed;
    /// `None` when the owner has no live session or the refresh failed.
    pub async fn access_token(&self, tenant_id: &str, oid: &str) -> Option<SecretString> {
        let session_id = self
            .registry
            .owner_session(tenant_id, oid)
            .await
            .inspect_err(|error| tracing::error!(%error, "reading subscription owners failed"))
            .ok()??;
        let id = Id::from_str(&session_id).ok()?;
        let mut record = self.sessions.load(&id).await.ok()??;
        if !signed_in_as(&record, tenant_id, oid) {
            return None;
        }
        let tokens: Tokens =
            serde_json::from_value(record.data.get(auth::TOKENS_KEY)?.clone()).ok()?;
        if !tokens.needs_refresh() {
            return Some(tokens.access_token());
        }
        let fresh = auth::refresh(&self.oauth, &tokens).await?;
        record
            .data
            .insert(auth::TOKENS_KEY.into(), serde_json::to_value(&fresh).ok()?);
        if let Err(error) = self.sessions.save(&record).await {
            tracing::warn!(%error, "saving refreshed owner tokens failed");
        }
        Some(fresh.access_token())
    }
}

impl Owners {
    /// Whether browser session `session_id` still exists with this user signed in (not
    /// signed out, not expired). A store that cannot answer right now counts as yes.
    pub async fn session_alive(&self, session_id: &str, tenant_id: &str, oid: &str) -> bool {
        let Ok(id) = Id::from_str(session_id) else {
            return false;
        };
        match self.sessions.load(&id).await {
            Ok(Some(record)) => signed_in_as(&record, tenant_id, oid),
            Ok(None) => false,
            Err(error) => {
                tracing::warn!(%error, "could not check a session; its streams stay open");
                true
            }
        }
    }
}

/// Whether the session record holds this user's sign-in.
fn signed_in_as(record: &Record, tenant_id: &str, oid: &str) -> bool {
    record
        .data
        .get(auth::USER_KEY)
        .and_then(|user| serde_json::from_value::<auth::UserInfo>(user.clone()).ok())
        .is_some_and(|info| info.oid == oid && info.tenant_id == tenant_id)
}

/// Records the session the owner is using now, so background work can use its tokens.
pub async fn remember(
    registry: &dyn SubscriptionRegistry,
    tenant_id: &str,
    oid: &str,
    session: Option<Id>,
) -> StoreResult<()> {
    match session {
        Some(session) => {
            registry
                .remember_owner(tenant_id, oid, &session.to_string())
                .await
        }
        None => Ok(()),
    }
}
