//! The subscription registry: every subscription this app holds, with owner and tenant.

use sqlx::SqlitePool;
use time::OffsetDateTime;
use uuid::Uuid;

use super::model::{ApiKind, NewSubscription, Subscription, SubscriptionStatus};

#[derive(Clone, Debug)]
pub struct Registry {
    pool: SqlitePool,
}

impl Registry {
    pub fn new(pool: SqlitePool) -> Self {
        Self { pool }
    }

    /// Records a new subscription and returns it as stored.
    pub async fn insert(&self, new: &NewSubscription) -> Result<Subscription, sqlx::Error> {
        let id = Uuid::new_v4().to_string();
        let now = OffsetDateTime::now_utc();
        sqlx::query(
            "INSERT INTO subscriptions (id, graph_id, owner_oid, tenant_id, resource, change_type, \
             client_state, expires_at, status, api_kind, filters, watch_cursor, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(&new.graph_id)
        .bind(&new.owner_oid)
        .bind(&new.tenant_id)
        .bind(&new.resource)
        .bind(&new.change_type)
        .bind(&new.client_state)
        .bind(new.expires_at.to_offset(time::UtcOffset::UTC))
        .bind(new.api_kind)
        .bind(&new.filters)
        .bind((new.api_kind == ApiKind::V2Watch).then_some(now))
        .bind(now)
        .execute(&self.pool)
        .await?;
        self.get(&id).await?.ok_or(sqlx::Error::RowNotFound)
    }

    pub async fn get(&self, id: &str) -> Result<Option<Subscription>, sqlx::Error> {
        sqlx::query_as("SELECT * FROM subscriptions WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
    }

    /// The subscription Graph knows by `graph_id` (the `subscriptionId` of a notification).
    pub async fn by_graph_id(&self, graph_id: &str) -> Result<Option<Subscription>, sqlx::Error> {
        sqlx::query_as("SELECT * FROM subscriptions WHERE graph_id = ?")
            .bind(graph_id)
            .fetch_optional(&self.pool)
            .await
    }

    /// The tenant's subscription to exactly this resource, if any.
    pub async fn by_resource(
        &self,
        tenant_id: &str,
        api_kind: ApiKind,
        resource: &str,
    ) -> Result<Option<Subscription>, sqlx::Error> {
        sqlx::query_as(
            "SELECT * FROM subscriptions WHERE tenant_id = ? AND api_kind = ? AND resource = ?",
        )
        .bind(tenant_id)
        .bind(api_kind)
        .bind(resource)
        .fetch_optional(&self.pool)
        .await
    }

    /// The tenant's subscriptions, soonest expiry first.
    pub async fn list_for_tenant(&self, tenant_id: &str) -> Result<Vec<Subscription>, sqlx::Error> {
        sqlx::query_as("SELECT * FROM subscriptions WHERE tenant_id = ? ORDER BY expires_at, id")
            .bind(tenant_id)
            .fetch_all(&self.pool)
            .await
    }

    /// Active and renewal-failed subscriptions of `kind` that expire before `before`.
    pub async fn due_for_renewal(
        &self,
        kind: ApiKind,
        before: OffsetDateTime,
    ) -> Result<Vec<Subscription>, sqlx::Error> {
        sqlx::query_as(
            "SELECT * FROM subscriptions WHERE api_kind = ? AND status != 'removed' \
             AND expires_at < ? ORDER BY expires_at",
        )
        .bind(kind)
        .bind(before.to_offset(time::UtcOffset::UTC))
        .fetch_all(&self.pool)
        .await
    }

    /// Every v2 watch that still runs.
    pub async fn active_watches(&self) -> Result<Vec<Subscription>, sqlx::Error> {
        sqlx::query_as(
            "SELECT * FROM subscriptions WHERE api_kind = 'v2-watch' AND status = 'active' \
             ORDER BY created_at",
        )
        .fetch_all(&self.pool)
        .await
    }

    /// A successful renewal: new expiry, status back to active.
    pub async fn renewed(&self, id: &str, expires_at: OffsetDateTime) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE subscriptions SET expires_at = ?, status = 'active' WHERE id = ?")
            .bind(expires_at.to_offset(time::UtcOffset::UTC))
            .bind(id)
            .execute(&self.pool)
            .await
            .map(drop)
    }

    /// A renewal made by a signed-in user, who becomes the owner (their session keeps it alive).
    pub async fn renewed_by(
        &self,
        id: &str,
        expires_at: OffsetDateTime,
        owner_oid: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE subscriptions SET expires_at = ?, status = 'active', owner_oid = ? WHERE id = ?",
        )
        .bind(expires_at.to_offset(time::UtcOffset::UTC))
        .bind(owner_oid)
        .bind(id)
        .execute(&self.pool)
        .await
        .map(drop)
    }

