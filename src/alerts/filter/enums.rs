//! Allow-listed enumeration values for alert filters and updates.
//!
//! Every enumeration the app puts into a `$filter` or a PATCH body goes through one of these types,
//! so only values Microsoft Graph documents can ever be sent. Each type parses the form's
//! snake_case value (`in_progress`) as well as Graph's camelCase (`inProgress`), case-insensitively,
//! and renders Graph's camelCase spelling with `as_str()`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value outside an enumeration's allow-list, with a readable explanation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{shown}' is not a valid {label}; choose one of: {allowed}")]
pub struct UnknownValue {
    /// What the enumeration is called in messages, e.g. "alert status".
    pub label: &'static str,
    shown: String,
    allowed: String,
}

impl UnknownValue {
    fn new(label: &'static str, value: &str, allowed: &[&'static str]) -> Self {
        const SHOWN_MAX: usize = 40;
        let mut shown: String = value.chars().take(SHOWN_MAX).collect();
        if value.chars().count() > SHOWN_MAX {
            shown.push('…');
        }
        Self {
            label,
            shown,
            allowed: allowed.join(", "),
        }
    }
}

/// Whether two spellings name the same value: ASCII case-insensitive, ignoring `_`, `-` and
/// spaces, so `in_progress`, `In Progress` and `inProgress` compare equal. Compares bytes as it
/// goes (no allocation).
fn same_value(a: &str, b: &str) -> bool {
    folded(a).eq(folded(b))
}

/// A spelling as [`same_value`] compares it: lower case, without `_`, `-` or spaces.
pub fn folded(value: &str) -> impl Iterator<Item = u8> + '_ {
    value
        .bytes()
        .filter(|b| !matches!(b, b'_' | b'-' | b' '))
        .map(|b| b.to_ascii_lowercase())
}

macro_rules! odata_enum {
    ($(#[$meta:meta])* $name:ident, $label:literal { $($variant:ident => $value:literal : $human:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            /// Every allowed value, in Graph's documented order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// What the enumeration is called in messages.
            pub const LABEL: &'static str = $label;

            /// Graph's camelCase spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $value),+
                }
            }

            /// The words shown to people, e.g. "In progress".
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $human),+
                }
            }

            /// The form's snake_case spelling, e.g. `in_progress`.
            pub fn form_value(self) -> String {
                let mut out = String::new();
                for c in self.as_str().chars() {
                    if c.is_ascii_uppercase() {
                        out.push('_');
                        out.push(c.to_ascii_lowercase());
                    } else {
                        out.push(c);
                    }
                }
                out
            }

            /// The value `input` names (snake_case or camelCase, ignoring case), if any.
            pub fn find(input: &str) -> Option<Self> {
                let wanted = input.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| same_value(v.as_str(), wanted))
            }

            /// Parses snake_case or camelCase, ignoring case.
            pub fn parse(input: &str) -> Result<Self, UnknownValue> {
                Self::find(input)
                    .ok_or_else(|| {
                        // In words, as the drop-downs show them.
                        let allowed: Vec<&'static str> =
                            Self::ALL.iter().map(|v| v.label()).collect();
                        UnknownValue::new($label, input, &allowed)
                    })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(deserializer)?;
                Self::parse(&raw).map_err(serde::de::Error::custom)
            }
        }
    };
}

odata_enum! {
    /// Legacy alert status (`microsoft.graph.alertStatus`).
    LegacyStatus, "legacy alert status" {
        Unknown => "unknown" : "Unknown",
        NewAlert => "newAlert" : "New",
        InProgress => "inProgress" : "In progress",
        Resolved => "resolved" : "Resolved",
    }
}

odata_enum! {
    /// Alert severity; the legacy and v2 APIs share these values.
    Severity, "severity" {
        Unknown => "unknown" : "Unknown",
        Informational => "informational" : "Informational",
        Low => "low" : "Low",
        Medium => "medium" : "Medium",
        High => "high" : "High",
    }
}

odata_enum! {
    /// Legacy analyst feedback (`microsoft.graph.alertFeedback`).
    LegacyFeedback, "feedback" {
        Unknown => "unknown" : "Unknown",
        TruePositive => "truePositive" : "True positive",
        FalsePositive => "falsePositive" : "False positive",
        BenignPositive => "benignPositive" : "Benign positive",
    }
}

odata_enum! {
    /// alerts_v2 status (`microsoft.graph.security.alertStatus`).
    AlertStatus, "alert status" {
        Unknown => "unknown" : "Unknown",
        New => "new" : "New",
        InProgress => "inProgress" : "In progress",
        Resolved => "resolved" : "Resolved",
    }
}

odata_enum! {
    /// alerts_v2 and incident classification.
    Classification, "classification" {
        Unknown => "unknown" : "Unknown",
        FalsePositive => "falsePositive" : "False positive",
        TruePositive => "truePositive" : "True positive",
        InformationalExpectedActivity => "informationalExpectedActivity" : "Informational, expected activity",
    }
}

