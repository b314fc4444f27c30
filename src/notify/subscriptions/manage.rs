//! Subscribing, renewing and unsubscribing for the signed-in user. With the legacy alert
//! API a subscription is a Graph webhook; with alerts_v2 (which has no change
//! notifications) it is a watch the v2 watcher polls. Subscribing again to the same
//! resource renews the existing subscription instead of creating a duplicate.

use time::OffsetDateTime;

use super::{limits, plan};
use crate::notify::{
    Notify,
    model::{ApiKind, NewSubscription, Subscription, SubscriptionStatus},
    storage::StorageError,
};
use crate::{
    alerts::query::AlertQuery,
    auth::User,
    config::{AlertsApiKind, Settings, Urls},
    graph::{
        GraphClient, GraphError, GraphErrorKind,
        subscriptions::{self, NewGraphSubscription},
    },
};

/// What subscribing needs from the app: the Graph client, the settings (alert API in use,
/// lifetimes) and the URLs Graph calls back.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub graph: &'a GraphClient,
    pub settings: &'a Settings,
    pub urls: &'a Urls,
}

/// What subscribing did.
#[derive(Debug)]
pub enum Subscribed {
    Created(Subscription),
    Renewed(Subscription),
    /// A colleague already watches these alerts for the tenant; nothing was changed.
    Existing(Subscription),
}

