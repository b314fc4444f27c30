//! The one integration-test binary: the app and the sandbox tenant, each on port 0, over HTTP.

mod alerts;
mod alerts_errors;
mod alerts_export;
mod alerts_graph_errors;
mod alerts_incidents;
mod alerts_support;
mod alerts_update;
mod alerts_views;
mod auth;
mod bad_input;
mod cli;
mod contract;
mod contract_filters;
#[allow(dead_code)] // helpers serve every feature module; not each uses all of them
mod helpers;
mod layout;
mod notify_crash;
mod notify_lifecycle;
mod notify_sandbox;
mod notify_stream;
mod notify_subscriptions;
mod notify_support;
mod notify_webhook;
mod pages;
mod scale_out;
mod secure_score;
mod sessions;
mod static_binary;
mod static_files;
