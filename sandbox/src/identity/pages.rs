//! HTML pages of the sandbox identity provider: rendered with askama, no cookies, no script.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use url::Url;

use crate::users::DemoUser;

/// A demo user as the pages list them.
pub struct UserChoice {
    pub oid: &'static str,
    pub display_name: &'static str,
    pub upn: &'static str,
    pub job_title: &'static str,
    pub tenant_name: &'static str,
    pub selected: bool,
}

impl UserChoice {
    pub fn new(user: &'static DemoUser, selected: bool) -> Self {
        Self {
            oid: user.oid,
            display_name: user.display_name,
            upn: user.upn,
            job_title: user.job_title,
            tenant_name: user.tenant().display_name,
            selected,
        }
    }
}

#[derive(Template)]
#[template(path = "authorize.html")]
pub struct AuthorizePage {
    pub tenant_label: String,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub consent_note: Option<String>,
    pub form_action: String,
    pub hidden: Vec<(String, String)>,
    pub users: Vec<UserChoice>,
}

#[derive(Template)]
#[template(path = "admin_consent.html")]
pub struct AdminConsentPage {
    pub tenant_label: String,
    pub client_id: String,
    pub scopes: Vec<String>,
    pub form_action: String,
    pub hidden: Vec<(String, String)>,
    pub admins: Vec<UserChoice>,
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub code: u32,
    pub message: String,
}

/// An HTML error page, as Entra shows when it cannot safely redirect back.
pub fn error_page(status: StatusCode, code: u32, message: impl Into<String>) -> Response {
    let page = ErrorPage {
        code,
        message: message.into(),
    };
    let mut response = render(&page, None);
    *response.status_mut() = status;
    response
}

/// Renders a page with a strict CSP. Forms may post to the sandbox itself and, because browsers
/// apply `form-action` to the redirect that follows, to the origin of the validated redirect URI.
pub fn render<T: Template>(page: &T, redirect_target: Option<&Url>) -> Response {
    let Ok(body) = page.render() else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "page rendering failed").into_response();
    };
    let form_action = match redirect_target {
        Some(url) => format!("'self' {}", url.origin().ascii_serialization()),
        None => "'none'".to_owned(),
    };
    let csp = format!(
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action {form_action}; \
         frame-ancestors 'none'; base-uri 'none'"
    );
    let mut response = Html(body).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /_sandbox/style.css`.
pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("style.css"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::users::USERS;

    #[test]
    fn pages_escape_values_and_carry_hidden_fields() {
        let page = AuthorizePage {
            tenant_label: "Contoso".into(),
            client_id: "<app>".into(),
            scopes: vec!["User.Read".into()],
            consent_note: None,
            form_action: "/common/oauth2/v2.0/authorize".into(),
            hidden: vec![("state".into(), "\"><script>x</script>".into())],
            users: vec![UserChoice::new(&USERS[0], true)],
        };
        let html = page.render().unwrap();
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<app>") && html.contains("app&"));
        assert!(html.contains(r#"name="state""#));
        assert!(html.contains(USERS[0].oid));
        assert!(html.contains(" checked"));
    }

    #[tokio::test]
    async fn rendered_pages_have_a_strict_csp_and_no_cookie() {
        let target = Url::parse("http://localhost:5000/login/authorized").unwrap();
        let page = ErrorPage {
            code: 1,
            message: "m".into(),
        };
        let response = render(&page, Some(&target));
        let csp = response.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(csp.contains("default-src 'none'"));
        assert!(csp.contains("form-action 'self' http://localhost:5000;"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(response.headers().get(header::SET_COOKIE).is_none());
    }
}
