//! The query string of `GET /alerts` (and of the export routes): raw form values and their
//! validation into a page size and an [`AlertFilter`].
//!
//! Every field arrives as an optional string so that bad input becomes a readable message
//! rather than a deserializer error; empty values (an untouched form control) mean "any".
//! Enumerated filters may hold several comma-separated values (see [`pairs`]); one value goes
//! into the typed filter, several become one `or` group, and the time range adds its bounds.

mod mirror;
mod pairs;
pub mod range;

pub use pairs::MULTI_VALUE_FIELDS;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use range::CreatedRange;

use super::filter::{
    AlertFilter, AlertStatus, Classification, Determination, LegacyFilter, LegacyStatus,
    ServiceSource, Severity, UnknownValue, V2Filter,
};

/// The page sizes the form offers.
pub const TOP_CHOICES: [u32; 6] = [1, 5, 10, 20, 50, 100];
/// The page size when none is given (and none is remembered for the session).
pub const DEFAULT_TOP: u32 = 20;
/// The longest free-text filter value accepted (FQDN, UPN, provider, category).
pub const MAX_TEXT_LEN: usize = 256;

/// Raw filter fields, exactly as the form sends them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct AlertQuery {
    pub top: Option<String>,
    pub provider: Option<String>,
    pub service_source: Option<String>,
    pub category: Option<String>,
    pub status: Option<String>,
    pub severity: Option<String>,
    pub classification: Option<String>,
    pub determination: Option<String>,
    pub assigned_to_me: Option<String>,
    pub fqdn: Option<String>,
    pub upn: Option<String>,
    /// A recent period on `createdDateTime`: `24h`, `7d` or `30d`.
    pub created: Option<String>,
    /// Whole UTC days on `createdDateTime`, `YYYY-MM-DD`, both included.
    pub created_from: Option<String>,
    pub created_to: Option<String>,
    /// Only alerts no one is assigned to (`assignedTo eq null`).
    pub unassigned: Option<String>,
    /// Words to search for (the mirror only: Graph has no search).
    pub q: Option<String>,
}

/// A validated query: page size and filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidQuery {
    pub top: u32,
    pub filter: AlertFilter,
    /// Clauses beyond the typed filter: `or` groups of several values, the time range.
    pub extra: Vec<String>,
}

impl ValidQuery {
    /// The whole `$filter`: the typed filter's clauses, then the extra ones.
    pub fn odata_filter(&self) -> Option<String> {
        let mut clauses: Vec<String> = self.filter.to_odata().into_iter().collect();
        clauses.extend(self.extra.iter().cloned());
        (!clauses.is_empty()).then(|| clauses.join(" and "))
    }
}

/// Everything wrong with a query, one readable message per field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", messages.join(" "))]
pub struct QueryError {
    pub messages: Vec<String>,
}

/// Collects messages (and extra clauses) while fields are checked.
#[derive(Default)]
struct Checker {
    messages: Vec<String>,
    extra: Vec<String>,
}

impl Checker {
    /// One value goes to the typed filter; several become one `or` group on `path`.
    fn enumeration<T: Copy + PartialEq>(
        &mut self,
        path: &str,
        value: &Option<String>,
        parse: fn(&str) -> Result<T, UnknownValue>,
        as_str: fn(T) -> &'static str,
    ) -> Option<T> {
        let raw = present(value)?;
        let mut values: Vec<T> = Vec::new();
        for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match parse(part) {
                Ok(v) if !values.contains(&v) => values.push(v),
                Ok(_) => {}
                Err(e) => self
                    .messages
                    .push(format!("{}.", capitalize(&e.to_string()))),
            }
        }
        match values.as_slice() {
            [one] => Some(*one),
            [] => None,
            several => {
                let alternatives: Vec<String> = several
                    .iter()
                    .map(|v| format!("{path} eq {}", super::filter::quote(as_str(*v))))
                    .collect();
                self.extra.push(format!("({})", alternatives.join(" or ")));
                None
            }
        }
    }

    fn unassigned(&mut self, query: &AlertQuery) {
        let Some(raw) = present(&query.unassigned) else {
            return;
        };
        match raw.to_ascii_lowercase().as_str() {
            "on" | "true" | "1" | "yes" if query.assigned_to_me() => self
                .messages
                .push("Choose either assigned to me or unassigned, not both.".to_string()),
            "on" | "true" | "1" | "yes" => self.extra.push("assignedTo eq null".to_string()),
            "off" | "false" | "0" | "no" => {}
            _ => self
                .messages
                .push("Unassigned must be on or off.".to_string()),
        }
    }

    fn range(&mut self, query: &AlertQuery, now: OffsetDateTime) {
        match CreatedRange::parse(
            present(&query.created),
            present(&query.created_from),
            present(&query.created_to),
            now,
        ) {
            Ok(Some(range)) => self.extra.extend(range.clauses()),
            Ok(None) => {}
            Err(message) => self.messages.push(message),
        }
    }

    fn text(&mut self, field: &str, value: &Option<String>) -> Option<String> {
        let raw = present(value)?;
        if raw.chars().count() > MAX_TEXT_LEN {
            self.messages.push(format!(
                "The {field} filter is longer than {MAX_TEXT_LEN} characters."
            ));
            return None;
        }
        if raw.chars().any(char::is_control) {
            self.messages
                .push(format!("The {field} filter contains control characters."));
            return None;
        }
        Some(raw.to_string())
    }

    fn not_for(&mut self, field: &str, value: &Option<String>, api: &str) {
        if present(value).is_some() {
            self.messages.push(format!(
                "The {field} filter is not available on the {api} alerts API."
            ));
        }
    }

    /// Graph cannot search a list: words to search for need the mirror.
    fn no_search(&mut self, query: &AlertQuery) {
        if query.search().is_some() {
            self.messages.push(
                "Search reads graphsec's own copy of your tenant's alerts, which is not ready \
                 for your tenant (see the Sync page); Microsoft Graph cannot search a list."
                    .to_string(),
            );
        }
    }

    fn finish(self, top: u32, filter: AlertFilter) -> Result<ValidQuery, QueryError> {
        if self.messages.is_empty() {
            Ok(ValidQuery {
                top,
                filter,
                extra: self.extra,
            })
        } else {
            Err(QueryError {
                messages: self.messages,
            })
        }
    }
}

