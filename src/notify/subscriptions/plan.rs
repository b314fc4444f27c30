//! What a new subscription looks like before it is sent to Graph: its resource (from the
//! alerts filter builder's `$filter`), a fresh clientState, an expiry, and the lifetimes
//! the `[notify]` settings allow.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use rand::RngCore;
use time::{Duration, OffsetDateTime};

use crate::config::NotifySettings;
use crate::notify::model::ApiKind;

/// Graph's maximum lifetime for a security alert subscription.
pub const MAX_LIFETIME: Duration = Duration::minutes(43_200);

/// The only change type alert subscriptions use.
pub const CHANGE_TYPE: &str = "updated";

/// Characters escaped in the `$filter` value of a resource: enough that the value reads
/// back unchanged with form decoding (`+` and `%` included), while staying legible.
const FILTER_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'+')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`');

/// How long subscriptions live and how early they are renewed.
#[derive(Debug, Clone, Copy)]
pub struct Lifetimes {
    pub lifetime: Duration,
    pub renew_before: Duration,
}

/// The configured lifetimes, clamped to what Graph allows.
pub fn lifetimes(settings: &NotifySettings) -> Lifetimes {
    let lifetime = Duration::minutes(settings.subscription_minutes.max(1)).min(MAX_LIFETIME);
    Lifetimes {
        lifetime,
        renew_before: Duration::minutes(settings.renew_before_minutes.max(0)),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error(
        "Choose at least one filter: Microsoft Graph refuses a subscription to every alert \
         of the tenant (security/alerts without a filter)."
    )]
    NoFilter,
}

/// The resource a subscription watches: the alert collection of the API with `$filter`.
pub fn resource(kind: ApiKind, filter: Option<&str>) -> Result<String, PlanError> {
    let filter = filter
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .ok_or(PlanError::NoFilter)?;
    let path = match kind {
        ApiKind::LegacyWebhook => "security/alerts",
        ApiKind::V2Watch => "security/alerts_v2",
    };
    Ok(format!(
        "{path}?$filter={}",
        utf8_percent_encode(filter, FILTER_VALUE)
    ))
}

/// A fresh random clientState: 256 bits, URL-safe, well under Graph's 128 characters.
pub fn client_state() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The expiry for a subscription created or renewed now, capped at Graph's maximum.
pub fn expiry(now: OffsetDateTime, lifetime: Duration) -> OffsetDateTime {
    let lifetime = lifetime.min(MAX_LIFETIME);
    (now + lifetime)
        .replace_nanosecond(0)
        .unwrap_or(now + lifetime)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::background::changes::split_resource;

    #[test]
    fn a_subscription_needs_a_filter() {
        assert_eq!(
            resource(ApiKind::LegacyWebhook, None),
            Err(PlanError::NoFilter)
        );
        assert_eq!(
            resource(ApiKind::LegacyWebhook, Some("  ")),
            Err(PlanError::NoFilter)
        );
        assert!(
            PlanError::NoFilter
                .to_string()
                .contains("at least one filter")
        );
    }

    #[test]
    fn the_filter_reads_back_unchanged_from_the_resource() {
        let filter = "category eq 'a+b %41 & c?' and assignedTo eq 'o''neil'";
        let res = resource(ApiKind::LegacyWebhook, Some(filter)).unwrap();
        assert!(res.starts_with("security/alerts?$filter=category%20eq%20'a%2Bb"));
        assert_eq!(
            split_resource(&res),
            ("security/alerts", Some(filter.to_owned()))
        );
        let v2 = resource(ApiKind::V2Watch, Some("severity eq 'high'")).unwrap();
        assert_eq!(v2, "security/alerts_v2?$filter=severity%20eq%20'high'");
    }

    #[test]
    fn lifetimes_are_clamped_to_what_graph_allows() {
        let s = NotifySettings {
            subscription_minutes: 100_000,
            renew_before_minutes: -5,
            ..NotifySettings::default()
        };
        let l = lifetimes(&s);
        assert_eq!(l.lifetime, MAX_LIFETIME);
        assert_eq!(l.renew_before, Duration::ZERO);
    }

    #[test]
    fn client_states_are_fresh_and_short_enough() {
        let (a, b) = (client_state(), client_state());
        assert_ne!(a, b);
        assert!(a.len() <= 128 && a.len() >= 40);
    }

    #[test]
    fn expiry_never_exceeds_the_maximum_lifetime() {
        let now = OffsetDateTime::now_utc();
        assert!(expiry(now, Duration::days(90)) <= now + MAX_LIFETIME);
        assert!(expiry(now, Duration::days(2)) > now + Duration::hours(47));
    }
}
