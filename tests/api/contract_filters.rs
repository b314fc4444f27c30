//! Every filter the console can build, parsed by the sandbox's own OData parser: each field comes
//! back as the clause Graph documents for it, with its value intact.

use graphsec::alerts::filter::{
    AlertFilter, AlertStatus, Classification, Determination, LegacyFilter, LegacyStatus,
    ServiceSource, Severity, V2Filter,
};
use graphsec_sandbox::odata::{self, Expr, Literal, Op};
use proptest::prelude::*;

/// Flattens a parsed filter into (path, literal) pairs, lambda bodies included.
fn leaves(expr: &Expr) -> Vec<(String, Literal)> {
    match expr {
        Expr::And(parts) | Expr::Or(parts) => parts.iter().flat_map(leaves).collect(),
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
