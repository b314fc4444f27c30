//! Words for people: any enumeration value Graph sends (`inProgress`,
//! `microsoftDefenderForEndpoint`) as a readable label ("In progress", "Microsoft Defender for
//! Endpoint"). The API value itself stays in query strings and exports. A value graphsec has no
//! label for (Graph adds members over time) is shown exactly as it came.

use super::filter::{
    AlertStatus, Classification, Determination, IncidentStatus, LegacyFeedback, LegacyStatus,
    ServiceSource, Severity,
};

/// The label of a known enumeration value, or the value exactly as Graph sent it.
pub fn label_of(value: &str) -> String {
    known_label(value).map_or_else(|| value.to_string(), str::to_string)
}

/// For free text such as categories: the label of a known value, or the value's words split and
/// capitalised (`credentialTheft` → "Credential theft", `DefenseEvasion` → "Defense evasion").
/// Empty stays empty; text that is not one camelCase word (an acronym, a sentence) is kept.
pub fn words_of(value: &str) -> String {
    known_label(value).map_or_else(|| humanize(value), str::to_string)
}

fn known_label(value: &str) -> Option<&'static str> {
    let known = [
        AlertStatus::find(value).map(AlertStatus::label),
        LegacyStatus::find(value).map(LegacyStatus::label),
        Severity::find(value).map(Severity::label),
        ServiceSource::find(value).map(ServiceSource::label),
        Classification::find(value).map(Classification::label),
        Determination::find(value).map(Determination::label),
        LegacyFeedback::find(value).map(LegacyFeedback::label),
        IncidentStatus::find(value).map(IncidentStatus::label),
    ];
    known.into_iter().flatten().next()
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
    use super::{label_of, words_of};

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
        assert_eq!(words_of("credentialTheft"), "Credential theft");
        assert_eq!(words_of("DefenseEvasion"), "Defense evasion");
        assert_eq!(words_of("IPC"), "IPC");
        assert_eq!(words_of("MCAS"), "MCAS");
        assert_eq!(words_of(""), "");
        assert_eq!(words_of("Two words"), "Two words");
        assert_eq!(words_of("inProgress"), "In progress");
    }

    #[test]
    fn enumeration_values_without_a_label_are_shown_as_they_came() {
        assert_eq!(label_of("microsoftSentinel"), "microsoftSentinel");
        assert_eq!(label_of("<b>new</b>"), "<b>new</b>");
        assert_eq!(label_of(""), "");
    }
}
