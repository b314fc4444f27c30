//! Incident exports from both APIs: the cutoff, paging, throttling and new files per run.

use std::time::Duration;

use graphsec_sandbox::Fault;

use crate::helpers::wait_after_429;

use super::{Cli, assert_success, ids_updated_since, read_export, stderr, stdout};

#[tokio::test]
async fn graph_incidents_export_holds_exactly_those_updated_since_the_cutoff_across_pages() {
    let cli = Cli::start().await;
    let out = cli.out_dir();
    let output = cli
        .run(&[
            "incidents",
            "--since",
            "48h",
            "--api",
            "graph",
            "--page-size",
            "2",
            "--out",
            out.to_str().unwrap(),
        ])
        .await;
    assert_success(&output);

    let files = cli.exports();
    assert_eq!(files.len(), 1);
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("Latest Incidents ") && name.ends_with(".json"),
        "{name}"
    );
    let export = read_export(&files[0]);
    let all = cli.all_graph_incidents().await;
    let expected = ids_updated_since(&all, export["since"].as_str().unwrap());
    let mut got: Vec<String> = export["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    got.sort();
    assert_eq!(got, expected, "every incident once");
    assert!(expected.len() > 2, "more than one page of incidents");
    assert!(
        expected.len() < all.len(),
        "the cutoff leaves some incidents out"
    );
    assert_eq!(export["count"], expected.len());
    assert!(
        export["value"][0]["alerts"].is_array(),
        "alerts are expanded"
    );
    assert!(
        stderr(&output).contains("fetched 2 pages"),
        "{}",
        stderr(&output)
    );
    let summary = stdout(&output);
    assert!(
        summary.contains(&format!("{} incidents", expected.len())),
        "{summary}"
    );
    assert!(
        summary.contains("by severity:") && summary.contains("by status:"),
        "{summary}"
    );
}

#[tokio::test]
async fn defender_incidents_export_holds_exactly_those_updated_since_the_cutoff_across_pages() {
    let cli = Cli::start().await;
    let out = cli.out_dir();
    let since = "2000-01-01T00:00:00Z";
    let first = cli
        .run(&[
            "incidents",
            "--since",
            "7d",
            "--api",
            "defender",
            "--page-size",
            "3",
            "--out",
            out.to_str().unwrap(),
        ])
        .await;
    assert_success(&first);
    let all = cli.all_graph_incidents().await;
    let export = read_export(&cli.exports()[0]);
    let expected = ids_updated_since(&all, export["since"].as_str().unwrap());
    let mut got: Vec<String> = export["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            i["incidentId"]
                .as_i64()
                .expect("numeric incidentId")
                .to_string()
        })
        .collect();
    got.sort();
    assert_eq!(got, expected, "every incident once");
    assert!(expected.len() > 3, "more than one page of incidents");
    let incident = &export["value"][0];
    assert!(incident["lastUpdateTime"].is_string());
    let severity = incident["severity"].as_str().unwrap();
    assert!(
        severity.chars().next().unwrap().is_uppercase(),
        "PascalCase: {severity}"
    );

    let second = cli
        .run(&[
            "incidents",
            "--since",
            since,
            "--api",
            "defender",
            "--out",
            out.to_str().unwrap(),
        ])
        .await;
    assert_success(&second);
    assert_eq!(cli.exports().len(), 2, "a second run writes a new file");
    let everything = cli
        .exports()
        .iter()
        .map(|p| read_export(p)["count"].as_u64().unwrap())
        .max();
    assert_eq!(everything, Some(all.len() as u64));
}

#[tokio::test]
async fn a_defender_429_is_waited_out() {
    let cli = Cli::start().await;
    cli.sandbox
        .state()
        .defender()
        .rate_limit
        .set(2, Duration::from_secs(2));
    let out = cli.out_dir();
    let output = cli
        .run(&[
            "incidents",
            "--since",
            "30d",
            "--api",
            "defender",
            "--page-size",
            "5",
            "--out",
            out.to_str().unwrap(),
        ])
        .await;
    assert_success(&output);
    assert!(
        stderr(&output).contains("is throttling; waiting"),
        "{}",
        stderr(&output)
    );
    // Measured at the sandbox: the retry came no sooner than the Retry-After it was given.
    let (waited, retry_after) = wait_after_429(&cli.sandbox, "/api/incidents");
    assert!(retry_after > 0.0, "Retry-After {retry_after}");
    assert!(
        waited.as_secs_f64() >= retry_after,
        "retried after {waited:?}, told to wait {retry_after} s"
    );
    let all = cli.all_graph_incidents().await;
    assert_eq!(read_export(&cli.exports()[0])["count"], all.len());
}

#[tokio::test]
async fn a_graph_429_is_waited_out() {
    let cli = Cli::start().await;
    cli.sandbox.state().faults().push(
        "/v1.0/security/incidents",
        Fault::TooManyRequests {
            retry_after_secs: 0.5,
        },
    );
    let out = cli.out_dir();
    let output = cli
        .run(&["incidents", "--out", out.to_str().unwrap()])
        .await;
    assert_success(&output);
    assert!(
        stderr(&output).contains("waiting 0.5 s"),
        "{}",
        stderr(&output)
    );
    let (waited, retry_after) = wait_after_429(&cli.sandbox, "/v1.0/security/incidents");
    assert_eq!(retry_after, 0.5);
    assert!(
        waited.as_secs_f64() >= 0.5,
        "retried after {waited:?}, told to wait 0.5 s"
    );
    assert_eq!(cli.exports().len(), 1);
}
