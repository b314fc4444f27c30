//! The security permission gate of the notification pages: live notifications, their history
//! and subscriptions show alert data, so they need the same permission as the alert pages.

use crate::auth::User;
use crate::error::AppError;
use crate::web::state::AppState;

/// Refuses a user whose sign-in lacks the configured alert API's security permission.
pub fn require(state: &AppState, user: &User) -> Result<(), AppError> {
    let api = state.settings.graph.alerts_api;
    if user.has_security_permission(api) {
        return Ok(());
    }
    Err(AppError::Forbidden(refusal(api.security_scope())))
}

/// Why a user without the permission is refused, and what to do about it.
pub fn refusal(scope: &str) -> String {
    format!(
        "Notifications and subscriptions show alert data, so they need the {scope} permission, \
         and your sign-in does not carry it. An administrator can grant it on the admin consent \
         page (/admin-consent); then sign out and in again."
    )
}
