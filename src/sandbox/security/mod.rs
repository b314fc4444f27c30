//! The sandbox's Graph security routes: alerts_v2 (+ comments), legacy alerts, incidents and
//! `/me/sendMail`, over the seeded data in [`store::SecurityStore`].

pub mod failure;
pub mod listing;
pub mod mail;
pub mod patch;
pub mod store;

pub use mail::SentMail;
pub use store::{AlertChange, SecurityStore, TenantRef};
