//! A search's matches, kept until the tenant's mirror changes. The database finds and sorts them
//! once (the text index, then the order over every match); the pages that follow, and the count,
//! are read from that sorted list of keys, so paging through a search does not run the search
//! again for every page. A search matching more than [`MAX_KEPT_MATCHES`] items is not kept: its
//! pages are answered by the database each time.

use std::sync::Arc;

use super::kept::Kept;
use crate::sync::selection::{Key, Window};

/// The most matches one kept search holds.
pub const MAX_KEPT_MATCHES: usize = 100_000;
/// The most keys kept across every search (16 bytes each); past it, all are forgotten at once.
const MAX_KEPT_KEYS: usize = 1_000_000;

/// A search's matches in the order shown: (sort value, row number).
pub type Sorted = Arc<Vec<(i64, i64)>>;

/// What is known of a search at a version: its sorted matches, or that they are too many to keep.
pub type Found = Option<Sorted>;

/// Searches' matches by selection and order.
pub fn matches() -> Kept<Found> {
    Kept::new(MAX_KEPT_KEYS, |found| {
        found.as_ref().map_or(1, |sorted| sorted.len())
    })
}

/// Where `window` starts in `sorted` and how many rows it shows, at most `size`.
pub fn window_of(
    sorted: &[(i64, i64)],
    descending: bool,
    window: Window,
    size: usize,
) -> (usize, usize) {
    // Whether `a` is shown before `b`.
    let before = |a: (i64, i64), b: (i64, i64)| if descending { a > b } else { a < b };
    let at = |key: Key| (key.value, key.seq);
    let (start, end) = match window {
        Window::First => (0, size),
        Window::After(key) => {
            let start = sorted.partition_point(|&k| before(k, at(key)) || k == at(key));
            (start, start.saturating_add(size))
        }
        Window::From(key) => {
            let start = sorted.partition_point(|&k| before(k, at(key)));
            (start, start.saturating_add(size))
        }
        Window::Before(key) => {
            let end = sorted.partition_point(|&k| before(k, at(key)));
            (end.saturating_sub(size), end)
        }
    };
    let end = end.min(sorted.len());
    (start.min(end), end - start.min(end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(value: i64, seq: i64) -> Key {
        Key { value, seq, at: 0 }
    }

    #[test]
    fn windows_follow_each_other_without_a_gap_or_a_repeat() {
        // Shown highest first: (5,9) (5,3) (4,7) (3,8) (3,1).
        let sorted = [(5, 9), (5, 3), (4, 7), (3, 8), (3, 1)];
        assert_eq!(window_of(&sorted, true, Window::First, 2), (0, 2));
        assert_eq!(
            window_of(&sorted, true, Window::After(key(5, 3)), 2),
            (2, 2)
        );
        assert_eq!(
            window_of(&sorted, true, Window::After(key(3, 8)), 2),
            (4, 1)
        );
        assert_eq!(
            window_of(&sorted, true, Window::After(key(3, 1)), 2),
            (5, 0)
        );
        assert_eq!(window_of(&sorted, true, Window::From(key(4, 7)), 2), (2, 2));
        assert_eq!(
            window_of(&sorted, true, Window::Before(key(4, 7)), 2),
            (0, 2)
        );
        assert_eq!(
            window_of(&sorted, true, Window::Before(key(5, 3)), 2),
            (0, 1)
        );
        // A key no longer among the matches still places the window by its value.
        assert_eq!(
            window_of(&sorted, true, Window::After(key(4, 100)), 9),
            (2, 3)
        );
        let ascending = [(1, 1), (2, 5), (2, 6)];
        assert_eq!(
            window_of(&ascending, false, Window::After(key(2, 5)), 5),
            (2, 1)
        );
    }

    #[test]
    fn kept_matches_are_used_until_the_mirror_changes() {
        let matches = matches();
        matches.put("q".into(), 3, Some(Arc::new(vec![(1, 1)])));
        assert!(matches.get("q", 3).is_some_and(|found| found.is_some()));
        assert!(matches.get("q", 4).is_none());
        matches.put("many".into(), 3, None);
        assert_eq!(matches.get("many", 3), Some(None));
    }
}
