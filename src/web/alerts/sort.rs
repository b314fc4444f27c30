//! Sorting the shown page of alerts by severity, status, created or last updated. Graph does not
//! sort alerts_v2 (no `$orderby`), so only the rows on the page are reordered, and the page says so.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::alerts::row::AlertRow;

/// A column the list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Severity,
    Status,
    Created,
    Updated,
}

impl SortKey {
    pub const ALL: [SortKey; 4] = [
        SortKey::Severity,
        SortKey::Status,
        SortKey::Created,
        SortKey::Updated,
    ];

    /// The query-string name, also the header link's `data-sort`.
    pub fn name(self) -> &'static str {
        match self {
            SortKey::Severity => "severity",
            SortKey::Status => "status",
            SortKey::Created => "created",
            SortKey::Updated => "updated",
        }
    }

    /// How the first click sorts: most severe, newest status first, most recent first.
    fn describe(self, reversed: bool) -> &'static str {
        match (self, reversed) {
            (SortKey::Severity, false) => "most severe first",
            (SortKey::Severity, true) => "least severe first",
            (SortKey::Status, false) => "new first",
            (SortKey::Status, true) => "resolved first",
            (SortKey::Created, false) | (SortKey::Updated, false) => "newest first",
            (SortKey::Created, true) | (SortKey::Updated, true) => "oldest first",
        }
    }
}

/// A sort order: a column, and whether it is reversed (`-severity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub reversed: bool,
}

impl Sort {
    /// Reads `severity`, `-created`, …; `Err` with a readable message otherwise.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let (reversed, name) = match raw.trim().strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, raw.trim()),
        };
        SortKey::ALL
            .into_iter()
            .find(|k| k.name() == name)
            .map(|key| Sort { key, reversed })
            .ok_or_else(|| {
                "Sort by severity, status, created or updated (a leading '-' reverses).".to_string()
            })
    }

    /// The query value: `severity` or `-severity`.
    pub fn value(self) -> String {
        if self.reversed {
            format!("-{}", self.key.name())
        } else {
            self.key.name().to_string()
        }
    }

    /// The sort a header link for `key` asks for: the other direction when already sorted by it.
    pub fn next_for(current: Option<Sort>, key: SortKey) -> Sort {
        match current {
            Some(sort) if sort.key == key => Sort {
                key,
                reversed: !sort.reversed,
            },
            _ => Sort {
                key,
                reversed: false,
            },
        }
    }

    /// "severity, most severe first".
    pub fn describe(self) -> String {
        let column = match self.key {
            SortKey::Updated => "last updated",
            other => other.name(),
        };
        format!("{column}, {}", self.key.describe(self.reversed))
    }

    /// Reorders the rows (stable: ties keep Graph's order).
    pub fn apply(self, rows: &mut [AlertRow]) {
        match self.key {
            SortKey::Severity => rows.sort_by_key(|r| severity_rank(&r.severity)),
            SortKey::Status => rows.sort_by_key(|r| status_rank(&r.status)),
            SortKey::Created => rows.sort_by_key(|r| std::cmp::Reverse(time_of(&r.created))),
            SortKey::Updated => rows.sort_by_key(|r| std::cmp::Reverse(time_of(&r.updated))),
        }
        if self.reversed {
            rows.reverse();
        }
    }
}

fn severity_rank(severity: &str) -> u8 {
    match severity.to_ascii_lowercase().as_str() {
        "high" => 0,
        "medium" => 1,
        "low" => 2,
        "informational" => 3,
        _ => 4,
    }
}

fn status_rank(status: &str) -> u8 {
    match status.to_ascii_lowercase().as_str() {
        "new" | "newalert" => 0,
        "inprogress" => 1,
        "resolved" => 2,
        _ => 3,
    }
}

fn time_of(raw: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(raw.trim(), &Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, severity: &str, status: &str, created: &str) -> AlertRow {
        AlertRow {
            id: id.into(),
            severity: severity.into(),
            status: status.into(),
            created: created.into(),
            updated: created.into(),
            ..AlertRow::default()
        }
    }

    fn ids(rows: &[AlertRow]) -> Vec<&str> {
        rows.iter().map(|r| r.id.as_str()).collect()
    }

    #[test]
    fn each_key_sorts_and_a_dash_reverses() {
        let mut rows = vec![
            row("a", "low", "resolved", "2026-11-20T00:00:00Z"),
            row("b", "high", "inProgress", "2026-11-22T00:00:00Z"),
            row("c", "informational", "new", "2026-11-24T00:00:00.5Z"),
            row("d", "medium", "newAlert", "2026-11-21T00:00:00Z"),
        ];
        Sort::parse("severity").unwrap().apply(&mut rows);
        assert_eq!(ids(&rows), ["b", "d", "a", "c"]);
        Sort::parse("-severity").unwrap().apply(&mut rows);
        assert_eq!(ids(&rows), ["c", "a", "d", "b"]);
        Sort::parse("status").unwrap().apply(&mut rows);
        assert_eq!(ids(&rows)[2..], ["b", "a"]);
        Sort::parse("created").unwrap().apply(&mut rows);
        assert_eq!(ids(&rows), ["c", "b", "d", "a"]);
        Sort::parse("-updated").unwrap().apply(&mut rows);
        assert_eq!(ids(&rows), ["a", "d", "b", "c"]);
    }

    #[test]
    fn header_links_toggle_the_current_column() {
        let current = Sort::parse("severity").ok();
        assert_eq!(
            Sort::next_for(current, SortKey::Severity).value(),
            "-severity"
        );
        assert_eq!(Sort::next_for(current, SortKey::Created).value(), "created");
        assert!(Sort::parse("title").is_err());
    }
}
