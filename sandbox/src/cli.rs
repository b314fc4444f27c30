//! `graphsec sandbox`: run the sandbox alone and print how to point the app at it.

use super::users::{TENANTS, USERS};
use super::{Sandbox, SandboxHandle, SandboxOptions};
use std::fmt::Write;

/// Starts the sandbox on `port` (0 picks one), prints its URLs, app registration, demo users and
/// the environment for `graphsec serve`, then runs until Ctrl-C or SIGTERM.
pub async fn run_cli(port: u16, mut options: SandboxOptions) -> anyhow::Result<()> {
    options.bind.set_port(port);
    let handle = Sandbox::start(options).await?;
    println!("{}", handle.describe());
    super::shutdown::requested().await;
    println!("sandbox tenant stopped");
    handle.shutdown().await
}

impl SandboxHandle {
    /// A human-readable summary: URLs, app registration, tenants, users, environment.
    pub fn describe(&self) -> String {
        let base = self.base_url.as_str().trim_end_matches('/').to_owned();
        let authority = self.authority();
        let options = self.state.options();
        let mut out = String::new();
        let _ = writeln!(out, "graphsec sandbox tenant listening on {base}");
        let _ = writeln!(out, "  authority      {authority}");
        let _ = writeln!(out, "  authorize      {authority}/oauth2/v2.0/authorize");
        let _ = writeln!(out, "  token          {authority}/oauth2/v2.0/token");
        let _ = writeln!(out, "  admin consent  {authority}/adminconsent");
        let _ = writeln!(
            out,
            "  Graph          {base}/v1.0/…   Defender API  {base}/api/…"
        );
        let _ = writeln!(out, "\nApp registration");
        let _ = writeln!(out, "  client id      {}", options.client_id);
        let _ = writeln!(out, "  client secret  {}", options.client_secret);
        let redirects = if options.redirect_uris.is_empty() {
            "http://localhost:*/login/authorized, http://127.0.0.1:*/login/authorized".to_owned()
        } else {
            options.redirect_uris.join(", ")
        };
        let _ = writeln!(out, "  redirect URIs  {redirects}");
        if let Some(page_size) = options.page_size {
            let _ = writeln!(
                out,
                "\nServer-driven paging: alerts_v2 and incidents pages hold at most {page_size} items"
            );
        }
        if options.extra_alerts > 0 {
            let _ = writeln!(
                out,
                "\nGenerated data: {} more alerts in Contoso, about five to an incident",
                options.extra_alerts
            );
        }
        let _ = writeln!(out, "\nTenants");
        for tenant in &TENANTS {
            let consent = if self.state.identity().is_consented(tenant) {
                "security permissions consented"
            } else {
                "admin consent pending"
            };
            let _ = writeln!(
                out,
                "  {:<10} {}  {:<18} {consent}",
                tenant.key, tenant.id, tenant.domain
            );
        }
        let _ = writeln!(out, "\nDemo users");
        for user in &USERS {
            let admin = if user.is_admin { ", admin" } else { "" };
            let _ = writeln!(
                out,
                "  {:<16} {:<26} {} ({}{admin})",
                user.display_name, user.upn, user.job_title, user.tenant_key
            );
        }
        let _ = writeln!(out, "\nPoint graphsec at it:");
        let _ = writeln!(out, "  export GRAPHSEC__IDENTITY__AUTHORITY={authority}");
        let _ = writeln!(
            out,
            "  export GRAPHSEC__IDENTITY__CLIENT_ID={}",
            options.client_id
        );
        let _ = writeln!(
            out,
            "  export GRAPHSEC__IDENTITY__CLIENT_SECRET={}",
            options.client_secret
        );
        let _ = writeln!(out, "  export GRAPHSEC__GRAPH__BASE_URL={base}");
        let _ = write!(out, "  export GRAPHSEC__DEFENDER__BASE_URL={base}");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn describe_prints_urls_credentials_users_and_environment() {
        let handle = Sandbox::start(SandboxOptions::default()).await.unwrap();
        let text = handle.describe();
        let port = handle.port();
        for expected in [
            format!("GRAPHSEC__IDENTITY__AUTHORITY=http://127.0.0.1:{port}/common"),
            "GRAPHSEC__IDENTITY__CLIENT_ID=graphsec-sandbox".to_owned(),
            "GRAPHSEC__IDENTITY__CLIENT_SECRET=sandbox-secret".to_owned(),
            format!("GRAPHSEC__GRAPH__BASE_URL=http://127.0.0.1:{port}"),
            "megan@contoso.example".to_owned(),
            "admin consent pending".to_owned(),
        ] {
            assert!(text.contains(&expected), "{expected} missing from:\n{text}");
        }
        handle.shutdown().await.unwrap();
    }
}
