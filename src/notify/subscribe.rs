//! Subscribing, renewing and unsubscribing for the signed-in user. With the legacy alert
//! API a subscription is a Graph webhook; with alerts_v2 (which has no change
//! notifications) it is a watch the v2 watcher polls. Subscribing again to the same
//! resource renews the existing subscription instead of creating a duplicate.

use time::OffsetDateTime;

use super::{
    model::{ApiKind, NewSubscription, Subscription, SubscriptionStatus},
    plan,
    service::Notify,
};
use crate::{
    alerts::query::AlertQuery,
    auth::User,
    config::AlertsApiKind,
    graph::{
        GraphError, GraphErrorKind,
        subscriptions::{self, NewGraphSubscription},
    },
    state::AppState,
};

/// What subscribing did.
#[derive(Debug)]
pub enum Subscribed {
    Created(Subscription),
    Renewed(Subscription),
}

#[derive(Debug, thiserror::Error)]
pub enum SubscribeError {
    /// The form was wrong; the message says how.
    #[error("{0}")]
    Invalid(String),
    #[error("There is no subscription with this id in your tenant.")]
    NotFound,
    #[error("Microsoft Graph refused: {}", .0.user_message())]
    Graph(#[from] GraphError),
    #[error(transparent)]
    Store(#[from] sqlx::Error),
}

/// The kind of subscription the configured alert API uses.
pub fn api_kind(state: &AppState) -> ApiKind {
    match state.settings.graph.alerts_api {
        AlertsApiKind::Legacy => ApiKind::LegacyWebhook,
        AlertsApiKind::V2 => ApiKind::V2Watch,
    }
}

/// Subscribes the user's tenant to alert changes matching the form's filters.
pub async fn subscribe(
    state: &AppState,
    notify: &Notify,
    user: &User,
    form: &AlertQuery,
) -> Result<Subscribed, SubscribeError> {
    let kind = api_kind(state);
    let valid = match kind {
        ApiKind::LegacyWebhook => form.validate_legacy(&user.upn),
        ApiKind::V2Watch => form.validate_v2(&user.upn),
    }
    .map_err(|e| SubscribeError::Invalid(e.to_string()))?;
    let filter = valid.filter.to_odata();
    let resource = plan::resource(kind, filter.as_deref())
        .map_err(|e| SubscribeError::Invalid(e.to_string()))?;
    if let Some(existing) = notify
        .registry
        .by_resource(&user.tenant_id, kind, &resource)
        .await?
    {
        return renew_subscription(state, notify, user, existing)
            .await
            .map(Subscribed::Renewed);
    }
    let expires = plan::expiry(OffsetDateTime::now_utc(), notify_lifetime(state));
    let client_state = plan::client_state();
    let graph_id = match kind {
        ApiKind::LegacyWebhook => {
            Some(create_at_graph(state, user, &resource, &client_state, expires).await?)
        }
        ApiKind::V2Watch => None,
    };
    let filters = serde_json::to_string(form).unwrap_or_else(|_| "{}".into());
    let new = NewSubscription {
        graph_id: graph_id.as_ref().map(|(id, _)| id.clone()),
        owner_oid: user.oid.clone(),
        tenant_id: user.tenant_id.clone(),
        resource,
        change_type: plan::CHANGE_TYPE.into(),
        client_state,
        expires_at: graph_id.map_or(expires, |(_, granted)| granted),
        api_kind: kind,
        filters,
    };
    Ok(Subscribed::Created(notify.registry.insert(&new).await?))
}

/// Renews one of the tenant's subscriptions with the user's token; the user becomes its
/// owner. A subscription Graph no longer has is created again.
pub async fn renew(
    state: &AppState,
    notify: &Notify,
    user: &User,
    id: &str,
) -> Result<Subscription, SubscribeError> {
    let sub = tenant_subscription(notify, user, id).await?;
    renew_subscription(state, notify, user, sub).await
}

/// Deletes one of the tenant's subscriptions, at Graph first (already gone is fine).
pub async fn delete(
    state: &AppState,
    notify: &Notify,
    user: &User,
    id: &str,
) -> Result<(), SubscribeError> {
    let sub = tenant_subscription(notify, user, id).await?;
    if let (ApiKind::LegacyWebhook, Some(graph_id)) = (sub.api_kind, &sub.graph_id)
        && sub.status != SubscriptionStatus::Removed
    {
        match subscriptions::delete(&state.graph, user.access_token(), graph_id).await {
            Err(e) if e.kind != GraphErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    notify.registry.delete(&sub.id).await?;
    Ok(())
}

async fn tenant_subscription(
    notify: &Notify,
    user: &User,
    id: &str,
) -> Result<Subscription, SubscribeError> {
    notify
        .registry
        .get(id)
        .await?
        .filter(|s| s.tenant_id == user.tenant_id)
        .ok_or(SubscribeError::NotFound)
}

async fn renew_subscription(
    state: &AppState,
    notify: &Notify,
    user: &User,
    sub: Subscription,
) -> Result<Subscription, SubscribeError> {
    let until = plan::expiry(OffsetDateTime::now_utc(), notify_lifetime(state));
    let granted = match (sub.api_kind, &sub.graph_id, sub.status) {
        (ApiKind::V2Watch, _, _) => until,
        (ApiKind::LegacyWebhook, Some(graph_id), status)
            if status != SubscriptionStatus::Removed =>
        {
            match subscriptions::renew(&state.graph, user.access_token(), graph_id, until).await {
                Ok(renewed) => renewed.expires_at().unwrap_or(until),
                Err(e) if e.kind == GraphErrorKind::NotFound => {
                    return recreate(state, notify, user, sub, until).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
        (ApiKind::LegacyWebhook, _, _) => return recreate(state, notify, user, sub, until).await,
    };
    notify
        .registry
        .renewed_by(&sub.id, granted, &user.oid)
        .await?;
    Ok(notify.registry.get(&sub.id).await?.unwrap_or(sub))
}

/// Creates the subscription at Graph again (after Graph removed it), with a new secret.
async fn recreate(
    state: &AppState,
    notify: &Notify,
    user: &User,
    sub: Subscription,
    until: OffsetDateTime,
) -> Result<Subscription, SubscribeError> {
    let client_state = plan::client_state();
    let (graph_id, granted) =
        create_at_graph(state, user, &sub.resource, &client_state, until).await?;
    notify
        .registry
        .recreated(&sub.id, &graph_id, &client_state, granted)
        .await?;
    notify
        .registry
        .renewed_by(&sub.id, granted, &user.oid)
        .await?;
    Ok(notify.registry.get(&sub.id).await?.unwrap_or(sub))
}

async fn create_at_graph(
    state: &AppState,
    user: &User,
    resource: &str,
    client_state: &str,
    until: OffsetDateTime,
) -> Result<(String, OffsetDateTime), SubscribeError> {
    let body = NewGraphSubscription {
        change_type: plan::CHANGE_TYPE,
        notification_url: state.urls.notification_url.as_str(),
        lifecycle_notification_url: state.urls.lifecycle_url.as_str(),
        resource,
        expiration_date_time: crate::graph::odata::datetime_value(until),
        client_state,
    };
    let created = subscriptions::create(&state.graph, user.access_token(), &body).await?;
    let granted = created.expires_at().unwrap_or(until);
    Ok((created.id, granted))
}

fn notify_lifetime(state: &AppState) -> time::Duration {
    state.settings.notify.lifetimes().lifetime
}
