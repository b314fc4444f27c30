//! `GET /incidents`: the incidents list, filtered (status, severity, classification,
//! determination, assigned to me, created or updated since), a page at a time with "1–20 of N".

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use time::OffsetDateTime;

use super::mirror_list::serving;
use super::page::IncidentsPage;
use super::{PERMISSION, legacy_explanation, with_status};
use crate::auth::User;
use crate::graph::incidents;
use crate::incidents::filter::{IncidentFilter, IncidentQuery, MAX_SKIP, PAGE_SIZE};
use crate::incidents::row::IncidentRow;
use crate::web::alerts::notice::{Notice, explain};
use crate::web::layout::Layout;
use crate::web::state::AppState;

/// The list's link for `filter` at offset `skip`.
fn href(filter: &IncidentFilter, skip: u32) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in filter.pairs() {
        query.append_pair(name, &value);
    }
    if skip > 0 {
        query.append_pair("skip", &skip.to_string());
    }
    let query = query.finish();
    if query.is_empty() {
        "/incidents".to_string()
    } else {
        format!("/incidents?{query}")
    }
}

pub async fn show(
    State(state): State<AppState>,
    user: User,
    layout: Layout,
    Query(query): Query<IncidentQuery>,
) -> Response {
    let mut page = IncidentsPage::new(layout, &query);
    if let Some(text) = legacy_explanation(&state, &user) {
        page.notice = Some(Notice {
            status: StatusCode::OK,
            text,
            consent_link: false,
        });
        return page.into_response();
    }
    let filter = match query.parse() {
        Ok(filter) => filter,
        Err(message) => {
            page.error = Some(message);
            return with_status(page.into_response(), StatusCode::BAD_REQUEST);
        }
    };
    if let Some(freshness) = serving(&state.mirror, &user).await {
        return super::mirror_list::fill(page, &state.mirror, &user, &query, &filter, freshness)
            .await;
    }
    if query.q.as_deref().is_some_and(|q| !q.trim().is_empty()) {
        page.error = Some(
            "Search reads graphsec's own copy of your tenant's incidents, which is not ready for \
             your tenant (see the Sync page); Microsoft Graph cannot search a list."
                .to_string(),
        );
        return with_status(page.into_response(), StatusCode::BAD_REQUEST);
    }
    let odata = filter.odata(&user.upn, OffsetDateTime::now_utc());
    let url = incidents::page_url(&state.graph, PAGE_SIZE, filter.skip, odata.as_deref());
    // Graph may answer with fewer incidents than `$top` and a next link: it is followed until
    // the page is full, so the next page starts at the offset after the last one shown.
    let result = match state
        .graph
        .get_filled::<Value>(user.access_token(), url, PAGE_SIZE as usize)
        .await
    {
        Ok(result) => result,
        Err(err) => {
            let notice = explain(&err, PERMISSION);
            let code = notice.status;
            page.notice = Some(notice);
            return with_status(page.into_response(), code);
        }
    };
    page.rows = result.items.iter().map(IncidentRow::from_json).collect();
    let shown = page.rows.len() as u32;
    if shown > 0 {
        let (first, last) = (filter.skip + 1, filter.skip + shown);
        page.range = match result.count {
            Some(total) => format!("{first}–{last} of {total}"),
            None => format!("{first}–{last}"),
        };
    }
    let next = filter.skip + shown;
    let full = shown == PAGE_SIZE;
    page.next_href = (result.more && full && next <= MAX_SKIP).then(|| href(&filter, next));
    page.previous_href =
        (filter.skip > 0).then(|| href(&filter, filter.skip.saturating_sub(PAGE_SIZE)));
    page.into_response()
}
