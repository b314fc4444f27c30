//! Reading the id_token's claims. It comes straight from the token endpoint over the connection we
//! opened, so (as OpenID Connect Core 3.1.3.7 allows) its origin is established by that channel;
//! what we must still check is that the nonce is ours and (`verify`) that it was issued by the
//! user's tenant for this application, and is within its lifetime.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use url::Url;

use crate::error::AppError;

/// How far this server's clock and Entra's may differ.
pub const CLOCK_SKEW_SECS: i64 = 300;

#[derive(Debug, Clone, Deserialize, Default)]
pub struct IdClaims {
    #[serde(default)]
    pub iss: String,
    #[serde(default)]
    pub aud: String,
    /// Unix seconds.
    pub exp: Option<i64>,
    /// Unix seconds.
    pub nbf: Option<i64>,
    #[serde(default)]
    pub tid: String,
    #[serde(default)]
    pub oid: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub preferred_username: String,
    #[serde(default)]
    pub nonce: String,
    /// Directory roles the user holds, by role template id.
    #[serde(default)]
    pub wids: Vec<String>,
}

/// Decodes the payload of a JWT without checking its signature (see the module comment).
pub fn claims(jwt: &str) -> Option<IdClaims> {
    let payload = jwt.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Refuses an id token not issued by the user's own tenant (`tid`, under the authority's host;
/// the authority's tenant when it names one) for `client_id`, or outside its lifetime at `now`
/// (Unix seconds), give or take [`CLOCK_SKEW_SECS`].
pub fn verify(
    claims: &IdClaims,
    authority: &Url,
    client_id: &str,
    now: i64,
) -> Result<(), AppError> {
    let refuse = |what: &str| {
        AppError::bad_request(format!(
            "The sign-in answer cannot be accepted: {what}. Please sign in again."
        ))
    };
    let tenant = claims.tid.trim();
    if tenant.is_empty() || claims.iss != issuer_for(authority, tenant) {
        return Err(refuse("its issuer does not match your organization"));
    }
    let authority_tenant = authority.path_segments().and_then(|mut s| s.next_back());
    if let Some(named) = authority_tenant.filter(|t| uuid::Uuid::parse_str(t).is_ok())
        && !named.eq_ignore_ascii_case(tenant)
    {
        return Err(refuse(
            "it names another organization than the configured one",
        ));
    }
    if claims.aud != client_id {
        return Err(refuse("it was issued for another application"));
    }
    match claims.exp {
        Some(exp) if now <= exp + CLOCK_SKEW_SECS => {}
        _ => {
            return Err(refuse(
                "it has expired (if this repeats, check this server's clock)",
            ));
        }
    }
    if claims.nbf.is_some_and(|nbf| now + CLOCK_SKEW_SECS < nbf) {
        return Err(refuse(
            "it is not valid yet (if this repeats, check this server's clock)",
        ));
    }
    Ok(())
}

/// Entra's v2.0 issuer for `tenant`: the authority's host and path with the tenant in place of
/// the authority's own (`common`, `organizations` or a tenant), then `v2.0`.
fn issuer_for(authority: &Url, tenant: &str) -> String {
    let mut base = authority.clone();
    if let Ok(mut segments) = base.path_segments_mut() {
        segments.pop_if_empty().pop();
    }
    format!("{}/{tenant}/v2.0", base.as_str().trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good(now: i64) -> IdClaims {
        IdClaims {
            iss: "https://login.example/t-1/v2.0".into(),
            aud: "app".into(),
            exp: Some(now + 3600),
            nbf: Some(now),
            tid: "t-1".into(),
            ..IdClaims::default()
        }
    }

    #[test]
    fn verify_takes_the_users_tenant_under_the_authority_and_the_lifetime_with_skew() {
        let common = Url::parse("https://login.example/common").unwrap();
        let now = 1_800_000_000;
        assert!(verify(&good(now), &common, "app", now).is_ok());
        let refused = |claims: IdClaims, authority: &Url, now: i64| {
            verify(&claims, authority, "app", now)
                .unwrap_err()
                .to_string()
        };
        let mut other = good(now);
        other.iss = "https://login.example/t-2/v2.0".into();
        assert!(refused(other, &common, now).contains("issuer"));
        let mut other = good(now);
        other.iss = "https://evil.example/t-1/v2.0".into();
        assert!(refused(other, &common, now).contains("issuer"));
        let mut other = good(now);
        other.aud = "someone-else".into();
        assert!(refused(other, &common, now).contains("another application"));
        let expired = now + 3600 + CLOCK_SKEW_SECS + 1;
        assert!(refused(good(now), &common, expired).contains("expired"));
        assert!(verify(&good(now), &common, "app", expired - 1).is_ok());
        let early = now - CLOCK_SKEW_SECS - 1;
        assert!(refused(good(now), &common, early).contains("not valid yet"));
        let mut no_exp = good(now);
        no_exp.exp = None;
        assert!(refused(no_exp, &common, now).contains("expired"));
        let tenant = "5f1c7a52-3a71-4c11-9a3c-0c4d6d3e2b10";
        let pinned = Url::parse(&format!("https://login.example/{tenant}")).unwrap();
        let mut from_pinned = good(now);
        from_pinned.tid = tenant.to_uppercase();
        from_pinned.iss = format!("https://login.example/{}/v2.0", tenant.to_uppercase());
        assert!(verify(&from_pinned, &pinned, "app", now).is_ok());
        assert!(refused(good(now), &pinned, now).contains("another organization"));
    }

    #[test]
    fn reads_claims_and_rejects_garbage() {
        let payload = URL_SAFE_NO_PAD.encode(br#"{"tid":"t","oid":"o","nonce":"n"}"#);
        let claims = claims(&format!("e30.{payload}.sig")).unwrap();
        assert_eq!((claims.tid.as_str(), claims.nonce.as_str()), ("t", "n"));
        assert!(super::claims("not-a-jwt").is_none());
        assert!(super::claims("a.!!!.c").is_none());
    }
}
