//! `GET /alerts`: the filter form, the results, and the manage-alert form.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

use super::filter_form::filter_form;
use super::links::{
    Position, back_query, explorer_url, readable, same_filter, sort_links, subscribe_href,
    with_sort,
};
use super::manage_form::ManageForm;
use super::mirror_list::serving;
use super::notice::explain;
use super::page::{AlertsPage, ListParams};
use super::paging::{self, MAX_PAGE, Paging};
use super::permission;
use super::sort::Sort;
use crate::alerts::api::AlertsApi;
use crate::alerts::query::DEFAULT_TOP;
use crate::auth::User;
use crate::sync::Mirror;
use crate::web::layout::Layout;

const PROVIDERS_KEY: &str = "alerts.legacy_providers";
/// The page size the user chose last, kept for the session.
const TOP_KEY: &str = "alerts.top";

pub async fn show(
    State(api): State<AlertsApi>,
    State(mirror): State<Mirror>,
    user: User,
    layout: Layout,
    session: Session,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    let params = ListParams::from_pairs(&pairs);
    let legacy = api.is_legacy();
    let providers = if legacy {
        legacy_providers(&api, &user, &session).await
    } else {
        Vec::new()
    };
    let mut query = params.query.clone();
    let chosen_top = query.top.as_deref().is_some_and(|t| !t.trim().is_empty());
    if !chosen_top && let Ok(Some(top)) = session.get::<u32>(TOP_KEY).await {
        query.top = Some(top.to_string());
    }
    let query = &query;
    let validated = api.validate(query, &user.upn);
    if chosen_top && let Ok(valid) = &validated {
        remember_top(&session, valid.top).await;
    }
    let top = validated.as_ref().map_or(DEFAULT_TOP, |v| v.top);
    let mut errors = Vec::new();
    let sort = match params.sort.as_deref().map(Sort::parse).transpose() {
        Ok(sort) => sort,
        Err(message) => {
            errors.push(message);
            None
        }
    };
    let number = match params.page.as_deref().map(str::parse::<u32>) {
        None => 1,
        Some(Ok(n)) if (1..=MAX_PAGE).contains(&n) => n,
        Some(_) => {
            errors.push(format!("The page must be a number from 1 to {MAX_PAGE}."));
            1
        }
    };
    let view = query.to_query_string();
    let at = Position {
        page: params.page.as_deref(),
        next: params.next.as_deref(),
    };
    let mut page = AlertsPage {
        layout: layout.active("alerts"),
        legacy,
        api_label: if legacy {
            "legacy /security/alerts"
        } else {
            "/security/alerts_v2"
        },
        form: filter_form(query, top, legacy, &providers),
        errors,
        notice: None,
        refused: None,
        searched: false,
        rows: Vec::new(),
        rest_query: String::new(),
        explorer_url: String::new(),
        paging: Paging::default(),
        export_query: view.clone(),
        manage: ManageForm::new(legacy, ""),
        filters_open: query.has_filters() || validated.is_err(),
        filter_count: query.filter_count(),
        sorts: sort_links(&view, &at, sort),
        sorted_by: sort.map(Sort::describe),
        subscribe_href: subscribe_href(query),
        back_query: back_query(&view, &at, sort),
        mirror: None,
        search: String::new(),
    };
    if let Some(freshness) = serving(&mirror, &user, legacy).await {
        page.filters_open = query.has_filters() || query.to_selection(&user.upn).is_err();
        let params = ListParams {
            query: query.clone(),
            ..params
        };
        return super::mirror_list::fill(page, &mirror, &user, &params, freshness, sort).await;
    }
    let valid = match validated {
        Ok(valid) if page.errors.is_empty() => valid,
        Ok(_) => return with_status(page, axum::http::StatusCode::BAD_REQUEST),
        Err(err) => {
            page.errors = err.messages;
            return with_status(page, axum::http::StatusCode::BAD_REQUEST);
        }
    };
    let by_number = api.pages_by_number() && params.next.is_none();
    let url = match params.next.as_deref() {
        None => api.page_url(&valid, (number - 1) * valid.top),
        Some(link) => match api.next_page_url(link) {
            Ok(url) if same_filter(&url, &api.first_page_url(&valid, None)) => url,
            Ok(_) => {
                page.errors = vec![
                    "This next-page link lists other alerts than the filters shown here ask for, \
                     so it was not followed. Apply the filters again to start from their first page."
                        .to_string(),
                ];
                return with_status(page, axum::http::StatusCode::BAD_REQUEST);
            }
            Err(message) => {
                page.errors = vec![message];
                return with_status(page, axum::http::StatusCode::BAD_REQUEST);
            }
        },
    };
    page.rest_query = format!("GET {}", readable(&url));
    page.explorer_url = explorer_url(&url, api.graph().base_url());
    page.searched = true;
    let read = if by_number {
        api.list_page(user.access_token(), url, valid.top).await
    } else {
        api.fetch_page(user.access_token(), url).await
    };
    match read {
        Ok(result) => {
            page.rows = result.rows;
            if let Some(sort) = sort {
                sort.apply(&mut page.rows);
            }
            let sorted_view = with_sort(&view, sort);
            page.paging = if by_number {
                paging::numbered(
                    &sorted_view,
                    number,
                    valid.top,
                    page.rows.len(),
                    result.count,
                    result.more,
                )
            } else {
                Paging {
                    summary: match result.count {
                        Some(count) if !page.rows.is_empty() => {
                            format!("{} shown of {count} matching alerts", page.rows.len())
                        }
                        _ => String::new(),
                    },
                    next_href: result.next_link.map(|link| {
                        let mut pairs = url::form_urlencoded::Serializer::new(sorted_view.clone());
                        pairs.append_pair("next", &link);
                        format!("/alerts?{}", pairs.finish())
                    }),
                    ..Paging::default()
                }
            };
            page.into_response()
        }
        Err(err) => {
            let notice = explain(&err, permission(&api));
            let status = notice.status;
            page.refused = super::refused_filter::explain(&err, &page.export_query);
            page.notice = Some(notice);
            with_status(page, status)
        }
    }
}

async fn remember_top(session: &Session, top: u32) {
    if session.get::<u32>(TOP_KEY).await.ok().flatten() == Some(top) {
        return;
    }
    if let Err(err) = session.insert(TOP_KEY, top).await {
        tracing::warn!(error = %err, "could not remember the page size");
    }
}

fn with_status(page: AlertsPage, status: axum::http::StatusCode) -> Response {
    let mut response = page.into_response();
    *response.status_mut() = status;
    response
}

/// The providers the tenant actually returns on the legacy API, learned once per session.
pub(crate) async fn legacy_providers(
    api: &AlertsApi,
    user: &User,
    session: &Session,
) -> Vec<String> {
    if let Ok(Some(cached)) = session.get::<Vec<String>>(PROVIDERS_KEY).await {
        return cached;
    }
    match api.legacy_providers(user.access_token()).await {
        Ok(providers) => {
            if let Err(err) = session.insert(PROVIDERS_KEY, &providers).await {
                tracing::warn!(error = %err, "could not keep the provider list in the session");
            }
            providers
        }
        Err(err) => {
            tracing::warn!(error = %err, "could not learn the legacy alert providers");
            Vec::new()
        }
    }
}
