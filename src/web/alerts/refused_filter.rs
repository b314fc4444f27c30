//! When Graph refuses a filter of the alert list: which filter it refused and why, and a link to
//! the same view without it. The page keeps the form as the user filled it in.

use crate::graph::{GraphError, GraphErrorKind};

/// The Graph property a `$filter` clause names, and the form fields that build such clauses.
const CLAUSES: &[(&str, &[(&str, &str)])] = &[
    ("status", &[("status", "status")]),
    ("severity", &[("severity", "severity")]),
    ("serviceSource", &[("service_source", "service source")]),
    ("classification", &[("classification", "classification")]),
    ("determination", &[("determination", "determination")]),
    ("assignedTo", &[("assigned_to_me", "assigned to me")]),
    ("category", &[("category", "category")]),
    ("vendorInformation", &[("provider", "provider")]),
    ("evidence", &[("fqdn", "device"), ("upn", "user")]),
    ("hostStates", &[("fqdn", "device")]),
    ("userStates", &[("upn", "user")]),
];

/// A filter Graph refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedFilter {
    /// The form's names for the refused filter, e.g. "device and user".
    pub filters: String,
    /// The Graph property the refused clause names.
    pub property: String,
    /// Graph's reason, as it gave it.
    pub reason: String,
    /// `/alerts?…`: the same view without the refused filter.
    pub without_href: String,
}

/// Which filter of `query` (the list's query string) Graph refused with `err`, when Graph's
/// message names a property that one of the filled-in filters builds a clause on.
pub fn explain(err: &GraphError, query: &str) -> Option<RefusedFilter> {
    if err.kind != GraphErrorKind::BadRequest {
        return None;
    }
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .filter(|(_, value)| !value.is_empty())
        .collect();
    let (property, fields) = CLAUSES.iter().find(|(property, fields)| {
        names(&err.message, property)
            && fields
                .iter()
                .any(|(field, _)| pairs.iter().any(|(k, _)| k == field))
    })?;
    let refused: Vec<&(&str, &str)> = fields
        .iter()
        .filter(|(field, _)| pairs.iter().any(|(k, _)| k == field))
        .collect();
    let kept = pairs
        .iter()
        .filter(|(k, _)| !refused.iter().any(|(field, _)| field == k));
    let without = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish();
    let labels: Vec<&str> = refused.iter().map(|(_, label)| *label).collect();
    Some(RefusedFilter {
        filters: labels.join(" and "),
        property: property.to_string(),
        reason: err.message.clone(),
        without_href: format!("/alerts?{without}"),
    })
}

/// Whether Graph's message names `property` as a quoted name or the start of a quoted path.
fn names(message: &str, property: &str) -> bool {
    message.contains(&format!("'{property}'")) || message.contains(&format!("'{property}/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(message: &str) -> GraphError {
        GraphError {
            kind: GraphErrorKind::BadRequest,
            status: 400,
            code: "BadRequest".into(),
            message: message.into(),
            request_id: "r".into(),
            retry_after: None,
        }
    }

    #[test]
    fn an_evidence_refusal_names_the_device_and_user_filters_and_drops_only_them() {
        let err = refused("Invalid filter clause: filtering on 'evidence' is not supported.");
        let found = explain(&err, "top=20&status=new&fqdn=pc1.contoso.example&upn=").unwrap();
        assert_eq!(found.filters, "device");
        assert_eq!(found.property, "evidence");
        assert_eq!(found.reason, err.message);
        assert_eq!(found.without_href, "/alerts?top=20&status=new");
        let both = explain(&err, "fqdn=a&upn=b%40c").unwrap();
        assert_eq!(both.filters, "device and user");
        assert_eq!(both.without_href, "/alerts?");
    }

    #[test]
    fn nothing_is_blamed_without_a_named_property_a_set_field_builds() {
        let err = refused("Invalid filter clause: filtering on 'evidence' is not supported.");
        assert_eq!(explain(&err, "status=new"), None);
        assert_eq!(explain(&refused("Something else."), "status=new"), None);
        let mut throttled = refused("'status'");
        throttled.kind = GraphErrorKind::Throttled;
        assert_eq!(explain(&throttled, "status=new"), None);
    }
}
