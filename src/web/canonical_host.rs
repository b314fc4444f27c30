//! One origin for people: a browser GET for a page on another host than `public_url`'s (say
//! `127.0.0.1` when the console is `localhost`) is sent to the same path and query on
//! `public_url` first. Otherwise the session cookie would be set on one host while the sign-in
//! returns to the other, and the sign-in could never finish. Graph's webhooks, which arrive
//! through a tunnel's host, health checks and static files are never redirected.

use axum::extract::{Request, State};
use axum::http::uri::Authority;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use url::Url;

/// Paths that answer on any host.
const ANY_HOST: [&str; 4] = ["/listen", "/lifecycle", "/healthz", "/static"];

/// The console's public origin, as configured in `server.public_url`.
#[derive(Debug, Clone)]
pub struct PublicOrigin {
    base: Url,
    host: String,
}

impl PublicOrigin {
    pub fn new(public_url: &Url) -> Self {
        Self {
            base: public_url.clone(),
            host: public_url
                .host_str()
                .unwrap_or_default()
                .to_ascii_lowercase(),
        }
    }

    /// `path_and_query` on the public origin.
    fn url_for(&self, path: &str, query: Option<&str>) -> Url {
        let mut url = crate::config::join(&self.base, path.trim_start_matches('/'));
        url.set_query(query);
        url
    }
}

pub async fn redirect(
    State(public): State<PublicOrigin>,
    request: Request,
    next: Next,
) -> Response {
    let is_read = request.method() == Method::GET || request.method() == Method::HEAD;
    let path = request.uri().path();
    let any_host = ANY_HOST.iter().any(|p| {
        path == *p
            || path
                .strip_prefix(p)
                .is_some_and(|rest| rest.starts_with('/'))
    });
    match requested_host(&request) {
        Some(host) if is_read && !any_host && host != public.host => {
            let target = public.url_for(path, request.uri().query());
            match HeaderValue::from_str(target.as_str()) {
                Ok(location) => (
                    StatusCode::TEMPORARY_REDIRECT,
                    [(header::LOCATION, location)],
                )
                    .into_response(),
                Err(_) => next.run(request).await,
            }
        }
        _ => next.run(request).await,
    }
}

/// The host the browser asked for, lower-case and without its port: a reverse proxy's
/// `X-Forwarded-Host` when present (so a proxy that rewrites `Host` causes no redirect loop;
/// the header can only choose whether we redirect to our own origin), else `Host`.
fn requested_host(request: &Request) -> Option<String> {
    let forwarded = request
        .headers()
        .get("x-forwarded-host")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next());
    let raw = match forwarded {
        Some(value) => value.trim().to_string(),
        None => match request.uri().authority() {
            Some(authority) => authority.to_string(),
            None => request
                .headers()
                .get(header::HOST)?
                .to_str()
                .ok()?
                .to_string(),
        },
    };
    let authority: Authority = raw.parse().ok()?;
    Some(authority.host().to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_keep_path_and_query() {
        let public = PublicOrigin::new(&Url::parse("https://console.example/soc/").unwrap());
        assert_eq!(public.host, "console.example");
        assert_eq!(
            public.url_for("/alerts", Some("status=new")).as_str(),
            "https://console.example/soc/alerts?status=new"
        );
        assert_eq!(
            public.url_for("/", None).as_str(),
            "https://console.example/soc/"
        );
    }
}
