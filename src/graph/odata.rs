//! OData literals, written one way for every caller: string literals for `$filter` clauses and
//! DateTimeOffset values for `$filter` clauses and request bodies.
//!
//! Percent-encoding for the URL happens later, when the query string is built.

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// Quotes `value` as an OData string literal: wrapped in `'`, with every `'` doubled.
///
/// Nothing else needs escaping inside an OData literal.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if c == '\'' {
            out.push('\'');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// Reads one quoted literal from the start of `input`; returns the decoded value and the rest of
/// the input after the closing quote, or `None` when `input` does not start with a complete literal.
/// The console reads back only what it wrote itself (a watch's assignee, for the mirror).
pub fn unquote_prefix(input: &str) -> Option<(String, &str)> {
    let body = input.strip_prefix('\'')?;
    let mut value = String::new();
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\'' {
            value.push(c);
            continue;
        }
        if let Some((_, '\'')) = chars.peek() {
            chars.next();
            value.push('\'');
            continue;
        }
        return Some((value, &body[i + 1..]));
    }
    None
}

/// A DateTimeOffset literal for `$filter` (unquoted, as Graph and the Defender API accept it):
/// UTC, whole seconds, e.g. `2026-11-24T08:00:00Z`. The fraction is dropped, so `ge` compares
/// from the start of the second.
pub fn datetime(at: OffsetDateTime) -> String {
    let utc = at.to_offset(UtcOffset::UTC);
    let whole = utc.replace_nanosecond(0).unwrap_or(utc);
    whole
        .format(&Rfc3339)
        .unwrap_or_else(|_| whole.unix_timestamp().to_string())
}

/// A DateTimeOffset property value for a request body (e.g. a subscription's
/// `expirationDateTime`): UTC, RFC 3339, with the fraction kept.
pub fn datetime_value(at: OffsetDateTime) -> String {
    at.to_offset(UtcOffset::UTC)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// Reads a DateTimeOffset as Graph sends it: RFC 3339 with any UTC offset and up to seven
/// fractional digits.
pub fn parse_datetime(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text.trim(), &Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use time::macros::datetime as at;

    use super::*;

    #[test]
    fn quotes_are_doubled() {
        assert_eq!(quote("O'Brien"), "'O''Brien'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("''"), "''''''");
    }

    #[test]
    fn unquote_reads_one_literal_and_returns_the_rest() {
        assert_eq!(
            unquote_prefix("'O''Brien') and x"),
            Some(("O'Brien".to_string(), ") and x"))
        );
        assert_eq!(unquote_prefix("''"), Some((String::new(), "")));
        assert_eq!(unquote_prefix("'open"), None);
        assert_eq!(unquote_prefix("open'"), None);
    }

    #[test]
    fn literals_round_trip() {
        for value in ["", "plain", "O'Brien", "''", "a'b'c ' ", "é'ü"] {
            assert_eq!(unquote_prefix(&quote(value)), Some((value.to_string(), "")));
        }
    }

    #[test]
    fn filter_times_are_utc_whole_seconds() {
        assert_eq!(
            datetime(at!(2026-11-24 12:30:15.5 UTC)),
            "2026-11-24T12:30:15Z"
        );
        assert_eq!(
            datetime(at!(2026-11-24 12:00:00.9999999 +1)),
            "2026-11-24T11:00:00Z"
        );
        assert_eq!(
            datetime(at!(2026-01-01 01:30 +02:30)),
            "2025-12-31T23:00:00Z"
        );
    }

    #[test]
    fn body_times_keep_the_fraction_in_utc() {
        assert_eq!(
            datetime_value(at!(2026-11-24 12:00:00.25 -05:00)),
            "2026-11-24T17:00:00.25Z"
        );
        assert_eq!(
            datetime_value(at!(2026-11-24 12:00 UTC)),
            "2026-11-24T12:00:00Z"
        );
    }

    #[test]
    fn graph_times_are_read_with_offsets_and_seven_fractional_digits() {
        assert_eq!(
            parse_datetime("2026-11-24T12:00:01.1234567Z"),
            Some(at!(2026-11-24 12:00:01.1234567 UTC))
        );
        assert_eq!(
            parse_datetime("2026-11-24T14:00:00+02:00"),
            Some(at!(2026-11-24 12:00 UTC))
        );
        for bad in ["", "2026-11-24", "yesterday", "2026-11-24T12:00:00"] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
    }

    #[test]
    fn times_round_trip() {
        let whole = at!(2026-11-24 12:30:15 UTC);
        assert_eq!(parse_datetime(&datetime(whole)), Some(whole));
        let fine = at!(2026-11-24 12:30:15.1234567 +03:00);
        assert_eq!(parse_datetime(&datetime_value(fine)), Some(fine));
        assert_eq!(
            parse_datetime(&datetime(fine)),
            Some(at!(2026-11-24 09:30:15 UTC))
        );
    }
}
