//! What every page's layout needs: the signed-in user, the CSRF token for its forms, flash
//! messages, the navigation and the request id. Extract `Layout` in a handler and put it in the page.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::request_id::RequestId;
use crate::auth::{UserInfo, csrf};

const FLASH_KEY: &str = "flash";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flash {
    /// A Bootstrap alert level: success, info, warning, danger.
    pub level: String,
    pub text: String,
}

pub struct NavItem {
    pub key: &'static str,
    pub label: &'static str,
    pub href: &'static str,
}

/// The navigation bar, in order.
pub const NAV: &[NavItem] = &[
    NavItem {
        key: "home",
        label: "Home",
        href: "/",
    },
    NavItem {
        key: "alerts",
        label: "Alerts",
        href: "/alerts",
    },
    NavItem {
        key: "incidents",
        label: "Incidents",
        href: "/incidents",
    },
    NavItem {
        key: "subscriptions",
        label: "Subscriptions",
        href: "/subscriptions",
    },
    NavItem {
        key: "notify",
        label: "Notifications",
        href: "/listen",
    },
    NavItem {
        key: "audit",
        label: "Audit",
        href: "/audit",
    },
    NavItem {
        key: "secure-score",
        label: "Secure Score",
        href: "/secure-score",
    },
    NavItem {
        key: "sync",
        label: "Sync",
        href: "/sync",
    },
];

/// The navigation entry a path belongs to (its longest matching prefix), or "" for none; error
/// pages use it so the navigation still shows where the user is.
pub fn section_of(path: &str) -> &'static str {
    NAV.iter()
        .filter(|item| {
            path == item.href
                || (item.href != "/"
                    && path
                        .strip_prefix(item.href)
                        .is_some_and(|rest| rest.starts_with('/')))
        })
        .max_by_key(|item| item.href.len())
        .map_or("", |item| item.key)
}

#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub user: Option<UserInfo>,
    pub csrf_token: String,
    pub flashes: Vec<Flash>,
    pub active: &'static str,
    pub request_id: String,
}

impl Layout {
    pub async fn from_session(session: Option<&Session>, request_id: String) -> Self {
        let Some(session) = session else {
            return Self {
                request_id,
                ..Self::default()
            };
        };
        let user = session
            .get::<UserInfo>(crate::auth::USER_KEY)
            .await
            .ok()
            .flatten();
        // Reading changes nothing: a signed-out visitor gets no token (their pages have no
        // form), so no session is created; flashes are removed only when there are some.
        let csrf_token = match user {
            Some(_) => csrf::token(session).await.unwrap_or_default(),
            None => String::new(),
        };
        let flashes = match session.get::<Vec<Flash>>(FLASH_KEY).await {
            Ok(Some(flashes)) => {
                let _ = session.remove::<Vec<Flash>>(FLASH_KEY).await;
                flashes
            }
            _ => Vec::new(),
        };
        Self {
            user,
            csrf_token,
            flashes,
            active: "",
            request_id,
        }
    }

    /// Marks the navigation entry of the current page.
    pub fn active(mut self, key: &'static str) -> Self {
        self.active = key;
        self
    }

    pub fn nav(&self) -> &'static [NavItem] {
        NAV
    }
}

/// Queues a message for the next page this user sees.
pub async fn flash(session: &Session, level: &str, text: impl Into<String>) {
    let mut queue = session
        .get::<Vec<Flash>>(FLASH_KEY)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    queue.push(Flash {
        level: level.to_string(),
        text: text.into(),
    });
    if let Err(err) = session.insert(FLASH_KEY, queue).await {
        tracing::warn!(error = %err, "could not store a flash message");
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Layout {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let request_id = parts
            .extensions
            .get::<RequestId>()
            .map(|r| r.0.clone())
            .unwrap_or_default();
        let session = parts.extensions.get::<Session>().cloned();
        if session.is_none() {
            return Err(axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response());
        }
        Ok(Self::from_session(session.as_ref(), request_id).await)
    }
}

#[cfg(test)]
mod tests {
    use super::section_of;

    #[test]
    fn a_path_belongs_to_the_navigation_entry_it_is_under() {
        assert_eq!(section_of("/"), "home");
        assert_eq!(section_of("/alerts"), "alerts");
        assert_eq!(section_of("/alerts/update"), "alerts");
        assert_eq!(section_of("/incidents/42"), "incidents");
        assert_eq!(section_of("/alertsx"), "");
        assert_eq!(section_of("/admin-consent"), "");
    }
}
