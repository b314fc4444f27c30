//! Triage: changing incidents (what an analyst's form becomes on the wire).

pub mod incident_filter;
pub mod incident_update;
pub mod incident_write;
pub mod tags;
