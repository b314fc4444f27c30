//! `graphsec demo`: the sandbox tenant on a loopback port and the console wired to it.
//! No configuration file and no network; `GRAPHSEC__…` variables still override any key.

use anyhow::Context;

use crate::config::Settings;
use crate::sandbox::{Sandbox, SandboxOptions};
use crate::startup::Application;

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
    let base = sandbox
        .base_url()
        .as_str()
        .trim_end_matches('/')
        .to_string();
    let state = sandbox.state();
    let registration = state.options();
    let defaults = [
        ("server.bind", format!("127.0.0.1:{port}")),
        ("server.public_url", format!("http://localhost:{port}")),
        ("server.data_dir", data_dir.display().to_string()),
        ("identity.authority", sandbox.authority().to_string()),
        ("identity.client_id", registration.client_id.clone()),
        ("identity.client_secret", registration.client_secret.clone()),
        ("graph.base_url", base.clone()),
        ("defender.base_url", base.clone()),
    ];
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
