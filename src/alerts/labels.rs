//! Words for people: any enumeration value Graph sends (`inProgress`,
//! `microsoftDefenderForEndpoint`) as a readable label ("In progress", "Microsoft Defender for
//! Endpoint"). The API value itself stays in query strings and exports.

use super::filter::{
    AlertStatus, Classification, Determination, IncidentStatus, LegacyFeedback, LegacyStatus,
    ServiceSource, Severity,
};

/// The label of a known enumeration value, or the value's words split and capitalised
/// (`credentialTheft` → "Credential theft", `DefenseEvasion` → "Defense evasion"). Empty stays
/// empty; text that is not one camelCase word (an acronym, a sentence) is kept as it is.
pub fn label_of(value: &str) -> String {
    let known = [
        AlertStatus::parse(value).map(AlertStatus::label),
        LegacyStatus::parse(value).map(LegacyStatus::label),
        Severity::parse(value).map(Severity::label),
        ServiceSource::parse(value).map(ServiceSource::label),
        Classification::parse(value).map(Classification::label),
        Determination::parse(value).map(Determination::label),
        LegacyFeedback::parse(value).map(LegacyFeedback::label),
        IncidentStatus::parse(value).map(IncidentStatus::label),
    ];
    if let Some(label) = known.into_iter().flatten().next() {
        return label.to_string();
    }
    humanize(value)
}

/// Splits one camelCase or PascalCase word into lower-case words, the first capitalised.
fn humanize(value: &str) -> String {
    let is_word = !value.is_empty()
        && value.chars().all(|c| c.is_ascii_alphanumeric())
        && value.chars().any(|c| c.is_ascii_lowercase());
    if !is_word {
        return value.to_string();
    }
    let mut out = String::new();
    let chars: Vec<char> = value.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let starts_word = i > 0
            && c.is_ascii_uppercase()
            && (chars[i - 1].is_ascii_lowercase()
                || chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase()));
        if starts_word {
            out.push(' ');
        }
        let next_is_upper = chars.get(i + 1).is_some_and(|n| n.is_ascii_uppercase());
        let in_acronym = c.is_ascii_uppercase()
            && (next_is_upper || (i > 0 && chars[i - 1].is_ascii_uppercase()));
        if i == 0 {
            out.push(c.to_ascii_uppercase());
        } else if in_acronym {
            out.push(*c);
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::label_of;

    #[test]
    fn known_values_get_their_labels() {
        assert_eq!(label_of("inProgress"), "In progress");
        assert_eq!(label_of("newAlert"), "New");
        assert_eq!(
            label_of("microsoftDefenderForEndpoint"),
            "Microsoft Defender for Endpoint"
        );
        assert_eq!(
            label_of("informationalExpectedActivity"),
            "Informational, expected activity"
        );
        assert_eq!(label_of("high"), "High");
    }

    #[test]
    fn other_words_are_split_and_acronyms_kept() {
        assert_eq!(label_of("credentialTheft"), "Credential theft");
        assert_eq!(label_of("DefenseEvasion"), "Defense evasion");
        assert_eq!(label_of("IPC"), "IPC");
        assert_eq!(label_of("MCAS"), "MCAS");
        assert_eq!(label_of(""), "");
        assert_eq!(label_of("Two words"), "Two words");
    }
}
