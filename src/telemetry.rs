//! Logging: `RUST_LOG` filters, text or JSON lines. Secrets never reach a log line because
//! requests are logged by method, matched path and request id only.

use std::io::IsTerminal;

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

pub fn init(json: bool) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new("info,sqlx=warn,tower_sessions=warn,hyper=warn,reqwest=warn")
    });
    let registry = tracing_subscriber::registry().with(filter);
    // `try_init` so tests that build several apps in one process do not panic.
    let _ = if json {
        registry
            .with(fmt::layer().json().flatten_event(true))
            .try_init()
    } else {
        // Colours only for a person at a terminal: in a file or a log collector they are noise.
        let colours = std::io::stdout().is_terminal();
        registry
            .with(fmt::layer().with_target(false).with_ansi(colours))
            .try_init()
    };
}