    /// The subscription was created again at Graph (after a removal): new id, secret, expiry.
    pub async fn recreated(
        &self,
        id: &str,
        graph_id: &str,
        client_state: &str,
        expires_at: OffsetDateTime,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE subscriptions SET graph_id = ?, client_state = ?, expires_at = ?, \
             status = 'active', last_lifecycle_event = NULL WHERE id = ?",
        )
        .bind(graph_id)
        .bind(client_state)
        .bind(expires_at.to_offset(time::UtcOffset::UTC))
        .bind(id)
        .execute(&self.pool)
        .await
        .map(drop)
    }

    pub async fn set_status(
        &self,
        id: &str,
        status: SubscriptionStatus,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE subscriptions SET status = ? WHERE id = ?")
            .bind(status)
            .bind(id)
            .execute(&self.pool)
            .await
            .map(drop)
    }

    /// Remembers the last lifecycle event Graph sent for the subscription.
    pub async fn record_lifecycle(&self, id: &str, event: &str) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE subscriptions SET last_lifecycle_event = ? WHERE id = ?")
            .bind(event)
            .bind(id)
            .execute(&self.pool)
            .await
            .map(drop)
    }

    /// Advances a v2 watch past the changes already published.
    pub async fn set_cursor(&self, id: &str, cursor: OffsetDateTime) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE subscriptions SET watch_cursor = ? WHERE id = ?")
            .bind(cursor.to_offset(time::UtcOffset::UTC))
            .bind(id)
            .execute(&self.pool)
            .await
            .map(drop)
    }

    /// Forgets a subscription; returns whether it existed.
    pub async fn delete(&self, id: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("DELETE FROM subscriptions WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::db;
    use time::Duration;

    fn new_sub(resource: &str, kind: ApiKind, expires_in: Duration) -> NewSubscription {
        NewSubscription {
            graph_id: (kind == ApiKind::LegacyWebhook).then(|| format!("g-{resource}")),
            owner_oid: "owner".into(),
            tenant_id: "tenant-a".into(),
            resource: resource.into(),
            change_type: "updated".into(),
            client_state: "secret".into(),
            expires_at: OffsetDateTime::now_utc() + expires_in,
            api_kind: kind,
            filters: "{}".into(),
        }
    }

    #[tokio::test]
    async fn inserted_subscription_is_found_by_every_key() {
        let reg = Registry::new(db::in_memory().await.unwrap());
        let sub = reg
            .insert(&new_sub("r1", ApiKind::LegacyWebhook, Duration::days(1)))
            .await
            .unwrap();
        assert_eq!(sub.status, SubscriptionStatus::Active);
        assert_eq!(reg.by_graph_id("g-r1").await.unwrap().unwrap().id, sub.id);
        let found = reg.by_resource("tenant-a", ApiKind::LegacyWebhook, "r1");
        assert_eq!(found.await.unwrap().unwrap().id, sub.id);
        assert!(
            reg.by_resource("tenant-b", ApiKind::LegacyWebhook, "r1")
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(reg.list_for_tenant("tenant-a").await.unwrap().len(), 1);
        assert!(reg.delete(&sub.id).await.unwrap());
        assert!(reg.get(&sub.id).await.unwrap().is_none());
    }

    #[tokio::test]
    async fn same_resource_twice_in_a_tenant_is_refused_by_the_schema() {
        let reg = Registry::new(db::in_memory().await.unwrap());
        let mut new = new_sub("r1", ApiKind::LegacyWebhook, Duration::days(1));
        reg.insert(&new).await.unwrap();
        new.graph_id = Some("other".into());
        assert!(reg.insert(&new).await.is_err());
    }

    #[tokio::test]
    async fn due_for_renewal_lists_only_soon_expiring_live_subscriptions() {
        let reg = Registry::new(db::in_memory().await.unwrap());
        let soon = reg
            .insert(&new_sub(
                "soon",
                ApiKind::LegacyWebhook,
                Duration::minutes(5),
            ))
            .await
            .unwrap();
        reg.insert(&new_sub("later", ApiKind::LegacyWebhook, Duration::days(2)))
            .await
            .unwrap();
        let gone = reg
            .insert(&new_sub(
                "gone",
                ApiKind::LegacyWebhook,
                Duration::minutes(5),
            ))
            .await
            .unwrap();
        reg.set_status(&gone.id, SubscriptionStatus::Removed)
            .await
            .unwrap();
        let horizon = OffsetDateTime::now_utc() + Duration::hours(1);
        let due = reg
            .due_for_renewal(ApiKind::LegacyWebhook, horizon)
            .await
            .unwrap();
        assert_eq!(
            due.iter().map(|s| &s.id).collect::<Vec<_>>(),
            vec![&soon.id]
        );

        let new_expiry = OffsetDateTime::now_utc() + Duration::days(2);
        reg.renewed(&soon.id, new_expiry).await.unwrap();
        assert!(
            reg.due_for_renewal(ApiKind::LegacyWebhook, horizon)
                .await
                .unwrap()
                .is_empty()
        );
    }

    #[tokio::test]
    async fn watches_start_with_a_cursor_and_can_be_advanced() {
        let reg = Registry::new(db::in_memory().await.unwrap());
        let watch = reg
            .insert(&new_sub("w", ApiKind::V2Watch, Duration::days(1)))
            .await
            .unwrap();
        assert!(watch.watch_cursor.is_some());
        assert!(watch.graph_id.is_none());
        let later = OffsetDateTime::now_utc() + Duration::minutes(1);
        reg.set_cursor(&watch.id, later).await.unwrap();
        let watches = reg.active_watches().await.unwrap();
        assert_eq!(watches.len(), 1);
        assert_eq!(watches[0].watch_cursor, Some(later));
    }
}
