//! Microsoft Graph: one typed client and a model module per resource.

mod client;
mod error;
pub mod me;
mod paging;
mod retry;
pub mod secure_score;

pub use client::{GraphClient, GraphResponse};
pub use error::{GraphError, GraphErrorKind};
pub use paging::Page;
