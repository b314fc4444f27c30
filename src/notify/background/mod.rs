//! The work done while no browser waits: the renewal task (`renewal`: renewals and acting
//! on lifecycle events), the v2 poll watcher (`watcher`), the changed-alerts read both use
//! (`changes`), the summaries of webhook notifications (`enrich`), their Graph calls (`graph`) and the owner tokens those calls use (`owners`).
//! `spawn` starts them with the app, given the parts they need. Renewals and polls run only
//! while this instance holds the storage's lease (always, with one instance); lifecycle
//! events are acted on by the instance Graph sent them to.

pub mod changes;
mod enrich;
pub mod graph;
pub mod health;
pub mod incident_feed;
mod mirrored;
pub mod owners;
pub mod published;
pub mod renewal;
mod seen;
pub mod watcher;

use tokio::sync::mpsc;

use self::{
    enrich::Enricher, graph::GraphBackend, owners::Owners, renewal::RenewalTask, watcher::Watcher,
};
use crate::config::NotifySettings;
use crate::graph::GraphClient;
use crate::notify::{Notify, inbound::lifecycle::Verified, subscriptions::plan};
use crate::sync::Mirror;
use crate::triage::audit::AuditLog;
use mirrored::MirroredSource;

/// How often watches read the mirror.
const MIRROR_POLL: std::time::Duration = std::time::Duration::from_secs(1);

/// Spawns the renewal task (renewals, lifecycle actions), the v2 watcher and the task that
/// reads webhook notifications' alerts for their summaries.
pub fn spawn(
    notify: &Notify,
    graph: GraphClient,
    owners: Owners,
    settings: &NotifySettings,
    lifecycle: mpsc::Receiver<Verified>,
    audit: AuditLog,
    mirror: Mirror,
) {
    let backend = GraphBackend::new(graph, owners, audit);
    let renewal = RenewalTask::new(
        notify.registry.clone(),
        notify.journal.clone(),
        backend.clone(),
        backend.clone(),
        plan::lifetimes(settings),
    );
    tokio::spawn(renewal.run(lifecycle, settings.renew_every(), notify.lease.clone()));
    let enricher = Enricher::new(
        notify.registry.clone(),
        notify.journal.clone(),
        backend.clone(),
    );
    tokio::spawn(enricher.run(notify.lease.clone()));
    // With the mirror, watches are evaluated against it every second, at no Graph call; a
    // watch of a tenant it does not serve reads Graph at the poll interval.
    if mirror.enabled() {
        tokio::spawn(incident_feed::run(mirror.clone(), notify.journal.clone()));
    }
    let every = if mirror.enabled() {
        MIRROR_POLL.min(settings.poll_every())
    } else {
        settings.poll_every()
    };
    let watcher = Watcher::new(
        notify.registry.clone(),
        notify.journal.clone(),
        MirroredSource::new(mirror, backend, settings.poll_every()),
        every,
        settings.poll_overlap(),
        notify.watches.clone(),
    );
    tokio::spawn(watcher.run(notify.lease.clone()));
}
