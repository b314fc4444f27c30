//! Building the OAuth 2.0 client for Entra ID's v2.0 endpoints from `identity.authority`.

use std::sync::Arc;
use std::time::Duration;

use oauth2::{AuthType, AuthUrl, ClientId, ClientSecret, RedirectUrl, TokenUrl};
use secrecy::ExposeSecret;

use crate::config::{Settings, Urls, join};
use crate::oauth::{OAuth, OAuthClient};

/// The client and its token HTTP client, each call bounded by `timeout`.
pub fn build(settings: &Settings, urls: &Urls, timeout: Duration) -> OAuth {
    OAuth {
        client: Arc::new(build_client(settings, urls)),
        http: token_http_client(timeout),
    }
}

pub fn build_client(settings: &Settings, urls: &Urls) -> OAuthClient {
    oauth2::Client::new(ClientId::new(settings.identity.client_id.clone()))
        .set_client_secret(ClientSecret::new(
            settings.identity.client_secret.expose_secret().to_string(),
        ))
        .set_auth_uri(AuthUrl::from_url(join(
            &urls.authority,
            "oauth2/v2.0/authorize",
        )))
        .set_token_uri(TokenUrl::from_url(join(
            &urls.authority,
            "oauth2/v2.0/token",
        )))
        .set_redirect_uri(RedirectUrl::from_url(urls.redirect_url.clone()))
        .set_auth_type(AuthType::RequestBody)
}

/// The client for token calls. Redirects are off, as the oauth2 crate requires, so a token
/// endpoint can never bounce the code or secret to another host.
pub fn token_http_client(timeout: Duration) -> oauth2::reqwest::Client {
    oauth2::reqwest::Client::builder()
        .redirect(oauth2::reqwest::redirect::Policy::none())
        .timeout(timeout)
        .build()
        .expect("the TLS backend is compiled in")
}
