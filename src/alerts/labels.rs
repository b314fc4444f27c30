//! Words for people: any enumeration value Graph sends (`inProgress`,
//! `microsoftDefenderForEndpoint`) as a readable label ("In progress", "Microsoft Defender for
//! Endpoint"). The API value itself stays in query strings and exports. A value graphsec has no
//! label for (Graph adds members over time) is shown exactly as it came.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::filter::{
    AlertStatus, Classification, Determination, IncidentStatus, LegacyFeedback, LegacyStatus,
    ServiceSource, Severity, folded,
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

/// Every known value's label, keyed by its spelling folded as the enumerations compare
/// them; where two enumerations share a value, the first listed gives the label.
static LABELS: LazyLock<HashMap<String, &'static str>> = LazyLock::new(|| {
    let mut labels = HashMap::new();
    macro_rules! add {
        ($($enumeration:ident),+) => {$(
            for &value in $enumeration::ALL {
                labels.entry(key(value.as_str())).or_insert_with(|| value.label());
            }
        )+};
    }
    add!(
        AlertStatus,
        LegacyStatus,
        Severity,
        ServiceSource,
        Classification,
        Determination,
        LegacyFeedback,
        IncidentStatus
    );
    labels
});

/// Longer than any enumeration value, however spelled: such text has no label.
const LONGEST_VALUE: usize = 96;

/// One lookup however the value is spelled (`in_progress`, `InProgress`), as the
/// enumerations' own `find` matches.
fn known_label(value: &str) -> Option<&'static str> {
    let value = value.trim();
    if value.len() > LONGEST_VALUE {
        return None;
    }
    LABELS.get(&key(value)).copied()
}

/// The map's key for a spelling.
fn key(value: &str) -> String {
    folded(value).map(char::from).collect()
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
