//! Alerts: the OData filter builder and the `/alerts` query-string model.

pub mod filter;
pub mod query;
