//! `GET /incidents` from the mirror: the same filters, searchable, paged by key with an exact
//! "1–20 of N", at no Graph call.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use time::OffsetDateTime;

use super::page::IncidentsPage;
use super::with_status;
use crate::auth::User;
use crate::incidents::filter::{IncidentFilter, IncidentQuery, PAGE_SIZE};
use crate::incidents::row::IncidentRow;
use crate::sync::selection::{Key, Order, Window};
use crate::sync::store::{ReadError, Resource};
use crate::sync::{Freshness, Mirror};
use crate::web::time::ms_ago;

/// Whether the mirror answers this user's incident list (reading it asks for the tenant to be
/// mirrored).
pub async fn serving(mirror: &Mirror, user: &User) -> Option<Freshness> {
    if !user.may_read_mirror() {
        return None;
    }
    mirror.join(&user.tenant_id).await;
    mirror.serves(&user.tenant_id, Resource::Incidents).await
}

pub async fn fill(
    mut page: IncidentsPage,
    mirror: &Mirror,
    user: &User,
    query: &IncidentQuery,
    filter: &IncidentFilter,
    freshness: Freshness,
) -> Response {
    page.synced = Some(format!(
        "synced {}",
        ms_ago(freshness.synced_ms, OffsetDateTime::now_utc())
    ));
    page.search = query.q.clone().unwrap_or_default();
    let bad = || "This page link is damaged; start again from the first page.".to_string();
    let window = match (query.after.as_deref(), query.before.as_deref()) {
        (None, None) => Ok(Window::First),
        (Some(after), None) => Key::parse(after).map(Window::After).ok_or_else(bad),
        (None, Some(before)) => Key::parse(before).map(Window::Before).ok_or_else(bad),
        (Some(_), Some(_)) => Err(bad()),
    };
    let window = match window {
        Ok(window) => window,
        Err(message) => {
            page.error = Some(message);
            return with_status(page.into_response(), StatusCode::BAD_REQUEST);
        }
    };
    let selection = filter.selection(&user.upn, query.q.as_deref(), OffsetDateTime::now_utc());
    let listed = mirror
        .store()
        .list(
            &user.tenant_id.to_ascii_lowercase(),
            Resource::Incidents,
            &selection,
            Order::default(),
            window,
            PAGE_SIZE,
        )
        .await;
    let listed = match listed {
        Ok(listed) => listed,
        Err(ReadError::Refused(message)) => {
            page.error = Some(message);
            return with_status(page.into_response(), StatusCode::BAD_REQUEST);
        }
        Err(ReadError::Database(error)) => {
            tracing::error!(%error, "the mirror could not be read");
            page.error = Some(
                "graphsec's copy of your incidents could not be read just now; try again.".into(),
            );
            return with_status(page.into_response(), StatusCode::SERVICE_UNAVAILABLE);
        }
    };
    page.rows = listed
        .bodies
        .iter()
        .filter_map(|body| serde_json::from_str::<Value>(body).ok())
        .map(|incident| IncidentRow::from_json(&incident))
        .collect();
    let shown = page.rows.len() as u64;
    if shown > 0 {
        page.range = format!(
            "{}–{} of {}",
            listed.before + 1,
            listed.before + shown,
            listed.total
        );
    }
    let href = |name: &str, key: Key| {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in filter.pairs() {
            out.append_pair(k, &v);
        }
        if !page.search.trim().is_empty() {
            out.append_pair("q", page.search.trim());
        }
        out.append_pair(name, &key.token());
        format!("/incidents?{}", out.finish())
    };
    page.next_href = listed
        .last
        .filter(|_| listed.has_next())
        .map(|key| href("after", key));
    page.previous_href = listed
        .first
        .filter(|_| listed.has_previous())
        .map(|key| href("before", key));
    page.into_response()
}
