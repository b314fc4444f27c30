//! Reading the id_token's claims. It comes straight from the token endpoint over the connection we
//! opened, so (as OpenID Connect Core 3.1.3.7 allows) its origin is established by that channel;
//! what we must still check is that the nonce is ours.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, Default)]
pub struct IdClaims {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_claims_and_rejects_garbage() {
        let payload = URL_SAFE_NO_PAD.encode(br#"{"tid":"t","oid":"o","nonce":"n"}"#);
        let claims = claims(&format!("e30.{payload}.sig")).unwrap();
        assert_eq!((claims.tid.as_str(), claims.nonce.as_str()), ("t", "n"));
        assert!(super::claims("not-a-jwt").is_none());
        assert!(super::claims("a.!!!.c").is_none());
    }
}
