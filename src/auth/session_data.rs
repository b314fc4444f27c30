//! What the session holds for sign-in. Tokens stay server-side: the cookie is only a session id.

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub const USER: &str = "auth.user";
pub const TOKENS: &str = "auth.tokens";
pub const CONSENT_STATE: &str = "auth.consent_state";

/// Who signed in, as shown in pages.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserInfo {
    pub oid: String,
    pub tenant_id: String,
    pub display_name: String,
    pub upn: String,
    pub granted_scopes: Vec<String>,
    /// Security or Global Administrator of the tenant (from the id token's roles).
    #[serde(default)]
    pub tenant_admin: bool,
}

/// The user's tokens; never sent to the browser, never logged.
#[derive(Clone, Serialize, Deserialize)]
pub struct Tokens {
    access_token: String,
    refresh_token: Option<String>,
    /// Unix seconds.
    expires_at: i64,
    /// Seconds the token was issued for.
    lifetime: i64,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// Refresh this long before expiry so a call never leaves with a token about to lapse.
const REFRESH_MARGIN_SECS: i64 = 60;

impl Tokens {
    pub fn new(access_token: String, refresh_token: Option<String>, expires_in_secs: i64) -> Self {
        Self {
            access_token,
            refresh_token,
            expires_at: OffsetDateTime::now_utc().unix_timestamp() + expires_in_secs,
            lifetime: expires_in_secs,
        }
    }

    pub fn access_token(&self) -> SecretString {
        SecretString::from(self.access_token.clone())
    }

    pub fn refresh_token(&self) -> Option<&str> {
        self.refresh_token.as_deref()
    }

    /// Short-lived tokens get a proportionally smaller margin, so they are still used before refreshing.
    pub fn needs_refresh(&self) -> bool {
        let margin = REFRESH_MARGIN_SECS.min(self.lifetime / 10);
        OffsetDateTime::now_utc().unix_timestamp() + margin >= self.expires_at
    }
}

/// A sign-in in progress: what the callback must see again (kept in the sign-in cookie).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PendingSignIn {
    pub state: String,
    pub pkce_verifier: String,
    pub nonce: String,
    pub return_to: String,
}
