//! The three grants of the token endpoint and the tokens they issue.

use super::TenantPath;
use super::oauth_error::OAuthError;
use super::params::{Params, param};
use super::scopes::{RequestedScopes, app_resource, app_roles};
use super::store::{
    ANOTHER_APP_ID, ANOTHER_TENANT_ID, CONSUMERS_TENANT_ID, IdTokenFault, Redemption, RefreshGrant,
};
use crate::SandboxState;
use crate::tokens::{AccessClaims, GRAPH_AUDIENCE, IdClaims, now_secs, pkce_s256_matches};
use crate::users::DemoUser;
use serde_json::{Value, json};
use url::Url;

pub fn authorization_code(
    state: &SandboxState,
    tenant: TenantPath,
    client_id: &str,
    params: &Params,
) -> Result<Value, OAuthError> {
    let code = param(params, "code")?;
    let redirect_uri = param(params, "redirect_uri")?;
    let verifier = param(params, "code_verifier")?;
    let grant = match state.identity().redeem_code(code) {
        Redemption::Valid(grant) => grant,
        Redemption::Expired => {
            return Err(OAuthError::invalid_grant(
                70008,
                "The provided authorization code or refresh token has expired due to inactivity.",
            ));
        }
        Redemption::AlreadyRedeemed => {
            return Err(OAuthError::invalid_grant(
                54005,
                "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
            ));
        }
        Redemption::Unknown => {
            return Err(OAuthError::invalid_grant(
                9002313,
                "Invalid request. The provided value for the 'code' parameter is not valid.",
            ));
        }
    };
    if grant.client_id != client_id {
        return Err(OAuthError::invalid_grant(
            70000,
            "The code was issued to a different client.",
        ));
    }
    if !tenant.admits(grant.user.tenant()) {
        return Err(wrong_tenant(grant.user, tenant));
    }
    let same_redirect = Url::parse(redirect_uri).is_ok_and(|u| u.as_str() == grant.redirect_uri);
    if !same_redirect {
        return Err(OAuthError::invalid_grant(
            70000,
            "The redirect_uri does not match the one used in the authorization request.",
        ));
    }
    if !pkce_s256_matches(verifier, &grant.code_challenge) {
        return Err(OAuthError::invalid_grant(
            501481,
            "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
        ));
    }
    let refresh = grant.requested.wants("offline_access").then(|| {
        state.identity().issue_refresh(RefreshGrant {
            client_id: client_id.to_owned(),
            user: grant.user,
            requested: grant.requested.clone(),
        })
    });
    Ok(user_tokens(
        state,
        client_id,
        grant.user,
        &grant.requested,
        grant.nonce.as_deref(),
        refresh,
    ))
}

pub fn refresh_token(
    state: &SandboxState,
    tenant: TenantPath,
    client_id: &str,
    params: &Params,
) -> Result<Value, OAuthError> {
    let token = param(params, "refresh_token")?;
    let invalid = || {
        OAuthError::invalid_grant(
            9002313,
            "Invalid request. The refresh token is not valid: it is unknown, revoked or was already used.",
        )
    };
    let grant = state.identity().refresh_grant(token).ok_or_else(invalid)?;
    if grant.client_id != client_id {
        return Err(OAuthError::invalid_grant(
            70000,
            "The refresh token was issued to a different client.",
        ));
    }
    if !tenant.admits(grant.user.tenant()) {
        return Err(wrong_tenant(grant.user, tenant));
    }
    let effective = match params.get("scope").filter(|s| !s.trim().is_empty()) {
        None => grant.requested.clone(),
        Some(raw) => {
            let asked = RequestedScopes::parse(raw).map_err(|bad| {
                OAuthError::invalid_scope(70011, format!("The scope '{bad}' does not exist."))
            })?;
            if !asked.is_graph_subset_of(&grant.requested) {
                return Err(OAuthError::invalid_scope(
                    70011,
                    "The requested scope is not a subset of the scopes originally granted.",
                ));
            }
            asked
        }
    };
    let rotated = state
        .identity()
        .rotate_refresh(token, grant.clone())
        .ok_or_else(invalid)?;
    Ok(user_tokens(
        state,
        client_id,
        grant.user,
        &effective,
        None,
        Some(rotated),
    ))
}

pub fn client_credentials(
    state: &SandboxState,
    tenant: TenantPath,
    client_id: &str,
    params: &Params,
) -> Result<Value, OAuthError> {
    let TenantPath::Specific(tenant) = tenant else {
        return Err(OAuthError::invalid_request(
            900023,
            "Client credentials need a tenant-specific endpoint: use the tenant's GUID or domain instead of 'common' or 'organizations'.",
        ));
    };
    let raw = param(params, "scope")?;
    let resource = app_resource(raw).ok_or_else(|| {
        OAuthError::invalid_scope(
            1002012,
            format!(
                "The provided value for scope {raw} is not valid. Client credential flows must have a \
                 scope value with /.default suffixed to the resource identifier (application ID URI)."
            ),
        )
    })?;
    let roles: Vec<String> = match state.identity().is_consented(tenant) {
        true => app_roles(resource)
            .iter()
            .map(|r| (*r).to_owned())
            .collect(),
        false => Vec::new(),
    };
    let lifetime = state.token_lifetime_secs();
    let now = now_secs();
    let claims = AccessClaims {
        roles: (!roles.is_empty()).then_some(roles),
        idtyp: Some("app".to_owned()),
        ..access_claims(state, tenant.id, client_id, resource, now)
    };
    Ok(json!({
        "token_type": "Bearer",
        "expires_in": lifetime,
        "ext_expires_in": lifetime,
        "access_token": state.signer().sign(&claims),
    }))
}

