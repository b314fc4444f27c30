//! Command line: `graphsec serve | demo | sandbox | incidents | token`.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::apponly::Api;

#[derive(Debug, Parser)]
#[command(
    name = "graphsec",
    version,
    about = "Triage Microsoft security alerts through Microsoft Graph"
)]
pub struct Cli {
    /// Configuration file (default: ./config.toml when present). GRAPHSEC__SECTION__KEY variables override it.
    #[arg(long, global = true, env = "GRAPHSEC_CONFIG")]
    pub config: Option<PathBuf>,
    /// Log format.
    #[arg(long, global = true, value_enum)]
    pub log_format: Option<LogFormat>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web console against the configured tenant.
    Serve,
    /// Run the console against the built-in sandbox tenant: no configuration, no network.
    Demo {
        /// Port of the web console.
        #[arg(long, default_value_t = 5000)]
        port: u16,
        /// Port of the sandbox tenant (0 = any free port).
        #[arg(long, default_value_t = 0)]
        sandbox_port: u16,
    },
    /// Run only the sandbox tenant (an Entra ID + Graph look-alike on loopback).
    Sandbox {
        #[arg(long, default_value_t = 5100)]
        port: u16,
        /// Access-token lifetime in seconds.
        #[arg(long, default_value_t = 3600)]
        token_lifetime: u64,
        /// Generate alert activity so change notifications flow.
        #[arg(long)]
        activity: bool,
        /// Graph's request-rate limit per app and tenant, `BURST/PER_SECOND` (e.g. `100/50`).
        #[arg(long, default_value = "100/50")]
        graph_rate_limit: String,
        /// Serve every Graph request, however many arrive.
        #[arg(long)]
        no_graph_rate_limit: bool,
        /// Server-driven paging: alerts_v2 and incidents pages hold at most N items, whatever
        /// `$top` asks, with an `@odata.nextLink` while more remain.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        page_size: Option<u32>,
        /// Add N generated alerts (about five to an incident, over the last 30 days) to Contoso.
        #[arg(long = "alerts", value_name = "N", default_value_t = 0)]
        extra_alerts: usize,
    },
    /// App-only: export incidents updated since a cutoff to `DIR/Latest Incidents <time>.json`.
    Incidents {
        /// Look-back (`48h`, `7d`) or an RFC 3339 time.
        #[arg(long, default_value = "48h")]
        since: String,
        #[arg(long, value_enum, default_value_t = Api::Graph)]
        api: Api,
        /// Directory for the export (created if missing).
        #[arg(long, value_name = "DIR", default_value = ".")]
        out: PathBuf,
        /// Incidents per call (`$top`); default: Graph's page size, or 100 for the Defender API.
        #[arg(long)]
        page_size: Option<usize>,
    },
    /// App-only: get a client-credentials token and show its app, tenant, expiry and roles.
    Token {
        #[arg(long, value_enum, default_value_t = Api::Graph)]
        api: Api,
        /// Also write the token to FILE, readable by its owner only.
        #[arg(long, value_name = "FILE")]
        save: Option<PathBuf>,
    },
}
