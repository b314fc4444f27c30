//! Deciding which notifications of a batch to trust, and storing those.
//!
//! A notification is accepted only when its subscription is known here, not removed,
//! its `clientState` equals the one kept for the subscription (compared in constant time),
//! it names a tenant and that is the subscription's, its `changeType` is one the
//! subscription asked for and its `resource` (of bounded length) lies under the subscription's
//! resource. Everything else is counted and logged, never stored or shown. A change
//! delivered again within a few minutes is stored once (`dedup.rs`), and the stored JSON
//! keeps no `clientState`.

use std::borrow::Cow;
use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};

use serde::Deserialize;
use serde_json::Value;

use super::dedup::RecentChanges;
use super::item::ChangeItem;
use crate::notify::{
    feed::journal::Journal,
    model::{NewNotification, Subscription, SubscriptionStatus},
    storage::{Registry, StoreResult},
};

/// Longest alert id kept from a notification; longer ones are not linked.
const MAX_ALERT_ID: usize = 256;

/// Longest `resource` accepted: a collection path and one id.
const MAX_RESOURCE: usize = 512;

/// Why one notification of a batch was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    Malformed,
    UnknownSubscription,
    SubscriptionRemoved,
    ClientStateMismatch,
    TenantMismatch,
    MissingTenant,
    ChangeTypeNotAsked,
    ResourceOutside,
}

/// The fields every notification and lifecycle event carries for verification.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope<'a> {
    #[serde(borrow)]
    pub subscription_id: Cow<'a, str>,
    #[serde(borrow)]
    pub client_state: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub tenant_id: Option<Cow<'a, str>>,
}

/// Accepted and rejected counts since start, for logs and the subscriptions page.
#[derive(Debug, Default)]
pub struct Counters {
    pub accepted: AtomicU64,
    pub rejected: AtomicU64,
}

/// The outcome of one batch.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub accepted: usize,
    pub rejected: usize,
}

#[derive(Clone, Debug)]
pub struct Intake {
    registry: Registry,
    journal: Journal,
    counters: Arc<Counters>,
    recent: Arc<RecentChanges>,
}

impl Intake {
    pub fn new(registry: Registry, journal: Journal) -> Self {
        Self {
            registry,
            journal,
            counters: Arc::default(),
            recent: Arc::default(),
        }
    }

    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Verifies one envelope against the registry and returns its subscription.
    pub async fn verify(&self, item: &Value) -> StoreResult<Result<Subscription, Rejection>> {
        let Ok(envelope) = Envelope::deserialize(item) else {
            return Ok(Err(Rejection::Malformed));
        };
        let subscription = self.registry.by_graph_id(&envelope.subscription_id).await?;
        Ok(check(subscription.as_deref(), &envelope).cloned())
    }

    /// Verifies a change-notification batch, stores the accepted ones durably and
    /// publishes them. Returns once they are committed. Items come read from the body in
    /// the pass that split the batch (`None` for one that is not a change notification), no
    /// JSON tree built, and subscriptions are looked up in the registry's
    /// memory (once per run of items naming the same one), so this runs no query per
    /// notification; rejections are counted and logged once for the batch.
    pub async fn changes(&self, items: Vec<Option<ChangeItem<'_>>>) -> StoreResult<Report> {
        let mut accepted = Vec::with_capacity(items.len());
        let mut rejected = Rejections::default();
        let mut known: Option<Known> = None;
        for change in items {
            let Some(change) = change else {
                rejected.add(Rejection::Malformed);
                continue;
            };
            if known
                .as_ref()
                .is_none_or(|k| k.graph_id != change.subscription_id)
            {
                let sub = self.registry.by_graph_id(&change.subscription_id).await?;
                known = Some(Known::new(change.subscription_id.clone(), sub));
            }
            let found = known.as_ref().and_then(|k| k.found.as_ref());
            let envelope = Envelope {
                subscription_id: Cow::Borrowed(&change.subscription_id),
                client_state: change.client_state.as_deref().map(Cow::Borrowed),
                tenant_id: change.tenant_id.as_deref().map(Cow::Borrowed),
            };
            let verdict = match found {
                Some((sub, ids)) => check(Some(sub), &envelope).map(|sub| (sub, ids)),
                None => Err(Rejection::UnknownSubscription),
            };
            match verdict {
                Ok((sub, ids)) => match to_new(sub, ids, change) {
                    Ok(new) => accepted.push(new),
                    Err(why) => rejected.add(why),
                },
                Err(why) => rejected.add(why),
            }
        }
        rejected.log("change notifications rejected");
        let report = Report {
            accepted: accepted.len(),
            rejected: rejected.total(),
        };
        let claimed = self.recent.claim(accepted);
        if claimed.duplicates > 0 {
            tracing::debug!(
                claimed.duplicates,
                "repeated change notifications stored once"
            );
        }
        if let Err(error) = self.journal.append_owned(claimed.fresh).await {
            self.recent.release(claimed.keys);
            return Err(error);
        }
        self.count(report.accepted, report.rejected);
        Ok(report)
    }

    /// Counts lifecycle or change items decided elsewhere.
    pub fn count(&self, accepted: usize, rejected: usize) {
        self.counters
            .accepted
            .fetch_add(accepted as u64, Ordering::Relaxed);
        self.counters
            .rejected
            .fetch_add(rejected as u64, Ordering::Relaxed);
    }
}

/// A subscription looked up once for a run of items naming it.
struct Known<'a> {
    graph_id: Cow<'a, str>,
    found: Option<(Arc<Subscription>, Ids)>,
}

/// A subscription's ids and the change types it asked for, as its notifications hold them:
/// shared, so a batch of notifications costs no copy of them each.
struct Ids {
    tenant: Arc<str>,
    subscription: Arc<str>,
    change_types: Vec<Arc<str>>,
}

