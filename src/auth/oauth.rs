//! The OAuth 2.0 client for Entra ID's v2.0 endpoints, built from `identity.authority`.

use std::time::Duration;

use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AuthType, AuthUrl, ClientId, ClientSecret, EndpointNotSet, EndpointSet, ExtraTokenFields,
    RedirectUrl, StandardRevocableToken, StandardTokenResponse, TokenUrl,
};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use crate::config::{Settings, Urls, join};

/// Entra returns an `id_token` beside the access token when `openid` was asked for.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct IdTokenField {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
}

impl ExtraTokenFields for IdTokenField {}

pub type TokenResponse = StandardTokenResponse<IdTokenField, BasicTokenType>;

pub type OAuthClient = oauth2::Client<
    BasicErrorResponse,
    TokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

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
