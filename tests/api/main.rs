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
mod auth_checks;
mod bad_input;
mod cli;
mod contract;
mod contract_filters;
mod contract_schema;
mod contract_strict;
mod csdl;
mod hardening_paths;
mod hardening_sign_in;
#[allow(dead_code)] // helpers serve every feature module; not each uses all of them
mod helpers;
mod isolation;
mod layout;
mod notify_lifecycle;
mod notify_renewal;
mod notify_sandbox;
mod notify_storage;
mod notify_stream;
mod notify_subscriptions;
mod notify_support;
mod notify_webhook;
mod pages;
mod scale_out;
mod secure_score;
mod static_binary;
mod static_files;
