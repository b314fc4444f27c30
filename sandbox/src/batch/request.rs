//! Reading a batch body: `{"requests":[{"id","method","url","headers","body","dependsOn"}]}`.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Request};
use serde_json::Value;
use std::collections::HashSet;

use super::{MAX_REQUESTS, build};
use crate::security::failure::{Failure, shown};

/// One request of a batch, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchItem {
    pub id: String,
    pub method: Method,
    /// Relative to `/v1.0`, e.g. `/security/alerts_v2/a1`.
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Value>,
    pub depends_on: Vec<String>,
}

/// Checks the whole batch; any problem refuses it with 400, as Graph does.
pub fn parse_batch(bytes: &[u8]) -> Result<Vec<BatchItem>, Failure> {
    let body: Value = serde_json::from_slice(bytes)
        .map_err(|_| Failure::bad_request("Invalid batch payload format."))?;
    let requests = body
        .get("requests")
        .and_then(Value::as_array)
        .ok_or_else(|| Failure::bad_request("Invalid batch payload format."))?;
    if requests.is_empty() {
        return Err(Failure::bad_request(
            "A batch must contain at least one request.",
        ));
    }
    if requests.len() > MAX_REQUESTS {
        return Err(Failure::bad_request(format!(
            "Number of batch requests exceeds the limit of {MAX_REQUESTS}."
        )));
    }
    let mut seen = HashSet::new();
    let mut items = Vec::with_capacity(requests.len());
    for request in requests {
        let item = parse_item(request)?;
        for dependency in &item.depends_on {
            if !seen.contains(dependency) {
                return Err(Failure::bad_request(format!(
                    "Request '{}' depends on '{}', which is not an earlier request of this batch.",
                    shown(&item.id),
                    shown(dependency)
                )));
            }
        }
        if !seen.insert(item.id.clone()) {
            return Err(Failure::bad_request(format!(
                "Request id '{}' is used more than once in this batch.",
                shown(&item.id)
            )));
        }
        items.push(item);
    }
    Ok(items)
}

fn parse_item(request: &Value) -> Result<BatchItem, Failure> {
    let text = |field: &str| {
        request
            .get(field)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| {
                Failure::bad_request(format!("Every batch request needs a '{field}' string."))
            })
    };
    let id = text("id")?;
    let method = Method::from_bytes(text("method")?.to_ascii_uppercase().as_bytes())
        .map_err(|_| Failure::bad_request("Invalid method in a batch request."))?;
    let url = text("url")?;
    let headers: Vec<(String, String)> = match request.get("headers") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
            .collect(),
        Some(_) => {
            return Err(Failure::bad_request(
                "Batch request headers must be an object.",
            ));
        }
    };
    let body = request.get("body").filter(|b| !b.is_null()).cloned();
    let has_content_type = headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"));
    if body.is_some() && !has_content_type {
        return Err(Failure::bad_request(
            "Content-Type header must be specified when a batch request has a body.",
        ));
    }
    let depends_on = match request.get("dependsOn") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(ids)) => ids
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| Failure::bad_request("dependsOn must list request ids."))?,
        Some(_) => return Err(Failure::bad_request("dependsOn must list request ids.")),
    };
    Ok(BatchItem {
        id,
        method,
        url,
        headers,
        body,
        depends_on,
    })
}

impl BatchItem {
    /// The request as the router would receive it alone: the path under `/v1.0`, the item's own
    /// headers, and `inherited` headers (the token) copied from the batch.
    pub fn to_request(
        &self,
        batch_headers: &HeaderMap,
        inherited: &[HeaderName],
    ) -> Result<Request<Body>, Failure> {
        let relative = self.url.trim_start_matches('/');
        if self.url.contains("://")
            || relative.starts_with("v1.0/")
            || relative.starts_with("beta/")
        {
            return Err(Failure::bad_request(
                "A batch request URL is relative to the batch's version, e.g. /me.",
            ));
        }
        if relative.split(['?', '/']).next() == Some("$batch") {
            return Err(Failure::bad_request(
                "A batch cannot contain another batch.",
            ));
        }
        let mut headers = HeaderMap::new();
        for name in inherited {
            if let Some(value) = batch_headers.get(name) {
                headers.insert(name.clone(), value.clone());
            }
        }
        for (name, value) in &self.headers {
            let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) else {
                return Err(Failure::bad_request("Invalid header in a batch request."));
            };
            headers.insert(name, value);
        }
        let body = match &self.body {
            None => Vec::new(),
            Some(Value::String(text)) => text.clone().into_bytes(),
            Some(json) => serde_json::to_vec(json).unwrap_or_default(),
        };
        build(
            self.method.clone(),
            &format!("/v1.0/{relative}"),
            headers,
            body,
        )
    }
}
