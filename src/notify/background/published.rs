//! The changes a v2 watch has published within its overlap window. Each poll reaches back
//! before the cursor (Graph may index a change late, dated before changes already read), so
//! it reads again changes it published; remembering each (alert id, update time) published
//! in the window keeps them from being published twice. The set is stored with the cursor,
//! so a restart or another instance taking over the watches remembers it too.

use std::collections::BTreeSet;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// One watch's changes published within its overlap window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// (update time, alert id), so the window's old end is the start of the set.
    changes: BTreeSet<(OffsetDateTime, String)>,
    /// For a watch with no stored set (created before the overlap existed, or nothing
    /// published yet): everything up to its cursor counts as published, as it did then.
    through: Option<OffsetDateTime>,
}

impl Published {
    /// The set stored with a watch whose cursor is `cursor`. An unreadable set is treated as
    /// absent: skipping a late change is better than publishing changes twice.
    pub fn read(stored: Option<&str>, cursor: OffsetDateTime) -> Self {
        let changes = stored.and_then(|raw| {
            let pairs: Vec<(String, String)> = serde_json::from_str(raw).ok()?;
            pairs
                .into_iter()
                .map(|(at, id)| Some((OffsetDateTime::parse(&at, &Rfc3339).ok()?, id)))
                .collect::<Option<BTreeSet<_>>>()
        });
        match changes {
            Some(changes) => Self {
                changes,
                through: None,
            },
            None => Self {
                changes: BTreeSet::new(),
                through: Some(cursor),
            },
        }
    }

    /// Records the change unless it was published already; returns whether it is new.
    pub fn first_time(&mut self, alert_id: &str, at: OffsetDateTime) -> bool {
        if self.through.is_some_and(|through| at <= through) {
            return false;
        }
        self.changes.insert((at, alert_id.to_owned()))
    }

    /// Forgets changes before `floor`: the next poll reads nothing older.
    pub fn forget_before(&mut self, floor: OffsetDateTime) {
        self.changes = self.changes.split_off(&(floor, String::new()));
    }

    /// The stored form: a JSON array of `[update time, alert id]` pairs.
    pub fn to_stored(&self) -> String {
        let pairs: Vec<(String, &str)> = self
            .changes
            .iter()
            .filter_map(|(at, id)| Some((at.format(&Rfc3339).ok()?, id.as_str())))
            .collect();
        serde_json::to_string(&pairs).unwrap_or_else(|_| "[]".into())
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const CURSOR: OffsetDateTime = datetime!(2026-11-30 12:00 UTC);

    #[test]
    fn without_a_stored_set_everything_up_to_the_cursor_counts_as_published() {
        let mut published = Published::read(None, CURSOR);
        assert!(!published.first_time("a", CURSOR));
        assert!(!published.first_time("a", datetime!(2026-11-30 11:59 UTC)));
        assert!(published.first_time("a", datetime!(2026-11-30 12:00:00.5 UTC)));
        let mut unreadable = Published::read(Some("not json"), CURSOR);
        assert!(!unreadable.first_time("a", CURSOR));
    }

    #[test]
    fn a_change_is_new_once_and_the_set_survives_storing() {
        let mut published = Published::read(Some("[]"), CURSOR);
        let late = datetime!(2026-11-30 11:58:00.123456 UTC);
        assert!(
            published.first_time("late", late),
            "before the cursor, unseen"
        );
        assert!(!published.first_time("late", late));
        assert!(published.first_time("late", CURSOR), "a later change of it");
        let mut again = Published::read(Some(&published.to_stored()), CURSOR);
        assert_eq!(again, published);
        assert!(!again.first_time("late", late));
    }

    #[test]
    fn changes_before_the_window_are_forgotten() {
        let mut published = Published::read(Some("[]"), CURSOR);
        published.first_time("old", datetime!(2026-11-30 11:50 UTC));
        published.first_time("edge", datetime!(2026-11-30 11:55 UTC));
        published.forget_before(datetime!(2026-11-30 11:55 UTC));
        let stored = published.to_stored();
        assert!(
            !stored.contains("old") && stored.contains("edge"),
            "{stored}"
        );
    }
}
