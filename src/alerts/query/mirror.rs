//! The same query string read for the mirror: every filter of the alerts_v2 form, the host and
//! user filters as parts of names (not evidence filters sent to Graph), and the search words.

use time::OffsetDateTime;

use super::range::CreatedRange;
use super::{AlertQuery, QueryError, present};
use crate::alerts::filter::{
    AlertStatus, Classification, Determination, ServiceSource, Severity, UnknownValue,
};
use crate::sync::selection::Selection;

/// Graph's spellings of the values of one enumerated field.
fn spellings<T>(
    value: &Option<String>,
    parse: fn(&str) -> Result<T, UnknownValue>,
    as_str: fn(T) -> &'static str,
) -> Vec<String> {
    let Some(raw) = present(value) else {
        return Vec::new();
    };
    let mut out: Vec<String> = raw
        .split(',')
        .filter_map(|part| parse(part.trim()).ok())
        .map(|v| as_str(v).to_string())
        .collect();
    out.dedup();
    out
}

fn millis(at: OffsetDateTime) -> i64 {
    (at.unix_timestamp_nanos() / 1_000_000) as i64
}

impl AlertQuery {
    /// The page size and the mirror's selection; the same messages as [`Self::validate_v2`]
    /// for bad values. `me` is the signed-in user's UPN.
    pub fn to_selection(&self, me: &str) -> Result<(u32, Selection), QueryError> {
        let live = AlertQuery {
            q: None,
            ..self.clone()
        };
        let valid = live.validate_v2(me)?;
        let statuses = spellings(&self.status, AlertStatus::parse, AlertStatus::as_str);
        let range = CreatedRange::parse(
            present(&self.created),
            present(&self.created_from),
            present(&self.created_to),
            OffsetDateTime::now_utc(),
        )
        .map_err(|message| QueryError {
            messages: vec![message],
        })?;
        let selection = Selection {
            statuses,
            severities: spellings(&self.severity, Severity::parse, Severity::as_str),
            service_sources: spellings(
                &self.service_source,
                ServiceSource::parse,
                ServiceSource::as_str,
            ),
            classifications: spellings(
                &self.classification,
                Classification::parse,
                Classification::as_str,
            ),
            determinations: spellings(
                &self.determination,
                Determination::parse,
                Determination::as_str,
            ),
            assigned_to: self.assigned_to_me().then(|| me.to_string()),
            unassigned: self.unassigned_only(),
            created_from_ms: range.and_then(|r| r.from).map(millis),
            created_until_ms: range.and_then(|r| r.until).map(millis),
            updated_from_ms: None,
            host: present(&self.fqdn).map(str::to_string),
            user: present(&self.upn).map(str::to_string),
            search: self.search().map(str::to_string),
        };
        crate::sync::selection::search_terms(&selection).map_err(|message| QueryError {
            messages: vec![message],
        })?;
        Ok((valid.top, selection))
    }
}
