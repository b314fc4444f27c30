//! The query string of `GET /alerts` (and of the export routes): raw form values and their
//! validation into a page size and an [`AlertFilter`].
//!
//! Every field arrives as an optional string so that bad input becomes a readable message
//! rather than a deserializer error; empty values (an untouched form control) mean "any".

use serde::{Deserialize, Serialize};

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
}

/// A validated query: page size and filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidQuery {
    pub top: u32,
    pub filter: AlertFilter,
}

/// Everything wrong with a query, one readable message per field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", messages.join(" "))]
pub struct QueryError {
    pub messages: Vec<String>,
}

/// Collects messages while fields are checked.
#[derive(Default)]
struct Checker {
    messages: Vec<String>,
}

impl Checker {
    fn enumeration<T>(
        &mut self,
        value: &Option<String>,
        parse: fn(&str) -> Result<T, UnknownValue>,
    ) -> Option<T> {
        let raw = present(value)?;
        parse(raw)
            .map_err(|e| {
                self.messages
                    .push(format!("{}.", capitalize(&e.to_string())))
            })
            .ok()
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

    fn finish<T>(self, value: T) -> Result<T, QueryError> {
        if self.messages.is_empty() {
            Ok(value)
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
            status: check.enumeration(&self.status, LegacyStatus::parse),
            severity: check.enumeration(&self.severity, Severity::parse),
            provider: check.text("provider", &self.provider),
            category: check.text("category", &self.category),
            assigned_to: self.assigned_to(&mut check, me),
            fqdn: check.text("host FQDN", &self.fqdn),
            upn: check.text("user UPN", &self.upn),
            modified_since: None,
        };
        check.finish(ValidQuery {
            top,
            filter: AlertFilter::Legacy(filter),
        })
    }

    /// Validates the fields for alerts_v2; `me` is the signed-in user's UPN.
    pub fn validate_v2(&self, me: &str) -> Result<ValidQuery, QueryError> {
        let mut check = Checker::default();
        let top = self.top(&mut check);
        check.not_for("provider", &self.provider, "v2");
        check.not_for("category", &self.category, "v2");
        let filter = V2Filter {
            status: check.enumeration(&self.status, AlertStatus::parse),
            severity: check.enumeration(&self.severity, Severity::parse),
            service_source: check.enumeration(&self.service_source, ServiceSource::parse),
            classification: check.enumeration(&self.classification, Classification::parse),
            determination: check.enumeration(&self.determination, Determination::parse),
            assigned_to: self.assigned_to(&mut check, me),
            fqdn: check.text("host FQDN", &self.fqdn),
            upn: check.text("user UPN", &self.upn),
            updated_since: None,
        };
        check.finish(ValidQuery {
            top,
            filter: AlertFilter::V2(filter),
        })
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
        ]
        .into_iter()
        .filter(|v| present(v).is_some())
        .count()
            + usize::from(self.assigned_to_me())
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
