//! Alerts: the OData filter builder, the `/alerts` query-string model, and the neutral row and
//! detail models pages use whichever API is behind them.

pub mod api;
pub mod csv;
pub mod detail;
pub mod email;
pub mod evidence;
pub mod facts;
pub mod filter;
pub mod id;
pub mod labels;
pub mod query;
pub mod row;
pub mod row_reader;
pub mod update;
pub mod verdict;
