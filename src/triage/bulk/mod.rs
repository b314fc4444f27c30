//! Bulk triage: one change (status, verdict, assign to me, comment) applied to many selected
//! alerts or incidents. Graph has no bulk endpoint, so each item is read and then written through
//! `$batch` ([`crate::graph::batch::many`]); every write is audited with the run's id, and the
//! run itself gets one record. A failure on some items never hides the others' results.

pub mod form;
pub mod incident;
pub mod report;
pub mod run;

pub use form::{BulkForm, BulkFormError};
pub use report::{ItemResult, ItemState, RunReport};
