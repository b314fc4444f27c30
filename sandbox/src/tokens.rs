//! JWT-shaped tokens signed with HMAC-SHA256 under a per-process random key, and PKCE checks.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::time::{SystemTime, UNIX_EPOCH};

type HmacSha256 = Hmac<Sha256>;

/// Audience of tokens for Microsoft Graph.
pub const GRAPH_AUDIENCE: &str = "https://graph.microsoft.com";
/// Audience of tokens for the Defender XDR API.
pub const DEFENDER_AUDIENCE: &str = "https://api.security.microsoft.com";

/// Claims of an access token. Delegated tokens carry `scp` and the user; app tokens carry `roles`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    pub aud: String,
    pub iss: String,
    pub iat: u64,
    pub nbf: u64,
    pub exp: u64,
    pub tid: String,
    pub appid: String,
    pub uti: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idtyp: Option<String>,
}

/// Claims of an OpenID Connect id token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdClaims {
    pub aud: String,
    pub iss: String,
    pub iat: u64,
    pub nbf: u64,
    pub exp: u64,
    pub tid: String,
    pub oid: String,
    pub sub: String,
    pub name: String,
    pub preferred_username: String,
    pub ver: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// The user's directory roles (role template ids); absent when the user holds none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wids: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the token is not a well-formed JWT")]
    Malformed,
    #[error("the token signature does not verify")]
    BadSignature,
    #[error("the token has expired or is not yet valid")]
    Expired,
}

/// Signs and verifies sandbox tokens.
pub struct TokenSigner {
    key: [u8; 32],
}

impl Default for TokenSigner {
    fn default() -> Self {
        Self::new()
    }
}

impl TokenSigner {
    /// A signer with a fresh random key: tokens do not survive a restart.
    pub fn new() -> Self {
        Self {
            key: rand::random(),
        }
    }

    pub fn sign<T: Serialize>(&self, claims: &T) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"HS256"}"#);
        let payload = serde_json::to_vec(claims).expect("claims serialize to JSON");
        let signing_input = format!("{header}.{}", URL_SAFE_NO_PAD.encode(payload));
        let signature = URL_SAFE_NO_PAD.encode(self.mac(signing_input.as_bytes()));
        format!("{signing_input}.{signature}")
    }

    /// Checks the signature and the validity window (`nbf` <= now < `exp`).
    pub fn verify_access(&self, token: &str) -> Result<AccessClaims, TokenError> {
        let claims: AccessClaims = self.verify_signature(token)?;
        let now = now_secs_f64();
        if now < claims.nbf as f64 || now >= claims.exp as f64 {
            return Err(TokenError::Expired);
        }
        Ok(claims)
    }

    fn verify_signature<T: for<'de> Deserialize<'de>>(&self, token: &str) -> Result<T, TokenError> {
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Malformed);
        };
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| TokenError::Malformed)?;
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC accepts any key length");
        mac.update(header.as_bytes());
        mac.update(b".");
        mac.update(payload.as_bytes());
        mac.verify_slice(&signature)
            .map_err(|_| TokenError::BadSignature)?;
        let payload = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| TokenError::Malformed)?;
        serde_json::from_slice(&payload).map_err(|_| TokenError::Malformed)
    }

    fn mac(&self, input: &[u8]) -> Vec<u8> {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC accepts any key length");
        mac.update(input);
        mac.finalize().into_bytes().to_vec()
    }
}

/// Decodes a token's payload without verifying it (for tests and diagnostics).
pub fn decode_unverified(token: &str) -> Option<serde_json::Value> {
    let payload = token.split('.').nth(1)?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

/// PKCE S256: `BASE64URL(SHA256(verifier)) == challenge`, verifier as RFC 7636 allows.
pub fn pkce_s256_matches(verifier: &str, challenge: &str) -> bool {
    let valid_verifier = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    if !valid_verifier {
        return false;
    }
    let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    subtle::ConstantTimeEq::ct_eq(computed.as_bytes(), challenge.as_bytes()).into()
}

/// An opaque random value (authorization codes, refresh tokens), URL-safe.
pub fn opaque_token(prefix: &str) -> String {
    let bytes: [u8; 32] = rand::random();
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

pub fn now_secs() -> u64 {
    now_secs_f64() as u64
}

fn now_secs_f64() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp_offset: i64) -> AccessClaims {
        let now = now_secs();
        AccessClaims {
            aud: GRAPH_AUDIENCE.into(),
            iss: "http://127.0.0.1/t/v2.0".into(),
            iat: now,
            nbf: now,
            exp: now.saturating_add_signed(exp_offset),
            tid: "t".into(),
            appid: "app".into(),
            uti: "u".into(),
            oid: Some("o".into()),
            upn: None,
            name: None,
            scp: Some("User.Read".into()),
            roles: None,
            idtyp: None,
        }
    }

    #[test]
    fn signed_tokens_verify_and_round_trip() {
        let signer = TokenSigner::new();
        let token = signer.sign(&claims(60));
        assert_eq!(token.split('.').count(), 3);
        assert_eq!(
            signer.verify_access(&token).unwrap(),
            claims_with_exp(&token)
        );
        assert_eq!(decode_unverified(&token).unwrap()["scp"], "User.Read");
    }

    fn claims_with_exp(token: &str) -> AccessClaims {
        serde_json::from_value(decode_unverified(token).unwrap()).unwrap()
    }

    #[test]
    fn tampered_foreign_or_malformed_tokens_are_rejected() {
        let signer = TokenSigner::new();
        let token = signer.sign(&claims(60));
        let other = TokenSigner::new().sign(&claims(60));
        assert_eq!(signer.verify_access(&other), Err(TokenError::BadSignature));
        let mut forged = claims(60);
        forged.scp = Some("SecurityAlert.ReadWrite.All".into());
        let forged_payload = signer.sign(&forged).split('.').nth(1).unwrap().to_owned();
        let parts: Vec<&str> = token.split('.').collect();
        let spliced = format!("{}.{forged_payload}.{}", parts[0], parts[2]);
        assert_eq!(
            signer.verify_access(&spliced),
            Err(TokenError::BadSignature)
        );
        for bad in ["", "abc", "a.b", "a.b.c.d", "a.b.!!"] {
            assert!(signer.verify_access(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn expired_tokens_are_rejected() {
        let signer = TokenSigner::new();
        assert_eq!(
            signer.verify_access(&signer.sign(&claims(-1))),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn pkce_s256_matches_the_rfc_7636_example() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(pkce_s256_matches(verifier, challenge));
        assert!(!pkce_s256_matches(&verifier.replace('d', "e"), challenge));
        assert!(!pkce_s256_matches("short", challenge));
        assert!(!pkce_s256_matches(
            verifier,
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN"
        ));
    }
}
