//! Times as people read them. Graph sends RFC 3339 with up to seven fractional digits
//! (`2026-11-24T13:27:42.1234567Z`); pages show `2026-11-24 13:27:42 UTC`.

use time::{UtcOffset, macros::format_description};

use crate::graph::odata;

/// The time in UTC to the second, or the text unchanged when it is not an RFC 3339 time.
pub fn readable(raw: &str) -> String {
    let Some(at) = odata::parse_datetime(raw) else {
        return raw.to_string();
    };
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    at.to_offset(UtcOffset::UTC)
        .format(&format)
        .unwrap_or_else(|_| raw.to_string())
}

#[cfg(test)]
mod tests {
    use super::readable;

    #[test]
    fn shows_seconds_in_utc_and_leaves_other_text_alone() {
        assert_eq!(
            readable("2026-11-24T13:27:42.1234567Z"),
            "2026-11-24 13:27:42 UTC"
        );
        assert_eq!(
            readable("2026-11-24T14:27:42+01:00"),
            "2026-11-24 13:27:42 UTC"
        );
        assert_eq!(readable(""), "");
        assert_eq!(readable("soon"), "soon");
    }
}
