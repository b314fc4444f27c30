//! Incidents (Graph's `security.incident`): the list's filters and the `$filter` they become
//! (`filter.rs`), one incident as the pages show it (`row.rs`), the manage form's validation and
//! the `PATCH` body of what changed (`update.rs`, each field's rule shared with the bulk form in
//! `fields.rs`, with tags parsed and diffed in `tags.rs`), and
//! the one function that writes an incident (`write.rs`). The wire is `graph::incidents`; the
//! pages are `web::incidents`; bulk changes and the audit log, shared with alerts, are `triage`.

pub mod fields;
pub mod filter;
pub mod row;
pub mod tags;
pub mod update;
pub mod write;
