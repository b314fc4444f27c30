//! `GET /incidents`: the incidents list, filtered by status, a page at a time.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;

use super::row::IncidentRow;
use super::{PERMISSION, legacy_explanation, with_status};
use crate::alerts::filter::{IncidentStatus, quote};
use crate::auth::User;
use crate::graph::{GraphClient, Page, incidents};
use crate::web::alerts::notice::{Notice, explain};
use crate::web::layout::Layout;
use crate::web::state::AppState;

const PAGE_SIZE: u32 = 20;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct IncidentsParams {
    pub status: Option<String>,
    pub next: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "incidents.html")]
pub struct IncidentsPage {
    pub layout: Layout,
    pub statuses: Vec<(String, &'static str, bool)>,
    pub rows: Vec<IncidentRow>,
    pub notice: Option<Notice>,
    pub error: Option<String>,
    pub next_href: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    user: User,
    layout: Layout,
    Query(params): Query<IncidentsParams>,
) -> Response {
    let current = params
        .status
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let mut page = IncidentsPage {
        layout: layout.active("incidents"),
        statuses: IncidentStatus::ALL
            .iter()
            .map(|s| {
                (
                    s.form_value(),
                    s.as_str(),
                    current.is_some_and(|c| IncidentStatus::parse(c) == Ok(*s)),
                )
            })
            .collect(),
        rows: Vec::new(),
        notice: None,
        error: None,
        next_href: None,
    };
    if let Some(text) = legacy_explanation(&state, &user) {
        page.notice = Some(Notice {
            status: axum::http::StatusCode::OK,
            text,
            consent_link: false,
        });
        return page.into_response();
    }
    let status = match current.map(IncidentStatus::parse).transpose() {
        Ok(status) => status,
        Err(err) => {
            page.error = Some(format!("{err}."));
            return with_status(page.into_response(), axum::http::StatusCode::BAD_REQUEST);
        }
    };
    let url = match params.next.as_deref().filter(|n| !n.is_empty()) {
        Some(link) => match trusted_next(&state.graph, link) {
            Some(url) => url,
            None => {
                page.error = Some("The next-page link must point at the incidents collection on the configured Graph host.".into());
                return with_status(page.into_response(), axum::http::StatusCode::BAD_REQUEST);
            }
        },
        None => {
            let filter = status.map(|s| format!("status eq {}", quote(s.as_str())));
            incidents::list_url(&state.graph, PAGE_SIZE, filter.as_deref())
        }
    };
    match state
        .graph
        .get_json::<Page<Value>>(user.access_token(), url)
        .await
    {
        Ok(result) => {
            page.rows = result.value.iter().map(IncidentRow::from_json).collect();
            page.next_href = result.next_link.map(|link| {
                let mut pairs = url::form_urlencoded::Serializer::new(String::new());
                if let Some(status) = status {
                    pairs.append_pair("status", &status.form_value());
                }
                pairs.append_pair("next", &link);
                format!("/incidents?{}", pairs.finish())
            });
            page.into_response()
        }
        Err(err) => {
            let notice = explain(&err, PERMISSION);
            let code = notice.status;
            page.notice = Some(notice);
            with_status(page.into_response(), code)
        }
    }
}

fn trusted_next(graph: &GraphClient, link: &str) -> Option<url::Url> {
    let url = graph.trusted_link(link).ok()?;
    (url.path() == graph.url(incidents::COLLECTION).path()).then_some(url)
}
