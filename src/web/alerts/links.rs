//! The links of the alert list: sort headers, "Back" from an alert, "Subscribe to this view",
//! the REST query as read by people and Graph Explorer, and the check that a next link still
//! belongs to the filters shown.

use url::Url;

use super::sort::{Sort, SortKey};
use crate::alerts::query::{AlertQuery, MULTI_VALUE_FIELDS};

const EXPLORER: &str = "https://developer.microsoft.com/en-us/graph/graph-explorer";

/// A column header that sorts the shown page.
pub struct SortLink {
    /// The `data-sort` value.
    pub key: &'static str,
    pub href: String,
    /// "ascending" / "descending" for `aria-sort` when the page is sorted by this column.
    pub aria: &'static str,
}

/// The page's own query: the view, its sort, and where in it.
/// Where the list is: its page number (alerts_v2) or the Graph next link (legacy) it loaded.
pub struct Position<'a> {
    pub page: Option<&'a str>,
    pub next: Option<&'a str>,
}

pub fn back_query(view: &str, at: &Position<'_>, sort: Option<Sort>) -> String {
    let mut out = url::form_urlencoded::Serializer::new(with_sort(view, sort));
    if let Some(page) = at.page {
        out.append_pair("page", page);
    }
    if let Some(next) = at.next {
        out.append_pair("next", next);
    }
    out.finish()
}

/// The view's pairs with the sort added.
pub fn with_sort(view: &str, sort: Option<Sort>) -> String {
    let mut out = url::form_urlencoded::Serializer::new(view.to_string());
    if let Some(sort) = sort {
        out.append_pair("sort", &sort.value());
    }
    out.finish()
}

/// Header links: the same view and page, sorted by that column (again: the other way).
pub fn sort_links(view: &str, at: &Position<'_>, current: Option<Sort>) -> Vec<SortLink> {
    SortKey::ALL
        .into_iter()
        .map(|key| {
            let next = Sort::next_for(current, key);
            let mut out = url::form_urlencoded::Serializer::new(view.to_string());
            if let Some(next_link) = at.next {
                out.append_pair("next", next_link);
            }
            if let Some(page) = at.page {
                out.append_pair("page", page);
            }
            out.append_pair("sort", &next.value());
            let aria = match current {
                Some(sort) if sort.key == key && sort.reversed => "descending",
                Some(sort) if sort.key == key => "ascending",
                _ => "none",
            };
            SortLink {
                key: key.name(),
                href: format!("/alerts?{}", out.finish()),
                aria,
            }
        })
        .collect()
}

/// The subscription form with the filters a subscription can hold (one value each).
pub fn subscribe_href(query: &AlertQuery) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in query.to_pairs() {
        let single = !MULTI_VALUE_FIELDS.contains(&key) || query.values(key).len() == 1;
        let subscribable = !matches!(
            key,
            "top" | "created" | "created_from" | "created_to" | "unassigned"
        );
        if single && subscribable {
            out.append_pair(key, &value);
        }
    }
    let pairs = out.finish();
    if pairs.is_empty() {
        "/subscriptions".to_string()
    } else {
        format!("/subscriptions?{pairs}")
    }
}

/// Whether two Graph URLs carry the same `$filter` (none counts as the same as none). Times are
/// left out of the comparison: "the last 24 hours" moves on between two pages.
pub fn same_filter(a: &Url, b: &Url) -> bool {
    let filter = |url: &Url| {
        url.query_pairs()
            .find(|(k, _)| k == "$filter")
            .map(|(_, v)| {
                v.split(' ')
                    .map(|word| {
                        if looks_like_time(word) {
                            "<time>"
                        } else {
                            word
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
    };
    filter(a) == filter(b)
}

fn looks_like_time(word: &str) -> bool {
    word.len() >= 20 && word.as_bytes()[4] == b'-' && word.contains('T')
}

/// The URL with its query decoded, as a person would write it.
pub fn readable(url: &Url) -> String {
    let mut text = format!("{}{}", url.origin().ascii_serialization(), url.path());
    let pairs: Vec<String> = url.query_pairs().map(|(k, v)| format!("{k}={v}")).collect();
    if !pairs.is_empty() {
        text.push('?');
        text.push_str(&pairs.join("&"));
    }
    text
}

/// Graph Explorer, opened on the same request against Microsoft Graph.
pub fn explorer_url(url: &Url, base: &Url) -> String {
    let base_path = base.path().trim_end_matches('/');
    let path = url.path().strip_prefix(base_path).unwrap_or(url.path());
    let path = path.trim_start_matches('/');
    let (version, request) = path.split_once('/').unwrap_or(("v1.0", path));
    let mut request = request.to_string();
    let pairs: Vec<String> = url.query_pairs().map(|(k, v)| format!("{k}={v}")).collect();
    if !pairs.is_empty() {
        request.push('?');
        request.push_str(&pairs.join("&"));
    }
    let mut explorer = Url::parse(EXPLORER).expect("a valid Graph Explorer URL");
    explorer
        .query_pairs_mut()
        .append_pair("request", &request)
        .append_pair("method", "GET")
        .append_pair("version", version)
        .append_pair("GraphUrl", "https://graph.microsoft.com");
    explorer.to_string()
}
