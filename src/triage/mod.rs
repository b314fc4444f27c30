//! Triage: changing incidents (what an analyst's form becomes on the wire), bulk changes over
//! many alerts or incidents at once, and the audit log of every write made to Graph.

pub mod audit;
pub mod bulk;
pub mod incident_filter;
pub mod incident_update;
pub mod incident_write;
pub mod tags;