/// Access token (and id token when `openid` was asked) for a user, with the permissions the
/// tenant's consent allows right now.
fn user_tokens(
    state: &SandboxState,
    client_id: &str,
    user: &'static DemoUser,
    requested: &RequestedScopes,
    nonce: Option<&str>,
    refresh_token: Option<String>,
) -> Value {
    let tenant = user.tenant();
    let granted = requested.granted_graph(state.identity().is_consented(tenant));
    let scp: Vec<&str> = granted
        .iter()
        .copied()
        .chain(requested.scp_oidc())
        .collect();
    let scope: Vec<&str> = granted
        .iter()
        .copied()
        .chain(requested.oidc.iter().copied())
        .collect();
    let lifetime = state.token_lifetime_secs();
    let now = now_secs();
    let access = AccessClaims {
        oid: Some(user.oid.to_owned()),
        upn: Some(user.upn.to_owned()),
        name: Some(user.display_name.to_owned()),
        scp: Some(scp.join(" ")),
        ..access_claims(state, tenant.id, client_id, GRAPH_AUDIENCE, now)
    };
    let mut body = json!({
        "token_type": "Bearer",
        "scope": scope.join(" "),
        "expires_in": lifetime,
        "ext_expires_in": lifetime,
        "access_token": state.signer().sign(&access),
    });
    if let Some(refresh_token) = refresh_token {
        body["refresh_token"] = json!(refresh_token);
    }
    let fault = state.identity().id_token_fault();
    if requested.wants("openid") && fault != Some(IdTokenFault::Omit) {
        let nonce = match fault {
            Some(IdTokenFault::WrongNonce) => Some("a-nonce-from-another-sign-in"),
            _ => nonce,
        };
        let tid = match fault {
            Some(IdTokenFault::BlankTenant) => "",
            Some(IdTokenFault::PersonalAccount) => CONSUMERS_TENANT_ID,
            _ => tenant.id,
        };
        let oid = match fault {
            Some(IdTokenFault::BlankObjectId) => "",
            _ => user.oid,
        };
        const HOUR: u64 = 3600;
        let (iat, nbf, exp) = match fault {
            Some(IdTokenFault::Expired) => (now - 2 * HOUR, now - 2 * HOUR, now - HOUR),
            Some(IdTokenFault::NotYetValid) => (now, now + HOUR, now + 2 * HOUR),
            _ => (now, now, now + lifetime),
        };
        let id = IdClaims {
            aud: match fault {
                Some(IdTokenFault::IssuedForAnotherApp) => ANOTHER_APP_ID.to_owned(),
                _ => client_id.to_owned(),
            },
            iss: match fault {
                Some(IdTokenFault::IssuedByAnotherTenant) => issuer(state, ANOTHER_TENANT_ID),
                _ => issuer(state, tid),
            },
            iat,
            nbf,
            exp,
            tid: tid.to_owned(),
            oid: oid.to_owned(),
            sub: user.oid.to_owned(),
            name: user.display_name.to_owned(),
            preferred_username: user.upn.to_owned(),
            ver: "2.0".to_owned(),
            nonce: nonce.map(str::to_owned),
            wids: user
                .directory_roles
                .iter()
                .map(|r| (*r).to_owned())
                .collect(),
        };
        body["id_token"] = json!(state.signer().sign(&id));
    }
    body
}

/// The claims every access token carries; callers add the user's or the app's own.
fn access_claims(
    state: &SandboxState,
    tenant_id: &str,
    client_id: &str,
    aud: &str,
    now: u64,
) -> AccessClaims {
    AccessClaims {
        aud: aud.to_owned(),
        iss: issuer(state, tenant_id),
        iat: now,
        nbf: now,
        exp: now + state.token_lifetime_secs(),
        tid: tenant_id.to_owned(),
        appid: client_id.to_owned(),
        uti: uuid::Uuid::new_v4().simple().to_string(),
        oid: None,
        upn: None,
        name: None,
        scp: None,
        roles: None,
        idtyp: None,
    }
}

fn issuer(state: &SandboxState, tenant_id: &str) -> String {
    format!(
        "{}/{tenant_id}/v2.0",
        state.base_url().as_str().trim_end_matches('/')
    )
}

fn wrong_tenant(user: &DemoUser, tenant: TenantPath) -> OAuthError {
    OAuthError::invalid_grant(
        50020,
        format!(
            "User account '{}' does not exist in tenant '{}'.",
            user.upn,
            tenant.label()
        ),
    )
}
