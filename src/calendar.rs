//! A whole UTC day typed into a filter (`2026-11-24`). Only days from [`FIRST_DAY`] to
//! [`LAST_DAY`] are read: the day after any of them exists (a filter "to" a day ends where the
//! next one starts), and every store and Microsoft Graph can hold it.

use time::macros::{date, format_description};
use time::{Date, Duration, OffsetDateTime, Time};

/// The earliest day a filter may name.
pub const FIRST_DAY: Date = date!(1970 - 01 - 01);
/// The latest day a filter may name.
pub const LAST_DAY: Date = date!(2999 - 12 - 31);

/// Why a typed day was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayError {
    /// Not a date written `YYYY-MM-DD`.
    NotADate,
    /// A date, but before [`FIRST_DAY`] or after [`LAST_DAY`].
    OutOfRange,
}

impl DayError {
    /// A sentence about the `which` date ("from", "to") of a filter.
    pub fn sentence(self, which: &str) -> String {
        match self {
            Self::NotADate => format!("The {which} date must be a date such as 2026-11-24."),
            Self::OutOfRange => {
                format!("The {which} date must be between {FIRST_DAY} and {LAST_DAY}.")
            }
        }
    }
}

/// The start (midnight UTC) of the day written in `raw`.
pub fn start_of(raw: &str) -> Result<OffsetDateTime, DayError> {
    let day = Date::parse(raw.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| DayError::NotADate)?;
    if !(FIRST_DAY..=LAST_DAY).contains(&day) {
        return Err(DayError::OutOfRange);
    }
    Ok(day.with_time(Time::MIDNIGHT).assume_utc())
}

/// The end of the day written in `raw`: the start of the next one.
pub fn end_of(raw: &str) -> Result<OffsetDateTime, DayError> {
    // Within the range, the next day always exists.
    start_of(raw).map(|start| start + Duration::days(1))
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn days_in_range_cover_whole_days() {
        assert_eq!(start_of("2026-11-24"), Ok(datetime!(2026-11-24 0:00 UTC)));
        assert_eq!(end_of("2999-12-31"), Ok(datetime!(3000-01-01 0:00 UTC)));
        assert_eq!(start_of(" 1970-01-01 "), Ok(datetime!(1970-01-01 0:00 UTC)));
    }

    #[test]
    fn far_and_malformed_days_are_refused_with_a_sentence() {
        for raw in ["9999-12-31", "1969-12-31", "3000-01-01", "0000-01-01"] {
            assert_eq!(end_of(raw), Err(DayError::OutOfRange), "{raw}");
        }
        for raw in ["2026-13-01", "2026-02-30", "yesterday", ""] {
            assert_eq!(end_of(raw), Err(DayError::NotADate), "{raw}");
        }
        for raw in ["-9999-01-01", "+10000-01-01", "+9999-12-31"] {
            assert!(end_of(raw).is_err(), "{raw}");
        }
        assert!(
            DayError::OutOfRange
                .sentence("to")
                .contains("between 1970-01-01 and 2999-12-31")
        );
    }
}
