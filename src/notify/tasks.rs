//! Starting the notification feature's background tasks with the app.

use tokio::sync::mpsc;

use super::{
    backend::GraphBackend, lifecycle::Verified, manager::Manager, owners::Owners, watcher::Watcher,
};
use crate::state::AppState;

/// Spawns the subscription manager (renewals, lifecycle actions) and the v2 watcher.
pub fn spawn(state: AppState, lifecycle: mpsc::Receiver<Verified>) {
    let settings = state.settings.notify.clone();
    let notify = state.notify.clone();
    let backend = GraphBackend::new(state.clone(), Owners::new(state.db.clone()));
    let manager = Manager::new(
        notify.registry.clone(),
        notify.journal.clone(),
        backend.clone(),
        backend.clone(),
        settings.lifetimes(),
    );
    tokio::spawn(manager.run(lifecycle, settings.renew_every()));
    let watcher = Watcher::new(
        notify.registry.clone(),
        notify.journal.clone(),
        backend,
        settings.poll_every(),
    );
    tokio::spawn(watcher.run());
}
