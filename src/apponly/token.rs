//! App-only tokens with the client-credentials grant.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use url::Url;

use super::{Api, AppOnlyError, Claims};

/// Authorities that stand for many tenants; an app-only token must name one tenant.
const MULTI_TENANT: &[&str] = &["common", "organizations", "consumers"];

/// The app registration's credentials and the tenant authority to ask.
#[derive(Debug, Clone)]
pub struct ClientCredentials {
    pub authority: Url,
    pub client_id: String,
    pub client_secret: SecretString,
}

/// An app-only access token and its locally decoded claims.
#[derive(Debug)]
pub struct AppToken {
    pub access_token: SecretString,
    pub expires_in: u64,
    pub claims: Claims,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: SecretString,
    #[serde(default)]
    expires_in: u64,
}

#[derive(Deserialize, Default)]
struct TokenError {
    #[serde(default)]
    error: String,
    #[serde(default)]
    error_description: String,
}

/// `{authority}/oauth2/v2.0/token`, refusing authorities that do not name a tenant.
pub fn token_endpoint(authority: &Url) -> Result<Url, AppOnlyError> {
    let tenant = authority
        .path_segments()
        .and_then(|mut segments| segments.rfind(|s| !s.is_empty()))
        .unwrap_or_default();
    if tenant.is_empty() || MULTI_TENANT.contains(&tenant.to_ascii_lowercase().as_str()) {
        return Err(AppOnlyError::TenantRequired {
            authority: authority.to_string(),
        });
    }
    let mut url = authority.clone();
    let path = url.path().trim_end_matches('/').to_string();
    url.set_path(&format!("{path}/oauth2/v2.0/token"));
    url.set_query(None);
    Ok(url)
}

impl ClientCredentials {
    fn check(&self) -> Result<(), AppOnlyError> {
        if self.client_id.trim().is_empty() {
            return Err(AppOnlyError::MissingCredential {
                key: "client_id",
                env: "GRAPHSEC__IDENTITY__CLIENT_ID",
            });
        }
        if self.client_secret.expose_secret().trim().is_empty() {
            return Err(AppOnlyError::MissingCredential {
                key: "client_secret",
                env: "GRAPHSEC__IDENTITY__CLIENT_SECRET",
            });
        }
        Ok(())
    }

    /// Asks the token endpoint for an app-only token for `api`.
    pub async fn acquire(
        &self,
        http: &reqwest::Client,
        api: Api,
    ) -> Result<AppToken, AppOnlyError> {
        self.check()?;
        let endpoint = token_endpoint(&self.authority)?;
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose_secret()),
            ("scope", api.scope()),
        ];
        let response = http
            .post(endpoint.clone())
            .form(&form)
            .send()
            .await
            .map_err(|e| AppOnlyError::unreachable(&endpoint, e))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| AppOnlyError::unreachable(&endpoint, e))?;
        if !status.is_success() {
            let err: TokenError = serde_json::from_slice(&body).unwrap_or_default();
            let code = if err.error.is_empty() {
                format!("HTTP {}", status.as_u16())
            } else {
                err.error
            };
            let description = err
                .error_description
                .lines()
                .next()
                .unwrap_or_default()
                .trim()
                .to_string();
            return Err(AppOnlyError::TokenRefused {
                code,
                description: if description.is_empty() {
                    "no description given".into()
                } else {
                    description
                },
            });
        }
        let token: TokenResponse =
            serde_json::from_slice(&body).map_err(|e| AppOnlyError::BadResponse {
                api: "the token endpoint",
                reason: e.to_string(),
            })?;
        let claims = Claims::decode(token.access_token.expose_secret())?;
        Ok(AppToken {
            access_token: token.access_token,
            expires_in: token.expires_in,
            claims,
        })
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use wiremock::matchers::{body_string_contains, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;

    fn creds(authority: &str) -> ClientCredentials {
        ClientCredentials {
            authority: Url::parse(authority).unwrap(),
            client_id: "app-1".into(),
            client_secret: SecretString::from("s3cret".to_string()),
        }
    }

    #[test]
    fn the_token_endpoint_needs_a_tenant() {
        let url = token_endpoint(&Url::parse("https://login.example/contoso.com/").unwrap());
        assert_eq!(
            url.unwrap().as_str(),
            "https://login.example/contoso.com/oauth2/v2.0/token"
        );
        for multi in [
            "https://login.example/common",
            "https://login.example/Organizations/",
            "https://login.example/",
        ] {
            let err = token_endpoint(&Url::parse(multi).unwrap()).unwrap_err();
            assert!(err.to_string().contains("need a tenant"), "{err}");
        }
    }

    #[tokio::test]
    async fn client_credentials_are_exchanged_for_a_decoded_token() {
        let server = MockServer::start().await;
        let payload = URL_SAFE_NO_PAD
            .encode(r#"{"roles":["Incident.Read.All"],"tid":"t","appid":"app-1","exp":1}"#);
        Mock::given(method("POST"))
            .and(path("/tenant-1/oauth2/v2.0/token"))
            .and(body_string_contains("grant_type=client_credentials"))
            .and(body_string_contains("client_secret=s3cret"))
            .and(body_string_contains(
                "scope=https%3A%2F%2Fapi.security.microsoft.com%2F.default",
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "token_type": "Bearer", "expires_in": 3599, "access_token": format!("h.{payload}.s")
            })))
            .expect(1)
            .mount(&server)
            .await;
        let token = creds(&format!("{}/tenant-1", server.uri()))
            .acquire(&reqwest::Client::new(), Api::Defender)
            .await
            .unwrap();
        assert_eq!(token.expires_in, 3599);
        assert_eq!(token.claims.roles, ["Incident.Read.All"]);
    }

    #[tokio::test]
    async fn a_refusal_shows_the_code_and_first_line_of_the_description() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
                "error": "invalid_client",
                "error_description": "AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 1"
            })))
            .mount(&server)
            .await;
        let err = creds(&format!("{}/tenant-1", server.uri()))
            .acquire(&reqwest::Client::new(), Api::Graph)
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("invalid_client"), "{err}");
        assert!(err.ends_with("Invalid client secret provided."), "{err}");
    }

    #[tokio::test]
    async fn missing_secret_and_unreachable_hosts_are_named() {
        let mut empty = creds("http://127.0.0.1:9/t");
        empty.client_secret = SecretString::from(String::new());
        let err = empty.acquire(&reqwest::Client::new(), Api::Graph).await;
        assert!(
            err.unwrap_err()
                .to_string()
                .contains("GRAPHSEC__IDENTITY__CLIENT_SECRET")
        );
        let err = creds("http://127.0.0.1:9/t")
            .acquire(&reqwest::Client::new(), Api::Graph)
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("could not reach http://127.0.0.1:9/t/oauth2/v2.0/token"),
            "{err}"
        );
    }
}
