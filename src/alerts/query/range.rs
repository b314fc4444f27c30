//! The time range of a view on `createdDateTime`: the last 24 hours, 7 or 30 days, or from one
//! day to another (whole UTC days, both included).

use time::{Duration, OffsetDateTime};

use crate::calendar;
use crate::graph::odata;

/// The relative ranges the form offers: query value and label.
pub const RELATIVE: [(&str, &str); 3] = [
    ("24h", "Last 24 hours"),
    ("7d", "Last 7 days"),
    ("30d", "Last 30 days"),
];

/// `createdDateTime` bounds: `ge` from, `lt` until.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreatedRange {
    pub from: Option<OffsetDateTime>,
    pub until: Option<OffsetDateTime>,
}

impl CreatedRange {
    /// Reads the three fields; `Ok(None)` when none is set.
    pub fn parse(
        relative: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<Option<Self>, String> {
        if let Some(relative) = relative {
            if from.is_some() || to.is_some() {
                return Err(
                    "Choose either a recent period or dates from and to, not both.".to_string(),
                );
            }
            let span = match relative {
                "24h" => Duration::hours(24),
                "7d" => Duration::days(7),
                "30d" => Duration::days(30),
                other => {
                    let shown: String = other.chars().take(20).collect();
                    return Err(format!(
                        "'{shown}' is not a period this page offers; choose the last 24 hours, 7 days or 30 days."
                    ));
                }
            };
            return Ok(Some(Self {
                from: Some(now - span),
                until: None,
            }));
        }
        let from = from
            .map(|f| calendar::start_of(f).map_err(|e| e.sentence("from")))
            .transpose()?;
        let until = to
            .map(|t| calendar::end_of(t).map_err(|e| e.sentence("to")))
            .transpose()?;
        if let (Some(from), Some(until)) = (from, until)
            && from >= until
        {
            return Err("The from date must not be after the to date.".to_string());
        }
        Ok((from.is_some() || until.is_some()).then_some(Self { from, until }))
    }

    /// The OData clauses on `createdDateTime`.
    pub fn clauses(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(from) = self.from {
            out.push(format!("createdDateTime ge {}", odata::datetime(from)));
        }
        if let Some(until) = self.until {
            out.push(format!("createdDateTime lt {}", odata::datetime(until)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const NOW: OffsetDateTime = datetime!(2026-11-24 13:30:00 UTC);

    #[test]
    fn relative_ranges_count_back_from_now() {
        let range = CreatedRange::parse(Some("24h"), None, None, NOW)
            .unwrap()
            .unwrap();
        assert_eq!(range.clauses(), ["createdDateTime ge 2026-11-23T13:30:00Z"]);
        let range = CreatedRange::parse(Some("7d"), None, None, NOW)
            .unwrap()
            .unwrap();
        assert_eq!(range.clauses(), ["createdDateTime ge 2026-11-17T13:30:00Z"]);
    }

    #[test]
    fn dates_cover_whole_days() {
        let range = CreatedRange::parse(None, Some("2026-11-01"), Some("2026-11-03"), NOW)
            .unwrap()
            .unwrap();
        assert_eq!(
            range.clauses(),
            [
                "createdDateTime ge 2026-11-01T00:00:00Z",
                "createdDateTime lt 2026-11-04T00:00:00Z"
            ]
        );
        assert_eq!(CreatedRange::parse(None, None, None, NOW), Ok(None));
    }

    #[test]
    fn bad_ranges_are_refused_readably() {
        for (relative, from, to, needle) in [
            (Some("1y"), None, None, "not a period"),
            (Some("24h"), Some("2026-11-01"), None, "not both"),
            (None, Some("yesterday"), None, "from date"),
            (None, Some("2026-11-05"), Some("2026-11-01"), "not be after"),
            (
                None,
                None,
                Some("9999-12-31"),
                "between 1970-01-01 and 2999-12-31",
            ),
        ] {
            let err = CreatedRange::parse(relative, from, to, NOW).unwrap_err();
            assert!(err.contains(needle), "{err}");
        }
    }
}
