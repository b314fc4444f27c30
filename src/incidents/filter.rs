//! The incidents list's filters (query parameters, so a view can be bookmarked) and the OData
//! `$filter` they become, on the properties Graph filters incidents by.

use serde::Deserialize;
use time::{Duration, OffsetDateTime};

use crate::alerts::filter::{Classification, Determination, IncidentStatus, Severity};
use crate::graph::odata::{datetime, quote};
use crate::sync::selection::Selection;

/// The page size, and the furthest `$skip` accepted.
pub const PAGE_SIZE: u32 = 20;
pub const MAX_SKIP: u32 = 100_000;

/// "Since" choices: query value, label, length.
pub const SINCE_CHOICES: [(&str, &str, i64); 3] = [
    ("24h", "Last 24 hours", 24),
    ("7d", "Last 7 days", 24 * 7),
    ("30d", "Last 30 days", 24 * 30),
];

/// Raw query parameters; empty means "any".
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct IncidentQuery {
    pub status: Option<String>,
    pub severity: Option<String>,
    pub classification: Option<String>,
    pub determination: Option<String>,
    pub assigned_to_me: Option<String>,
    pub created_since: Option<String>,
    pub updated_since: Option<String>,
    pub skip: Option<String>,
    /// Words to search for (the mirror only).
    pub q: Option<String>,
    /// With the mirror: the page after or before a row's key (`value.seq`).
    pub after: Option<String>,
    pub before: Option<String>,
}

