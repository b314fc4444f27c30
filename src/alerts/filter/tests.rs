use proptest::prelude::*;
use time::macros::datetime;

use super::*;
use graphsec_sandbox::odata::{self, Expr, Literal, Op};

#[test]
fn empty_filters_render_nothing() {
    assert_eq!(AlertFilter::V2(V2Filter::default()).to_odata(), None);
    assert_eq!(
        AlertFilter::Legacy(LegacyFilter::default()).to_odata(),
        None
    );
}

#[test]
fn legacy_any_filters_follow_the_documented_shapes() {
    let filter = AlertFilter::Legacy(LegacyFilter {
        provider: Some("IPC".into()),
        fqdn: Some("pc1.contoso.com".into()),
        upn: Some("adele@contoso.com".into()),
        ..LegacyFilter::default()
    });
    assert_eq!(
        filter.to_odata().unwrap(),
        "vendorInformation/provider eq 'IPC' and hostStates/any(a:a/fqdn eq 'pc1.contoso.com') \
         and userStates/any(a:a/userPrincipalName eq 'adele@contoso.com')"
    );
}

#[test]
fn v2_polling_clause_uses_utc_seconds() {
    let filter = AlertFilter::V2(V2Filter {
        updated_since: Some(datetime!(2026-11-24 10:00:00.123 +02:00)),
        ..V2Filter::default()
    });
    assert_eq!(
        filter.to_odata().unwrap(),
        "lastUpdateDateTime ge 2026-11-24T08:00:00Z"
    );
}

#[test]
fn legacy_modified_since_uses_last_modified() {
    let filter = AlertFilter::Legacy(LegacyFilter {
        status: Some(LegacyStatus::NewAlert),
        modified_since: Some(datetime!(2026-01-02 03:04:05 UTC)),
        ..LegacyFilter::default()
    });
    assert_eq!(
        filter.to_odata().unwrap(),
        "status eq 'newAlert' and lastModifiedDateTime ge 2026-01-02T03:04:05Z"
    );
}

/// Flattens a parsed filter into (path, literal) pairs, lambda bodies included.
fn leaves(expr: &Expr) -> Vec<(String, Literal)> {
    match expr {
        Expr::And(parts) => parts.iter().flat_map(leaves).collect(),
        Expr::Compare { path, op, value } => {
            assert!(matches!(op, Op::Eq | Op::Ge));
            vec![(path.join("/"), value.clone())]
        }
        Expr::Any {
            collection, body, ..
        } => leaves(body)
            .into_iter()
            .map(|(p, v)| (format!("{}/any:{p}", collection.join("/")), v))
            .collect(),
    }
}

fn text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(any::<String>())
}

fn v2_filter() -> impl Strategy<Value = V2Filter> {
    (
        prop::option::of(prop::sample::select(AlertStatus::ALL)),
        prop::option::of(prop::sample::select(Severity::ALL)),
        prop::option::of(prop::sample::select(ServiceSource::ALL)),
        prop::option::of(prop::sample::select(Classification::ALL)),
        prop::option::of(prop::sample::select(Determination::ALL)),
        text(),
        text(),
        text(),
    )
        .prop_map(
            |(
                status,
                severity,
                service_source,
                classification,
                determination,
                assigned_to,
                fqdn,
                upn,
            )| {
                V2Filter {
                    status,
                    severity,
                    service_source,
                    classification,
                    determination,
                    assigned_to,
                    fqdn,
                    upn,
                    updated_since: None,
                }
            },
        )
}

fn legacy_filter() -> impl Strategy<Value = LegacyFilter> {
    (
        prop::option::of(prop::sample::select(LegacyStatus::ALL)),
        prop::option::of(prop::sample::select(Severity::ALL)),
        text(),
        text(),
        text(),
        text(),
        text(),
    )
        .prop_map(
            |(status, severity, provider, category, assigned_to, fqdn, upn)| LegacyFilter {
                status,
                severity,
                provider,
                category,
                assigned_to,
                fqdn,
                upn,
                modified_since: None,
            },
        )
}

fn expected_v2(f: &V2Filter) -> Vec<(String, Literal)> {
    let s = |v: &str| Literal::Str(v.to_string());
    let device = "evidence/any:e/microsoft.graph.security.deviceEvidence/deviceDnsName";
    let user = "evidence/any:e/microsoft.graph.security.userEvidence/userAccount/userPrincipalName";
    [
        f.status.map(|v| ("status", s(v.as_str()))),
        f.severity.map(|v| ("severity", s(v.as_str()))),
        f.service_source.map(|v| ("serviceSource", s(v.as_str()))),
        f.classification.map(|v| ("classification", s(v.as_str()))),
        f.determination.map(|v| ("determination", s(v.as_str()))),
        f.assigned_to.as_deref().map(|v| ("assignedTo", s(v))),
        f.fqdn.as_deref().map(|v| (device, s(v))),
        f.upn.as_deref().map(|v| (user, s(v))),
    ]
    .into_iter()
    .flatten()
    .map(|(p, v)| (p.to_string(), v))
    .collect()
}

fn expected_legacy(f: &LegacyFilter) -> Vec<(String, Literal)> {
    let s = |v: &str| Literal::Str(v.to_string());
    [
        f.status.map(|v| ("status", s(v.as_str()))),
        f.severity.map(|v| ("severity", s(v.as_str()))),
        f.provider
            .as_deref()
            .map(|v| ("vendorInformation/provider", s(v))),
        f.category.as_deref().map(|v| ("category", s(v))),
        f.assigned_to.as_deref().map(|v| ("assignedTo", s(v))),
        f.fqdn.as_deref().map(|v| ("hostStates/any:a/fqdn", s(v))),
        f.upn
            .as_deref()
            .map(|v| ("userStates/any:a/userPrincipalName", s(v))),
    ]
    .into_iter()
    .flatten()
    .map(|(p, v)| (p.to_string(), v))
    .collect()
}

fn parsed_leaves(filter: &AlertFilter) -> Vec<(String, Literal)> {
    match filter.to_odata() {
        None => Vec::new(),
        Some(text) => {
            assert!(
                !text.starts_with(" and") && !text.ends_with("and "),
                "{text}"
            );
            leaves(&odata::parse(&text).unwrap_or_else(|e| panic!("{text}: {e}")))
        }
    }
}

proptest! {
    #[test]
    fn any_string_round_trips_through_a_literal(value in any::<String>()) {
        let quoted = quote(&value);
        prop_assert_eq!(unquote_prefix(&quoted), Some((value.clone(), "")));
        let filter = AlertFilter::V2(V2Filter { fqdn: Some(value.clone()), ..V2Filter::default() });
        let text = filter.to_odata().unwrap();
        let literal = text
            .strip_prefix("evidence/any(e:e/microsoft.graph.security.deviceEvidence/deviceDnsName eq ")
            .unwrap();
        prop_assert_eq!(unquote_prefix(literal), Some((value, ")")));
    }

    #[test]
    fn every_v2_combination_parses_back_to_its_fields(filter in v2_filter()) {
        let expected = expected_v2(&filter);
        prop_assert_eq!(parsed_leaves(&AlertFilter::V2(filter)), expected);
    }

    #[test]
    fn every_legacy_combination_parses_back_to_its_fields(filter in legacy_filter()) {
        let expected = expected_legacy(&filter);
        prop_assert_eq!(parsed_leaves(&AlertFilter::Legacy(filter)), expected);
    }
}