impl AlertQuery {
    /// Validates the fields for the legacy API; `me` is the signed-in user's UPN.
    pub fn validate_legacy(&self, me: &str) -> Result<ValidQuery, QueryError> {
        let mut check = Checker::default();
        let top = self.top(&mut check);
        check.not_for("service source", &self.service_source, "legacy");
        check.not_for("classification", &self.classification, "legacy");
        check.not_for("determination", &self.determination, "legacy");
        let filter = LegacyFilter {
            status: check.enumeration(
                "status",
                &self.status,
                LegacyStatus::parse,
                LegacyStatus::as_str,
            ),
            severity: check.enumeration(
                "severity",
                &self.severity,
                Severity::parse,
                Severity::as_str,
            ),
            provider: check.text("provider", &self.provider),
            category: check.text("category", &self.category),
            assigned_to: self.assigned_to(&mut check, me),
            fqdn: check.text("host FQDN", &self.fqdn),
            upn: check.text("user UPN", &self.upn),
            modified_since: None,
        };
        check.unassigned(self);
        check.range(self, OffsetDateTime::now_utc());
        check.no_search(self);
        check.finish(top, AlertFilter::Legacy(filter))
    }

    /// Validates the fields for alerts_v2; `me` is the signed-in user's UPN.
    pub fn validate_v2(&self, me: &str) -> Result<ValidQuery, QueryError> {
        let mut check = Checker::default();
        let top = self.top(&mut check);
        check.not_for("provider", &self.provider, "v2");
        check.not_for("category", &self.category, "v2");
        let filter = V2Filter {
            status: check.enumeration(
                "status",
                &self.status,
                AlertStatus::parse,
                AlertStatus::as_str,
            ),
            severity: check.enumeration(
                "severity",
                &self.severity,
                Severity::parse,
                Severity::as_str,
            ),
            service_source: check.enumeration(
                "serviceSource",
                &self.service_source,
                ServiceSource::parse,
                ServiceSource::as_str,
            ),
            classification: check.enumeration(
                "classification",
                &self.classification,
                Classification::parse,
                Classification::as_str,
            ),
            determination: check.enumeration(
                "determination",
                &self.determination,
                Determination::parse,
                Determination::as_str,
            ),
            assigned_to: self.assigned_to(&mut check, me),
            fqdn: check.text("host FQDN", &self.fqdn),
            upn: check.text("user UPN", &self.upn),
            updated_since: None,
        };
        check.unassigned(self);
        check.range(self, OffsetDateTime::now_utc());
        check.no_search(self);
        check.finish(top, AlertFilter::V2(filter))
    }

    /// The page size, checked against [`TOP_CHOICES`].
    fn top(&self, check: &mut Checker) -> u32 {
        let Some(raw) = present(&self.top) else {
            return DEFAULT_TOP;
        };
        match raw.parse::<u32>() {
            Ok(n) if TOP_CHOICES.contains(&n) => n,
            _ => {
                check
                    .messages
                    .push("Show must be one of 1, 5, 10, 20, 50 or 100.".to_string());
                DEFAULT_TOP
            }
        }
    }

    /// Whether "assigned to me" is ticked.
    pub fn assigned_to_me(&self) -> bool {
        present(&self.assigned_to_me)
            .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "on" | "true" | "1" | "yes"))
    }

    fn assigned_to(&self, check: &mut Checker, me: &str) -> Option<String> {
        if let Some(raw) = present(&self.assigned_to_me) {
            let known = ["on", "true", "1", "yes", "off", "false", "0", "no"];
            if !known.contains(&raw.to_ascii_lowercase().as_str()) {
                check
                    .messages
                    .push("Assigned to me must be on or off.".to_string());
            }
        }
        self.assigned_to_me().then(|| me.to_string())
    }

    /// Whether any filter field (not counting `top`) is set.
    pub fn has_filters(&self) -> bool {
        self.filter_count() > 0
    }

    /// How many filter fields (not counting `top`) are set.
    pub fn filter_count(&self) -> usize {
        [
            &self.provider,
            &self.service_source,
            &self.category,
            &self.status,
            &self.severity,
            &self.classification,
            &self.determination,
            &self.fqdn,
            &self.upn,
            &self.created,
            &self.created_from,
            &self.created_to,
        ]
        .into_iter()
        .filter(|v| present(v).is_some())
        .count()
            + usize::from(self.assigned_to_me())
            + usize::from(self.unassigned_only())
    }

    /// The search words, when any.
    pub fn search(&self) -> Option<&str> {
        present(&self.q)
    }

    /// Whether "unassigned" is ticked.
    pub fn unassigned_only(&self) -> bool {
        present(&self.unassigned)
            .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "on" | "true" | "1" | "yes"))
    }
}

/// The trimmed value, or `None` when missing or blank.
fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests;
