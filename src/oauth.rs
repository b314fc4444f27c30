//! The types of the OAuth 2.0 client every layer names: the configured client for Entra ID's
//! v2.0 endpoints and the HTTP client its token calls use. Built by `auth::oauth`.

use std::sync::Arc;

use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    EndpointNotSet, EndpointSet, ExtraTokenFields, StandardRevocableToken, StandardTokenResponse,
};
use serde::{Deserialize, Serialize};

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

/// The OAuth client and the HTTP client for its token calls (redirects off).
#[derive(Clone)]
pub struct OAuth {
    pub client: Arc<OAuthClient>,
    pub http: oauth2::reqwest::Client,
}

impl std::fmt::Debug for OAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuth").finish_non_exhaustive()
    }
}
