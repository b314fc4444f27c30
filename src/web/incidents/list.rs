//! `GET /incidents`: the incidents list, filtered (status, severity, classification,
//! determination, assigned to me, created or updated since), a page at a time with "1–20 of N".

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use time::OffsetDateTime;

use super::row::IncidentRow;
use super::{PERMISSION, legacy_explanation, with_status};
use crate::alerts::filter::IncidentStatus;
use crate::auth::User;
use crate::graph::{Page, incidents};
use crate::triage::incident_filter::{
    IncidentFilter, IncidentQuery, MAX_SKIP, PAGE_SIZE, SINCE_CHOICES,
};
use crate::web::alerts::choices::{self, Choice};
use crate::web::alerts::notice::{Notice, explain};
use crate::web::layout::Layout;
use crate::web::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "incidents.html")]
pub struct IncidentsPage {
    pub layout: Layout,
    pub selects: Vec<FilterSelect>,
    pub assigned_to_me: bool,
    pub rows: Vec<IncidentRow>,
    pub notice: Option<Notice>,
    pub error: Option<String>,
    /// "1–20 of 35" (or "1–20" when Graph gave no count).
    pub range: String,
    pub previous_href: Option<String>,
    pub next_href: Option<String>,
}

/// One select of the filter form: its query name, label and options.
pub struct FilterSelect {
    pub name: &'static str,
    pub label: &'static str,
    pub options: Vec<Choice>,
}

fn since_choices(current: Option<&str>) -> Vec<Choice> {
    choices::with_any(
        SINCE_CHOICES
            .iter()
            .map(|(v, label, _)| (v.to_string(), *label)),
        current,
    )
}

impl IncidentsPage {
    /// The statuses the bulk form can set (Graph sets "redirected" itself, when it merges).
    pub fn bulk_statuses(&self) -> Vec<(String, &'static str)> {
        IncidentStatus::ALL
            .iter()
            .filter(|s| **s != IncidentStatus::Redirected)
            .map(|s| (s.form_value(), s.label()))
            .collect()
    }

    /// The filter form filled as typed (the query string), before it is checked.
    fn new(layout: Layout, query: &IncidentQuery) -> Self {
        let statuses = IncidentStatus::ALL
            .iter()
            .map(|s| (s.form_value(), s.label()));
        let select = |name, label, options| FilterSelect {
            name,
            label,
            options,
        };
        Self {
            layout: layout.active("incidents"),
            selects: vec![
                select(
                    "status",
                    "Status",
                    choices::with_any(statuses, query.status.as_deref()),
                ),
                select(
                    "severity",
                    "Severity",
                    choices::severities(query.severity.as_deref()),
                ),
                select(
                    "classification",
                    "Classification",
                    choices::classifications(query.classification.as_deref()),
                ),
                select(
                    "determination",
                    "Determination",
                    choices::determinations(query.determination.as_deref()),
                ),
                select(
                    "created_since",
                    "Created",
                    since_choices(query.created_since.as_deref()),
                ),
                select(
                    "updated_since",
                    "Updated",
                    since_choices(query.updated_since.as_deref()),
                ),
            ],
            assigned_to_me: query
                .assigned_to_me
                .as_deref()
                .is_some_and(|v| !v.is_empty()),
            rows: Vec::new(),
            notice: None,
            error: None,
            range: String::new(),
            previous_href: None,
            next_href: None,
        }
    }
}

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
    let odata = filter.odata(&user.upn, OffsetDateTime::now_utc());
    let url = incidents::page_url(&state.graph, PAGE_SIZE, filter.skip, odata.as_deref());
    let result = match state
        .graph
        .get_json::<Page<Value>>(user.access_token(), url)
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
    page.rows = result.value.iter().map(IncidentRow::from_json).collect();
    let shown = page.rows.len() as u32;
    if shown > 0 {
        let (first, last) = (filter.skip + 1, filter.skip + shown);
        page.range = match result.count {
            Some(total) => format!("{first}–{last} of {total}"),
            None => format!("{first}–{last}"),
        };
    }
    let more = match result.count {
        Some(total) => u64::from(filter.skip + shown) < total,
        None => result.next_link.is_some(),
    };
    let next = filter.skip + PAGE_SIZE;
    page.next_href = (more && next <= MAX_SKIP).then(|| href(&filter, next));
    page.previous_href =
        (filter.skip > 0).then(|| href(&filter, filter.skip.saturating_sub(PAGE_SIZE)));
    page.into_response()
}
