//! Silent token refresh with the refresh token (needs the `offline_access` scope).

use oauth2::{RefreshToken, TokenResponse as _};

use super::session_data::Tokens;
use crate::oauth::OAuth;

/// A new token set, or None when the user has to sign in again.
pub async fn refresh(oauth: &OAuth, tokens: &Tokens) -> Option<Tokens> {
    let refresh_token = tokens.refresh_token()?;
    match oauth
        .client
        .exchange_refresh_token(&RefreshToken::new(refresh_token.to_string()))
        .request_async(&oauth.http)
        .await
    {
        Ok(response) => {
            let expires_in = response
                .expires_in()
                .map(|d| d.as_secs() as i64)
                .unwrap_or(3600);
            let next_refresh = response
                .refresh_token()
                .map(|t| t.secret().clone())
                .or_else(|| Some(refresh_token.to_string()));
            tracing::info!("access token refreshed");
            Some(Tokens::new(
                response.access_token().secret().clone(),
                next_refresh,
                expires_in,
            ))
        }
        Err(err) => {
            tracing::warn!(error = %err, "token refresh failed; the user must sign in again");
            None
        }
    }
}
