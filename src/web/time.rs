//! Times as people read them. Graph sends RFC 3339 with up to seven fractional digits
//! (`2026-11-24T13:27:42.1234567Z`); pages show `2026-11-24 13:27:42 UTC`, or in lists
//! "5 min ago" with the exact time on hover (rendered here, on the server: no script needed).

use time::{OffsetDateTime, UtcOffset, macros::format_description};

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

/// How long ago `raw` was, as of now: "just now", "5 min ago", "3 h ago", "2 days ago"; older
/// than 30 days (or in the future) the date and time as [`readable`] writes them.
pub fn ago(raw: &str) -> String {
    ago_at(raw, OffsetDateTime::now_utc())
}

/// [`ago`] as of `now`.
pub fn ago_at(raw: &str, now: OffsetDateTime) -> String {
    let Some(at) = odata::parse_datetime(raw) else {
        return raw.to_string();
    };
    let seconds = (now - at).whole_seconds();
    match seconds {
        s if s < -60 => readable(raw),
        s if s < 60 => "just now".to_string(),
        s if s < 3600 => format!("{} min ago", s / 60),
        s if s < 86_400 => format!("{} h ago", s / 3600),
        s if s < 2 * 86_400 => "yesterday".to_string(),
        s if s < 30 * 86_400 => format!("{} days ago", s / 86_400),
        _ => readable(raw),
    }
}

/// How long ago a moment in milliseconds since the epoch was, to the second when recent:
/// "6 s ago", "3 min ago"; "never" for none.
pub fn ms_ago(ms: Option<i64>, now: OffsetDateTime) -> String {
    let Some(ms) = ms else {
        return "never".to_string();
    };
    let now_ms = (now.unix_timestamp_nanos() / 1_000_000) as i64;
    let seconds = (now_ms - ms).max(0) / 1000;
    if seconds < 60 {
        return format!("{seconds} s ago");
    }
    match OffsetDateTime::from_unix_timestamp(ms / 1000) {
        Ok(at) => ago_at(&odata::datetime(at), now),
        Err(_) => "never".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::{ago_at, ms_ago, readable};
    use time::macros::datetime;

    #[test]
    fn sync_times_read_to_the_second() {
        let now = datetime!(2026-11-24 13:30:00 UTC);
        let ms = now.unix_timestamp() * 1000;
        assert_eq!(ms_ago(Some(ms - 6_400), now), "6 s ago");
        assert_eq!(ms_ago(Some(ms - 300_000), now), "5 min ago");
        assert_eq!(ms_ago(None, now), "never");
    }

    #[test]
    fn recent_times_read_as_how_long_ago() {
        let now = datetime!(2026-11-24 13:30:00 UTC);
        assert_eq!(ago_at("2026-11-24T13:29:30Z", now), "just now");
        assert_eq!(ago_at("2026-11-24T13:24:59.1234567Z", now), "5 min ago");
        assert_eq!(ago_at("2026-11-24T10:00:00Z", now), "3 h ago");
        assert_eq!(ago_at("2026-11-23T10:00:00Z", now), "yesterday");
        assert_eq!(ago_at("2026-11-20T10:00:00Z", now), "4 days ago");
        assert_eq!(
            ago_at("2026-09-01T10:00:00Z", now),
            "2026-09-01 10:00:00 UTC"
        );
        assert_eq!(
            ago_at("2026-11-25T10:00:00Z", now),
            "2026-11-25 10:00:00 UTC"
        );
        assert_eq!(ago_at("", now), "");
    }

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
