//! Query options and paging for the sandbox's security collections.
//!
//! Semantics (as Graph documents them in "List alerts", "List alerts_v2" and "List incidents"):
//! - `$filter` — the forms [`crate::odata`] understands; alerts_v2 and incidents accept
//!   only their documented filterable properties, and an enumeration property compared with a
//!   word that names none of its members is refused.
//! - `$top` — page size. alerts_v2 and incidents: at most 2000 (default 50). Legacy alerts: at most
//!   1000 (default 1000) and applied **per provider**: each provider contributes up to `$top`
//!   alerts to a page.
//! - Server-driven paging ([`crate::SandboxOptions::page_size`]): alerts_v2 and incidents pages
//!   then hold at most that many items even when `$top` asks for more, as Graph may answer with
//!   fewer items than asked. Legacy alerts keep their per-provider paging: a smaller page there
//!   would send `$skip` past the 500 the API itself accepts.
//! - `$skip` — items to skip (legacy: per provider, at most 500).
//! - `$count=true` — adds `@odata.count`, the number of matches.
//! - `$select` (legacy alerts) — a comma-separated list of the alert type's properties (any
//!   case); each item then holds only those. A name the type does not declare is refused.
//! - Results are newest first (`createdDateTime` descending). When more remain, the page carries
//!   `@odata.nextLink`: the same URL (`$top`, `$filter`, `$count`, `$expand` kept) with `$skip`
//!   advanced by the number of items this page returned, so the next page starts right after them
//!   whatever the page size was.
//! - Other query options are refused with 400.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use url::Url;

use super::failure::{Failure, shown};
use crate::odata::{self, Expr};
use crate::schema::{legacy, security};
use crate::seed::render;

/// Which collection is being listed; decides the limits and filterable properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collection {
    AlertsV2,
    LegacyAlerts,
    Incidents,
}

impl Collection {
    fn max_top(self) -> usize {
        match self {
            Collection::LegacyAlerts => 1000,
            _ => 2000,
        }
    }

    fn default_top(self) -> usize {
        match self {
            Collection::LegacyAlerts => 1000,
            _ => 50,
        }
    }

    fn filterable(self) -> Option<&'static [&'static str]> {
        const INCIDENTS: &[&str] = &[
            "assignedTo",
            "classification",
            "determination",
            "createdDateTime",
            "lastUpdateDateTime",
            "severity",
            "status",
        ];
        match self {
            Collection::AlertsV2 => Some(&render::V2_FILTERABLE),
            Collection::Incidents => Some(INCIDENTS),
            Collection::LegacyAlerts => None,
        }
    }

    fn allowed_options(self) -> &'static [&'static str] {
        match self {
            Collection::Incidents => &["$filter", "$top", "$skip", "$count", "$expand"],
            Collection::LegacyAlerts => &["$filter", "$top", "$skip", "$count", "$select"],
            Collection::AlertsV2 => &["$filter", "$top", "$skip", "$count"],
        }
    }
}

/// Parsed query options.
#[derive(Debug, Clone)]
pub struct ListOptions {
    pub filter: Option<Expr>,
    pub top: usize,
    /// The most items this page may hold: `$top`, or less under server-driven paging.
    pub limit: usize,
    pub skip: usize,
    pub count: bool,
    /// `$expand=alerts` (incidents only).
    pub expand_alerts: bool,
    /// `$select`: the properties each item keeps, spelled as the type declares them.
    pub select: Option<Vec<&'static str>>,
}

impl ListOptions {
    /// Reads `$filter`, `$top`, `$skip`, `$count` (and `$expand` on incidents); the `$` is optional.
    pub fn parse(collection: Collection, query: &[(String, String)]) -> Result<Self, Failure> {
        let mut seen = BTreeMap::new();
        for (name, value) in query {
            let key = if name.starts_with('$') {
                name.clone()
            } else {
                format!("${name}")
            };
            if !collection.allowed_options().contains(&key.as_str()) {
                return Err(Failure::bad_request(format!(
                    "Query option '{}' is not allowed on this resource.",
                    shown(name)
                )));
            }
            if seen.insert(key, value.clone()).is_some() {
                return Err(Failure::bad_request(format!(
                    "Query option '{}' was given more than once.",
                    shown(name)
                )));
            }
        }
        let number = |key: &str| -> Result<Option<usize>, Failure> {
            seen.get(key)
                .map(|v| {
                    v.trim().parse::<usize>().map_err(|_| {
                        Failure::bad_request(format!(
                            "Invalid value '{}' for query option '{key}'.",
                            shown(v)
                        ))
                    })
                })
                .transpose()
        };
        let top = number("$top")?.unwrap_or(collection.default_top());
        if top == 0 || top > collection.max_top() {
            return Err(Failure::bad_request(format!(
                "The limit of '{}' for Top query has been exceeded. The value from the incoming request is '{top}'.",
                collection.max_top()
            )));
        }
        let skip = number("$skip")?.unwrap_or(0);
        if collection == Collection::LegacyAlerts && skip > 500 {
            return Err(Failure::bad_request(
                "The value of '$skip' cannot be greater than 500.",
            ));
        }
        let filter = match seen.get("$filter") {
            None => None,
            Some(text) => Some(parse_filter(collection, text)?),
        };
        let count = match seen.get("$count").map(|v| v.to_ascii_lowercase()) {
            None => false,
            Some(v) if v == "true" => true,
            Some(v) if v == "false" => false,
            Some(v) => {
                return Err(Failure::bad_request(format!(
                    "Invalid value '{}' for query option '$count'.",
                    shown(&v)
                )));
            }
        };
        let expand_alerts = match seen.get("$expand").map(String::as_str) {
            None => false,
            Some("alerts") => true,
            Some(other) => {
                return Err(Failure::bad_request(format!(
                    "Could not find a property named '{}' to expand.",
                    shown(other)
                )));
            }
        };
        let select = seen
            .get("$select")
            .map(|list| parse_select(collection, list))
            .transpose()?;
        Ok(Self {
            filter,
            top,
            limit: top,
            skip,
            count,
            expand_alerts,
            select,
        })
    }

