//! The two forms an alert export takes: a JSON array of Graph's own alerts, or CSV rows.

use crate::alerts::csv::csv_line;
use crate::alerts::row::{AlertRow, CSV_HEADER};

#[derive(Clone, Copy)]
pub enum Format {
    Json,
    Csv,
}

impl Format {
    /// The content type and the file name a browser saves.
    pub fn file(self) -> (&'static str, &'static str) {
        match self {
            Format::Json => ("application/json", "alerts.json"),
            Format::Csv => ("text/csv; charset=utf-8", "alerts.csv"),
        }
    }

    pub fn opening(self) -> String {
        match self {
            Format::Json => "[\n".to_string(),
            Format::Csv => csv_line(&CSV_HEADER),
        }
    }

    pub fn closing(self) -> &'static str {
        match self {
            Format::Json => "\n]\n",
            Format::Csv => "",
        }
    }

    /// Adds one alert: its JSON as Graph sent it, or its row; `first` for the export's first.
    pub fn push(self, text: &mut String, alert: &str, row: impl FnOnce() -> AlertRow, first: bool) {
        match self {
            Format::Json => {
                if !first {
                    text.push_str(",\n");
                }
                text.push_str(alert);
            }
            Format::Csv => text.push_str(&csv_line(&row().cells())),
        }
    }
}
