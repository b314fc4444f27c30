//! `$top` / `$skip` paging of a sandbox collection, with Graph's `@odata.nextLink`.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};
use url::Url;

use crate::errors::graph_error;

/// The paging options of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub top: usize,
    pub skip: usize,
}

impl PageRequest {
    /// Reads `$top` (1..=`max_top`, default `default_top`) and `$skip` from the query pairs.
    pub fn from_query(
        query: &[(String, String)],
        default_top: usize,
        max_top: usize,
    ) -> Result<Self, Response> {
        let get = |name: &str| {
            query
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim())
        };
        let top = match get("$top") {
            None => default_top,
            Some(raw) => match raw.parse::<usize>() {
                Ok(n) if (1..=max_top).contains(&n) => n,
                _ => return Err(bad_value("$top", raw)),
            },
        };
        let skip = match get("$skip") {
            None => 0,
            Some(raw) => raw.parse::<usize>().map_err(|_| bad_value("$skip", raw))?,
        };
        Ok(Self { top, skip })
    }
}

fn bad_value(option: &str, raw: &str) -> Response {
    graph_error(
        StatusCode::BAD_REQUEST,
        "BadRequest",
        &format!("Invalid value '{raw}' for query option {option}."),
    )
}

/// One page of `items` as a Graph collection; `nextLink` points at `self_url` with the next `$skip`.
pub fn graph_page(items: Vec<Value>, page: PageRequest, self_url: &Url, context: &str) -> Value {
    let total = items.len();
    let value: Vec<Value> = items.into_iter().skip(page.skip).take(page.top).collect();
    let mut body = json!({"@odata.context": context, "value": value});
    let next_skip = page.skip.saturating_add(page.top);
    if next_skip < total {
        let mut next = self_url.clone();
        let kept: Vec<(String, String)> = self_url
            .query_pairs()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("$skip") && !k.eq_ignore_ascii_case("$top"))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let mut pairs = next.query_pairs_mut();
        pairs.clear();
        for (k, v) in &kept {
            pairs.append_pair(k, v);
        }
        pairs.append_pair("$top", &page.top.to_string());
        pairs.append_pair("$skip", &next_skip.to_string());
        drop(pairs);
        body["@odata.nextLink"] = json!(next.to_string());
    }
    body
}