    /// Server-driven paging: this page holds at most `page_size` items (at least one), whatever
    /// `$top` asks.
    pub fn limit_page(&mut self, page_size: usize) {
        self.limit = self.limit.min(page_size.max(1));
    }

    /// Whether `value` passes the filter.
    pub fn matches(&self, value: &Value) -> bool {
        self.filter.as_ref().is_none_or(|f| f.matches(value))
    }
}

/// The properties a collection's type declares, spelled exactly, and the type's name.
fn declared(collection: Collection) -> Option<(&'static str, &'static [&'static str])> {
    match collection {
        Collection::AlertsV2 => Some((security::ALERT_TYPE, security::ALERT_PROPERTIES)),
        Collection::LegacyAlerts => Some((legacy::ALERT_TYPE, legacy::ALERT_PROPERTIES)),
        Collection::Incidents => None,
    }
}

/// The declared names `list` asks for, each once, in the order asked.
fn parse_select(collection: Collection, list: &str) -> Result<Vec<&'static str>, Failure> {
    let Some((type_name, properties)) = declared(collection) else {
        return Err(Failure::bad_request(
            "Query option '$select' is not allowed on this resource.",
        ));
    };
    let mut names = Vec::new();
    for wanted in list.split(',').map(str::trim) {
        let name = properties
            .iter()
            .find(|p| p.eq_ignore_ascii_case(wanted))
            .ok_or_else(|| {
                Failure::bad_request(format!(
                    "Parsing OData Select and Expand failed: Could not find a property named \
                     '{}' on type '{type_name}'.",
                    shown(wanted)
                ))
            })?;
        if !names.contains(name) {
            names.push(*name);
        }
    }
    Ok(names)
}

fn parse_filter(collection: Collection, text: &str) -> Result<Expr, Failure> {
    let expr = odata::parse(text).map_err(|e| Failure::bad_request(e.message))?;
    // Property names are case-sensitive: `Status` names nothing on either alert type.
    if let Some((type_name, properties)) = declared(collection)
        && let Some(unknown) = expr
            .root_properties()
            .into_iter()
            .find(|p| !properties.contains(p))
    {
        return Err(Failure::bad_request(format!(
            "Could not find a property named '{}' on type '{type_name}'.",
            shown(unknown)
        )));
    }
    let allowed = collection.filterable().unwrap_or_default();
    let refused = expr
        .root_properties()
        .into_iter()
        .find(|p| collection.filterable().is_some() && !allowed.contains(p));
    if let Some(bad) = refused {
        return Err(Failure::bad_request(format!(
            "Invalid filter clause: filtering on '{}' is not supported.",
            shown(bad)
        )));
    }
    super::enum_literals::check(collection, &expr)?;
    Ok(expr)
}

/// One page of a collection: `@odata.context`, `value`, and `@odata.count` / `@odata.nextLink`
/// when they apply. `request_url` is the URL of this request; the next link keeps its query with
/// `$skip` set to `next_skip`.
pub fn page(
    context: &str,
    items: Vec<Value>,
    total: usize,
    next_skip: Option<usize>,
    options: &ListOptions,
    request_url: &Url,
) -> Value {
    let mut body = Map::new();
    let items = match &options.select {
        None => {
            body.insert("@odata.context".into(), json!(context));
            items
        }
        Some(names) => {
            let context = format!("{context}({})", names.join(","));
            body.insert("@odata.context".into(), json!(context));
            items.into_iter().map(|item| only(item, names)).collect()
        }
    };
    if options.count {
        body.insert("@odata.count".into(), json!(total));
    }
    body.insert("value".into(), Value::Array(items));
    if let Some(skip) = next_skip {
        body.insert(
            "@odata.nextLink".into(),
            json!(next_link(request_url, skip)),
        );
    }
    Value::Object(body)
}

/// The item with only the `$select`ed properties.
fn only(item: Value, names: &[&str]) -> Value {
    match item {
        Value::Object(mut all) => Value::Object(
            names
                .iter()
                .filter_map(|name| all.remove(*name).map(|v| ((*name).to_owned(), v)))
                .collect(),
        ),
        other => other,
    }
}

/// The request's URL with `$skip` set to `skip` (its other options kept, in their order).
fn next_link(request_url: &Url, skip: usize) -> String {
    let mut next = request_url.clone();
    let kept: Vec<(String, String)> = request_url
        .query_pairs()
        .filter(|(k, _)| k.trim_start_matches('$') != "skip")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    {
        let mut pairs = next.query_pairs_mut();
        pairs.clear();
        for (k, v) in &kept {
            pairs.append_pair(k, v);
        }
        pairs.append_pair("$skip", &skip.to_string());
    }
    next.to_string()
}

#[cfg(test)]
mod tests;
