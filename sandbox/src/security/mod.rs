//! The sandbox's Graph security routes: alerts_v2 (+ comments), legacy alerts, incidents and
//! `/me/sendMail`, over the seeded data in [`store::SecurityStore`].
//!
//! | route | permission (any of) |
//! |---|---|
//! | `GET /v1.0/security/alerts_v2[/{id}]` | SecurityAlert.Read.All, SecurityAlert.ReadWrite.All |
//! | `PATCH /v1.0/security/alerts_v2/{id}` → 200 + alert | SecurityAlert.ReadWrite.All |
//! | `POST /v1.0/security/alerts_v2/{id}/comments` → 200 + all comments | SecurityAlert.ReadWrite.All |
//! | `GET /v1.0/security/alerts[/{id}]` (legacy) | SecurityEvents.Read.All, SecurityEvents.ReadWrite.All |
//! | `PATCH /v1.0/security/alerts/{id}` → 204, or 200 + alert with `Prefer: return=representation` | SecurityEvents.ReadWrite.All |
//! | `GET /v1.0/security/incidents[/{id}[/alerts]]` (`$expand=alerts`) | SecurityIncident.Read.All, SecurityIncident.ReadWrite.All |
//! | `PATCH /v1.0/security/incidents/{id}` → 200 + incident | SecurityIncident.ReadWrite.All |
//! | `POST /v1.0/security/incidents/{id}/comments` → 200 + all comments | SecurityIncident.ReadWrite.All |
//! | `POST /v1.0/me/sendMail` → 202 | Mail.Send (delegated) |
//!
//! Query options and paging are described in [`listing`]; update rules in [`patch`] and
//! [`incident_patch`]. Every answer passes through [`evolvable`], which hides members Graph
//! shows only to clients sending `Prefer: include-unknown-enum-members`.

mod enum_literals;
pub mod evolvable;
pub mod failure;
pub mod incident_patch;
mod incident_routes;
pub mod listing;
pub mod mail;
pub mod patch;
mod routes;
pub mod store;

#[cfg(test)]
mod tests;

pub use mail::SentMail;
pub use store::{AlertChange, SecurityStore, TenantRef};

use axum::Router;
use axum::middleware::from_fn;
use axum::routing::{get, post};

use super::SandboxState;

pub fn router() -> Router<SandboxState> {
    Router::new()
        .route("/v1.0/security/alerts_v2", get(routes::list_v2))
        .route(
            "/v1.0/security/alerts_v2/{id}",
            get(routes::get_v2).patch(routes::update_v2),
        )
        .route(
            "/v1.0/security/alerts_v2/{id}/comments",
            post(routes::comment_v2),
        )
        .route("/v1.0/security/alerts", get(routes::list_legacy))
        .route(
            "/v1.0/security/alerts/{id}",
            get(routes::get_legacy).patch(routes::update_legacy),
        )
        .route("/v1.0/security/incidents", get(routes::list_incidents))
        .route(
            "/v1.0/security/incidents/{id}",
            get(routes::get_incident).patch(incident_routes::update),
        )
        .route(
            "/v1.0/security/incidents/{id}/comments",
            post(incident_routes::comment),
        )
        .route(
            "/v1.0/security/incidents/{id}/alerts",
            get(routes::incident_alerts),
        )
        .route("/v1.0/me/sendMail", post(routes::send_mail))
        .layer(from_fn(evolvable::hide_unless_asked))
}
