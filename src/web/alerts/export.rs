//! `GET /alerts/export.json` and `/alerts/export.csv`: the filtered view, every page up to
//! [`MAX_EXPORT`] alerts, streamed page by page.

use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures::stream::{self, Stream, StreamExt};
use secrecy::SecretString;
use url::Url;

use super::export_format::Format;
use super::mirror_list::order_of;
use super::mirror_list::serving;
use super::notice::to_app_error;
use super::page::ListParams;
use super::permission;
use super::sort::Sort;
use crate::alerts::api::{AlertsApi, AlertsPage};
use crate::alerts::query::AlertQuery;
use crate::auth::User;
use crate::error::AppError;
use crate::sync::Mirror;

/// The most alerts one export holds.
pub const MAX_EXPORT: usize = 2000;
/// Alerts asked per page (per provider on the legacy API).
const PAGE_SIZE: u32 = 100;

pub async fn json(
    State(api): State<AlertsApi>,
    State(mirror): State<Mirror>,
    user: User,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    export(api, mirror, user, &pairs, Format::Json).await
}

pub async fn csv(
    State(api): State<AlertsApi>,
    State(mirror): State<Mirror>,
    user: User,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    export(api, mirror, user, &pairs, Format::Csv).await
}

async fn export(
    api: AlertsApi,
    mirror: Mirror,
    user: User,
    pairs: &[(String, String)],
    format: Format,
) -> Result<Response, AppError> {
    let query = AlertQuery::from_pairs(pairs);
    if serving(&mirror, &user, api.is_legacy()).await.is_some() {
        let (_, selection) = query
            .to_selection(&user.upn)
            .map_err(|e| AppError::BadRequest(e.to_string()))?;
        let sort = ListParams::from_pairs(pairs)
            .sort
            .as_deref()
            .map(Sort::parse)
            .transpose()
            .map_err(AppError::BadRequest)?;
        let tenant = user.tenant_id.to_ascii_lowercase();
        let body = super::mirror_export::body(mirror, tenant, selection, order_of(sort), format);
        return Ok(attachment(format, body));
    }
    let valid = api
        .validate(&query, &user.upn)
        .map_err(|e| AppError::BadRequest(e.to_string()))?;
    let token = user.access_token().clone();
    let first_url = api.first_page_url(&valid, Some(PAGE_SIZE));
    let first = api
        .fetch_page(&token, first_url)
        .await
        .map_err(|err| to_app_error(err, permission(&api)))?;
    Ok(attachment(
        format,
        Body::from_stream(chunks(api, token, first, format)),
    ))
}

fn attachment(format: Format, body: Body) -> Response {
    let (content_type, filename) = format.file();
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response()
}

struct Cursor {
    api: AlertsApi,
    token: SecretString,
    page: Option<AlertsPage>,
    next: Option<Url>,
    written: usize,
    format: Format,
    finished: bool,
}

/// The document: opening, one chunk per page, closing.
fn chunks(
    api: AlertsApi,
    token: SecretString,
    first: AlertsPage,
    format: Format,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> {
    let opening = format.opening();
    let cursor = Cursor {
        api,
        token,
        page: Some(first),
        next: None,
        written: 0,
        format,
        finished: false,
    };
    let pages = stream::unfold(cursor, next_chunk);
    let closing = format.closing();
    stream::once(async move { Ok(Bytes::from(opening)) })
        .chain(pages)
        .chain(stream::once(async move {
            Ok(Bytes::from_static(closing.as_bytes()))
        }))
}

async fn next_chunk(mut cursor: Cursor) -> Option<(Result<Bytes, std::io::Error>, Cursor)> {
    if cursor.finished {
        return None;
    }
    let page = match cursor.page.take() {
        Some(page) => page,
        None => {
            let url = cursor.next.take()?;
            match cursor.api.fetch_page(&cursor.token, url).await {
                Ok(page) => page,
                Err(err) => {
                    tracing::warn!(error = %err, "export stopped: a page could not be read");
                    cursor.finished = true;
                    return Some((
                        Err(std::io::Error::other("a page could not be read")),
                        cursor,
                    ));
                }
            }
        }
    };
    let room = MAX_EXPORT - cursor.written;
    let mut text = String::new();
    for (alert, row) in page.alerts.iter().zip(&page.rows).take(room) {
        // Graph's own JSON for the alert, as it came (it was parsed once as JSON).
        cursor
            .format
            .push(&mut text, alert.get(), || row.clone(), cursor.written == 0);
        cursor.written += 1;
    }
    cursor.next = page
        .next_link
        .filter(|_| cursor.written < MAX_EXPORT)
        .and_then(|link| match cursor.api.next_page_url(&link) {
            Ok(url) => Some(url),
            Err(message) => {
                tracing::warn!(%message, "export stopped at an untrusted next link");
                None
            }
        });
    cursor.finished = cursor.next.is_none();
    Some((Ok(Bytes::from(text)), cursor))
}
