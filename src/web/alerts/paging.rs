//! Where the shown page sits in the view: "1–20 of 57", previous and next, page numbers.

use url::form_urlencoded::Serializer;

/// The most pages a view reaches by number (`$skip` grows with it).
pub const MAX_PAGE: u32 = 500;

/// One numbered page link.
#[derive(Debug, Clone)]
pub struct PageLink {
    pub number: u32,
    pub href: String,
    pub current: bool,
}

/// The paging controls of a page.
#[derive(Debug, Clone, Default)]
pub struct Paging {
    /// "1–20 of 57", "21–40", or "57 matching alerts".
    pub summary: String,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
    pub numbers: Vec<PageLink>,
}

/// `/alerts?<view>&page=N` (the view's own pairs, sort included).
pub fn page_href(view: &str, number: u32) -> String {
    let mut out = Serializer::new(view.to_string());
    if number > 1 {
        out.append_pair("page", &number.to_string());
    }
    let query = out.finish();
    if query.is_empty() {
        "/alerts".to_string()
    } else {
        format!("/alerts?{query}")
    }
}

/// Paging by number: page `number` of `top` rows, `shown` rows on it, `count` matches in all
/// (when Graph said), `more` when alerts follow the last one shown. Only a full page has a
/// next one: page `number + 1` starts right after it.
pub fn numbered(
    view: &str,
    number: u32,
    top: u32,
    shown: usize,
    count: Option<u64>,
    more: bool,
) -> Paging {
    let first = u64::from(number - 1) * u64::from(top) + 1;
    let last_shown = first + shown as u64 - 1;
    let summary = match (shown, count) {
        (0, _) => String::new(),
        (_, Some(count)) => format!("{first}–{last_shown} of {count}"),
        (_, None) => format!("{first}–{last_shown}"),
    };
    let last_page =
        count.map(|c| c.div_ceil(u64::from(top)).max(1).min(u64::from(MAX_PAGE)) as u32);
    let has_next = more && shown as u64 == u64::from(top) && number < MAX_PAGE;
    let numbers = match last_page {
        Some(last) if last > 1 => {
            let from = number.saturating_sub(2).max(1);
            let to = (number + 2).min(last);
            let mut wanted: Vec<u32> = (from..=to).collect();
            if from > 1 {
                wanted.insert(0, 1);
            }
            if to < last {
                wanted.push(last);
            }
            wanted
                .into_iter()
                .map(|n| PageLink {
                    number: n,
                    href: page_href(view, n),
                    current: n == number,
                })
                .collect()
        }
        _ => Vec::new(),
    };
    Paging {
        summary,
        prev_href: (number > 1).then(|| page_href(view, number - 1)),
        next_href: has_next.then(|| page_href(view, number + 1)),
        numbers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_page_counts_and_links_forward() {
        let paging = numbered("top=20", 1, 20, 20, Some(57), true);
        assert_eq!(paging.summary, "1–20 of 57");
        assert_eq!(paging.prev_href, None);
        assert_eq!(paging.next_href.as_deref(), Some("/alerts?top=20&page=2"));
        let numbers: Vec<u32> = paging.numbers.iter().map(|p| p.number).collect();
        assert_eq!(numbers, [1, 2, 3]);
    }

    #[test]
    fn a_middle_page_links_both_ways_and_to_the_ends() {
        let paging = numbered("top=5", 6, 5, 5, Some(100), true);
        assert_eq!(paging.summary, "26–30 of 100");
        assert_eq!(paging.prev_href.as_deref(), Some("/alerts?top=5&page=5"));
        let numbers: Vec<u32> = paging.numbers.iter().map(|p| p.number).collect();
        assert_eq!(numbers, [1, 4, 5, 6, 7, 8, 20]);
        assert!(paging.numbers[3].current);
    }

    #[test]
    fn the_last_page_has_no_next_and_page_one_has_no_number_in_its_link() {
        let paging = numbered("", 3, 20, 17, Some(57), false);
        assert_eq!(paging.summary, "41–57 of 57");
        assert_eq!(paging.next_href, None);
        assert_eq!(paging.numbers[0].href, "/alerts");
        let short = numbered("", 2, 20, 17, Some(57), false);
        assert_eq!(
            short.next_href, None,
            "the list ended before the count said"
        );
        let empty = numbered("", 1, 20, 0, Some(0), false);
        assert_eq!(empty.summary, "");
        assert!(empty.numbers.is_empty());
    }
}
