//! Reads an access token's payload locally (the signature is the API's to check, not ours).

use base64::Engine;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::Deserialize;
use time::OffsetDateTime;

use super::{Api, AppOnlyError};

const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The claims an admin checks on an app-only token.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Claims {
    #[serde(default)]
    pub roles: Vec<String>,
    pub tid: Option<String>,
    /// v1.0 tokens name the app in `appid`, v2.0 tokens in `azp`.
    pub appid: Option<String>,
    pub azp: Option<String>,
    pub exp: Option<i64>,
}

impl Claims {
    /// Decodes the middle part of a `header.payload.signature` token.
    pub fn decode(token: &str) -> Result<Self, AppOnlyError> {
        let mut parts = token.split('.');
        let (Some(_), Some(payload), Some(_), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(AppOnlyError::BadToken(
                "it is not a JWT (header.payload.signature)".into(),
            ));
        };
        let bytes = BASE64URL
            .decode(payload)
            .map_err(|e| AppOnlyError::BadToken(format!("its payload is not base64url: {e}")))?;
        serde_json::from_slice(&bytes)
            .map_err(|e| AppOnlyError::BadToken(format!("its payload is not a claims object: {e}")))
    }

    pub fn app_id(&self) -> Option<&str> {
        self.appid.as_deref().or(self.azp.as_deref())
    }

    pub fn expires_at(&self) -> Option<OffsetDateTime> {
        OffsetDateTime::from_unix_timestamp(self.exp?).ok()
    }

    pub fn has_any_role(&self, wanted: &[&str]) -> bool {
        self.roles.iter().any(|r| wanted.contains(&r.as_str()))
    }

    /// Fails with a readable message when the token cannot read incidents on `api`.
    pub fn require_incident_role(&self, api: Api) -> Result<(), AppOnlyError> {
        if self.has_any_role(api.incident_roles()) {
            return Ok(());
        }
        Err(AppOnlyError::MissingRole {
            api,
            needed: api.incident_roles().join(" or "),
            have: self.roles_text(),
        })
    }

    /// The roles as one comma-separated line, or "(none)".
    pub fn roles_text(&self) -> String {
        if self.roles.is_empty() {
            "(none)".into()
        } else {
            self.roles.join(", ")
        }
    }
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::*;

    fn token(payload: &str) -> String {
        format!(
            "{}.{}.sig",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256"}"#),
            URL_SAFE_NO_PAD.encode(payload)
        )
    }

    #[test]
    fn reads_roles_tenant_app_and_expiry() {
        let claims = Claims::decode(&token(
            r#"{"roles":["SecurityIncident.Read.All"],"tid":"t-1","appid":"app-1","exp":1800000000}"#,
        ))
        .unwrap();
        assert_eq!(claims.roles, ["SecurityIncident.Read.All"]);
        assert_eq!(claims.tid.as_deref(), Some("t-1"));
        assert_eq!(claims.app_id(), Some("app-1"));
        assert_eq!(claims.expires_at().unwrap().unix_timestamp(), 1_800_000_000);
        assert!(claims.require_incident_role(Api::Graph).is_ok());
    }

    #[test]
    fn v2_tokens_name_the_app_in_azp_and_padding_is_tolerated() {
        let payload = base64::engine::general_purpose::URL_SAFE.encode(r#"{"azp":"app-2"}"#);
        let claims = Claims::decode(&format!("h.{payload}.s")).unwrap();
        assert_eq!(claims.app_id(), Some("app-2"));
        assert!(claims.roles.is_empty());
    }

    #[test]
    fn missing_incident_role_is_named() {
        let claims = Claims::decode(&token(r#"{"roles":["User.Read.All"]}"#)).unwrap();
        let err = claims
            .require_incident_role(Api::Defender)
            .unwrap_err()
            .to_string();
        assert!(err.contains("Incident.Read.All"), "{err}");
        assert!(err.contains("User.Read.All"), "{err}");
        let graph_role = Claims::decode(&token(r#"{"roles":["SecurityIncident.Read.All"]}"#));
        assert!(
            graph_role
                .unwrap()
                .require_incident_role(Api::Defender)
                .is_err()
        );
    }

    #[test]
    fn non_jwt_tokens_are_refused_with_a_reason() {
        for bad in ["opaque", "a.b", "a.!!!.c", "a.e30.c.d"] {
            let err = Claims::decode(bad).unwrap_err().to_string();
            assert!(
                err.starts_with("the access token could not be read"),
                "{err}"
            );
        }
        let not_object = URL_SAFE_NO_PAD.encode("[1]");
        assert!(Claims::decode(&format!("h.{not_object}.s")).is_err());
    }
}
