//! HTTP-level tests: the sandbox on port 0, driven with reqwest the way the app drives it.

mod consent;
mod graph;
mod identity;
mod incidents;
mod last_update;
mod paging;

use super::tokens::decode_unverified;
use super::{Sandbox, SandboxHandle, SandboxOptions};
use reqwest::StatusCode;
use reqwest::header::LOCATION;
use serde_json::Value;
use std::collections::HashMap;
use url::Url;

pub const REDIRECT: &str = "http://localhost:5000/login/authorized";
/// RFC 7636 appendix B.
pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
pub const SECURITY_SCOPES: &str = "openid profile offline_access User.Read Mail.Send \
     https://graph.microsoft.com/SecurityAlert.ReadWrite.All SecurityIncident.ReadWrite.All";

pub struct Harness {
    pub sandbox: SandboxHandle,
    pub client: reqwest::Client,
}

impl Harness {
    pub async fn start() -> Self {
        Self::start_with(SandboxOptions::default()).await
    }

    pub async fn start_with(options: SandboxOptions) -> Self {
        let sandbox = Sandbox::start(options).await.expect("sandbox starts");
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client builds");
        Self { sandbox, client }
    }

    pub fn url(&self, path: &str) -> Url {
        self.sandbox.base_url().join(path).expect("valid path")
    }

    /// The authorize URL the app would send a browser to.
    pub fn authorize_url(&self, tenant: &str, scope: &str) -> Url {
        let mut url = self.url(&format!("/{tenant}/oauth2/v2.0/authorize"));
        url.query_pairs_mut().extend_pairs([
            ("client_id", "graphsec-sandbox"),
            ("response_type", "code"),
            ("redirect_uri", REDIRECT),
            ("scope", scope),
            ("state", "st-1"),
            ("nonce", "n-1"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ]);
        url
    }

    /// Submits the authorize form (query kept, decision in the body); returns the redirect target.
    pub async fn decide(&self, authorize: Url, user: &str, decision: &str) -> Url {
        let response = self
            .client
            .post(authorize)
            .form(&[("user", user), ("decision", decision)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FOUND);
        location(&response)
    }

    /// Signs `user` in through the authorize form and returns the authorization code.
    pub async fn code_for(&self, tenant: &str, user: &str, scope: &str) -> String {
        let back = self
            .decide(self.authorize_url(tenant, scope), user, "approve")
            .await;
        let query = query_map(&back);
        assert_eq!(query["state"], "st-1");
        query["code"].clone()
    }

    pub async fn token(&self, tenant: &str, form: &[(&str, &str)]) -> (StatusCode, Value) {
        let response = self
            .client
            .post(self.url(&format!("/{tenant}/oauth2/v2.0/token")))
            .form(form)
            .send()
            .await
            .unwrap();
        (response.status(), response.json().await.unwrap())
    }

    pub async fn redeem(&self, tenant: &str, code: &str, verifier: &str) -> (StatusCode, Value) {
        self.token(
            tenant,
            &[
                ("grant_type", "authorization_code"),
                ("client_id", "graphsec-sandbox"),
                ("client_secret", "sandbox-secret"),
                ("code", code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", verifier),
            ],
        )
        .await
    }

    /// A full sign-in: the token response for `user`.
    pub async fn sign_in(&self, user: &str, scope: &str) -> Value {
        let code = self.code_for("common", user, scope).await;
        let (status, body) = self.redeem("common", &code, VERIFIER).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    pub async fn refresh(
        &self,
        tenant: &str,
        token: &str,
        scope: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut form = vec![
            ("grant_type", "refresh_token"),
            ("client_id", "graphsec-sandbox"),
            ("client_secret", "sandbox-secret"),
            ("refresh_token", token),
        ];
        form.extend(scope.map(|s| ("scope", s)));
        self.token(tenant, &form).await
    }

    pub async fn app_token(&self, tenant: &str, scope: &str) -> (StatusCode, Value) {
        self.token(
            tenant,
            &[
                ("grant_type", "client_credentials"),
                ("client_id", "graphsec-sandbox"),
                ("client_secret", "sandbox-secret"),
                ("scope", scope),
            ],
        )
        .await
    }
}

pub fn location(response: &reqwest::Response) -> Url {
    Url::parse(response.headers()[LOCATION].to_str().unwrap()).unwrap()
}

pub fn query_map(url: &Url) -> HashMap<String, String> {
    url.query_pairs().into_owned().collect()
}

pub fn claims(token: &Value) -> Value {
    decode_unverified(token.as_str().expect("a token string")).expect("JWT-shaped")
}