#[derive(Debug, thiserror::Error)]
pub enum SubscribeError {
    /// The form was wrong; the message says how.
    #[error("{0}")]
    Invalid(String),
    #[error("There is no subscription with this id in your tenant.")]
    NotFound,
    #[error(
        "Only the subscription's owner or a tenant administrator (Security Administrator or \
         Global Administrator) may renew or delete it."
    )]
    NotYours,
    /// A cap on subscriptions was reached; the message says which.
    #[error("{0}")]
    Limit(String),
    #[error("Microsoft Graph refused: {}", .0.user_message())]
    Graph(#[from] GraphError),
    #[error(transparent)]
    Store(#[from] StorageError),
}

/// The kind of subscription the configured alert API uses.
pub fn api_kind(settings: &Settings) -> ApiKind {
    match settings.graph.alerts_api {
        AlertsApiKind::Legacy => ApiKind::LegacyWebhook,
        AlertsApiKind::V2 => ApiKind::V2Watch,
    }
}

/// Subscribes the user's tenant to alert changes matching the form's filters.
pub async fn subscribe(
    cx: Context<'_>,
    notify: &Notify,
    user: &User,
    form: &AlertQuery,
) -> Result<Subscribed, SubscribeError> {
    let kind = api_kind(cx.settings);
    let valid = match kind {
        ApiKind::LegacyWebhook => form.validate_legacy(&user.upn),
        ApiKind::V2Watch => form.validate_v2(&user.upn),
    }
    .map_err(|e| SubscribeError::Invalid(e.to_string()))?;
    if !valid.extra.is_empty() {
        return Err(SubscribeError::Invalid(
            "A subscription takes one value per filter and no time range.".into(),
        ));
    }
    let filter = valid.filter.to_odata();
    let resource = plan::resource(kind, filter.as_deref())
        .map_err(|e| SubscribeError::Invalid(e.to_string()))?;
    if let Some(existing) = notify
        .registry
        .by_resource(&user.tenant_id, kind, &resource)
        .await?
    {
        if !may_manage(user, &existing) {
            return Ok(Subscribed::Existing(existing));
        }
        return renew_subscription(cx, notify, user, existing)
            .await
            .map(Subscribed::Renewed);
    }
    let tenant = notify.registry.list_for_tenant(&user.tenant_id).await?;
    limits::within_caps(&cx.settings.notify, &tenant, user).map_err(SubscribeError::Limit)?;
    limits::probe(cx.graph, user, &resource).await?;
    let expires = plan::expiry(OffsetDateTime::now_utc(), notify_lifetime(cx));
    let client_state = plan::client_state();
    let graph_id = match kind {
        ApiKind::LegacyWebhook => {
            Some(create_at_graph(cx, user, &resource, &client_state, expires).await?)
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

/// Renews one of the tenant's subscriptions with the user's token (its owner or a tenant
/// admin); the owner stays who it was. A subscription Graph no longer has is created again.
pub async fn renew(
    cx: Context<'_>,
    notify: &Notify,
    user: &User,
    id: &str,
) -> Result<Subscription, SubscribeError> {
    let sub = manageable_subscription(notify, user, id).await?;
    renew_subscription(cx, notify, user, sub).await
}

/// Deletes one of the tenant's subscriptions (its owner or a tenant admin), at Graph first
/// (already gone is fine).
pub async fn delete(
    cx: Context<'_>,
    notify: &Notify,
    user: &User,
    id: &str,
) -> Result<(), SubscribeError> {
    let sub = manageable_subscription(notify, user, id).await?;
    if let (ApiKind::LegacyWebhook, Some(graph_id)) = (sub.api_kind, &sub.graph_id)
        && sub.status != SubscriptionStatus::Removed
    {
        match subscriptions::delete(cx.graph, user.access_token(), graph_id).await {
            Err(e) if e.kind != GraphErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    notify.registry.delete(&sub.id).await?;
    Ok(())
}

/// Whether `user` may renew or delete `sub`: its owner, or an administrator of its tenant.
pub fn may_manage(user: &User, sub: &Subscription) -> bool {
    sub.tenant_id == user.tenant_id && (sub.owner_oid == user.oid || user.tenant_admin)
}

/// The tenant's subscription `id`, when the user may manage it (checked before any Graph call).
async fn manageable_subscription(
    notify: &Notify,
    user: &User,
    id: &str,
) -> Result<Subscription, SubscribeError> {
    let sub = notify
        .registry
        .get(id)
        .await?
        .filter(|s| s.tenant_id == user.tenant_id)
        .ok_or(SubscribeError::NotFound)?;
    if !may_manage(user, &sub) {
        return Err(SubscribeError::NotYours);
    }
    Ok(sub)
}

async fn renew_subscription(
    cx: Context<'_>,
    notify: &Notify,
    user: &User,
    sub: Subscription,
) -> Result<Subscription, SubscribeError> {
    let until = plan::expiry(OffsetDateTime::now_utc(), notify_lifetime(cx));
    let granted = match (sub.api_kind, &sub.graph_id, sub.status) {
        (ApiKind::V2Watch, _, _) => until,
        (ApiKind::LegacyWebhook, Some(graph_id), status)
            if status != SubscriptionStatus::Removed =>
        {
            match subscriptions::renew(cx.graph, user.access_token(), graph_id, until).await {
                Ok(renewed) => renewed.expires_at().unwrap_or(until),
                Err(e) if e.kind == GraphErrorKind::NotFound => {
                    return recreate(cx, notify, user, sub, until).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
        (ApiKind::LegacyWebhook, _, _) => return recreate(cx, notify, user, sub, until).await,
    };
    notify.registry.renewed(&sub.id, granted).await?;
    Ok(notify.registry.get(&sub.id).await?.unwrap_or(sub))
}

/// Creates the subscription at Graph again (after Graph removed it), with a new secret.
async fn recreate(
    cx: Context<'_>,
    notify: &Notify,
    user: &User,
    sub: Subscription,
    until: OffsetDateTime,
) -> Result<Subscription, SubscribeError> {
    let client_state = plan::client_state();
    let (graph_id, granted) =
        create_at_graph(cx, user, &sub.resource, &client_state, until).await?;
    notify
        .registry
        .recreated(&sub.id, &graph_id, &client_state, granted)
        .await?;
    Ok(notify.registry.get(&sub.id).await?.unwrap_or(sub))
}

async fn create_at_graph(
    cx: Context<'_>,
    user: &User,
    resource: &str,
    client_state: &str,
    until: OffsetDateTime,
) -> Result<(String, OffsetDateTime), SubscribeError> {
    let body = NewGraphSubscription {
        change_type: plan::CHANGE_TYPE,
        notification_url: cx.urls.notification_url.as_str(),
        lifecycle_notification_url: cx.urls.lifecycle_url.as_str(),
        resource,
        expiration_date_time: crate::graph::odata::datetime_value(until),
        client_state,
    };
    let created = subscriptions::create(cx.graph, user.access_token(), &body).await?;
    let granted = created.expires_at().unwrap_or(until);
    Ok((created.id, granted))
}

fn notify_lifetime(cx: Context<'_>) -> time::Duration {
    plan::lifetimes(&cx.settings.notify).lifetime
}
