//! `GET /audit`: the tenant's record of writes made through graphsec, newest first, with
//! filters and pages; `/audit/export.json` and `/audit/export.csv` hold every record the same
//! filters match. Signed-in users with the security permission see their own tenant only.

mod view;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::alerts::csv::csv_line;
use crate::auth::{User, has_scope};
use crate::error::AppError;
use crate::triage::audit::filter::AuditQuery;
use crate::triage::audit::{AuditFilter, AuditLog, AuditRecord};
use crate::web::layout::Layout;
use crate::web::state::AppState;
use view::{AuditRow, CSV_HEADER, csv_cells, row};

/// Records per page.
const PAGE_SIZE: u32 = 50;
/// The most records one export holds.
const MAX_EXPORT: u32 = 10_000;

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
pub struct AuditPage {
    layout: Layout,
    query: AuditQuery,
    problems: Vec<(&'static str, String)>,
    rows: Vec<AuditRow>,
    page: u32,
    previous_href: Option<String>,
    next_href: Option<String>,
    export_query: String,
}

impl AuditPage {
    fn problem(&self, field: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }
}

/// Only users who may change security data may read what was changed.
fn require_permission(state: &AppState, user: &User) -> Result<(), AppError> {
    let needed = state.settings.graph.alerts_api.security_scope();
    if has_scope(&user.granted_scopes, needed) {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "The audit log needs the {needed} permission, which this sign-in was not granted."
        )))
    }
}

fn query_string(query: &AuditQuery, page: Option<u32>) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in [
        ("who", &query.who),
        ("resource", &query.resource),
        ("outcome", &query.outcome),
        ("from", &query.from),
        ("to", &query.to),
    ] {
        if !value.trim().is_empty() {
            out.append_pair(name, value);
        }
    }
    if let Some(page) = page {
        out.append_pair("page", &page.to_string());
    }
    out.finish()
}

pub async fn show(
    State(state): State<AppState>,
    user: User,
    layout: Layout,
    Query(query): Query<AuditQuery>,
) -> Result<Response, AppError> {
    require_permission(&state, &user)?;
    let layout = layout.active("audit");
    let (filter, page) = match query.validate() {
        Ok(valid) => valid,
        Err(err) => {
            let page = AuditPage {
                layout,
                export_query: String::new(),
                query,
                problems: err.problems,
                rows: Vec::new(),
                page: 1,
                previous_href: None,
                next_href: None,
            };
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let found = state
        .audit
        .search(&user.tenant_id, &filter, (page - 1) * PAGE_SIZE, PAGE_SIZE)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let href = |n: u32| format!("/audit?{}", query_string(&query, Some(n)));
    Ok(AuditPage {
        layout,
        export_query: query_string(&query, None),
        previous_href: (page > 1).then(|| href(page - 1)),
        next_href: found.more.then(|| href(page + 1)),
        rows: found.records.iter().map(row).collect(),
        page,
        problems: Vec::new(),
        query,
    }
    .into_response())
}

async fn matching(
    state: &AppState,
    user: &User,
    query: &AuditQuery,
) -> Result<Vec<AuditRecord>, AppError> {
    require_permission(state, user)?;
    let (filter, _) = query
        .validate()
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    all_records(&state.audit, &user.tenant_id, &filter).await
}

async fn all_records(
    log: &AuditLog,
    tenant_id: &str,
    filter: &AuditFilter,
) -> Result<Vec<AuditRecord>, AppError> {
    log.search(tenant_id, filter, 0, MAX_EXPORT)
        .await
        .map(|page| page.records)
        .map_err(|e| AppError::Internal(e.into()))
}

fn attachment(content_type: &str, name: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

pub async fn export_json(
    State(state): State<AppState>,
    user: User,
    Query(query): Query<AuditQuery>,
) -> Result<Response, AppError> {
    let records = matching(&state, &user, &query).await?;
    let body = serde_json::to_string_pretty(&records).map_err(|e| AppError::Internal(e.into()))?;
    Ok(attachment("application/json", "audit.json", body))
}

pub async fn export_csv(
    State(state): State<AppState>,
    user: User,
    Query(query): Query<AuditQuery>,
) -> Result<Response, AppError> {
    let records = matching(&state, &user, &query).await?;
    let mut body = csv_line(&CSV_HEADER);
    for record in &records {
        body.push_str(&csv_line(&csv_cells(record)));
    }
    Ok(attachment("text/csv; charset=utf-8", "audit.csv", body))
}
