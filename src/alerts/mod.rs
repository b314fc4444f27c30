//! Alerts: the OData filter builder, the `/alerts` query-string model, and the neutral row and
//! detail models pages use whichever API is behind them.

pub mod detail;
pub mod filter;
pub mod query;
pub mod row;
