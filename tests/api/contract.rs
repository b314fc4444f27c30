//! The console's wire vocabulary checked against the sandbox's, which is written independently
//! from Graph's CSDL: every enumeration value the console can send is a member Graph declares,
//! and every filter the console builds is one the sandbox parses and answers alike on both APIs.

use graphsec::alerts::filter::{
    AlertFilter, AlertStatus, Classification, Determination, IncidentStatus, LegacyFeedback,
    LegacyFilter, LegacyStatus, ServiceSource, Severity, V2Filter,
};
use graphsec_sandbox::odata;
use graphsec_sandbox::schema::{legacy, security};
use graphsec_sandbox::seed::{Seed, render};
use time::OffsetDateTime;
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2026-11-24 12:00:00.5 UTC);

fn contoso() -> Seed {
    Seed::for_tenant("contoso", "tid-contoso", NOW)
}

/// Each of the console's spellings names a member of the sandbox's type for it.
fn every_spelling_is_declared<T, U>(
    console: &[T],
    spelled: fn(T) -> &'static str,
    declared: fn(&str) -> Option<U>,
    type_name: &str,
) where
    T: Copy,
{
    for &value in console {
        let wire = spelled(value);
        assert!(
            declared(wire).is_some(),
            "the console sends '{wire}', which {type_name} does not declare"
        );
    }
}

#[test]
fn every_enumeration_value_the_console_sends_is_one_graph_declares() {
    every_spelling_is_declared(
        AlertStatus::ALL,
        AlertStatus::as_str,
        security::AlertStatus::from_name,
        security::AlertStatus::TYPE_NAME,
    );
    every_spelling_is_declared(
        Severity::ALL,
        Severity::as_str,
        security::AlertSeverity::from_name,
        security::AlertSeverity::TYPE_NAME,
    );
    every_spelling_is_declared(
        Classification::ALL,
        Classification::as_str,
        security::AlertClassification::from_name,
        security::AlertClassification::TYPE_NAME,
    );
    every_spelling_is_declared(
        Determination::ALL,
        Determination::as_str,
        security::AlertDetermination::from_name,
        security::AlertDetermination::TYPE_NAME,
    );
    every_spelling_is_declared(
        IncidentStatus::ALL,
        IncidentStatus::as_str,
        security::IncidentStatus::from_name,
        security::IncidentStatus::TYPE_NAME,
    );
    every_spelling_is_declared(
        ServiceSource::ALL,
        ServiceSource::as_str,
        security::ServiceSource::from_name,
        security::ServiceSource::TYPE_NAME,
    );
    every_spelling_is_declared(
        LegacyStatus::ALL,
        LegacyStatus::as_str,
        legacy::AlertStatus::from_name,
        legacy::AlertStatus::TYPE_NAME,
    );
    every_spelling_is_declared(
        LegacyFeedback::ALL,
        LegacyFeedback::as_str,
        legacy::AlertFeedback::from_name,
        legacy::AlertFeedback::TYPE_NAME,
    );
}

#[test]
fn both_shapes_answer_the_app_filters_alike() {
    let seed = contoso();
    let count = |filter: AlertFilter, legacy: bool| {
        let expr = odata::parse(&filter.to_odata().unwrap()).unwrap();
        seed.alerts
            .iter()
            .map(|a| {
                if legacy {
                    render::alert_legacy(a)
                } else {
                    render::alert_v2(a)
                }
            })
            .filter(|v| expr.matches(v))
            .count()
    };
    let host = "srv-dc01.contoso.example".to_string();
    let with_host = seed
        .alerts
        .iter()
        .filter(|a| a.hosts.iter().any(|h| h.fqdn == host))
        .count();
    assert!(with_host >= 5);
    let v2 = V2Filter {
        fqdn: Some(host.clone()),
        ..V2Filter::default()
    };
    let legacy = LegacyFilter {
        fqdn: Some(host),
        ..LegacyFilter::default()
    };
    assert_eq!(count(AlertFilter::V2(v2), false), with_host);
    assert_eq!(count(AlertFilter::Legacy(legacy), true), with_host);

    let upn = "o'brien@contoso.example".to_string();
    let v2 = V2Filter {
        upn: Some(upn.clone()),
        ..V2Filter::default()
    };
    let legacy = LegacyFilter {
        upn: Some(upn),
        ..LegacyFilter::default()
    };
    let with_upn = count(AlertFilter::V2(v2), false);
    assert!(with_upn >= 5);
    assert_eq!(count(AlertFilter::Legacy(legacy), true), with_upn);

    let mine = V2Filter {
        assigned_to: Some("megan@contoso.example".into()),
        ..V2Filter::default()
    };
    assert!(count(AlertFilter::V2(mine), false) >= 3);
}
