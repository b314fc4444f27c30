//! The `Caller` extractor: who is calling a Graph (or Defender) route, from the bearer token.

use super::SandboxState;
use super::errors::{RequestIds, graph_error};
use super::tokens::{DEFENDER_AUDIENCE, GRAPH_AUDIENCE, TokenError};
use super::users::{DemoUser, Tenant, tenant_by_id, user_by_ref};
use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::collections::BTreeSet;

/// The verified identity behind a Graph request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub tenant: &'static Tenant,
    /// The signed-in user for delegated tokens; `None` for app-only tokens.
    pub user: Option<&'static DemoUser>,
    /// The client application (`appid` claim).
    pub app_id: String,
    /// Delegated permissions (`scp`).
    pub scopes: BTreeSet<String>,
    /// Application permissions (`roles`).
    pub roles: BTreeSet<String>,
}

impl Caller {
    pub fn tenant_id(&self) -> &'static str {
        self.tenant.id
    }

    pub fn tenant_key(&self) -> &'static str {
        self.tenant.key
    }

    pub fn is_app(&self) -> bool {
        self.user.is_none()
    }

    /// Whether the token grants `permission` (as a delegated scope or an application role).
    pub fn has(&self, permission: &str) -> bool {
        let granted = if self.is_app() {
            &self.roles
        } else {
            &self.scopes
        };
        granted.iter().any(|p| p.eq_ignore_ascii_case(permission))
    }

    /// `Ok` when any of `any_of` is granted, else Graph's 403 `Authorization_RequestDenied`.
    pub fn require(&self, any_of: &[&str]) -> Result<(), Response> {
        if any_of.iter().any(|p| self.has(p)) {
            Ok(())
        } else {
            Err(graph_error(
                StatusCode::FORBIDDEN,
                "Authorization_RequestDenied",
                "Insufficient privileges to complete the operation.",
            ))
        }
    }

    /// The signed-in user, or Graph's 400 for `/me`-style calls made with an app-only token.
    pub fn require_user(&self) -> Result<&'static DemoUser, Response> {
        self.user.ok_or_else(|| {
            graph_error(
                StatusCode::BAD_REQUEST,
                "BadRequest",
                "/me request is only valid with delegated authentication flow.",
            )
        })
    }
}

impl FromRequestParts<SandboxState> for Caller {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &SandboxState,
    ) -> Result<Self, Self::Rejection> {
        let defender = parts.uri.path().starts_with("/api/");
        let reject = |message: &str| unauthorized(defender, message);
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .unwrap_or_default();
        if token.is_empty() {
            return Err(reject("Access token is empty."));
        }
        let claims = state.signer().verify_access(token).map_err(|e| match e {
            TokenError::Expired => reject("Access token has expired or is not yet valid."),
            TokenError::Malformed => {
                reject("CompactToken parsing failed with error code: 80049217")
            }
            TokenError::BadSignature => reject("Access token validation failure."),
        })?;
        let expected = if defender {
            DEFENDER_AUDIENCE
        } else {
            GRAPH_AUDIENCE
        };
        if claims.aud != expected {
            return Err(reject("Access token validation failure. Invalid audience."));
        }
        let tenant = tenant_by_id(&claims.tid)
            .ok_or_else(|| reject("Access token validation failure. Unknown tenant."))?;
        let user = match claims.scp.is_some() {
            false => None,
            true => {
                let user = claims
                    .oid
                    .as_deref()
                    .and_then(user_by_ref)
                    .filter(|u| u.tenant_key == tenant.key);
                Some(user.ok_or_else(|| reject("Access token validation failure."))?)
            }
        };
        let split = |s: Option<&str>| -> BTreeSet<String> {
            s.unwrap_or_default()
                .split_whitespace()
                .map(str::to_owned)
                .collect()
        };
        Ok(Caller {
            tenant,
            user,
            app_id: claims.appid,
            scopes: split(claims.scp.as_deref()),
            roles: claims.roles.unwrap_or_default().into_iter().collect(),
        })
    }
}

fn unauthorized(defender: bool, message: &str) -> Response {
    let mut response = if defender {
        let target = RequestIds::current().request_id;
        let body = json!({"error": {"code": "Unauthorized", "message": message, "target": target}});
        (StatusCode::UNAUTHORIZED, Json(body)).into_response()
    } else {
        graph_error(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthenticationToken",
            message,
        )
    };
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"\", error=\"invalid_token\""),
    );
    response
}
