//! Microsoft Graph: one typed client and a model module per resource.

pub mod alerts_legacy;
pub mod alerts_v2;
pub mod batch;
mod client;
mod error;
mod ids;
pub mod incidents;
pub mod mail;
pub mod me;
mod meter;
pub mod observe;
pub mod odata;
mod paging;
mod retry;
pub mod secure_score;
pub mod subscriptions;
mod throttle;

pub use client::{ClientOptions, GraphClient, GraphResponse};
pub use error::{GraphError, GraphErrorKind};
pub use ids::encode_id;
pub use meter::CallMeter;
pub use paging::{Filled, Page};
pub use retry::{LongWait, RetryPolicy};
pub use throttle::RateLimiter;
