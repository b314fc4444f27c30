//! Triage: the audit log of every write made to Graph, and bulk changes over many alerts or
//! incidents at once.

pub mod audit;
pub mod bulk;
