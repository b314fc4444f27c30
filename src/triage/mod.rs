//! Triage over alerts and incidents alike: bulk changes over many items at once, and the audit
//! log of every write made to Graph. What one incident change is lives in `crate::incidents`.

pub mod audit;
pub mod bulk;
