//! `graphsec demo`: the sandbox tenant on a loopback port and the console wired to it.
//! No configuration file and no network; `GRAPHSEC__…` variables still override any key.

use std::path::Path;

use anyhow::Context;

use crate::config::Settings;
use crate::startup::Application;
use graphsec_sandbox::{Sandbox, SandboxHandle, SandboxOptions};

pub async fn run(port: u16, sandbox_port: u16) -> anyhow::Result<()> {
    let mut options = SandboxOptions {
        activity: true,
        ..SandboxOptions::default()
    };
    options.bind.set_port(sandbox_port);
    let sandbox = Sandbox::start(options)
        .await
        .context("cannot start the sandbox tenant")?;

    // A fresh database each run: the sandbox's tokens and subscriptions do not outlive it either.
    let data_dir = std::env::temp_dir().join(format!("graphsec-demo-{port}"));
    let _ = std::fs::remove_dir_all(&data_dir);
    let mut defaults = wiring(&sandbox, port, &data_dir);
    // The sandbox's generated activity shows on the notify page within seconds.
    defaults.push(("notify.poll_interval_secs", "5".to_string()));
    let settings = Settings::load_layered(None, &defaults)?;
    settings.validate()?;
    let app = Application::build(settings).await?;
    println!("{}", sandbox.describe());
    println!(
        "graphsec demo is ready: open {}",
        app.state().urls.public_url
    );
    println!("  sign in as any demo user above; Ctrl-C stops both servers.");
    app.run_until_stopped().await?;
    sandbox.shutdown().await
}

/// Settings keys that wire the app (on `port`, 0 = any) to `sandbox`, its data under `data_dir`.
/// They are defaults: a file or `GRAPHSEC__…` variables still override them. Tests use the same wiring.
pub fn wiring(sandbox: &SandboxHandle, port: u16, data_dir: &Path) -> Vec<(&'static str, String)> {
    let base = sandbox
        .base_url()
        .as_str()
        .trim_end_matches('/')
        .to_string();
    let registration = sandbox.state().options().clone();
    vec![
        ("server.bind", format!("127.0.0.1:{port}")),
        ("server.public_url", format!("http://localhost:{port}")),
        ("server.data_dir", data_dir.display().to_string()),
        ("identity.authority", sandbox.authority().to_string()),
        ("identity.client_id", registration.client_id),
        ("identity.client_secret", registration.client_secret),
        ("graph.base_url", base.clone()),
        ("defender.base_url", base),
        // The mirror starts with every sandbox tenant, before anyone signs in.
        (
            "sync.tenants",
            graphsec_sandbox::users::TENANTS
                .iter()
                .map(|t| t.id)
                .collect::<Vec<_>>()
                .join(","),
        ),
    ]
}

/// `wiring` as a configuration file that `graphsec --config <file> serve` reads: one table per
/// section, every value a quoted string (the settings parse numbers and switches from text).
/// Tests and benchmarks start the real binary with it.
pub fn config_file(wiring: &[(&str, String)]) -> String {
    let mut sections: std::collections::BTreeMap<&str, Vec<(&str, &str)>> = Default::default();
    for (key, value) in wiring {
        let (section, name) = key.split_once('.').unwrap_or(("", key));
        sections.entry(section).or_default().push((name, value));
    }
    let mut toml = String::new();
    // Keys without a section sort first, so they stay outside every table.
    for (section, entries) in sections {
        if !section.is_empty() {
            toml.push_str(&format!("[{section}]\n"));
        }
        for (name, value) in entries {
            toml.push_str(&format!("{name} = {}\n", serde_json::Value::from(value)));
        }
    }
    toml
}
