//! Enumeration literals in a `$filter`: a comparison with an enumeration property must name a
//! member of the property's type, spelled exactly (case-sensitive), or the query is refused.

use super::failure::{Failure, shown};
use super::listing::Collection;
use crate::odata::{Expr, Literal};
use crate::schema::{legacy, security};

/// Whether a word names a member of one enumeration type.
type Names = fn(&str) -> bool;

fn names_for(collection: Collection, property: &str) -> Option<Names> {
    let names: Names = match (collection, property) {
        (Collection::AlertsV2, "status") => {
            |w| security::AlertStatus::MEMBERS.iter().any(|m| m.name() == w)
        }
        (Collection::Incidents, "status") => |w| security::IncidentStatus::from_name(w).is_some(),
        (Collection::LegacyAlerts, "status") => {
            |w| legacy::AlertStatus::MEMBERS.iter().any(|m| m.name() == w)
        }
        (Collection::LegacyAlerts, "feedback") => {
            |w| legacy::AlertFeedback::MEMBERS.iter().any(|m| m.name() == w)
        }
        (_, "severity") => |w| {
            security::AlertSeverity::MEMBERS
                .iter()
                .any(|m| m.name() == w)
        },
        (Collection::AlertsV2 | Collection::Incidents, "classification") => |w| {
            security::AlertClassification::MEMBERS
                .iter()
                .any(|m| m.name() == w)
        },
        (Collection::AlertsV2 | Collection::Incidents, "determination") => |w| {
            security::AlertDetermination::MEMBERS
                .iter()
                .any(|m| m.name() == w)
        },
        (Collection::AlertsV2, "serviceSource") => {
            |w| security::ServiceSource::from_name(w).is_some()
        }
        _ => return None,
    };
    Some(names)
}

/// Refuses the first string literal compared with an enumeration property that names no member.
pub fn check(collection: Collection, expr: &Expr) -> Result<(), Failure> {
    match expr {
        Expr::And(parts) | Expr::Or(parts) => {
            parts.iter().try_for_each(|part| check(collection, part))
        }
        Expr::Compare {
            path,
            value: Literal::Str(word),
            ..
        } if path.len() == 1 => match names_for(collection, &path[0]) {
            Some(names) if !names(word) => Err(Failure::bad_request(format!(
                "Invalid filter clause: The string '{}' is not a valid enumerated type constant.",
                shown(word)
            ))),
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::odata;

    fn checked(collection: Collection, filter: &str) -> Result<(), Failure> {
        check(collection, &odata::parse(filter).unwrap())
    }

    #[test]
    fn members_of_each_collection_s_types_pass() {
        for (collection, filter) in [
            (
                Collection::AlertsV2,
                "status eq 'inProgress' and severity eq 'high'",
            ),
            (
                Collection::AlertsV2,
                "serviceSource eq 'microsoftDefenderForEndpoint'",
            ),
            (
                Collection::AlertsV2,
                "classification eq 'informationalExpectedActivity'",
            ),
            (
                Collection::AlertsV2,
                "determination eq 'notEnoughDataToValidate'",
            ),
            (
                Collection::AlertsV2,
                "classification eq null and status eq 'new'",
            ),
            (
                Collection::Incidents,
                "status eq 'active' and severity ne 'low'",
            ),
            (Collection::Incidents, "status eq 'awaitingAction'"),
            (Collection::AlertsV2, "serviceSource eq 'microsoftSentinel'"),
            (
                Collection::LegacyAlerts,
                "status eq 'newAlert' and feedback eq 'benignPositive'",
            ),
            (
                Collection::LegacyAlerts,
                "vendorInformation/provider eq 'IPC'",
            ),
        ] {
            assert!(checked(collection, filter).is_ok(), "{filter}");
        }
    }

    #[test]
    fn words_that_name_no_member_are_refused() {
        for (collection, filter) in [
            (Collection::AlertsV2, "status eq 'newAlert'"),
            (Collection::AlertsV2, "status eq 'in_progress'"),
            (Collection::AlertsV2, "status eq 'New'"),
            (Collection::AlertsV2, "severity eq 'High'"),
            (Collection::LegacyAlerts, "status eq 'NewAlert'"),
            (Collection::AlertsV2, "classification eq 'benignPositive'"),
            (Collection::AlertsV2, "determination eq 'compromisedUser'"),
            (Collection::AlertsV2, "serviceSource eq 'defender'"),
            (Collection::Incidents, "status eq 'new'"),
            (Collection::LegacyAlerts, "status eq 'new'"),
            (
                Collection::LegacyAlerts,
                "feedback eq 'truePositive' and severity eq 'severe'",
            ),
        ] {
            let failure = checked(collection, filter).unwrap_err();
            assert!(
                failure
                    .message
                    .contains("is not a valid enumerated type constant"),
                "{filter}: {}",
                failure.message
            );
        }
    }
}
