//! The signed-in user. Extracting it refreshes the access token when it is about to expire;
//! when there is no sign-in, or the refresh fails, the request is redirected to sign-in and the
//! user comes back to the page they asked for.

use axum::extract::{FromRef, FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use secrecy::SecretString;
use tower_sessions::Session;

use super::refresh::refresh;
use super::scopes::has_scope;
use super::session_data::{TOKENS, Tokens, USER, UserInfo};
use crate::config::AlertsApiKind;
use crate::oauth::OAuth;

#[derive(Debug, Clone)]
pub struct User {
    pub oid: String,
    pub tenant_id: String,
    pub display_name: String,
    pub upn: String,
    pub granted_scopes: Vec<String>,
    /// Security or Global Administrator of the tenant.
    pub tenant_admin: bool,
    access_token: SecretString,
}

impl User {
    /// Whether the user holds the security permission the alert API needs (the check sign-in
    /// makes before sending a user to admin consent).
    pub fn has_security_permission(&self, api: AlertsApiKind) -> bool {
        has_scope(&self.granted_scopes, api.security_scope())
    }

    /// Whether the user's own token may read the tenant's alerts and incidents: the mirror is
    /// shown only to them.
    pub fn may_read_mirror(&self) -> bool {
        ["SecurityAlert.Read.All", "SecurityAlert.ReadWrite.All"]
            .iter()
            .any(|scope| has_scope(&self.granted_scopes, scope))
    }

    /// A token valid for at least the next call; it goes only into the Authorization header.
    pub fn access_token(&self) -> &SecretString {
        &self.access_token
    }
}

enum Outcome {
    SignedIn(User),
    SignedOut,
    Broken(Response),
}

async fn load(parts: &mut Parts, oauth: &OAuth) -> Outcome {
    let session = match Session::from_request_parts(parts, oauth).await {
        Ok(session) => session,
        Err((status, message)) => return Outcome::Broken((status, message).into_response()),
    };
    let info = session.get::<UserInfo>(USER).await;
    let tokens = session.get::<Tokens>(TOKENS).await;
    let (Ok(Some(info)), Ok(Some(mut tokens))) = (info, tokens) else {
        return Outcome::SignedOut;
    };
    if tokens.needs_refresh() {
        match refresh(oauth, &tokens).await {
            Some(fresh) => {
                tokens = fresh;
                if session.insert(TOKENS, &tokens).await.is_err() {
                    return Outcome::Broken(StatusCode::INTERNAL_SERVER_ERROR.into_response());
                }
            }
            None => {
                let _ = session.remove::<Tokens>(TOKENS).await;
                let _ = session.remove::<UserInfo>(USER).await;
                return Outcome::SignedOut;
            }
        }
    }
    Outcome::SignedIn(User {
        oid: info.oid,
        tenant_id: info.tenant_id,
        display_name: info.display_name,
        upn: info.upn,
        granted_scopes: info.granted_scopes,
        tenant_admin: info.tenant_admin,
        access_token: tokens.access_token(),
    })
}

/// Where to come back to after signing in: the page itself for GET, else the home page.
fn sign_in_redirect(parts: &Parts) -> Response {
    let back = if parts.method == Method::GET {
        parts
            .uri
            .path_and_query()
            .map(|pq| pq.as_str())
            .unwrap_or("/")
    } else {
        "/"
    };
    let next: String = url::form_urlencoded::byte_serialize(back.as_bytes()).collect();
    Redirect::to(&format!("/login?next={next}")).into_response()
}

impl<S> FromRequestParts<S> for User
where
    OAuth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match load(parts, &OAuth::from_ref(state)).await {
            Outcome::SignedIn(user) => Ok(user),
            Outcome::SignedOut => Err(sign_in_redirect(parts)),
            Outcome::Broken(response) => Err(response),
        }
    }
}

impl<S> OptionalFromRequestParts<S> for User
where
    OAuth: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        match load(parts, &OAuth::from_ref(state)).await {
            Outcome::SignedIn(user) => Ok(Some(user)),
            Outcome::SignedOut => Ok(None),
            Outcome::Broken(response) => Err(response),
        }
    }
}
