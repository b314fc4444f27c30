//! `GET /incidents` and `GET /incidents/{id}`: incidents (alerts_v2 generation) with their alerts.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;

use crate::alerts::filter::{IncidentStatus, quote};
use crate::alerts::id::validate_alert_id;
use crate::alerts::row::{AlertRow, Shape};
use crate::auth::User;
use crate::error::AppError;
use crate::graph::{GraphClient, Page, incidents};
use crate::web::alerts::notice::{Notice, explain, to_app_error};
use crate::web::layout::Layout;
use crate::web::state::AppState;

const PERMISSION: &str = "SecurityIncident.Read.All";
const PAGE_SIZE: u32 = 20;

/// One incident as the pages show it.
#[derive(Debug, Clone, Default)]
pub struct IncidentRow {
    pub id: String,
    pub display_name: String,
    pub severity: String,
    pub status: String,
    pub assigned_to: String,
    pub created: String,
    pub last_update: String,
    pub web_url: String,
}

impl IncidentRow {
    fn from_json(value: &Value) -> Self {
        let text = |key: &str| {
            value
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let web_url = text("incidentWebUrl");
        Self {
            id: text("id"),
            display_name: text("displayName"),
            severity: text("severity"),
            status: text("status"),
            assigned_to: text("assignedTo"),
            created: text("createdDateTime"),
            last_update: text("lastUpdateDateTime"),
            web_url: if web_url.starts_with("https://") {
                web_url
            } else {
                String::new()
            },
        }
    }
}

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

#[derive(Template, WebTemplate)]
#[template(path = "incident.html")]
pub struct IncidentPage {
    pub layout: Layout,
    pub incident: IncidentRow,
    pub alerts: Vec<AlertRow>,
    pub json: String,
}

impl IncidentPage {
    /// The incident's alerts are not sortable: the shared alert table shows plain headers.
    pub fn sort_link(&self, _key: &str) -> Option<&crate::web::alerts::links::SortLink> {
        None
    }

    /// An alert's page.
    pub fn alert_href(&self, id: &str) -> String {
        crate::web::alerts::detail::alert_path(id)
    }

    /// The incident's alerts are listed without bulk selection.
    pub fn bulk_select(&self) -> bool {
        false
    }
}

pub async fn list(
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

/// On the legacy alert API sign-in does not ask for the incidents permission, so admin consent
/// cannot help: say why incidents are missing instead of pointing at a consent page.
fn legacy_explanation(state: &AppState, user: &User) -> Option<String> {
    let legacy = state.settings.graph.alerts_api == crate::config::AlertsApiKind::Legacy;
    let granted = user.granted_scopes.iter().any(|s| {
        s.eq_ignore_ascii_case(PERMISSION)
            || s.eq_ignore_ascii_case("SecurityIncident.ReadWrite.All")
    });
    (legacy && !granted).then(|| {
        "Incidents come from the current Microsoft Graph security API. This console is set to the \
         legacy alert API (graph.alerts_api = \"legacy\"), so it does not ask for the incidents \
         permission when you sign in, and granting consent would not change that. To work with \
         incidents, ask the operator to set graph.alerts_api to \"v2\"."
            .to_string()
    })
}

fn trusted_next(graph: &GraphClient, link: &str) -> Option<url::Url> {
    let url = graph.trusted_link(link).ok()?;
    (url.path() == graph.url(incidents::COLLECTION).path()).then_some(url)
}

fn with_status(mut response: Response, status: axum::http::StatusCode) -> Response {
    *response.status_mut() = status;
    response
}

pub async fn show(
    State(state): State<AppState>,
    user: User,
    layout: Layout,
    Path(id): Path<String>,
) -> Result<IncidentPage, AppError> {
    let id = validate_alert_id(&id)
        .map_err(|m| AppError::BadRequest(m.replace("alert id", "incident id")))?;
    if let Some(text) = legacy_explanation(&state, &user) {
        return Err(AppError::Forbidden(text));
    }
    let incident = match incidents::get(&state.graph, user.access_token(), &id).await {
        Ok(incident) => incident,
        Err(err) if err.kind == crate::graph::GraphErrorKind::NotFound => {
            return Err(AppError::NotFound(format!(
                "There is no incident with the id '{id}'."
            )));
        }
        Err(err) => return Err(to_app_error(err, PERMISSION)),
    };
    let alerts = incident
        .get("alerts")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|v| AlertRow::from_json(Shape::V2, v))
                .collect()
        })
        .unwrap_or_default();
    Ok(IncidentPage {
        layout: layout.active("incidents"),
        incident: IncidentRow::from_json(&incident),
        alerts,
        json: serde_json::to_string_pretty(&incident).unwrap_or_default(),
    })
}
