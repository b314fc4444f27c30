//! The audit page's filters (query string `who`, `resource`, `outcome`, `from`, `to`, `page`),
//! checked into an [`AuditFilter`] with one readable message per bad field.

use serde::Deserialize;
use time::OffsetDateTime;

use crate::calendar::{self, DayError};

/// The longest text filter accepted.
const MAX_TEXT: usize = 200;
/// The highest page number accepted.
const MAX_PAGE: u32 = 10_000;

/// Raw query-string fields; empty means "any".
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct AuditQuery {
    pub who: String,
    pub resource: String,
    pub outcome: String,
    pub from: String,
    pub to: String,
    pub page: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    Failed,
}

/// Checked filters. Text filters match anywhere in the field, ignoring case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// The actor's name or object id.
    pub who: Option<String>,
    /// The resource type or id.
    pub resource: Option<String>,
    pub outcome: Option<Outcome>,
    /// From the start of this day (UTC).
    pub from: Option<OffsetDateTime>,
    /// Before the end of this day (UTC).
    pub until: Option<OffsetDateTime>,
}

/// Everything wrong with the filters: (field, message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .problems.iter().map(|(_, m)| m.as_str()).collect::<Vec<_>>().join(" "))]
pub struct FilterError {
    pub problems: Vec<(&'static str, String)>,
}

impl AuditFilter {
    /// Whether `record` passes: text filters are case-insensitive "contains", dates are UTC
    /// days. The SQLite store says the same in SQL; backends without a query language use this.
    pub fn matches(&self, record: &super::AuditRecord) -> bool {
        let contains =
            |haystack: &str, needle: &str| haystack.to_lowercase().contains(&needle.to_lowercase());
        self.who
            .as_deref()
            .is_none_or(|who| contains(&record.actor.name, who) || contains(&record.actor.oid, who))
            && self.resource.as_deref().is_none_or(|resource| {
                contains(&record.resource_type, resource) || contains(&record.resource_id, resource)
            })
            && self.outcome.is_none_or(|outcome| match outcome {
                Outcome::Succeeded => record.succeeded(),
                Outcome::Failed => !record.succeeded(),
            })
            && self.from.is_none_or(|from| record.at >= from)
            && self.until.is_none_or(|until| record.at < until)
    }
}

impl AuditQuery {
    /// The filter and the 1-based page number.
    pub fn validate(&self) -> Result<(AuditFilter, u32), FilterError> {
        let mut problems = Vec::new();
        let mut text = |field: &'static str, value: &str| {
            let value = value.trim();
            if value.chars().count() > MAX_TEXT {
                problems.push((field, format!("Keep {field} under {MAX_TEXT} characters.")));
                return None;
            }
            (!value.is_empty()).then(|| value.to_string())
        };
        let who = text("who", &self.who);
        let resource = text("resource", &self.resource);
        let outcome = match self.outcome.trim() {
            "" => None,
            "succeeded" => Some(Outcome::Succeeded),
            "failed" => Some(Outcome::Failed),
            _ => {
                problems.push(("outcome", "Outcome must be succeeded or failed.".into()));
                None
            }
        };
        let from = day(&self.from, "from", calendar::start_of, &mut problems);
        let until = day(&self.to, "to", calendar::end_of, &mut problems);
        if let (Some(from), Some(until)) = (from, until)
            && from >= until
        {
            problems.push(("to", "The from date must not be after the to date.".into()));
        }
        let page = match self.page.trim() {
            "" => 1,
            raw => match raw.parse::<u32>() {
                Ok(n) if (1..=MAX_PAGE).contains(&n) => n,
                _ => {
                    problems.push((
                        "page",
                        format!("Page must be a number from 1 to {MAX_PAGE}."),
                    ));
                    1
                }
            },
        };
        if !problems.is_empty() {
            return Err(FilterError { problems });
        }
        let filter = AuditFilter {
            who,
            resource,
            outcome,
            from,
            until,
        };
        Ok((filter, page))
    }
}

/// The start or end (`bound`) of the day typed in `field`, if any.
fn day(
    raw: &str,
    field: &'static str,
    bound: fn(&str) -> Result<OffsetDateTime, DayError>,
    problems: &mut Vec<(&'static str, String)>,
) -> Option<OffsetDateTime> {
    if raw.trim().is_empty() {
        return None;
    }
    bound(raw)
        .map_err(|error| problems.push((field, error.sentence(field))))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> AuditQuery {
        let text = serde_urlencoded::to_string(pairs).unwrap();
        serde_urlencoded::from_str(&text).unwrap()
    }

    #[test]
    fn empty_fields_filter_nothing() {
        let (filter, page) = query(&[("who", " "), ("page", "")]).validate().unwrap();
        assert_eq!(filter, AuditFilter::default());
        assert_eq!(page, 1);
    }

    #[test]
    fn dates_cover_whole_days_and_outcomes_are_words() {
        let (filter, page) = query(&[
            ("from", "2026-11-01"),
            ("to", "2026-11-01"),
            ("outcome", "failed"),
            ("page", "3"),
        ])
        .validate()
        .unwrap();
        assert_eq!(
            filter.until.unwrap() - filter.from.unwrap(),
            time::Duration::days(1)
        );
        assert_eq!(filter.outcome, Some(Outcome::Failed));
        assert_eq!(page, 3);
    }

    #[test]
    fn every_bad_field_gets_its_own_message() {
        let err = query(&[("from", "yesterday"), ("outcome", "maybe"), ("page", "0")])
            .validate()
            .unwrap_err();
        let fields: Vec<&str> = err.problems.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["outcome", "from", "page"]);
        let err = query(&[("to", "9999-12-31")]).validate().unwrap_err();
        assert!(err.to_string().contains("between"), "{err}");
    }
}
