//! Scope parsing and granting: which permissions a request asks for and what a tenant allows.

use crate::tokens::{DEFENDER_AUDIENCE, GRAPH_AUDIENCE};
use std::collections::BTreeSet;

/// OpenID Connect scopes, which never need admin consent.
pub const OIDC: [&str; 4] = ["openid", "profile", "email", "offline_access"];
/// Delegated Graph permissions users may consent to themselves.
pub const USER_CONSENTABLE: [&str; 2] = ["User.Read", "Mail.Send"];
/// Delegated Graph permissions that need an admin's consent for the tenant.
pub const ADMIN_ONLY: [&str; 6] = [
    "SecurityEvents.Read.All",
    "SecurityEvents.ReadWrite.All",
    "SecurityAlert.Read.All",
    "SecurityAlert.ReadWrite.All",
    "SecurityIncident.Read.All",
    "SecurityIncident.ReadWrite.All",
];
/// Application permissions granted to the sandbox app for Graph once consented.
pub const GRAPH_APP_ROLES: [&str; 3] = [
    "SecurityIncident.Read.All",
    "SecurityAlert.Read.All",
    "SecurityEvents.Read.All",
];
/// Application permissions granted to the sandbox app for the Defender API once consented.
pub const DEFENDER_APP_ROLES: [&str; 1] = ["Incident.Read.All"];

/// The scopes a delegated request asks for: OIDC scopes and Graph permissions (short names).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RequestedScopes {
    pub oidc: BTreeSet<&'static str>,
    pub graph: BTreeSet<&'static str>,
}

impl RequestedScopes {
    /// Parses a space-separated `scope` parameter. `Err` holds the offending scope.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut scopes = Self::default();
        for item in raw.split_whitespace() {
            if let Some(oidc) = find(&OIDC, item) {
                scopes.oidc.insert(oidc);
                continue;
            }
            let short = strip_graph_prefix(item).ok_or_else(|| item.to_owned())?;
            if short.eq_ignore_ascii_case(".default") {
                scopes
                    .graph
                    .extend(USER_CONSENTABLE.iter().chain(&ADMIN_ONLY));
            } else {
                let known = find(&USER_CONSENTABLE, short).or_else(|| find(&ADMIN_ONLY, short));
                scopes.graph.insert(known.ok_or_else(|| item.to_owned())?);
            }
        }
        Ok(scopes)
    }

    pub fn is_empty(&self) -> bool {
        self.oidc.is_empty() && self.graph.is_empty()
    }

    pub fn wants(&self, oidc_scope: &str) -> bool {
        self.oidc.contains(oidc_scope)
    }

    /// Whether every Graph permission asked for here was also asked for in `original`.
    pub fn is_graph_subset_of(&self, original: &Self) -> bool {
        self.graph.is_subset(&original.graph)
    }

    /// The Graph permissions granted when the tenant has (or has not) consented for the app.
    pub fn granted_graph(&self, tenant_consented: bool) -> Vec<&'static str> {
        self.graph
            .iter()
            .copied()
            .filter(|s| tenant_consented || USER_CONSENTABLE.contains(s))
            .collect()
    }

    /// The OIDC scopes that also appear in an access token's `scp` claim.
    pub fn scp_oidc(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.oidc.iter().copied().filter(|s| *s != "offline_access")
    }
}

/// The resource a client-credentials `scope` names (`{resource}/.default`, one resource only).
pub fn app_resource(raw: &str) -> Option<&'static str> {
    let mut items = raw.split_whitespace();
    let (Some(only), None) = (items.next(), items.next()) else {
        return None;
    };
    let resource = only.strip_suffix("/.default")?.trim_end_matches('/');
    [GRAPH_AUDIENCE, DEFENDER_AUDIENCE]
        .into_iter()
        .find(|r| r.eq_ignore_ascii_case(resource))
}

pub fn app_roles(resource: &str) -> &'static [&'static str] {
    if resource == DEFENDER_AUDIENCE {
        &DEFENDER_APP_ROLES
    } else {
        &GRAPH_APP_ROLES
    }
}

fn strip_graph_prefix(item: &str) -> Option<&str> {
    let graph_prefix = "https://graph.microsoft.com/";
    match item.get(..graph_prefix.len()) {
        Some(head) if head.eq_ignore_ascii_case(graph_prefix) => Some(&item[graph_prefix.len()..]),
        _ if item.contains("://") || item.contains('/') => None,
        _ => Some(item),
    }
}

fn find(list: &[&'static str], item: &str) -> Option<&'static str> {
    list.iter().copied().find(|s| s.eq_ignore_ascii_case(item))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_short_and_long_graph_scopes_and_oidc() {
        let s = RequestedScopes::parse(
            "openid profile offline_access https://graph.microsoft.com/User.Read securityalert.readwrite.all",
        )
        .unwrap();
        assert!(s.wants("openid") && s.wants("offline_access") && !s.wants("email"));
        assert_eq!(
            s.graph.iter().copied().collect::<Vec<_>>(),
            ["SecurityAlert.ReadWrite.All", "User.Read"]
        );
        assert_eq!(s.scp_oidc().collect::<Vec<_>>(), ["openid", "profile"]);
    }

    #[test]
    fn rejects_unknown_scopes_and_other_resources() {
        assert_eq!(
            RequestedScopes::parse("User.Read Files.Read").unwrap_err(),
            "Files.Read"
        );
        assert!(RequestedScopes::parse("https://outlook.office.com/Mail.Read").is_err());
    }

    #[test]
    fn default_scope_asks_for_every_configured_permission() {
        let s = RequestedScopes::parse("https://graph.microsoft.com/.default").unwrap();
        assert_eq!(s.graph.len(), USER_CONSENTABLE.len() + ADMIN_ONLY.len());
    }

    #[test]
    fn unconsented_tenants_get_only_user_consentable_permissions() {
        let s = RequestedScopes::parse("User.Read Mail.Send SecurityAlert.Read.All").unwrap();
        assert_eq!(s.granted_graph(false), ["Mail.Send", "User.Read"]);
        assert_eq!(s.granted_graph(true).len(), 3);
    }

    #[test]
    fn client_credentials_scope_names_one_resource() {
        assert_eq!(
            app_resource("https://graph.microsoft.com/.default"),
            Some(GRAPH_AUDIENCE)
        );
        assert_eq!(
            app_resource("https://api.security.microsoft.com/.default"),
            Some(DEFENDER_AUDIENCE)
        );
        assert_eq!(app_resource("https://graph.microsoft.com/User.Read"), None);
        assert_eq!(app_resource("User.Read"), None);
        assert_eq!(app_resource(""), None);
        assert_eq!(
            app_resource(
                "https://graph.microsoft.com/.default https://api.security.microsoft.com/.default"
            ),
            None
        );
    }
}
