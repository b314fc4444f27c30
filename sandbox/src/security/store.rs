//! The sandbox's security data: per-tenant alerts and incidents (seeded on first use), the
//! sendMail outbox, and a feed of alert changes.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use serde_json::Value;
use time::OffsetDateTime;
use tokio::sync::broadcast;

use super::failure::{Failure, shown};
use super::listing::ListOptions;
use super::mail::SentMail;
use crate::seed::{AlertRecord, IncidentRecord, SOURCES, Seed, render};

/// The tenant that generated alerts are added to.
pub const GENERATED_TENANT: &str = "contoso";

/// A tenant as the store knows it.
#[derive(Debug, Clone, Copy)]
pub struct TenantRef<'a> {
    pub key: &'a str,
    pub id: &'a str,
}

/// An alert was created or changed (through PATCH, a comment, or generated activity).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertChange {
    pub tenant_id: String,
    pub alert_id: String,
    /// `created` or `updated`, as in change notifications.
    pub change_type: &'static str,
}

/// One page of results and the paging facts the response needs.
#[derive(Debug, Clone)]
pub struct Page {
    pub items: Vec<Value>,
    pub total: usize,
    /// When more remain: the `$skip` of the next page (past the items this page returned).
    pub next_skip: Option<usize>,
}

pub struct SecurityStore {
    started: OffsetDateTime,
    /// Generated alerts added to Contoso's seed ([`crate::SandboxOptions::extra_alerts`]).
    extra_alerts: usize,
    tenants: Mutex<HashMap<String, Seed>>,
    outbox: Mutex<Vec<SentMail>>,
    changes: broadcast::Sender<AlertChange>,
}

impl Default for SecurityStore {
    fn default() -> Self {
        Self::new(OffsetDateTime::now_utc())
    }
}

impl SecurityStore {
    /// A store whose seed dates count back from `started`.
    pub fn new(started: OffsetDateTime) -> Self {
        Self {
            started,
            extra_alerts: 0,
            tenants: Mutex::new(HashMap::new()),
            outbox: Mutex::new(Vec::new()),
            changes: broadcast::channel(256).0,
        }
    }

    /// The same store with `count` generated alerts (and their incidents) in Contoso's seed.
    pub fn with_extra_alerts(mut self, count: usize) -> Self {
        self.extra_alerts = count;
        self
    }

    /// Runs `f` on the tenant's data, seeding it on first use.
    pub fn with_tenant<R>(&self, tenant: TenantRef<'_>, f: impl FnOnce(&mut Seed) -> R) -> R {
        let mut tenants = lock(&self.tenants);
        let seed = tenants.entry(tenant.key.to_string()).or_insert_with(|| {
            let mut seed = Seed::for_tenant(tenant.key, tenant.id, self.started);
            if tenant.key == GENERATED_TENANT {
                seed.extend(Seed::generated(tenant.id, self.started, self.extra_alerts));
            }
            seed
        });
        f(seed)
    }

    /// Seeds the tenant with key `tenant_key` now, when it was not yet.
    pub fn seed_now(&self, tenant_key: &str) {
        if let Some(tenant) = crate::users::tenant_by_key(tenant_key) {
            let tenant = TenantRef {
                key: tenant.key,
                id: tenant.id,
            };
            self.with_tenant(tenant, |_| ());
        }
    }

    /// A copy of one alert.
    pub fn alert(&self, tenant: TenantRef<'_>, id: &str) -> Option<AlertRecord> {
        self.with_tenant(tenant, |seed| {
            seed.alerts.iter().find(|a| a.id == id).cloned()
        })
    }

    /// Changes one alert with `f` (which validates before it changes anything) and announces it.
    pub fn update_alert<R>(
        &self,
        tenant: TenantRef<'_>,
        id: &str,
        f: impl FnOnce(&mut AlertRecord) -> Result<R, Failure>,
    ) -> Result<R, Failure> {
        let result = self.with_tenant(tenant, |seed| {
            let alert = seed
                .alerts
                .iter_mut()
                .find(|a| a.id == id)
                .ok_or_else(|| alert_not_found(id))?;
            f(alert)
        })?;
        let _ = self.changes.send(AlertChange {
            tenant_id: tenant.id.to_string(),
            alert_id: id.to_string(),
            change_type: "updated",
        });
        Ok(result)
    }

    /// Adds an alert (generated activity) and announces it.
    pub fn insert_alert(&self, tenant: TenantRef<'_>, alert: AlertRecord) {
        let id = alert.id.clone();
        self.with_tenant(tenant, |seed| seed.alerts.push(alert));
        let _ = self.changes.send(AlertChange {
            tenant_id: tenant.id.to_string(),
            alert_id: id,
            change_type: "created",
        });
    }

