//! Live alert notifications: the subscription registry, the webhook receiver, the
//! durable notification store, fan-out to browsers, and the v2 poll watcher.

pub mod backend;
pub mod changes;
pub mod db;
pub mod hub;
pub mod intake;
pub mod journal;
pub mod lifecycle;
pub mod manager;
pub mod model;
pub mod owners;
pub mod plan;
pub mod registry;
pub mod service;
pub mod settings;
pub mod sse;
pub mod store;
pub mod stream;
pub mod subscribe;
pub mod tasks;
pub mod watcher;
pub mod webhook;
