//! Options for the filter and manage forms.

use crate::alerts::filter::{
    AlertStatus, Classification, Determination, LegacyFeedback, LegacyStatus, ServiceSource,
    Severity,
};
use crate::alerts::query::TOP_CHOICES;
use crate::alerts::verdict::determinations_for;

/// One `<option>`.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Categories offered for the legacy filter.
pub const LEGACY_CATEGORIES: [&str; 10] = [
    "BruteForce",
    "credentialTheft",
    "DataExfiltration",
    "ImpossibleTravel",
    "Malware",
    "MultiStageAttack",
    "Phishing",
    "ransomware",
    "SuspiciousActivity",
    "UnfamiliarLocation",
];

fn normalize(value: &str) -> String {
    value
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

/// An "any" option followed by `values`; the one matching `current` is selected.
pub fn with_any<'a>(
    values: impl IntoIterator<Item = (String, &'a str)>,
    current: Option<&str>,
) -> Vec<Choice> {
    let current = current.map(normalize).unwrap_or_default();
    let mut out = vec![Choice {
        value: String::new(),
        label: "Any".to_string(),
        selected: current.is_empty(),
    }];
    out.extend(values.into_iter().map(|(value, label)| Choice {
        selected: !current.is_empty() && normalize(&value) == current,
        value,
        label: label.to_string(),
    }));
    out
}

macro_rules! enum_choices {
    ($name:ident, $ty:ty) => {
        pub fn $name(current: Option<&str>) -> Vec<Choice> {
            with_any(
                <$ty>::ALL.iter().map(|v| (v.form_value(), v.label())),
                current,
            )
        }
    };
}

/// Every value of an enumeration, those in `current` (form or API spelling) selected; no "Any":
/// none selected means any.
pub fn many<'a>(
    values: impl IntoIterator<Item = (String, &'a str)>,
    current: &[String],
) -> Vec<Choice> {
    let current: Vec<String> = current.iter().map(|c| normalize(c)).collect();
    values
        .into_iter()
        .map(|(value, label)| Choice {
            selected: current.contains(&normalize(&value)),
            value,
            label: label.to_string(),
        })
        .collect()
}

macro_rules! enum_many {
    ($name:ident, $ty:ty) => {
        pub fn $name(current: &[String]) -> Vec<Choice> {
            many(
                <$ty>::ALL.iter().map(|v| (v.form_value(), v.label())),
                current,
            )
        }
    };
}

enum_many!(v2_statuses_many, AlertStatus);
enum_many!(legacy_statuses_many, LegacyStatus);
enum_many!(severities_many, Severity);
enum_many!(service_sources_many, ServiceSource);
enum_many!(classifications_many, Classification);
enum_many!(determinations_many, Determination);

enum_choices!(v2_statuses, AlertStatus);
enum_choices!(legacy_statuses, LegacyStatus);
enum_choices!(severities, Severity);
enum_choices!(service_sources, ServiceSource);
enum_choices!(classifications, Classification);
enum_choices!(determinations, Determination);
enum_choices!(feedbacks, LegacyFeedback);

/// The determination options grouped by the classification each goes with (Graph's documented
/// pairs), with `current` selected; "Other" appears in every group it belongs to.
pub fn determination_groups(current: Option<&str>) -> Vec<(&'static str, Vec<Choice>)> {
    let current = current.map(normalize).unwrap_or_default();
    let option = |d: Determination| Choice {
        selected: !current.is_empty() && normalize(&d.form_value()) == current,
        value: d.form_value(),
        label: d.label().to_string(),
    };
    let mut groups: Vec<(&'static str, Vec<Choice>)> = [
        Classification::TruePositive,
        Classification::InformationalExpectedActivity,
        Classification::FalsePositive,
    ]
    .into_iter()
    .map(|c| {
        let options = determinations_for(c).iter().copied().map(option).collect();
        (c.label(), options)
    })
    .collect();
    groups.push(("Not yet known", vec![option(Determination::Unknown)]));
    groups
}

/// Text values (providers, categories) as options, keeping an unlisted current value.
pub fn texts(values: &[String], current: Option<&str>) -> Vec<Choice> {
    let mut values: Vec<String> = values.to_vec();
    if let Some(current) = current
        .map(str::trim)
        .filter(|c| !c.is_empty() && !values.iter().any(|v| v == c))
    {
        values.push(current.to_string());
    }
    let current = current.map(str::trim).unwrap_or_default();
    let mut out = vec![Choice {
        value: String::new(),
        label: "Any".to_string(),
        selected: current.is_empty(),
    }];
    out.extend(values.into_iter().map(|v| Choice {
        selected: v == current,
        label: v.clone(),
        value: v,
    }));
    out
}

/// The page sizes, one selected.
pub fn tops(current: u32) -> Vec<Choice> {
    TOP_CHOICES
        .iter()
        .map(|n| Choice {
            value: n.to_string(),
            label: n.to_string(),
            selected: *n == current,
        })
        .collect()
}