odata_enum! {
    /// alerts_v2 and incident determination (the SDK names).
    Determination, "determination" {
        Unknown => "unknown" : "Unknown",
        Apt => "apt" : "Advanced persistent threat",
        Malware => "malware" : "Malware",
        SecurityPersonnel => "securityPersonnel" : "Security personnel",
        SecurityTesting => "securityTesting" : "Security testing",
        UnwantedSoftware => "unwantedSoftware" : "Unwanted software",
        Other => "other" : "Other",
        MultiStagedAttack => "multiStagedAttack" : "Multi-staged attack",
        CompromisedAccount => "compromisedAccount" : "Compromised account",
        Phishing => "phishing" : "Phishing",
        MaliciousUserActivity => "maliciousUserActivity" : "Malicious user activity",
        NotMalicious => "notMalicious" : "Not malicious",
        NotEnoughDataToValidate => "notEnoughDataToValidate" : "Not enough data to validate",
        ConfirmedActivity => "confirmedActivity" : "Confirmed activity",
        LineOfBusinessApplication => "lineOfBusinessApplication" : "Line-of-business application",
    }
}

odata_enum! {
    /// The Microsoft product that raised an alerts_v2 alert (values that need no `Prefer` header).
    ServiceSource, "service source" {
        Unknown => "unknown" : "Unknown",
        MicrosoftDefenderForEndpoint => "microsoftDefenderForEndpoint" : "Microsoft Defender for Endpoint",
        MicrosoftDefenderForIdentity => "microsoftDefenderForIdentity" : "Microsoft Defender for Identity",
        MicrosoftDefenderForCloudApps => "microsoftDefenderForCloudApps" : "Microsoft Defender for Cloud Apps",
        MicrosoftDefenderForOffice365 => "microsoftDefenderForOffice365" : "Microsoft Defender for Office 365",
        Microsoft365Defender => "microsoft365Defender" : "Microsoft 365 Defender",
        AzureAdIdentityProtection => "azureAdIdentityProtection" : "Microsoft Entra ID Protection",
        MicrosoftAppGovernance => "microsoftAppGovernance" : "App governance",
        DataLossPrevention => "dataLossPrevention" : "Data loss prevention",
    }
}

odata_enum! {
    /// Incident status (`microsoft.graph.security.incidentStatus`), with `awaitingAction`, which
    /// Graph shows because every call sends `Prefer: include-unknown-enum-members`.
    IncidentStatus, "incident status" {
        Active => "active" : "Active",
        InProgress => "inProgress" : "In progress",
        AwaitingAction => "awaitingAction" : "Awaiting action",
        Resolved => "resolved" : "Resolved",
        Redirected => "redirected" : "Redirected",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_snake_camel_and_any_case() {
        assert_eq!(LegacyStatus::parse("new_alert"), Ok(LegacyStatus::NewAlert));
        assert_eq!(LegacyStatus::parse("newAlert"), Ok(LegacyStatus::NewAlert));
        assert_eq!(
            AlertStatus::parse("IN_PROGRESS"),
            Ok(AlertStatus::InProgress)
        );
        assert_eq!(
            ServiceSource::parse("microsoft_defender_for_office365"),
            Ok(ServiceSource::MicrosoftDefenderForOffice365)
        );
        assert_eq!(Determination::parse(" apt "), Ok(Determination::Apt));
    }

    #[test]
    fn form_value_round_trips_for_every_variant() {
        for v in Determination::ALL {
            assert_eq!(Determination::parse(&v.form_value()), Ok(*v));
        }
        for v in ServiceSource::ALL {
            assert_eq!(ServiceSource::parse(&v.form_value()), Ok(*v));
        }
        assert_eq!(LegacyStatus::NewAlert.form_value(), "new_alert");
    }

    #[test]
    fn unknown_values_are_refused_with_a_readable_message() {
        let err = AlertStatus::parse("newAlert' or 1 eq 1").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("is not a valid alert status"), "{text}");
        assert!(
            text.ends_with("choose one of: Unknown, New, In progress, Resolved"),
            "{text}"
        );
        assert!(Severity::parse("unknownFutureValue").is_err());
        assert!(Classification::parse("").is_err());
    }

    #[test]
    fn long_values_are_shortened_in_messages() {
        let err = Severity::parse(&"x".repeat(10_000)).unwrap_err();
        assert!(err.to_string().len() < 200);
    }

    #[test]
    fn serde_uses_graph_spelling() {
        let json = serde_json::to_string(&LegacyFeedback::BenignPositive).unwrap();
        assert_eq!(json, "\"benignPositive\"");
        let back: Classification = serde_json::from_str("\"TruePositive\"").unwrap();
        assert_eq!(back, Classification::TruePositive);
    }
}
