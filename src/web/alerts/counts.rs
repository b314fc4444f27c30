//! The home page's queue: new and in-progress alerts by severity, unassigned high-severity
//! alerts and the user's own, each a `$count` call and a link to the matching list. The figures
//! are kept in the session for a minute, so moving around the app does not repeat the calls.

use futures::future::join_all;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use tower_sessions::Session;

use super::mirror_list::serving;
use super::notice::explain;
use super::permission;
use crate::alerts::api::AlertsApi;
use crate::alerts::filter::Severity;
use crate::alerts::query::AlertQuery;
use crate::alerts::row::severity_class;
use crate::auth::User;
use crate::sync::Mirror;
use crate::sync::store::Resource;

const CACHE_KEY: &str = "home.queue_counts";
/// How long the figures are reused.
const CACHE_SECONDS: i64 = 60;

/// One figure and the list it counts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CountCell {
    pub count: u64,
    pub href: String,
}

/// New and in-progress alerts of one severity.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SeverityLine {
    pub label: String,
    pub class: String,
    pub new: CountCell,
    pub in_progress: CountCell,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QueueCounts {
    pub lines: Vec<SeverityLine>,
    pub unassigned_high: CountCell,
    pub mine: CountCell,
    /// Unix time the figures were read.
    pub at: i64,
}

/// The figures, or why they could not be read.
pub async fn queue_counts(
    api: &AlertsApi,
    mirror: &Mirror,
    user: &User,
    session: &Session,
) -> Result<QueueCounts, String> {
    let now = OffsetDateTime::now_utc().unix_timestamp();
    if serving(mirror, user, api.is_legacy()).await.is_some() {
        return read(api, Some(mirror), user, now).await;
    }
    if let Ok(Some(cached)) = session.get::<QueueCounts>(CACHE_KEY).await
        && now - cached.at < CACHE_SECONDS
    {
        return Ok(cached);
    }
    let counts = read(api, None, user, now).await?;
    if let Err(err) = session.insert(CACHE_KEY, &counts).await {
        tracing::warn!(error = %err, "could not keep the queue counts");
    }
    Ok(counts)
}

fn query(pairs: &[(&str, &str)]) -> AlertQuery {
    AlertQuery::from_pairs(pairs)
}

async fn read(
    api: &AlertsApi,
    mirror: Option<&Mirror>,
    user: &User,
    now: i64,
) -> Result<QueueCounts, String> {
    let new = if api.is_legacy() { "new_alert" } else { "new" };
    let severities = [
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Informational,
    ];
    let mut queries: Vec<AlertQuery> = Vec::new();
    for severity in severities {
        let severity = severity.form_value();
        queries.push(query(&[("status", new), ("severity", &severity)]));
        queries.push(query(&[("status", "in_progress"), ("severity", &severity)]));
    }
    queries.push(query(&[
        ("severity", "high"),
        ("status", new),
        ("status", "in_progress"),
        ("unassigned", "on"),
    ]));
    queries.push(query(&[
        ("assigned_to_me", "on"),
        ("status", new),
        ("status", "in_progress"),
    ]));
    let token = user.access_token();
    let tenant = user.tenant_id.to_ascii_lowercase();
    let tenant = &tenant;
    let calls = queries.iter().map(|q| async move {
        if let Some(mirror) = mirror {
            let (_, selection) = q.to_selection(&user.upn).map_err(|e| e.to_string())?;
            return mirror
                .store()
                .count(tenant, Resource::Alerts, &selection)
                .await
                .map_err(|e| e.to_string());
        }
        let valid = api.validate(q, &user.upn).map_err(|e| e.to_string())?;
        api.count(token, &valid)
            .await
            .map_err(|err| explain(&err, permission(api)).text)
    });
    let mut figures = Vec::new();
    for (result, q) in join_all(calls).await.into_iter().zip(&queries) {
        figures.push(CountCell {
            count: result?,
            href: format!("/alerts?{}", q.to_query_string()),
        });
    }
    let mine = figures.pop().expect("a count per query");
    let unassigned_high = figures.pop().expect("a count per query");
    let mut pairs = figures.into_iter();
    let lines = severities
        .into_iter()
        .filter_map(|severity| {
            Some(SeverityLine {
                label: severity.label().to_string(),
                class: severity_class(severity.as_str()).to_string(),
                new: pairs.next()?,
                in_progress: pairs.next()?,
            })
        })
        .collect();
    Ok(QueueCounts {
        lines,
        unassigned_high,
        mine,
        at: now,
    })
}
