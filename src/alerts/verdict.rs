//! Which determinations go with which classification, as Microsoft documents them for alerts and
//! incidents (a true positive is malware, phishing, …; a false positive is "not malicious" or
//! "not enough data"), and the message refusing any other pair.

use super::filter::{Classification, Determination};

/// The determinations documented for `classification`; `unknown` goes with any classification.
pub fn determinations_for(classification: Classification) -> &'static [Determination] {
    use Determination as D;
    match classification {
        Classification::TruePositive => &[
            D::MultiStagedAttack,
            D::MaliciousUserActivity,
            D::CompromisedAccount,
            D::Malware,
            D::Phishing,
            D::UnwantedSoftware,
            D::Apt,
            D::Other,
        ],
        Classification::InformationalExpectedActivity => &[
            D::SecurityTesting,
            D::LineOfBusinessApplication,
            D::ConfirmedActivity,
            D::SecurityPersonnel,
            D::Other,
        ],
        Classification::FalsePositive => &[D::NotMalicious, D::NotEnoughDataToValidate, D::Other],
        Classification::Unknown => &[],
    }
}

/// Whether the pair is one Graph documents.
pub fn allowed(classification: Classification, determination: Determination) -> bool {
    determination == Determination::Unknown
        || determinations_for(classification).contains(&determination)
}

/// A readable refusal of a pair that is not documented, naming the ones that are.
pub fn refusal(classification: Classification, determination: Determination) -> String {
    let fitting: Vec<&str> = determinations_for(classification)
        .iter()
        .map(|d| d.label())
        .collect();
    let choices = if fitting.is_empty() {
        "only Unknown".to_string()
    } else {
        fitting.join(", ")
    };
    format!(
        "The determination \"{}\" does not go with the classification \"{}\"; for {} choose {choices}.",
        determination.label(),
        classification.label(),
        classification.label(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_pairs_are_allowed_and_others_refused() {
        assert!(allowed(Classification::TruePositive, Determination::Apt));
        assert!(allowed(
            Classification::TruePositive,
            Determination::Malware
        ));
        assert!(!allowed(Classification::FalsePositive, Determination::Apt));
        assert!(!allowed(
            Classification::FalsePositive,
            Determination::Malware
        ));
        assert!(allowed(
            Classification::FalsePositive,
            Determination::NotMalicious
        ));
        assert!(allowed(
            Classification::InformationalExpectedActivity,
            Determination::SecurityTesting
        ));
        assert!(!allowed(
            Classification::InformationalExpectedActivity,
            Determination::Phishing
        ));
        assert!(allowed(Classification::Unknown, Determination::Unknown));
        assert!(!allowed(Classification::Unknown, Determination::Malware));
    }

    #[test]
    fn the_refusal_names_the_fitting_determinations() {
        let text = refusal(Classification::FalsePositive, Determination::Apt);
        assert!(text.contains("Advanced persistent threat"), "{text}");
        assert!(
            text.contains("Not malicious, Not enough data to validate, Other"),
            "{text}"
        );
    }
}
