//! Both CSV exports (alerts, audit log) read back safely in a spreadsheet set to `,`, `;` or
//! tab: every cell is quoted, and no cell, however the file is split, starts a formula. Text
//! put into an alert's title and into a comment (kept in the audit log) tries each trick.

use graphsec::config::AlertsApiKind;

use crate::alerts_forms::update_and_follow;
use crate::alerts_support::{alerts, contoso, signed_in};

/// Text that would start a formula after a separator, a line break, a quote or a space.
const TRICKS: [&str; 4] = [
    "X;=cmd|' /C calc'!A0;x",
    "@SUM(1)\t-2,+3",
    "ok\n=HYPERLINK(\"http://x\")\r\n+1",
    "a;\" =1, \"@2",
];

/// The cells of `text` as a spreadsheet splitting on `separator` reads them: a cell opening
/// with a quote runs to the closing quote (`""` is a quote), and what follows it up to the
/// separator is added as it stands; rows end at a line break outside quotes.
fn cells(text: &str, separator: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    let mut cell = String::new();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => quoted = false,
                _ => cell.push(c),
            }
            continue;
        }
        match c {
            '"' if at_start => {
                quoted = true;
                at_start = false;
            }
            c if c == separator || c == '\n' || c == '\r' => {
                out.push(std::mem::take(&mut cell));
                at_start = true;
            }
            _ => {
                cell.push(c);
                at_start = false;
            }
        }
    }
    out.push(cell);
    out
}

/// Cells of `export` (split on `separator`) that a spreadsheet would run as a formula,
/// leading quotes and spaces skipped.
fn formulas(export: &str, separator: char) -> Vec<String> {
    cells(export, separator)
        .into_iter()
        .filter(|cell| {
            cell.trim_start_matches(['"', ' '])
                .starts_with(['=', '+', '-', '@', '\t', '\r'])
        })
        .collect()
}

#[tokio::test]
async fn both_csv_exports_start_no_formula_whatever_the_separator() {
    let app = signed_in(AlertsApiKind::V2).await;
    let ids: Vec<String> = alerts(&app)
        .into_iter()
        .take(TRICKS.len())
        .map(|a| a.id)
        .collect();
    for (id, trick) in ids.iter().zip(TRICKS) {
        app.sandbox
            .state()
            .security()
            .update_alert(contoso(), id, |a| {
                a.title = trick.to_string();
                Ok(())
            })
            .unwrap();
        update_and_follow(
            &app,
            &[
                ("alert_id", id.as_str()),
                ("status", "in_progress"),
                ("comment", trick),
            ],
        )
        .await;
    }

    for path in ["/alerts/export.csv", "/audit/export.csv"] {
        let export = app.get(path).await.text().await.unwrap();
        for trick in TRICKS {
            let first = trick.split([';', ',', '\t', '\n']).next().unwrap();
            assert!(export.contains(first), "{path} holds {trick:?}: {export}");
        }
        for separator in [',', ';', '\t'] {
            let found = formulas(&export, separator);
            assert!(
                found.is_empty(),
                "{path} split on {separator:?} starts formulas: {found:?}\n{export}"
            );
        }
        assert!(export.starts_with("\""), "{path}: the header is quoted too");
    }
}
