//! Graph's secure score resources (`/security/secureScores`, `/security/secureScoreControlProfiles`).
//! Every field is optional or defaulted: the service adds and omits properties freely.

use secrecy::SecretString;
use serde::Deserialize;

use super::{GraphClient, GraphError, Page};

/// Stop following next links after this many pages (the catalogue has a few hundred controls).
const MAX_PAGES: usize = 50;

/// The newest daily score, or `None` when Microsoft has not computed one yet.
pub async fn latest_score(
    graph: &GraphClient,
    token: &SecretString,
) -> Result<Option<SecureScore>, GraphError> {
    let url = graph.url_with_query("v1.0/security/secureScores", &[("$top", "1".into())]);
    let page: Page<SecureScore> = graph.get_json(token, url).await?;
    Ok(page.value.into_iter().next())
}

/// Every control profile, following `@odata.nextLink` on the Graph host only.
pub async fn control_profiles(
    graph: &GraphClient,
    token: &SecretString,
) -> Result<Vec<SecureScoreControlProfile>, GraphError> {
    let url = graph.url("v1.0/security/secureScoreControlProfiles");
    graph.get_all(token, url, MAX_PAGES).await
}

/// One day's secure score of the tenant.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SecureScore {
    pub id: String,
    pub azure_tenant_id: Option<String>,
    pub created_date_time: Option<String>,
    pub current_score: Option<f64>,
    pub max_score: Option<f64>,
    pub active_user_count: Option<i64>,
    pub licensed_user_count: Option<i64>,
    pub enabled_services: Vec<String>,
    pub average_comparative_scores: Vec<AverageComparativeScore>,
    pub control_scores: Vec<ControlScore>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AverageComparativeScore {
    pub basis: Option<String>,
    pub average_score: Option<f64>,
}

/// The tenant's score on one control.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ControlScore {
    pub control_category: Option<String>,
    pub control_name: Option<String>,
    pub description: Option<String>,
    pub score: Option<f64>,
}

/// A control: what it protects, what it costs, and how to implement it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SecureScoreControlProfile {
    pub id: String,
    pub title: Option<String>,
    pub control_category: Option<String>,
    pub max_score: Option<f64>,
    pub rank: Option<i64>,
    pub action_type: Option<String>,
    /// Where the admin implements the control; shown as a link only when https.
    pub action_url: Option<String>,
    pub service: Option<String>,
    pub tier: Option<String>,
    pub user_impact: Option<String>,
    pub implementation_cost: Option<String>,
    pub threats: Vec<String>,
    /// HTML from Microsoft; rendered only after sanitising.
    pub remediation: Option<String>,
    pub remediation_impact: Option<String>,
    pub deprecated: Option<bool>,
    pub last_modified_date_time: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_secure_score_shape() {
        let score: SecureScore = serde_json::from_value(serde_json::json!({
            "id": "t_2026-11-24", "azureTenantId": "t", "activeUserCount": 0,
            "createdDateTime": "2026-11-24T00:00:00Z", "currentScore": 43.5, "maxScore": 94.0,
            "enabledServices": ["HasExchange", "HasSharePoint"], "licensedUserCount": 10,
            "averageComparativeScores": [{"basis": "AllTenants", "averageScore": 33.1}],
            "controlScores": [{"controlCategory": "Identity", "controlName": "MFARegistrationV2",
                "description": "...", "score": 9.0, "scoreInPercentage": 90.0}],
            "vendorInformation": {"provider": "SecureScore", "vendor": "Microsoft"}
        }))
        .unwrap();
        assert_eq!(score.current_score, Some(43.5));
        assert_eq!(
            score.control_scores[0].control_name.as_deref(),
            Some("MFARegistrationV2")
        );
    }

    #[test]
    fn a_sparse_profile_still_reads() {
        let profile: SecureScoreControlProfile =
            serde_json::from_value(serde_json::json!({"id": "AdminMFAV2", "maxScore": 10.0,
                "threats": ["AccountBreach"], "complianceInformation": []}))
            .unwrap();
        assert_eq!(profile.max_score, Some(10.0));
        assert!(profile.remediation.is_none());
    }
}
