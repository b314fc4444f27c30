//! The app-only commands as the binary runs them: targets from the configuration, output on
//! stdout, progress on stderr.

use std::path::Path;

use crate::config::Settings;

use super::{
    Api, AppOnlyTarget, ClientCredentials, IncidentsOptions, Progress, incidents_command,
    token_command,
};

/// The credentials and API roots the configuration names.
pub fn target(settings: &Settings) -> anyhow::Result<AppOnlyTarget> {
    let urls = settings.urls()?;
    Ok(AppOnlyTarget {
        credentials: ClientCredentials {
            authority: urls.authority,
            client_id: settings.identity.client_id.trim().to_string(),
            client_secret: settings.identity.client_secret.clone(),
        },
        graph: urls.graph,
        defender: urls.defender,
    })
}

/// `graphsec token`.
pub async fn run_token(settings: &Settings, api: Api, save: Option<&Path>) -> anyhow::Result<()> {
    let target = target(settings)?;
    token_command(&target, api, save, &mut std::io::stdout()).await?;
    Ok(())
}

/// `graphsec incidents`.
pub async fn run_incidents(settings: &Settings, options: &IncidentsOptions) -> anyhow::Result<()> {
    let target = target(settings)?;
    let mut stdout = std::io::stdout();
    incidents_command(&target, options, &mut Progress::stderr(), &mut stdout).await?;
    Ok(())
}
