//! Subscriptions: what a new one looks like (`plan`: resource, clientState, expiry,
//! lifetimes) and creating, renewing and deleting them for the signed-in user (`manage`).
//! They are kept in the registry of `crate::notify::storage`.

mod limits;
pub mod manage;
pub mod plan;