    /// Alert creations and changes from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<AlertChange> {
        self.changes.subscribe()
    }

    /// One page of alerts_v2. The filter reads only the properties it names, and only the
    /// page's alerts are drawn whole, so a listing over many alerts stays fast.
    pub fn list_v2(&self, tenant: TenantRef<'_>, options: &ListOptions) -> Page {
        let names = options
            .filter
            .as_ref()
            .map(|f| f.root_properties())
            .unwrap_or_default();
        self.with_tenant(tenant, |seed| {
            let matched: Vec<&AlertRecord> = newest_first(&seed.alerts)
                .into_iter()
                .filter(|a| names.is_empty() || options.matches(&render::alert_v2_part(a, &names)))
                .collect();
            slice(matched, options).map(render::alert_v2)
        })
    }

    /// One page of legacy alerts: up to `$top` per provider, after skipping `$skip` per provider.
    pub fn list_legacy(&self, tenant: TenantRef<'_>, options: &ListOptions) -> Page {
        self.with_tenant(tenant, |seed| {
            let mut items = Vec::new();
            let (mut total, mut more) = (0, false);
            for source in SOURCES.iter() {
                let matched: Vec<Value> = newest_first(&seed.alerts)
                    .into_iter()
                    .filter(|a| std::ptr::eq(a.source, source))
                    .map(render::alert_legacy)
                    .filter(|v| options.matches(v))
                    .collect();
                let page = slice(matched, options);
                total += page.total;
                more |= page.next_skip.is_some();
                items.extend(page.items);
            }
            // `$skip` counts per provider: the next page starts `$top` further in each.
            let next_skip = more.then(|| options.skip.saturating_add(options.limit));
            Page {
                items,
                total,
                next_skip,
            }
        })
    }

    /// One page of incidents, with their alerts when `$expand=alerts` (the filter never names
    /// `alerts`, so it reads each incident without them).
    pub fn list_incidents(&self, tenant: TenantRef<'_>, options: &ListOptions) -> Page {
        self.with_tenant(tenant, |seed| {
            let mut incidents: Vec<&IncidentRecord> = seed.incidents.iter().collect();
            incidents.sort_by_key(|i| std::cmp::Reverse(i.created));
            let matched: Vec<&IncidentRecord> = incidents
                .into_iter()
                .filter(|i| options.filter.is_none() || options.matches(&render::incident(i, None)))
                .collect();
            let page = slice(matched, options);
            if !options.expand_alerts {
                return page.map(|i| render::incident(i, None));
            }
            let alerts: HashMap<&str, &AlertRecord> =
                seed.alerts.iter().map(|a| (a.id.as_str(), a)).collect();
            page.map(|i| {
                let grouped: Vec<&AlertRecord> = i
                    .alert_ids
                    .iter()
                    .filter_map(|id| alerts.get(id.as_str()).copied())
                    .collect();
                render::incident(i, Some(&grouped))
            })
        })
    }

    /// One incident as JSON.
    pub fn incident(&self, tenant: TenantRef<'_>, id: &str, expand: bool) -> Option<Value> {
        self.with_tenant(tenant, |seed| {
            let incident = seed.incidents.iter().find(|i| i.id == id)?;
            Some(incident_json(seed, incident, expand))
        })
    }

    /// Changes one incident with `f` (which validates before it changes anything); `f` also
    /// gets the incident's answer ready, as the incident shape without its alerts.
    pub fn update_incident<R>(
        &self,
        tenant: TenantRef<'_>,
        id: &str,
        f: impl FnOnce(&mut IncidentRecord) -> Result<R, Failure>,
    ) -> Result<R, Failure> {
        self.with_tenant(tenant, |seed| {
            let incident = seed
                .incidents
                .iter_mut()
                .find(|i| i.id == id)
                .ok_or_else(|| incident_not_found(id))?;
            f(incident)
        })
    }

    /// Keeps a sent message.
    pub fn send_mail(&self, mail: SentMail) {
        lock(&self.outbox).push(mail);
    }

    /// Every message sent through `/me/sendMail`, oldest first.
    pub fn outbox(&self) -> Vec<SentMail> {
        lock(&self.outbox).clone()
    }
}

/// The Graph 404 for an unknown alert id.
pub fn alert_not_found(id: &str) -> Failure {
    Failure::not_found(format!("No alert with id '{}' was found.", shown(id)))
}

/// The Graph 404 for an unknown incident id.
pub fn incident_not_found(id: &str) -> Failure {
    Failure::not_found(format!("No incident with id '{}' was found.", shown(id)))
}

fn newest_first(alerts: &[AlertRecord]) -> Vec<&AlertRecord> {
    let mut sorted: Vec<&AlertRecord> = alerts.iter().collect();
    sorted.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| a.id.cmp(&b.id)));
    sorted
}

fn incident_json(seed: &Seed, incident: &IncidentRecord, expand: bool) -> Value {
    let alerts: Vec<&AlertRecord> = seed
        .alerts
        .iter()
        .filter(|a| incident.alert_ids.contains(&a.id))
        .collect();
    render::incident(incident, expand.then_some(alerts.as_slice()))
}

/// The matches this page holds: `$skip` of them skipped, then at most the page's limit.
fn slice<T>(matched: Vec<T>, options: &ListOptions) -> Slice<T> {
    let total = matched.len();
    let items: Vec<T> = matched
        .into_iter()
        .skip(options.skip)
        .take(options.limit)
        .collect();
    let next = options.skip.saturating_add(items.len());
    let next_skip = (next < total).then_some(next);
    Slice {
        items,
        total,
        next_skip,
    }
}

/// A page of records before they are drawn as JSON.
struct Slice<T> {
    items: Vec<T>,
    total: usize,
    next_skip: Option<usize>,
}

impl<T> Slice<T> {
    fn map(self, draw: impl FnMut(T) -> Value) -> Page {
        Page {
            items: self.items.into_iter().map(draw).collect(),
            total: self.total,
            next_skip: self.next_skip,
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