impl<'a> Known<'a> {
    fn new(graph_id: Cow<'a, str>, found: Option<Arc<Subscription>>) -> Self {
        let found = found.map(|sub| {
            let ids = Ids {
                tenant: sub.tenant_id.as_str().into(),
                subscription: sub.id.as_str().into(),
                change_types: sub
                    .change_type
                    .split(',')
                    .map(|t| t.trim().into())
                    .collect(),
            };
            (sub, ids)
        });
        Self { graph_id, found }
    }
}

/// Rejections of one batch by reason, logged once.
#[derive(Debug, Default)]
pub struct Rejections([usize; 8]);

impl Rejections {
    pub fn add(&mut self, why: Rejection) {
        self.0[why as usize] += 1;
    }

    pub fn total(&self) -> usize {
        self.0.iter().sum()
    }

    /// One warning for the batch, with a count per reason; nothing when none was rejected.
    pub fn log(&self, message: &str) {
        if self.total() == 0 {
            return;
        }
        let [
            malformed,
            unknown,
            removed,
            client_state,
            tenant,
            no_tenant,
            change,
            resource,
        ] = self.0;
        tracing::warn!(
            rejected = self.total(),
            malformed,
            unknown_subscription = unknown,
            subscription_removed = removed,
            client_state_mismatch = client_state,
            tenant_mismatch = tenant,
            missing_tenant = no_tenant,
            change_type_not_asked = change,
            resource_outside = resource,
            "{message}"
        );
    }
}

/// The pure part of verification.
pub fn check<'s>(
    subscription: Option<&'s Subscription>,
    envelope: &Envelope,
) -> Result<&'s Subscription, Rejection> {
    let sub = subscription.ok_or(Rejection::UnknownSubscription)?;
    let presented = envelope
        .client_state
        .as_deref()
        .unwrap_or_default()
        .as_bytes();
    if !same_secret(presented, sub.client_state.as_bytes()) {
        return Err(Rejection::ClientStateMismatch);
    }
    let tenant = envelope
        .tenant_id
        .as_deref()
        .ok_or(Rejection::MissingTenant)?;
    if !tenant.eq_ignore_ascii_case(&sub.tenant_id) {
        return Err(Rejection::TenantMismatch);
    }
    if sub.status == SubscriptionStatus::Removed {
        return Err(Rejection::SubscriptionRemoved);
    }
    Ok(sub)
}

/// Whether the presented `clientState` is the kept one, in time that depends on their lengths
/// only. (`subtle` compares a byte at a time behind an optimisation barrier each; eight bytes
/// at a time, behind one barrier per word, is as constant and costs an eighth, once for every
/// notification.)
fn same_secret(presented: &[u8], kept: &[u8]) -> bool {
    if presented.len() != kept.len() {
        return false;
    }
    let (words, tail) = presented.as_chunks::<8>();
    let (kept_words, kept_tail) = kept.as_chunks::<8>();
    let mut differ = 0u64;
    for (a, b) in words.iter().zip(kept_words) {
        differ = std::hint::black_box(differ | (u64::from_ne_bytes(*a) ^ u64::from_ne_bytes(*b)));
    }
    for (a, b) in tail.iter().zip(kept_tail) {
        differ = std::hint::black_box(differ | u64::from(a ^ b));
    }
    differ == 0
}

/// The notification to store, once its change type and resource fit the subscription. The
/// stored text is the item without `clientState` (the secret stays with the subscription).
fn to_new(sub: &Subscription, ids: &Ids, change: ChangeItem) -> Result<NewNotification, Rejection> {
    let change_type = ids
        .change_types
        .iter()
        .find(|asked| change.change_type == asked.as_ref())
        .ok_or(Rejection::ChangeTypeNotAsked)?;
    if !under(&change.resource, &sub.resource) {
        return Err(Rejection::ResourceOutside);
    }
    let alert_id = alert_id(change.data_id().as_deref(), &change.resource);
    Ok(NewNotification {
        tenant_id: Arc::clone(&ids.tenant),
        subscription_id: Arc::clone(&ids.subscription),
        change_type: Arc::clone(change_type),
        resource: change.resource.into_owned(),
        alert_id,
        raw: change.stored.into_owned(),
        summary: None,
    })
}

/// Whether `resource` is an item of the subscription's collection (Graph spells the path in
/// its own case, e.g. `Security/Alerts/{id}` for `security/alerts`), with no way back out.
fn under(resource: &str, subscribed: &str) -> bool {
    let collection = match subscribed.bytes().position(|b| b == b'?') {
        Some(query) => &subscribed[..query],
        None => subscribed,
    };
    resource.len() <= MAX_RESOURCE
        && resource
            .get(..collection.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(collection))
        && resource[collection.len()..]
            .strip_prefix('/')
            .is_some_and(|item| {
                !item.is_empty()
                    && !item.bytes().any(|b| b == b'?' || b == b'#')
                    && !item
                        .as_bytes()
                        .split(|&b| b == b'/')
                        .any(|segment| segment == b".." || segment == b".")
            })
}

/// The alert id from `resourceData.id`, else the last segment of `resource`.
fn alert_id(data_id: Option<&str>, resource: &str) -> Option<String> {
    let last_segment = || match resource.bytes().rposition(|b| b == b'/') {
        Some(slash) => &resource[slash + 1..],
        None => resource,
    };
    let id = data_id.unwrap_or_else(last_segment).trim();
    (!id.is_empty() && id.len() <= MAX_ALERT_ID && !id.bytes().any(|b| b == b'?' || b == b'='))
        .then(|| id.to_owned())
}

#[cfg(test)]
mod tests;
