//! What a new subscription must pass before it is created: the caps on how many one user and
//! one tenant may hold (checked without a Graph call), and one read of its filter at Graph
//! (`$top=1`), so a filter Graph refuses is refused here, with Graph's reason.

use serde_json::Value;

use crate::auth::User;
use crate::config::NotifySettings;
use crate::graph::{GraphClient, GraphError};
use crate::notify::model::Subscription;

/// Refuses one more subscription for `user` (with a sentence saying why) when they, or their
/// tenant, hold the most allowed. `tenant` is every subscription of the user's tenant.
pub fn within_caps(
    settings: &NotifySettings,
    tenant: &[Subscription],
    user: &User,
) -> Result<(), String> {
    let mine = tenant.iter().filter(|s| s.owner_oid == user.oid).count();
    if mine >= settings.max_watches_per_user {
        return Err(format!(
            "You already have {mine} subscriptions, the most one person may have. Delete one \
             you no longer need, then subscribe again."
        ));
    }
    if tenant.len() >= settings.max_watches_per_tenant {
        return Err(format!(
            "Your organisation already has {} subscriptions, the most it may have. Ask a \
             colleague or an administrator to delete one no longer needed.",
            tenant.len()
        ));
    }
    Ok(())
}

/// One read of the subscription's resource with `$top=1`, with the user's token.
pub async fn probe(graph: &GraphClient, user: &User, resource: &str) -> Result<(), GraphError> {
    let url = graph.url(&format!("v1.0/{resource}&$top=1"));
    graph.get_all::<Value>(user.access_token(), url, 1).await?;
    Ok(())
}
