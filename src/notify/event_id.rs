//! The id of a stored notification, which is also its SSE event id: a SQLite row id (`42`) or
//! a Redis stream id (`1700000000000-0`, milliseconds then a sequence number). Ids of one log
//! order its notifications; a browser sends the last one back as `Last-Event-ID`.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventId {
    /// The row id, or a stream id's milliseconds.
    pub head: u64,
    /// A stream id's sequence number; `None` for a row id.
    pub seq: Option<u64>,
}

impl EventId {
    /// A SQLite row id.
    pub fn row(id: u64) -> Self {
        Self {
            head: id,
            seq: None,
        }
    }

    /// A Redis stream id.
    pub fn stream(ms: u64, seq: u64) -> Self {
        Self {
            head: ms,
            seq: Some(seq),
        }
    }

    /// Whether a log could have given this id out by `now_ms` (milliseconds since 1970): a row
    /// id SQLite can hold, or a stream id stamped at most a day later (Redis stamps ids with its
    /// clock, which may run a little ahead). A browser sends back only ids it was given.
    pub fn could_exist(&self, now_ms: u64) -> bool {
        const DAY_MS: u64 = 86_400_000;
        match self.seq {
            None => i64::try_from(self.head).is_ok(),
            Some(_) => self.head <= now_ms.saturating_add(DAY_MS),
        }
    }
}

/// Row ids come from SQLite as `i64`; a negative one (never stored) reads as 0.
impl From<i64> for EventId {
    fn from(id: i64) -> Self {
        Self::row(id.max(0).unsigned_abs())
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.seq {
            None => write!(f, "{}", self.head),
            Some(seq) => write!(f, "{}-{}", self.head, seq),
        }
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("an event id is a number or two numbers joined by '-'")]
pub struct BadEventId;

impl FromStr for EventId {
    type Err = BadEventId;

    /// `42`, `1700000000000-3`; a negative row id (from an old browser) reads as 0.
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let raw = raw.trim();
        match raw.split_once('-') {
            Some(("", _)) => raw.parse::<i64>().map(Self::from).map_err(|_| BadEventId),
            Some((ms, seq)) => Ok(Self::stream(
                ms.parse().map_err(|_| BadEventId)?,
                seq.parse().map_err(|_| BadEventId)?,
            )),
            None => Ok(Self::row(raw.parse().map_err(|_| BadEventId)?)),
        }
    }
}

/// As its text, so a stream id keeps its form in JSON.
impl Serialize for EventId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_and_stream_ids_read_back_as_written_and_order_by_their_numbers() {
        for raw in ["0", "42", "1700000000000-0", "1700000000000-12"] {
            assert_eq!(raw.parse::<EventId>().unwrap().to_string(), raw);
        }
        assert_eq!("-3".parse::<EventId>(), Ok(EventId::row(0)));
        for bad in ["", "x", "1-", "-", "1-2-3", "1-x", " - "] {
            assert_eq!(bad.parse::<EventId>(), Err(BadEventId), "{bad:?}");
        }
        assert!(EventId::stream(5, 1) > EventId::stream(5, 0));
        assert!(EventId::stream(6, 0) > EventId::stream(5, 9));
        assert!(EventId::row(7) > EventId::row(6));
    }

    #[test]
    fn ids_no_log_could_have_given_are_told_apart() {
        let now = 1_700_000_000_000;
        assert!(EventId::stream(now, u64::MAX).could_exist(now));
        assert!(EventId::row(i64::MAX as u64).could_exist(now));
        assert!(!EventId::stream(u64::MAX, u64::MAX).could_exist(now));
        assert!(!EventId::stream(now + 86_400_001, 0).could_exist(now));
        assert!(!EventId::row(u64::MAX).could_exist(now));
    }
}
