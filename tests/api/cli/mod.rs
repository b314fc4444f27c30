//! `graphsec token` and `graphsec incidents` run as a process against an in-process sandbox.

mod errors;
mod incidents;
mod token;

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::helpers::sandbox_options;
use graphsec_sandbox::{Sandbox, SandboxHandle};
use serde_json::Value;

pub struct Cli {
    pub sandbox: SandboxHandle,
    pub dir: tempfile::TempDir,
}

impl Cli {
    pub async fn start() -> Self {
        Self {
            sandbox: Sandbox::start(sandbox_options())
                .await
                .expect("sandbox starts"),
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn base(&self) -> String {
        self.sandbox
            .base_url()
            .as_str()
            .trim_end_matches('/')
            .to_string()
    }

    pub fn out_dir(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    /// Runs graphsec with `args`, configured for tenant `tenant` with `secret`.
    pub async fn run_as(&self, tenant: &str, secret: &str, args: &[&str]) -> Output {
        crate::helpers::graphsec_command()
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("GRAPHSEC_CONFIG")
            .env(
                "GRAPHSEC__IDENTITY__AUTHORITY",
                format!("{}/{tenant}", self.base()),
            )
            .env("GRAPHSEC__IDENTITY__CLIENT_ID", "graphsec-sandbox")
            .env("GRAPHSEC__IDENTITY__CLIENT_SECRET", secret)
            .env("GRAPHSEC__GRAPH__BASE_URL", self.base())
            .env("GRAPHSEC__DEFENDER__BASE_URL", self.base())
            .kill_on_drop(true)
            .output()
            .await
            .expect("graphsec runs")
    }

    pub async fn run(&self, args: &[&str]) -> Output {
        self.run_as("contoso", "sandbox-secret", args).await
    }

    /// The export files written so far.
    pub fn exports(&self) -> Vec<PathBuf> {
        match std::fs::read_dir(self.out_dir()) {
            Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
            Err(_) => Vec::new(),
        }
    }

    /// An app-only access token for contoso and `scope`.
    pub async fn app_token(&self, scope: &str) -> String {
        let token: Value = reqwest::Client::new()
            .post(format!("{}/contoso/oauth2/v2.0/token", self.base()))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", "graphsec-sandbox"),
                ("client_secret", "sandbox-secret"),
                ("scope", scope),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        token["access_token"].as_str().unwrap().to_string()
    }

    /// Every contoso incident as Graph serves it, read with an app-only token, every page.
    pub async fn all_graph_incidents(&self) -> Vec<Value> {
        let token = self.app_token("https://graph.microsoft.com/.default").await;
        let mut incidents = Vec::new();
        let mut next = Some(format!("{}/v1.0/security/incidents?$top=1000", self.base()));
        while let Some(url) = next {
            let page: Value = reqwest::Client::new()
                .get(url)
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            incidents.extend(page["value"].as_array().unwrap().iter().cloned());
            next = page["@odata.nextLink"].as_str().map(str::to_string);
        }
        incidents
    }
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn read_export(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// Ids of Graph incidents last updated at or after `since` (RFC 3339 strings in UTC compare as
/// text), sorted; a list, so an export that repeats an incident does not match it.
pub fn ids_updated_since(all: &[Value], since: &str) -> Vec<String> {
    let mut ids: Vec<String> = all
        .iter()
        .filter(|i| i["lastUpdateDateTime"].as_str().unwrap() >= since)
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

pub fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        output.status.code(),
        stdout(output),
        stderr(output)
    );
}
