use proptest::prelude::*;
use time::macros::datetime;

use super::*;
use crate::graph::odata::unquote_prefix;

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
}
