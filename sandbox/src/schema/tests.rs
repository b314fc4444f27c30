use super::legacy;
use super::security::{
    AlertClassification, AlertDetermination, AlertSeverity, AlertStatus, IncidentStatus,
    ServiceSource,
};

#[test]
fn members_read_back_from_their_wire_names() {
    fn round_trip<T: Copy + PartialEq + std::fmt::Debug>(
        members: &[T],
        name: fn(T) -> &'static str,
        from_name: fn(&str) -> Option<T>,
    ) {
        for &member in members {
            assert_eq!(from_name(name(member)), Some(member));
        }
    }
    round_trip(
        AlertStatus::MEMBERS,
        AlertStatus::name,
        AlertStatus::from_name,
    );
    round_trip(
        AlertSeverity::MEMBERS,
        AlertSeverity::name,
        AlertSeverity::from_name,
    );
    round_trip(
        AlertClassification::MEMBERS,
        AlertClassification::name,
        AlertClassification::from_name,
    );
    round_trip(
        AlertDetermination::MEMBERS,
        AlertDetermination::name,
        AlertDetermination::from_name,
    );
    round_trip(
        IncidentStatus::MEMBERS,
        IncidentStatus::name,
        IncidentStatus::from_name,
    );
    round_trip(
        ServiceSource::MEMBERS,
        ServiceSource::name,
        ServiceSource::from_name,
    );
    round_trip(
        legacy::AlertStatus::MEMBERS,
        legacy::AlertStatus::name,
        legacy::AlertStatus::from_name,
    );
    round_trip(
        legacy::AlertFeedback::MEMBERS,
        legacy::AlertFeedback::name,
        legacy::AlertFeedback::from_name,
    );
}

#[test]
fn names_are_case_sensitive_and_exact() {
    assert_eq!(
        AlertStatus::from_name("inProgress"),
        Some(AlertStatus::InProgress)
    );
    for loose in ["InProgress", "inprogress", "in_progress", " inProgress", ""] {
        assert_eq!(AlertStatus::from_name(loose), None, "{loose:?}");
    }
    assert_eq!(
        AlertClassification::from_name("TruePositive"),
        None,
        "PascalCase is not Graph's spelling"
    );
    assert_eq!(AlertStatus::from_name("unknownFutureValue"), None);
}

#[test]
fn spellings_match_the_csdl() {
    assert_eq!(
        ServiceSource::MicrosoftDefenderForEndpoint.name(),
        "microsoftDefenderForEndpoint"
    );
    assert_eq!(
        ServiceSource::Microsoft365Defender.name(),
        "microsoft365Defender"
    );
    assert_eq!(
        AlertClassification::InformationalExpectedActivity.name(),
        "informationalExpectedActivity"
    );
    assert_eq!(
        AlertDetermination::NotEnoughDataToValidate.name(),
        "notEnoughDataToValidate"
    );
    assert_eq!(legacy::AlertStatus::NewAlert.name(), "newAlert");
    assert_eq!(
        AlertStatus::TYPE_NAME,
        "microsoft.graph.security.alertStatus"
    );
    assert_eq!(AlertDetermination::MEMBERS.len(), 15);
    assert_eq!(ServiceSource::MEMBERS.len(), 9);
}

#[test]
fn legacy_values_map_onto_v2_and_back() {
    for &status in AlertStatus::MEMBERS {
        assert_eq!(legacy::AlertStatus::from_v2(status).to_v2(), status);
    }
    for &classification in AlertClassification::MEMBERS {
        assert_eq!(
            legacy::AlertFeedback::from_v2(classification).to_v2(),
            classification
        );
    }
    assert_eq!(
        legacy::AlertStatus::Dismissed.to_v2(),
        AlertStatus::Resolved
    );
}