/// A checked filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncidentFilter {
    pub status: Option<IncidentStatus>,
    pub severity: Option<Severity>,
    pub classification: Option<Classification>,
    pub determination: Option<Determination>,
    pub assigned_to_me: bool,
    /// Hours back, from [`SINCE_CHOICES`].
    pub created_since: Option<(&'static str, i64)>,
    pub updated_since: Option<(&'static str, i64)>,
    pub skip: u32,
}

fn filled(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn since(field: &str, value: &Option<String>) -> Result<Option<(&'static str, i64)>, String> {
    let Some(value) = filled(value) else {
        return Ok(None);
    };
    SINCE_CHOICES
        .iter()
        .find(|(v, _, _)| *v == value)
        .map(|(v, _, hours)| Some((*v, *hours)))
        .ok_or_else(|| format!("{field} must be one of 24h, 7d or 30d."))
}

impl IncidentQuery {
    /// Checks every parameter; the message names the first that is wrong.
    pub fn parse(&self) -> Result<IncidentFilter, String> {
        let wrong = |e: crate::alerts::filter::UnknownValue| format!("{e}.");
        let skip = match filled(&self.skip) {
            None => 0,
            Some(text) => text
                .parse::<u32>()
                .ok()
                .filter(|s| *s <= MAX_SKIP)
                .ok_or_else(|| format!("The page offset must be a number up to {MAX_SKIP}."))?,
        };
        Ok(IncidentFilter {
            status: filled(&self.status)
                .map(IncidentStatus::parse)
                .transpose()
                .map_err(wrong)?,
            severity: filled(&self.severity)
                .map(Severity::parse)
                .transpose()
                .map_err(wrong)?,
            classification: filled(&self.classification)
                .map(Classification::parse)
                .transpose()
                .map_err(wrong)?,
            determination: filled(&self.determination)
                .map(Determination::parse)
                .transpose()
                .map_err(wrong)?,
            assigned_to_me: filled(&self.assigned_to_me).is_some_and(|v| v != "0"),
            created_since: since("Created since", &self.created_since)?,
            updated_since: since("Updated since", &self.updated_since)?,
            skip,
        })
    }
}

impl IncidentFilter {
    /// The mirror's selection for this filter and the search words `q`.
    pub fn selection(&self, me: &str, q: Option<&str>, now: OffsetDateTime) -> Selection {
        let list = |value: Option<&'static str>| value.map(str::to_string).into_iter().collect();
        let since = |since: Option<(&str, i64)>| {
            since.map(|(_, hours)| {
                ((now - Duration::hours(hours)).unix_timestamp_nanos() / 1_000_000) as i64
            })
        };
        Selection {
            statuses: list(self.status.map(IncidentStatus::as_str)),
            severities: list(self.severity.map(Severity::as_str)),
            classifications: list(self.classification.map(Classification::as_str)),
            determinations: list(self.determination.map(Determination::as_str)),
            assigned_to: self.assigned_to_me.then(|| me.to_string()),
            created_from_ms: since(self.created_since),
            updated_from_ms: since(self.updated_since),
            search: q
                .map(str::trim)
                .filter(|q| !q.is_empty())
                .map(str::to_string),
            ..Selection::default()
        }
    }

    /// The `$filter` (clauses joined with `and`), or `None` for no filter.
    pub fn odata(&self, me: &str, now: OffsetDateTime) -> Option<String> {
        let mut clauses = Vec::new();
        let mut eq = |property: &str, value: Option<&str>| {
            if let Some(value) = value {
                clauses.push(format!("{property} eq {}", quote(value)));
            }
        };
        eq("status", self.status.map(IncidentStatus::as_str));
        eq("severity", self.severity.map(Severity::as_str));
        eq(
            "classification",
            self.classification.map(Classification::as_str),
        );
        eq(
            "determination",
            self.determination.map(Determination::as_str),
        );
        eq("assignedTo", self.assigned_to_me.then_some(me));
        for (property, since) in [
            ("createdDateTime", self.created_since),
            ("lastUpdateDateTime", self.updated_since),
        ] {
            if let Some((_, hours)) = since {
                clauses.push(format!(
                    "{property} ge {}",
                    datetime(now - Duration::hours(hours))
                ));
            }
        }
        (!clauses.is_empty()).then(|| clauses.join(" and "))
    }

    /// The filter as query parameters (form spellings), without the page offset.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        let mut add = |name: &'static str, value: Option<String>| {
            if let Some(value) = value {
                pairs.push((name, value));
            }
        };
        add("status", self.status.map(IncidentStatus::form_value));
        add("severity", self.severity.map(Severity::form_value));
        add(
            "classification",
            self.classification.map(Classification::form_value),
        );
        add(
            "determination",
            self.determination.map(Determination::form_value),
        );
        add(
            "assigned_to_me",
            self.assigned_to_me.then(|| "on".to_string()),
        );
        add(
            "created_since",
            self.created_since.map(|(v, _)| v.to_string()),
        );
        add(
            "updated_since",
            self.updated_since.map(|(v, _)| v.to_string()),
        );
        pairs
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn every_filter_becomes_one_clause() {
        let query = IncidentQuery {
            status: Some("awaiting_action".into()),
            severity: Some("high".into()),
            classification: Some("true_positive".into()),
            determination: Some("malware".into()),
            assigned_to_me: Some("on".into()),
            created_since: Some("7d".into()),
            updated_since: Some("24h".into()),
            skip: Some("40".into()),
            ..IncidentQuery::default()
        };
        let filter = query.parse().unwrap();
        assert_eq!(filter.skip, 40);
        let odata = filter
            .odata("o'brien@contoso.example", datetime!(2026-11-24 12:00 UTC))
            .unwrap();
        assert_eq!(
            odata,
            "status eq 'awaitingAction' and severity eq 'high' and classification eq \
             'truePositive' and determination eq 'malware' and assignedTo eq \
             'o''brien@contoso.example' and createdDateTime ge 2026-11-17T12:00:00Z and \
             lastUpdateDateTime ge 2026-11-23T12:00:00Z"
        );
        assert_eq!(filter.pairs().len(), 7);
        assert_eq!(
            IncidentQuery::default()
                .parse()
                .unwrap()
                .odata("me", datetime!(2026-11-24 12:00 UTC)),
            None
        );
    }

    #[test]
    fn bad_values_are_refused_readably() {
        for (query, says) in [
            (
                IncidentQuery {
                    severity: Some("critical".into()),
                    ..IncidentQuery::default()
                },
                "is not a valid severity",
            ),
            (
                IncidentQuery {
                    created_since: Some("1y".into()),
                    ..IncidentQuery::default()
                },
                "Created since must be one of",
            ),
            (
                IncidentQuery {
                    skip: Some("-1".into()),
                    ..IncidentQuery::default()
                },
                "page offset",
            ),
        ] {
            let err = query.parse().unwrap_err();
            assert!(err.contains(says), "{err}");
        }
    }
}
