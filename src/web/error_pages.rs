//! Turns error responses into the HTML error page: those carrying an [`ErrorPage`] (from
//! `AppError` and the CSRF check) and the plain-text rejections of axum's extractors.

use askama::Template;
use askama_web::WebTemplate;
use axum::body::to_bytes;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

use super::layout::Layout;
use super::request_id::RequestId;
use crate::error::{AppError, ErrorPage};

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
pub struct ErrorTemplate {
    pub layout: Layout,
    pub title: &'static str,
    pub message: String,
    pub status: u16,
}

pub async fn render(request: Request, next: Next) -> Response {
    let session = request.extensions().get::<Session>().cloned();
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let section = super::layout::section_of(request.uri().path());
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    // Cookies the handler set or cleared (a spent sign-in) stay with the page that replaces its answer.
    let cookies: Vec<_> = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .cloned()
        .collect();
    let page = match response.extensions().get::<ErrorPage>().cloned() {
        Some(page) => page,
        None if is_plain_text(&response) => {
            let (_, body) = response.into_parts();
            let text = to_bytes(body, 4096)
                .await
                .map(|b| String::from_utf8_lossy(&b).into_owned());
            let text = text.unwrap_or_default();
            let message = if text.trim().is_empty() {
                default_message(status).to_string()
            } else {
                text
            };
            ErrorPage::new(status, title_for(status), message)
        }
        None => return response,
    };
    let layout = Layout::from_session(session.as_ref(), request_id)
        .await
        .active(section);
    let mut rendered = ErrorTemplate {
        layout,
        title: page.title,
        message: page.message,
        status: page.status.as_u16(),
    }
    .into_response();
    *rendered.status_mut() = page.status;
    for cookie in cookies {
        rendered.headers_mut().append(header::SET_COOKIE, cookie);
    }
    rendered
}

fn is_plain_text(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|ct| ct.starts_with("text/plain"))
}

fn title_for(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::METHOD_NOT_ALLOWED => "Method not allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "Too large",
        s if s.is_client_error() => "Bad request",
        _ => "Something went wrong",
    }
}

fn default_message(status: StatusCode) -> &'static str {
    match status {
        StatusCode::METHOD_NOT_ALLOWED => "This address does not accept that kind of request.",
        StatusCode::PAYLOAD_TOO_LARGE => "The request is larger than this site accepts.",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            "The request was not sent as a form this page accepts."
        }
        s if s.is_client_error() => "The request could not be understood.",
        _ => {
            "The server could not complete the request. Quote the request id below when reporting it."
        }
    }
}

pub async fn not_found() -> AppError {
    AppError::NotFound("There is no page at this address.".into())
}
