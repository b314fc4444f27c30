//! App-only access for the CLI (`graphsec token`, `graphsec incidents`): client-credentials
//! tokens, a local look at their roles, and incident exports from Graph or the Defender API.

mod api;
mod claims;
mod commands;
pub mod defender_incidents;
mod error;
pub mod fetch;
pub mod graph_incidents;
pub mod output;
mod progress;
mod settings;
pub mod since;
mod summary;
mod token;

#[cfg(test)]
mod fetch_tests;

pub use api::Api;
pub use claims::Claims;
pub use commands::{
    AppOnlyTarget, IncidentsOptions, http_client, incidents_command, token_command,
};
pub use error::AppOnlyError;
pub use progress::Progress;
pub use settings::{run_incidents, run_token, target};
pub use summary::Summary;
pub use token::{AppToken, ClientCredentials, token_endpoint};
