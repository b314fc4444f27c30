//! `GET /alerts`: the filter form, the results, and the manage-alert form.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tower_sessions::Session;
use url::Url;

use super::choices::{self, Choice, LEGACY_CATEGORIES};
use super::manage_form::ManageForm;
use super::notice::{Notice, explain};
use super::permission;
use crate::alerts::api::AlertsApi;
use crate::alerts::query::{AlertQuery, DEFAULT_TOP};
use crate::alerts::row::AlertRow;
use crate::auth::User;
use crate::web::layout::Layout;

const PROVIDERS_KEY: &str = "alerts.legacy_providers";
/// The page size the user chose last, kept for the session.
const TOP_KEY: &str = "alerts.top";
const EXPLORER: &str = "https://developer.microsoft.com/en-us/graph/graph-explorer";

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListParams {
    #[serde(flatten)]
    pub query: AlertQuery,
    /// An `@odata.nextLink` to load instead of the first page.
    pub next: Option<String>,
}

/// The filter form's options, with the current values selected.
pub struct FilterForm {
    pub tops: Vec<Choice>,
    pub statuses: Vec<Choice>,
    pub severities: Vec<Choice>,
    pub providers: Vec<Choice>,
    pub categories: Vec<Choice>,
    pub service_sources: Vec<Choice>,
    pub classifications: Vec<Choice>,
    pub determinations: Vec<Choice>,
    pub assigned_to_me: bool,
    pub fqdn: String,
    pub upn: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "alerts.html")]
pub struct AlertsPage {
    pub layout: Layout,
    pub legacy: bool,
    pub api_label: &'static str,
    pub form: FilterForm,
    pub errors: Vec<String>,
    pub notice: Option<Notice>,
    /// Whether a query ran (false when the form had errors).
    pub searched: bool,
    pub rows: Vec<AlertRow>,
    pub rest_query: String,
    pub explorer_url: String,
    pub next_href: Option<String>,
    pub export_query: String,
    pub manage: ManageForm,
    /// Whether the filter panel starts open (filters set, or the form was refused).
    pub filters_open: bool,
    /// How many filters are set, for the panel's summary.
    pub filter_count: usize,
}

pub async fn show(
    State(api): State<AlertsApi>,
    user: User,
    layout: Layout,
    session: Session,
    Query(params): Query<ListParams>,
) -> Response {
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
    let mut page = AlertsPage {
        layout: layout.active("alerts"),
        legacy,
        api_label: if legacy {
            "legacy /security/alerts"
        } else {
            "/security/alerts_v2"
        },
        form: filter_form(query, top, legacy, &providers),
        errors: Vec::new(),
        notice: None,
        searched: false,
        rows: Vec::new(),
        rest_query: String::new(),
        explorer_url: String::new(),
        next_href: None,
        export_query: serde_urlencoded::to_string(query).unwrap_or_default(),
        manage: ManageForm::new(legacy, ""),
        filters_open: query.has_filters() || validated.is_err(),
        filter_count: query.filter_count(),
    };
    let valid = match validated {
        Ok(valid) => valid,
        Err(err) => {
            page.errors = err.messages;
            return with_status(page, axum::http::StatusCode::BAD_REQUEST);
        }
    };
    let url = match params.next.as_deref().filter(|n| !n.is_empty()) {
        None => api.first_page_url(&valid, None),
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
    match api.fetch_page(user.access_token(), url).await {
        Ok(result) => {
            page.rows = result.rows;
            page.next_href = result.next_link.map(|link| {
                let mut pairs = url::form_urlencoded::Serializer::new(page.export_query.clone());
                pairs.append_pair("next", &link);
                format!("/alerts?{}", pairs.finish())
            });
            page.into_response()
        }
        Err(err) => {
            let notice = explain(&err, permission(&api));
            let status = notice.status;
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

/// The providers the tenant returns, asked once per session.
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

fn filter_form(query: &AlertQuery, top: u32, legacy: bool, providers: &[String]) -> FilterForm {
    let categories: Vec<String> = LEGACY_CATEGORIES.iter().map(|c| c.to_string()).collect();
    FilterForm {
        tops: choices::tops(top),
        statuses: if legacy {
            choices::legacy_statuses(query.status.as_deref())
        } else {
            choices::v2_statuses(query.status.as_deref())
        },
        severities: choices::severities(query.severity.as_deref()),
        providers: choices::texts(providers, query.provider.as_deref()),
        categories: choices::texts(&categories, query.category.as_deref()),
        service_sources: choices::service_sources(query.service_source.as_deref()),
        classifications: choices::classifications(query.classification.as_deref()),
        determinations: choices::determinations(query.determination.as_deref()),
        assigned_to_me: query.assigned_to_me(),
        fqdn: query.fqdn.clone().unwrap_or_default(),
        upn: query.upn.clone().unwrap_or_default(),
    }
}

/// Whether two Graph URLs carry the same `$filter` (none counts as the same as none).
fn same_filter(a: &Url, b: &Url) -> bool {
    let filter = |url: &Url| {
        url.query_pairs()
            .find(|(k, _)| k == "$filter")
            .map(|(_, v)| v.into_owned())
    };
    filter(a) == filter(b)
}

/// The URL with its query decoded, as a person would write it.
pub fn readable(url: &Url) -> String {
    let mut text = format!("{}{}", url.origin().ascii_serialization(), url.path());
    let pairs: Vec<String> = url.query_pairs().map(|(k, v)| format!("{k}={v}")).collect();
    if !pairs.is_empty() {
        text.push('?');
        text.push_str(&pairs.join("&"));
    }
    text
}

/// Graph Explorer, opened on the same request against Microsoft Graph.
fn explorer_url(url: &Url, base: &Url) -> String {
    let base_path = base.path().trim_end_matches('/');
    let path = url.path().strip_prefix(base_path).unwrap_or(url.path());
    let path = path.trim_start_matches('/');
    let (version, request) = path.split_once('/').unwrap_or(("v1.0", path));
    let mut request = request.to_string();
    let pairs: Vec<String> = url.query_pairs().map(|(k, v)| format!("{k}={v}")).collect();
    if !pairs.is_empty() {
        request.push('?');
        request.push_str(&pairs.join("&"));
    }
    let mut explorer = Url::parse(EXPLORER).expect("a valid Graph Explorer URL");
    explorer
        .query_pairs_mut()
        .append_pair("request", &request)
        .append_pair("method", "GET")
        .append_pair("version", version)
        .append_pair("GraphUrl", "https://graph.microsoft.com");
    explorer.to_string()
}
