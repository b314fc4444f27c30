//! The `--since` cutoff: a look-back such as `48h` or `7d`, or an RFC 3339 time.

use time::{Duration, OffsetDateTime, UtcOffset};

use super::AppOnlyError;
use crate::graph::odata;

/// Look-backs longer than this are surely typos (the services keep far less history).
const MAX_DAYS: i64 = 3650;

/// Resolves `input` against `now` into a UTC cutoff, whole seconds.
pub fn parse_since(input: &str, now: OffsetDateTime) -> Result<OffsetDateTime, AppOnlyError> {
    let input = input.trim();
    let cutoff = match parse_lookback(input) {
        Some(lookback) => now - lookback?,
        None => odata::parse_datetime(input).ok_or_else(|| not_understood(input))?,
    };
    if cutoff > now {
        return Err(AppOnlyError::BadSince(format!(
            "--since {input:?} is in the future; give a past time or a look-back such as 48h"
        )));
    }
    Ok(cutoff
        .to_offset(UtcOffset::UTC)
        .replace_nanosecond(0)
        .expect("zero nanoseconds are valid"))
}

/// `Some` when `input` looks like `<digits><unit>`; the inner result says whether it is valid.
fn parse_lookback(input: &str) -> Option<Result<Duration, AppOnlyError>> {
    let unit = input.chars().last()?;
    let digits = &input[..input.len() - unit.len_utf8()];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours_per_unit = match unit {
        'h' | 'H' => 1,
        'd' | 'D' => 24,
        _ => return None,
    };
    let too_long = || {
        AppOnlyError::BadSince(format!(
            "--since {input:?} reaches back more than {MAX_DAYS} days"
        ))
    };
    let Ok(count) = digits.parse::<i64>() else {
        return Some(Err(too_long()));
    };
    let hours = count.saturating_mul(hours_per_unit);
    if hours > MAX_DAYS * 24 {
        return Some(Err(too_long()));
    }
    Some(Ok(Duration::hours(hours)))
}

fn not_understood(input: &str) -> AppOnlyError {
    AppOnlyError::BadSince(format!(
        "--since {input:?} is not understood: use a look-back such as 48h or 7d, \
         or an RFC 3339 time such as 2026-11-01T00:00:00Z"
    ))
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const NOW: OffsetDateTime = datetime!(2026-11-24 12:30:15.5 UTC);

    #[test]
    fn hours_and_days_count_back_from_now() {
        assert_eq!(
            parse_since("48h", NOW).unwrap(),
            datetime!(2026-11-22 12:30:15 UTC)
        );
        assert_eq!(
            parse_since("7d", NOW).unwrap(),
            datetime!(2026-11-17 12:30:15 UTC)
        );
        assert_eq!(
            parse_since(" 0h ", NOW).unwrap(),
            datetime!(2026-11-24 12:30:15 UTC)
        );
    }

    #[test]
    fn rfc3339_times_are_taken_as_given_in_utc() {
        assert_eq!(
            parse_since("2026-11-01T02:00:00+02:00", NOW).unwrap(),
            datetime!(2026-11-01 00:00:00 UTC)
        );
        assert_eq!(
            odata::datetime(parse_since("2026-11-01T00:00:00.75Z", NOW).unwrap()),
            "2026-11-01T00:00:00Z"
        );
    }

    #[test]
    fn bad_values_get_a_message_with_examples() {
        for bad in [
            "",
            "h",
            "48",
            "48x",
            "-2d",
            "1.5d",
            "yesterday",
            "2026-11-01",
            "4８h",
        ] {
            let err = parse_since(bad, NOW).unwrap_err().to_string();
            assert!(err.contains("48h or 7d"), "{bad}: {err}");
        }
    }

    #[test]
    fn future_and_absurd_cutoffs_are_refused() {
        let err = parse_since("2030-01-01T00:00:00Z", NOW)
            .unwrap_err()
            .to_string();
        assert!(err.contains("in the future"), "{err}");
        for huge in ["3651d", "99999999999999999999999h"] {
            let err = parse_since(huge, NOW).unwrap_err().to_string();
            assert!(err.contains("more than 3650 days"), "{err}");
        }
    }

    #[test]
    fn the_cutoff_is_written_in_utc_whole_seconds() {
        assert_eq!(odata::datetime(NOW), "2026-11-24T12:30:15Z");
    }
}
