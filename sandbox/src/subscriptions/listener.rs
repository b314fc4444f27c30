//! Turns the security store's alert changes into change notifications.

use crate::{
    SandboxState,
    security::{AlertChange, TenantRef},
    seed::render,
    users::tenant_by_id,
};

/// Starts forwarding alert changes to subscribers for as long as the sandbox runs.
pub fn spawn(state: SandboxState) {
    let mut changes = state.security().subscribe();
    tokio::spawn(async move {
        loop {
            match changes.recv().await {
                Ok(change) => {
                    tokio::spawn(forward(state.clone(), change));
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    tracing::warn!(missed = n, "sandbox change feed lagged");
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
}

async fn forward(state: SandboxState, change: AlertChange) {
    let Some(tenant) = tenant_by_id(&change.tenant_id) else {
        return;
    };
    let tenant_ref = TenantRef {
        key: tenant.key,
        id: tenant.id,
    };
    let Some(alert) = state.security().alert(tenant_ref, &change.alert_id) else {
        return;
    };
    let legacy = render::alert_legacy(&alert);
    let subscriptions = state.subscriptions();
    subscriptions
        .alert_changed(tenant.id, &legacy, change.change_type)
        .await;
}
