//! The `token` and `incidents` commands, independent of how their arguments were parsed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::json;
use time::OffsetDateTime;
use url::Url;

use super::defender_incidents::{self, fetch_defender_incidents};
use super::fetch::{PageFetcher, api_client};
use super::graph_incidents::fetch_graph_incidents;
use super::output::{save_token, write_export};
use super::since::parse_since;
use super::{Api, AppOnlyError, AppToken, ClientCredentials, Progress, Summary};
use crate::graph::odata;

/// Where the app-only commands send their calls.
#[derive(Debug, Clone)]
pub struct AppOnlyTarget {
    pub credentials: ClientCredentials,
    pub graph: Url,
    pub defender: Url,
}

/// The CLI's client for the token endpoint: bounded time, no redirects (credentials are posted).
/// API calls go through [`api_client`].
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent(concat!("graphsec/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(120))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client with these settings always builds")
}

/// `graphsec token`: gets a token, shows what an admin checks, optionally saves it.
pub async fn token_command(
    target: &AppOnlyTarget,
    api: Api,
    save: Option<&Path>,
    out: &mut dyn Write,
) -> Result<AppToken, AppOnlyError> {
    let token = target.credentials.acquire(&http_client(), api).await?;
    describe_token(&token, api, OffsetDateTime::now_utc(), out).map_err(stdout_error)?;
    if let Some(path) = save {
        save_token(path, &token.access_token)?;
        writeln!(
            out,
            "Saved to {} (readable by its owner only)",
            path.display()
        )
        .map_err(stdout_error)?;
    }
    Ok(token)
}

fn describe_token(
    token: &AppToken,
    api: Api,
    now: OffsetDateTime,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let claims = &token.claims;
    writeln!(out, "API:      {api} ({})", api.scope())?;
    writeln!(
        out,
        "App id:   {}",
        claims.app_id().unwrap_or("(not in token)")
    )?;
    writeln!(
        out,
        "Tenant:   {}",
        claims.tid.as_deref().unwrap_or("(not in token)")
    )?;
    match claims.expires_at() {
        Some(at) => writeln!(
            out,
            "Expires:  {} (in {} min)",
            odata::datetime_value(at),
            (at - now).whole_minutes().max(0)
        )?,
        None => writeln!(out, "Expires:  in {} s", token.expires_in)?,
    }
    writeln!(out, "Roles:    {}", claims.roles_text())?;
    match claims.require_incident_role(api) {
        Ok(()) => writeln!(out, "Incidents: this token can read incidents")?,
        Err(_) => writeln!(
            out,
            "Missing:  {} — `graphsec incidents --api {api}` will be refused until one is \
             granted as an application permission and an admin consents",
            api.incident_roles().join(" or ")
        )?,
    }
    Ok(())
}

/// What `graphsec incidents` was asked for.
#[derive(Debug, Clone)]
pub struct IncidentsOptions {
    pub api: Api,
    /// `48h`, `7d` or an RFC 3339 time.
    pub since: String,
    pub out_dir: PathBuf,
    /// `$top` per call; `None` = the API's default (Graph) or its maximum of 100 (Defender).
    pub page_size: Option<usize>,
}

impl IncidentsOptions {
    fn check(&self) -> Result<(), AppOnlyError> {
        let max = match self.api {
            Api::Graph => 1000,
            Api::Defender => defender_incidents::PAGE_SIZE,
        };
        match self.page_size {
            Some(n) if n == 0 || n > max => Err(AppOnlyError::BadOption(format!(
                "--page-size must be between 1 and {max} for --api {}",
                self.api
            ))),
            _ => Ok(()),
        }
    }
}

/// `graphsec incidents`: exports incidents updated since the cutoff and prints a summary.
pub async fn incidents_command(
    target: &AppOnlyTarget,
    options: &IncidentsOptions,
    progress: &mut Progress,
    out: &mut dyn Write,
) -> Result<PathBuf, AppOnlyError> {
    let api = options.api;
    options.check()?;
    let now = OffsetDateTime::now_utc();
    let cutoff = parse_since(&options.since, now)?;
    let token = target.credentials.acquire(&http_client(), api).await?;
    token.claims.require_incident_role(api)?;
    let base = match api {
        Api::Graph => &target.graph,
        Api::Defender => &target.defender,
    };
    let client = api_client(api, base.clone());
    let fetcher = PageFetcher {
        client: &client,
        token: &token.access_token,
        api,
    };
    let size = options.page_size;
    let incidents = match api {
        Api::Graph => fetch_graph_incidents(&fetcher, cutoff, size, progress).await?,
        Api::Defender => fetch_defender_incidents(&fetcher, cutoff, size, progress).await?,
    };
    let summary = Summary::of(&incidents);
    let document = json!({
        "api": api.as_str(),
        "since": odata::datetime(cutoff),
        "exportedDateTime": odata::datetime(now),
        "count": incidents.len(),
        "value": incidents,
    });
    let bytes = serde_json::to_vec_pretty(&document).expect("JSON values always serialise");
    let path = write_export(&options.out_dir, now, &bytes)?;
    writeln!(out, "Wrote {}", path.display()).map_err(stdout_error)?;
    writeln!(out, "{summary}").map_err(stdout_error)?;
    Ok(path)
}

fn stdout_error(e: std::io::Error) -> AppOnlyError {
    AppOnlyError::io("standard output", e)
}

#[cfg(test)]
mod tests {
    use secrecy::SecretString;

    use super::*;
    use crate::apponly::Claims;

    fn token(roles: &[&str]) -> AppToken {
        AppToken {
            access_token: SecretString::from("x".to_string()),
            expires_in: 3599,
            claims: Claims {
                roles: roles.iter().map(|r| r.to_string()).collect(),
                tid: Some("tenant-guid".into()),
                appid: Some("app-guid".into()),
                azp: None,
                exp: Some(1_800_003_600),
            },
        }
    }

    fn describe(token: &AppToken, api: Api) -> String {
        let now = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
        let mut out = Vec::new();
        describe_token(token, api, now, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_description_shows_app_tenant_expiry_and_roles() {
        let text = describe(&token(&["SecurityIncident.Read.All"]), Api::Graph);
        assert!(text.contains("App id:   app-guid"), "{text}");
        assert!(text.contains("Tenant:   tenant-guid"), "{text}");
        assert!(text.contains("(in 60 min)"), "{text}");
        assert!(
            text.contains("Roles:    SecurityIncident.Read.All"),
            "{text}"
        );
        assert!(text.contains("can read incidents"), "{text}");
    }

    #[test]
    fn a_missing_incident_role_is_called_out() {
        let text = describe(&token(&[]), Api::Defender);
        assert!(text.contains("Roles:    (none)"), "{text}");
        assert!(
            text.contains("Missing:  Incident.Read.All or Incident.ReadWrite.All"),
            "{text}"
        );
    }
}
