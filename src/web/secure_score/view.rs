//! What the Secure Score page and the home summary show, built from the Graph resources.

use super::sanitize::{SafeHtml, https_link};
use crate::graph::secure_score::{SecureScore, SecureScoreControlProfile};

/// Current against maximum, with the share as a whole percentage.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ScoreSummary {
    pub current: String,
    pub max: String,
    /// Value and max for `<progress>`, which needs plain numbers.
    pub current_value: f64,
    pub max_value: f64,
    pub percent: u8,
    pub as_of: String,
}

impl ScoreSummary {
    pub fn of(score: &SecureScore) -> Self {
        let current = score.current_score.unwrap_or(0.0).max(0.0);
        let max = score.max_score.unwrap_or(0.0).max(0.0);
        let percent = if max > 0.0 {
            (current / max * 100.0).round().clamp(0.0, 100.0) as u8
        } else {
            0
        };
        Self {
            current: number(Some(current)),
            max: number(Some(max)),
            current_value: current.min(max),
            max_value: max,
            percent,
            as_of: score
                .created_date_time
                .as_deref()
                .map(|d| d.chars().take(10).collect())
                .unwrap_or_default(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ControlScoreRow {
    pub category: String,
    pub name: String,
    pub description: String,
    pub score: String,
}

#[derive(Debug, Clone)]
pub struct ProfileRow {
    pub title: String,
    pub category: String,
    pub service: String,
    pub max_score: String,
    pub user_impact: String,
    pub implementation_cost: String,
    pub tier: String,
    pub deprecated: bool,
    pub remediation: SafeHtml,
    /// Set only for https action URLs.
    pub action_link: Option<String>,
    /// The raw action URL when it is not shown as a link (escaped text).
    pub action_text: Option<String>,
}

/// The score part of `GET /secure-score`.
#[derive(Debug, Clone)]
pub struct SecureScoreView {
    pub summary: ScoreSummary,
    pub enabled_services: Vec<String>,
    pub licensed_users: String,
    pub active_users: String,
    pub comparisons: Vec<(String, String)>,
    pub control_scores: Vec<ControlScoreRow>,
}

impl SecureScoreView {
    pub fn new(score: &SecureScore) -> Self {
        Self {
            summary: ScoreSummary::of(score),
            enabled_services: score.enabled_services.clone(),
            licensed_users: count(score.licensed_user_count),
            active_users: count(score.active_user_count),
            comparisons: score
                .average_comparative_scores
                .iter()
                .map(|c| (text(&c.basis), number(c.average_score)))
                .collect(),
            control_scores: score
                .control_scores
                .iter()
                .map(|c| ControlScoreRow {
                    category: text(&c.control_category),
                    name: text(&c.control_name),
                    description: c.description.clone().unwrap_or_default(),
                    score: number(c.score),
                })
                .collect(),
        }
    }
}

/// The profile rows of the page, remediation sanitised.
pub fn profile_rows(profiles: &[SecureScoreControlProfile]) -> Vec<ProfileRow> {
    profiles.iter().map(profile_row).collect()
}

fn profile_row(p: &SecureScoreControlProfile) -> ProfileRow {
    let action_link = p.action_url.as_deref().and_then(https_link);
    let action_text = match (&action_link, p.action_url.as_deref().map(str::trim)) {
        (None, Some(raw)) if !raw.is_empty() => Some(raw.to_string()),
        _ => None,
    };
    ProfileRow {
        title: p.title.clone().unwrap_or_else(|| p.id.clone()),
        category: text(&p.control_category),
        service: text(&p.service),
        max_score: number(p.max_score),
        user_impact: text(&p.user_impact),
        implementation_cost: text(&p.implementation_cost),
        tier: text(&p.tier),
        deprecated: p.deprecated.unwrap_or(false),
        remediation: SafeHtml::sanitise(p.remediation.as_deref().unwrap_or_default()),
        action_link,
        action_text,
    }
}

fn text(value: &Option<String>) -> String {
    match value.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() => v.to_string(),
        _ => "—".into(),
    }
}

fn count(value: Option<i64>) -> String {
    value.map_or_else(|| "—".into(), |n| n.to_string())
}

/// Scores without trailing zeros: `43.5`, `94`, `3.33`.
pub fn number(value: Option<f64>) -> String {
    match value {
        Some(v) if v.is_finite() => {
            let text = format!("{v:.2}");
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        }
        _ => "—".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_shows_a_rounded_share() {
        let score = SecureScore {
            current_score: Some(43.5),
            max_score: Some(94.0),
            created_date_time: Some("2026-11-24T00:00:00Z".into()),
            ..SecureScore::default()
        };
        let summary = ScoreSummary::of(&score);
        assert_eq!(
            (summary.current.as_str(), summary.max.as_str()),
            ("43.5", "94")
        );
        assert_eq!(summary.percent, 46);
        assert_eq!(summary.as_of, "2026-11-24");
        assert_eq!(ScoreSummary::of(&SecureScore::default()).percent, 0);
    }

    #[test]
    fn profiles_link_only_https_action_urls_and_sanitise_remediation() {
        let profiles = [
            SecureScoreControlProfile {
                id: "a".into(),
                action_url: Some("https://admin.example/mfa".into()),
                remediation: Some("<p>Do it</p><script>x()</script>".into()),
                ..Default::default()
            },
            SecureScoreControlProfile {
                id: "b".into(),
                title: Some("B".into()),
                action_url: Some("javascript:alert(1)".into()),
                ..Default::default()
            },
        ];
        let rows = profile_rows(&profiles);
        assert_eq!(rows[0].title, "a");
        assert_eq!(
            rows[0].action_link.as_deref(),
            Some("https://admin.example/mfa")
        );
        assert_eq!(rows[0].remediation.as_str(), "<p>Do it</p>");
        assert_eq!(rows[1].action_link, None);
        assert_eq!(rows[1].action_text.as_deref(), Some("javascript:alert(1)"));
    }

    #[test]
    fn numbers_drop_trailing_zeros() {
        assert_eq!(number(Some(3.333)), "3.33");
        assert_eq!(number(Some(10.0)), "10");
        assert_eq!(number(Some(f64::NAN)), "—");
        assert_eq!(number(None), "—");
    }
}
