//! Synchronizer-token CSRF protection: one random token per session, sent back by every POST
//! form as `csrf_token` (or by scripts as the `x-csrf-token` header), compared in constant time.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;
use tower_sessions::Session;

use crate::error::ErrorPage;
use crate::random;

pub const SESSION_KEY: &str = "csrf.token";
const FIELD: &str = "csrf_token";
const HEADER: &str = "x-csrf-token";
/// Forms here are small; a larger body is refused rather than buffered.
const MAX_FORM_BYTES: usize = 256 * 1024;

/// The session's token, created on first use.
pub async fn token(session: &Session) -> Result<String, tower_sessions::session::Error> {
    if let Some(token) = session.get::<String>(SESSION_KEY).await? {
        return Ok(token);
    }
    let token = random::token(32);
    session.insert(SESSION_KEY, &token).await?;
    Ok(token)
}

/// Middleware for the browser routes: every POST must carry the session's token.
pub async fn require_csrf(request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let Some(session) = request.extensions().get::<Session>().cloned() else {
        return rejection("The form could not be checked (no session).");
    };
    let expected = match session.get::<String>(SESSION_KEY).await {
        Ok(Some(token)) => token,
        Ok(None) if restorable(&request) && !signed_in(&session).await => {
            // An expired session: no one is signed in, so there is nothing to forge. The handler
            // changes nothing and sends the typed form through sign-in back to the user.
            return next.run(request).await;
        }
        _ => {
            return rejection(
                "This form has expired or was not sent from this site. Reload the page and try again.",
            );
        }
    };
    let (parts, body) = request.into_parts();
    let header_token = parts
        .headers
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let is_form = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    let bytes = match to_bytes(body, MAX_FORM_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => return too_large(),
    };
    let sent = header_token.or_else(|| {
        is_form
            .then(|| form_urlencoded_value(&bytes, FIELD))
            .flatten()
    });
    match sent {
        Some(sent) if bool::from(sent.as_bytes().ct_eq(expected.as_bytes())) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        _ => rejection(
            "This form has expired or was not sent from this site (missing or wrong CSRF token). Reload the page and try again.",
        ),
    }
}

/// Forms whose handler keeps what was typed across a sign-in when the session has expired.
const RESTORABLE: [&str; 1] = ["/alerts/update"];

fn restorable(request: &Request) -> bool {
    RESTORABLE.contains(&request.uri().path())
}

async fn signed_in(session: &Session) -> bool {
    session
        .get::<serde_json::Value>(super::session_data::USER)
        .await
        .ok()
        .flatten()
        .is_some()
}

fn form_urlencoded_value(body: &[u8], name: &str) -> Option<String> {
    url::form_urlencoded::parse(body)
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

fn rejection(message: &str) -> Response {
    page(StatusCode::FORBIDDEN, "Forbidden", message)
}

fn too_large() -> Response {
    page(
        StatusCode::PAYLOAD_TOO_LARGE,
        "Too large",
        "The form is larger than this site accepts.",
    )
}

fn page(status: StatusCode, title: &'static str, message: &str) -> Response {
    let mut response = status.into_response();
    response
        .extensions_mut()
        .insert(ErrorPage::new(status, title, message.to_string()));
    response
}
