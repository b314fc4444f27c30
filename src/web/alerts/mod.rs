//! Alert pages: list and filter, one alert, update, email, export.

pub mod choices;
pub mod counts;
pub mod detail;
pub mod email;
pub mod export;
mod export_format;
mod filter_form;
pub mod links;
pub mod list;
mod mirror_export;
mod mirror_list;
pub(crate) use list::legacy_providers;
pub mod manage_form;
pub mod notice;
pub mod page;
pub mod paging;
pub mod refused_filter;
pub mod sort;
pub mod update;

use crate::alerts::api::AlertsApi;

/// The permission the configured alert API needs.
fn permission(api: &AlertsApi) -> &'static str {
    api.kind().security_scope()
}
