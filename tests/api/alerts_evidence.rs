//! The alert page's evidence: grouped by type with the fields an analyst reads first, and the
//! JSON of types graphsec does not know, escaped.

use graphsec::config::AlertsApiKind;
use graphsec_sandbox::schema::security::ServiceSource;
use scraper::{Html, Selector};

use crate::alerts_support::*;

/// The cells of the evidence table of `kind`, row by row.
fn group_cells(html: &str, kind: &str) -> Vec<Vec<String>> {
    let doc = Html::parse_document(html);
    let rows = Selector::parse(&format!(
        "#alert-evidence table[data-evidence-kind=\"{kind}\"] tbody tr"
    ))
    .unwrap();
    let cells = Selector::parse("td").unwrap();
    doc.select(&rows)
        .map(|r| r.select(&cells).map(|c| c.text().collect()).collect())
        .collect()
}

/// The first piece of evidence of `kind` the sandbox shows for `alert`.
fn evidence_of(alert: &graphsec_sandbox::seed::AlertRecord, kind: &str) -> serde_json::Value {
    let shown = graphsec_sandbox::seed::render::alert_v2(alert);
    let wanted = format!("#microsoft.graph.security.{kind}");
    shown["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["@odata.type"] == wanted.as_str())
        .unwrap_or_else(|| panic!("{} has no {kind}", alert.id))
        .clone()
}

#[tokio::test]
async fn evidence_is_grouped_by_type_with_the_fields_read_first() {
    let app = signed_in(AlertsApiKind::V2).await;
    let endpoint = alerts(&app)
        .into_iter()
        .find(|a| a.service_source == ServiceSource::MicrosoftDefenderForEndpoint)
        .unwrap();
    let (status, html) = app.get_html(&format!("/alerts/{}", endpoint.id)).await;
    assert_eq!(status, 200);
    let process = evidence_of(&endpoint, "processEvidence");
    let processes = group_cells(&html, "processEvidence");
    assert_eq!(processes.len(), 1, "{html}");
    assert_eq!(
        processes[0][0],
        process["processCommandLine"].as_str().unwrap()
    );
    let files = group_cells(&html, "fileEvidence");
    let file = &evidence_of(&endpoint, "fileEvidence")["fileDetails"];
    assert_eq!(files[0][0], file["fileName"].as_str().unwrap());
    assert!(files[0].contains(&file["sha256"].as_str().unwrap().to_string()));
    assert_eq!(files[0].last().unwrap(), "Malicious");

    let mail = alerts(&app)
        .into_iter()
        .find(|a| a.service_source == ServiceSource::MicrosoftDefenderForOffice365)
        .unwrap();
    let (_, html) = app.get_html(&format!("/alerts/{}", mail.id)).await;
    for kind in ["mailboxEvidence", "analyzedMessageEvidence", "urlEvidence"] {
        assert_eq!(group_cells(&html, kind).len(), 1, "{kind}");
    }
    let message = evidence_of(&mail, "analyzedMessageEvidence");
    let subject = message["subject"].as_str().unwrap();
    assert_eq!(group_cells(&html, "analyzedMessageEvidence")[0][0], subject);
    // A type graphsec does not know: its JSON, escaped.
    let raw = text_of(
        &html,
        "pre.evidence-raw[data-evidence-kind=\"mailClusterEvidence\"]",
    );
    assert!(raw.contains("\"clusterBy\""), "{raw}");
    assert!(raw.contains("<action required>"));
    let pre_start = html.find("evidence-raw").unwrap();
    assert!(!html[pre_start..].contains("<action required>"), "escaped");
}
