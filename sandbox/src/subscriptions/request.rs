//! Checking a `POST /subscriptions` or `PATCH /subscriptions/{id}` body as Graph does,
//! before any validation request is sent.

use serde::Deserialize;
use time::{Duration, OffsetDateTime, format_description::well_known::Rfc3339};
use url::Url;

use crate::odata;

/// Graph's maximum lifetime for a security alert subscription.
pub const MAX_LIFETIME: Duration = Duration::minutes(43_200);
/// Longest clientState Graph accepts on a subscription.
pub const MAX_CLIENT_STATE: usize = 128;

/// A refused request: Graph's error code and message (always a 400 here).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
}

fn refuse(code: &'static str, message: impl Into<String>) -> Refusal {
    Refusal {
        code,
        message: message.into(),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateBody {
    pub change_type: Option<String>,
    pub notification_url: Option<String>,
    pub lifecycle_notification_url: Option<String>,
    pub resource: Option<String>,
    pub expiration_date_time: Option<String>,
    pub client_state: Option<String>,
    pub latest_supported_tls_version: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenewBody {
    pub expiration_date_time: Option<String>,
}

/// A create request that passed every check.
#[derive(Debug, Clone)]
pub struct Accepted {
    pub change_type: String,
    pub notification_url: Url,
    pub lifecycle_url: Option<Url>,
    pub resource: String,
    /// The decoded `$filter` of the resource.
    pub filter: String,
    pub expiration: OffsetDateTime,
    pub client_state: Option<String>,
    pub tls: String,
}

pub fn check_create(body: CreateBody, now: OffsetDateTime) -> Result<Accepted, Refusal> {
    let change_type = required(body.change_type, "changeType")?;
    if change_type
        .split(',')
        .any(|c| !["created", "updated", "deleted"].contains(&c.trim()))
    {
        let message = format!("Invalid 'changeType' attribute: '{change_type}'.");
        return Err(refuse("InvalidRequest", message));
    }
    let notification_url = endpoint(
        &required(body.notification_url, "notificationUrl")?,
        "notificationUrl",
    )?;
    let lifecycle_url = body
        .lifecycle_notification_url
        .map(|u| endpoint(&u, "lifecycleNotificationUrl"))
        .transpose()?;
    let resource = required(body.resource, "resource")?;
    let filter = alert_filter(&resource)?;
    let expiration = expiry(body.expiration_date_time, now)?;
    if body
        .client_state
        .as_ref()
        .is_some_and(|c| c.chars().count() > MAX_CLIENT_STATE)
    {
        return Err(refuse(
            "InvalidRequest",
            format!("clientState must be at most {MAX_CLIENT_STATE} characters."),
        ));
    }
    Ok(Accepted {
        change_type,
        notification_url,
        lifecycle_url,
        resource,
        filter,
        expiration,
        client_state: body.client_state,
        tls: body
            .latest_supported_tls_version
            .unwrap_or_else(|| "v1_2".into()),
    })
}

/// A new expiry for `PATCH`: present, in the future, within the maximum lifetime.
pub fn check_renew(body: RenewBody, now: OffsetDateTime) -> Result<OffsetDateTime, Refusal> {
    expiry(body.expiration_date_time, now)
}

fn required(value: Option<String>, name: &str) -> Result<String, Refusal> {
    value.filter(|v| !v.trim().is_empty()).ok_or_else(|| {
        refuse(
            "InvalidRequest",
            format!("Required attribute '{name}' is missing."),
        )
    })
}

/// An https URL, or http on loopback (the sandbox's own tests and demo run there).
fn endpoint(raw: &str, name: &str) -> Result<Url, Refusal> {
    let bad = || {
        refuse(
            "InvalidRequest",
            format!("Invalid '{name}': must be an https URL."),
        )
    };
    let url = Url::parse(raw).map_err(|_| bad())?;
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        _ => Err(bad()),
    }
}

/// The decoded `$filter` of a legacy alert resource; other security resources and the
/// bare collection are refused as Graph refuses them.
fn alert_filter(resource: &str) -> Result<String, Refusal> {
    let trimmed = resource.trim_start_matches('/');
    let (path, query) = trimmed.split_once('?').unwrap_or((trimmed, ""));
    if !path.eq_ignore_ascii_case("security/alerts") {
        return Err(refuse(
            "InvalidRequest",
            format!("Resource '{path}' does not support change notifications."),
        ));
    }
    let filter = url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "$filter")
        .map(|(_, v)| v.into_owned())
        .filter(|f| !f.trim().is_empty())
        .ok_or_else(|| {
            refuse(
                "InvalidRequest",
                "Subscriptions to 'security/alerts' need a $filter: the whole collection is too broad.",
            )
        })?;
    odata::parse(&filter).map_err(|e| refuse("InvalidRequest", e.message))?;
    Ok(filter)
}

fn expiry(raw: Option<String>, now: OffsetDateTime) -> Result<OffsetDateTime, Refusal> {
    let raw = required(raw, "expirationDateTime")?;
    let at = OffsetDateTime::parse(&raw, &Rfc3339).map_err(|_| {
        refuse(
            "InvalidRequest",
            "expirationDateTime is not a valid DateTimeOffset.",
        )
    })?;
    if at <= now {
        return Err(refuse(
            "InvalidRequest",
            "Subscription expiration must be in the future.",
        ));
    }
    if at > now + MAX_LIFETIME {
        return Err(refuse(
            "InvalidRequest",
            format!(
                "Subscription expiration can only be {} minutes in the future.",
                MAX_LIFETIME.whole_minutes()
            ),
        ));
    }
    Ok(at)
}

#[cfg(test)]
mod tests;
