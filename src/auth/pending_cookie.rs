//! What a sign-in needs before the user is known (state, PKCE verifier, nonce, the page to
//! return to) travels in a short-lived cookie signed with a key derived from the client secret,
//! not in the session store: starting a sign-in writes nothing on the server, however many
//! anonymous clients start one. Every instance sharing the app registration reads the cookie.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use super::session_data::PendingSignIn;

pub const COOKIE: &str = "graphsec_sign_in";

/// How long a started sign-in may take to come back.
pub const LIFETIME: Duration = Duration::from_secs(600);

/// The cookie is sent only to the sign-in routes.
const PATH: &str = "/login";

/// Why a sign-in cookie was not accepted.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// None came with the answer (another browser, or cookies refused).
    Missing,
    /// Not one this app signed: altered or made up.
    Forged,
    /// Started longer ago than [`LIFETIME`].
    Expired,
}

/// Seals and opens sign-in cookies.
pub struct PendingCookies {
    key: [u8; 32],
    secure: bool,
}

#[derive(Serialize, Deserialize)]
struct Sealed {
    /// Unix seconds after which the cookie is refused.
    expires_at: i64,
    pending: PendingSignIn,
}

impl PendingCookies {
    /// Keys derived from the client secret, which every instance of the app registration shares.
    pub fn new(client_secret: &SecretString, secure: bool) -> Self {
        let mut derive =
            <Hmac<Sha256> as Mac>::new_from_slice(client_secret.expose_secret().as_bytes())
                .expect("HMAC takes a key of any length");
        derive.update(b"graphsec sign-in cookie");
        Self {
            key: derive.finalize().into_bytes().into(),
            secure,
        }
    }

    /// The `Set-Cookie` value carrying `pending`, issued at `now` (Unix seconds).
    pub fn seal(&self, pending: PendingSignIn, now: i64) -> HeaderValue {
        let sealed = Sealed {
            expires_at: now + LIFETIME.as_secs() as i64,
            pending,
        };
        let payload =
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&sealed).expect("plain data serializes"));
        let signature = URL_SAFE_NO_PAD.encode(self.sign(payload.as_bytes()));
        self.cookie(&format!("{payload}.{signature}"), LIFETIME.as_secs())
    }

    /// The sign-in this browser started, from its cookie, at `now` (Unix seconds).
    pub fn open(&self, headers: &HeaderMap, now: i64) -> Result<PendingSignIn, Refused> {
        let value = cookie_value(headers).ok_or(Refused::Missing)?;
        let (payload, signature) = value.split_once('.').ok_or(Refused::Forged)?;
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| Refused::Forged)?;
        if !bool::from(self.sign(payload.as_bytes()).ct_eq(&signature)) {
            return Err(Refused::Forged);
        }
        let sealed: Sealed = URL_SAFE_NO_PAD
            .decode(payload)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or(Refused::Forged)?;
        if now > sealed.expires_at {
            return Err(Refused::Expired);
        }
        Ok(sealed.pending)
    }

    /// The `Set-Cookie` value that removes the cookie once its sign-in is answered.
    pub fn clear(&self) -> HeaderValue {
        self.cookie("", 0)
    }

    fn sign(&self, payload: &[u8]) -> Vec<u8> {
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("HMAC takes a 32-byte key");
        mac.update(payload);
        mac.finalize().into_bytes().to_vec()
    }

    fn cookie(&self, value: &str, max_age: u64) -> HeaderValue {
        let secure = if self.secure { "; Secure" } else { "" };
        HeaderValue::from_str(&format!(
            "{COOKIE}={value}; Path={PATH}; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"
        ))
        .expect("base64url and fixed attributes are valid header text")
    }
}

/// This cookie's value among the request's cookies.
fn cookie_value(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending() -> PendingSignIn {
        PendingSignIn {
            state: "s".into(),
            pkce_verifier: "v".into(),
            nonce: "n".into(),
            return_to: "/alerts".into(),
        }
    }

    fn request_with(set_cookie: &HeaderValue) -> HeaderMap {
        let pair = set_cookie.to_str().unwrap().split(';').next().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, format!("other=1; {pair}").parse().unwrap());
        headers
    }

    #[test]
    fn a_sealed_sign_in_opens_until_it_expires_and_only_with_the_same_secret() {
        let cookies = PendingCookies::new(&SecretString::from("secret"), true);
        let sealed = cookies.seal(pending(), 1_000);
        assert!(sealed.to_str().unwrap().contains("; Secure"));
        let headers = request_with(&sealed);
        assert_eq!(cookies.open(&headers, 1_600).unwrap().state, "s");
        assert_eq!(cookies.open(&headers, 1_601).unwrap_err(), Refused::Expired);
        let other = PendingCookies::new(&SecretString::from("another"), true);
        assert_eq!(other.open(&headers, 1_000).unwrap_err(), Refused::Forged);
        assert_eq!(
            cookies.open(&HeaderMap::new(), 1_000).unwrap_err(),
            Refused::Missing
        );
    }
}
