//! Clear errors and non-zero exits: bad credentials, missing roles, bad input, unreachable hosts.

use super::{Cli, assert_success, stderr, stdout};

#[tokio::test]
async fn bad_credentials_exit_non_zero_with_a_clear_message_and_no_file() {
    let cli = Cli::start().await;
    let out = cli.out_dir();
    let output = cli
        .run_as(
            "contoso",
            "wrong-secret",
            &["incidents", "--out", out.to_str().unwrap()],
        )
        .await;
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(
        err.contains("refused the client credentials (invalid_client)"),
        "{err}"
    );
    assert!(cli.exports().is_empty());
}

#[tokio::test]
async fn missing_roles_exit_non_zero_and_name_the_role() {
    let cli = Cli::start().await;
    let out = cli.out_dir();
    let output = cli
        .run_as(
            "northwind",
            "sandbox-secret",
            &["incidents", "--out", out.to_str().unwrap()],
        )
        .await;
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("SecurityIncident.Read.All"),
        "{}",
        stderr(&output)
    );
    assert!(cli.exports().is_empty());

    let token = cli.run_as("northwind", "sandbox-secret", &["token"]).await;
    assert_success(&token);
    assert!(
        stdout(&token).contains("Missing:  SecurityIncident.Read.All"),
        "{}",
        stdout(&token)
    );
}

#[tokio::test]
async fn bad_since_unreachable_hosts_and_multi_tenant_authorities_are_clear_errors() {
    let cli = Cli::start().await;
    let out = cli.out_dir();
    let output = cli
        .run(&[
            "incidents",
            "--since",
            "yesterday",
            "--out",
            out.to_str().unwrap(),
        ])
        .await;
    assert!(!output.status.success());
    assert!(stderr(&output).contains("48h or 7d"), "{}", stderr(&output));

    let output = cli.run_as("common", "sandbox-secret", &["token"]).await;
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("app-only tokens need a tenant"),
        "{}",
        stderr(&output)
    );

    let output = crate::helpers::graphsec_command()
        .args(["incidents", "--out", out.to_str().unwrap()])
        .current_dir(cli.dir.path())
        .env(
            "GRAPHSEC__IDENTITY__AUTHORITY",
            "http://127.0.0.1:9/contoso",
        )
        .env("GRAPHSEC__IDENTITY__CLIENT_ID", "graphsec-sandbox")
        .env("GRAPHSEC__IDENTITY__CLIENT_SECRET", "sandbox-secret")
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("could not reach http://127.0.0.1:9/contoso/oauth2/v2.0/token"),
        "{}",
        stderr(&output)
    );
    assert!(cli.exports().is_empty());
}

#[tokio::test]
async fn the_sandbox_defender_api_answers_errors_in_its_own_shape() {
    let cli = Cli::start().await;
    let http = reqwest::Client::new();
    let url = format!("{}/api/incidents", cli.base());
    let graph_token = cli.app_token("https://graph.microsoft.com/.default").await;
    let response = http
        .get(&url)
        .bearer_auth(&graph_token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        401,
        "a Graph token is not a Defender token"
    );
    let defender_token = cli
        .app_token("https://api.security.microsoft.com/.default")
        .await;
    let response = http
        .get(format!("{url}?$top=101"))
        .bearer_auth(&defender_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "ODataError");
    assert!(body["error"]["target"].is_string());
    let response = http
        .get(format!("{url}?$filter=severity eq 'High'"))
        .bearer_auth(&defender_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
}
