//! `GET /alerts` from the mirror: the same page as the live one, sorted over the whole result,
//! paged by key (a next page starts after the last row shown, whatever changed meanwhile),
//! searchable, and counted exactly. It costs no Graph call.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;

use super::links::{Position, back_query, sort_links, with_sort};
use super::page::{AlertsPage, ListParams, MirrorNote};
use super::paging::Paging;
use super::sort::{Sort, SortKey};
use crate::alerts::row::Shape;
use crate::alerts::row_reader;
use crate::auth::User;
use crate::sync::selection::{Column, Key, Listed, Order, Window};
use crate::sync::store::{ReadError, Resource};
use crate::sync::{Freshness, Mirror};
use crate::web::time::ms_ago;

fn note(freshness: Freshness) -> MirrorNote {
    MirrorNote {
        synced: format!(
            "synced {}",
            ms_ago(freshness.synced_ms, OffsetDateTime::now_utc())
        ),
    }
}

/// Whether the mirror answers this user's lists: alerts_v2, a reader of the tenant's alerts, and
/// the tenant's backfill done. Reading a list also asks for the tenant to be mirrored.
pub async fn serving(mirror: &Mirror, user: &User, legacy: bool) -> Option<Freshness> {
    if legacy || !user.may_read_mirror() {
        return None;
    }
    mirror.join(&user.tenant_id).await;
    mirror.serves(&user.tenant_id, Resource::Alerts).await
}

/// The mirror's order for a sort of the list.
pub fn order_of(sort: Option<Sort>) -> Order {
    match sort {
        None => Order::default(),
        Some(sort) => Order {
            column: match sort.key {
                SortKey::Severity => Column::Severity,
                SortKey::Status => Column::Status,
                SortKey::Created => Column::Created,
                SortKey::Updated => Column::Updated,
            },
            ascending: sort.reversed,
        },
    }
}

/// Which window a page's `after` / `before` ask for.
pub fn window_of(params: &ListParams) -> Result<Window, String> {
    let bad = || "This page link is damaged; start again from the first page.".to_string();
    let given = [
        (params.after.as_deref(), Window::After as fn(Key) -> Window),
        (params.before.as_deref(), Window::Before),
        (params.from.as_deref(), Window::From),
    ];
    let mut windows = given
        .into_iter()
        .filter_map(|(token, make)| token.map(|t| Key::parse(t).map(make)));
    match (windows.next(), windows.next()) {
        (None, _) => Ok(Window::First),
        (Some(Some(window)), None) => Ok(window),
        _ => Err(bad()),
    }
}

/// Fills `page` from the mirror; `page` already holds the form, the errors and the links.
pub async fn fill(
    mut page: AlertsPage,
    mirror: &Mirror,
    user: &User,
    params: &ListParams,
    freshness: Freshness,
    sort: Option<Sort>,
) -> Response {
    page.mirror = Some(note(freshness));
    page.search = params.query.search().unwrap_or_default().to_string();
    let view = params.query.to_query_string();
    let first_page = Position {
        page: None,
        next: None,
    };
    page.sorts = sort_links(&view, &first_page, sort);
    page.sorted_by = sort.map(Sort::describe);
    page.rest_query = format!(
        "No Graph call: read from graphsec's copy of security/alerts_v2 ({}).",
        page.mirror
            .as_ref()
            .map(|m| m.synced.as_str())
            .unwrap_or_default()
    );
    let (top, selection) = match params.query.to_selection(&user.upn) {
        Ok(valid) => valid,
        Err(err) => {
            page.errors = err.messages;
            return with_status(page, StatusCode::BAD_REQUEST);
        }
    };
    let window = match window_of(params) {
        Ok(window) if page.errors.is_empty() => window,
        Ok(_) => return with_status(page, StatusCode::BAD_REQUEST),
        Err(message) => {
            page.errors.push(message);
            return with_status(page, StatusCode::BAD_REQUEST);
        }
    };
    page.searched = true;
    let listed = mirror
        .store()
        .list(
            &user.tenant_id.to_ascii_lowercase(),
            Resource::Alerts,
            &selection,
            order_of(sort),
            window,
            top,
        )
        .await;
    match listed {
        Ok(listed) => {
            let sorted_view = with_sort(&view, sort);
            page.back_query = back_query(&view, &first_page, sort);
            if let Some(key) = listed.first.filter(|_| listed.has_previous()) {
                page.back_query = format!("{}&from={}", page.back_query, key.token());
            }
            page.paging = paging(&sorted_view, &listed);
            page.rows = listed
                .bodies
                .iter()
                .filter_map(|body| serde_json::value::RawValue::from_string(body.clone()).ok())
                .map(|raw| row_reader::row(Shape::V2, &raw))
                .collect();
            page.into_response()
        }
        Err(ReadError::Refused(message)) => {
            page.errors.push(message);
            with_status(page, StatusCode::BAD_REQUEST)
        }
        Err(ReadError::Database(error)) => {
            tracing::error!(%error, "the mirror could not be read");
            page.errors.push(
                "graphsec's copy of your alerts could not be read just now; try again.".into(),
            );
            with_status(page, StatusCode::SERVICE_UNAVAILABLE)
        }
    }
}

/// "21–40 of 57", and previous / next by key.
fn paging(view: &str, listed: &Listed) -> Paging {
    let href = |name: &str, key: Key| {
        let mut out = url::form_urlencoded::Serializer::new(view.to_string());
        out.append_pair(name, &key.token());
        format!("/alerts?{}", out.finish())
    };
    let shown = listed.bodies.len() as u64;
    Paging {
        summary: if shown == 0 {
            String::new()
        } else {
            format!(
                "{}–{} of {}",
                listed.before + 1,
                listed.before + shown,
                listed.total
            )
        },
        prev_href: listed
            .first
            .filter(|_| listed.has_previous())
            .map(|key| href("before", key)),
        next_href: listed
            .last
            .filter(|_| listed.has_next())
            .map(|key| href("after", key)),
        numbers: Vec::new(),
    }
}

fn with_status(page: AlertsPage, status: StatusCode) -> Response {
    let mut response = page.into_response();
    *response.status_mut() = status;
    response
}
