//! Every HTTP handler, one file (or folder) per resource, and the one routes table
//! (`routes.rs`). Handlers read the request, call the feature modules and render a page;
//! the rest of this folder is what pages share (layout, error pages, security headers,
//! request ids, time display).

pub mod admin_consent;
pub mod alerts;
pub mod assets;
pub mod audit;
pub mod bulk;
mod canonical_host;
pub mod error_pages;
pub mod health;
pub mod home;
pub mod incidents;
mod kept_results;
pub mod layout;
pub mod notify;
pub mod request_id;
pub mod routes;
pub mod secure_score;
mod security_headers;
mod security_permission;
pub mod serve;
pub mod sign_in;
pub mod state;
mod store_guard;
pub mod subscriptions;
pub mod sync_status;
pub mod time;
pub mod webhooks;

pub use routes::router;
