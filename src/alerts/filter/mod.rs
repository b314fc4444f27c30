//! The OData `$filter` builder for both alert APIs.
//!
//! Build a [`LegacyFilter`] or a [`V2Filter`] (usually from the validated query string, see
//! [`crate::alerts::query`]), wrap it in an [`AlertFilter`], and call [`AlertFilter::to_odata`].
//! String values are quoted with `'` doubled; enumerations are typed, so only allow-listed values
//! can appear. Clauses are joined with ` and ` in a fixed order.
//!
//! ```
//! use graphsec::alerts::filter::{AlertFilter, V2Filter, AlertStatus};
//! let filter = AlertFilter::V2(V2Filter {
//!     status: Some(AlertStatus::New),
//!     upn: Some("o'neil@contoso.com".into()),
//!     ..V2Filter::default()
//! });
//! assert_eq!(
//!     filter.to_odata().unwrap(),
//!     "status eq 'new' and evidence/any(e:e/microsoft.graph.security.userEvidence/userAccount/userPrincipalName eq 'o''neil@contoso.com')"
//! );
//! ```

mod enums;

pub use crate::graph::odata::quote;
pub use enums::{
    AlertStatus, Classification, Determination, IncidentStatus, LegacyFeedback, LegacyStatus,
    ServiceSource, Severity, UnknownValue, folded,
};

use time::OffsetDateTime;

use crate::graph::odata;

/// Filter values for the legacy `/security/alerts` API.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LegacyFilter {
    pub status: Option<LegacyStatus>,
    pub severity: Option<Severity>,
    /// `vendorInformation/provider`, e.g. "IPC".
    pub provider: Option<String>,
    /// Free-text category, e.g. "credentialTheft".
    pub category: Option<String>,
    /// `assignedTo` (the signed-in user's UPN for "assigned to me").
    pub assigned_to: Option<String>,
    /// A host FQDN in `hostStates`.
    pub fqdn: Option<String>,
    /// A user principal name in `userStates`.
    pub upn: Option<String>,
    /// `lastModifiedDateTime ge …`.
    pub modified_since: Option<OffsetDateTime>,
}

/// Filter values for `/security/alerts_v2`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct V2Filter {
    pub status: Option<AlertStatus>,
    pub severity: Option<Severity>,
    pub service_source: Option<ServiceSource>,
    pub classification: Option<Classification>,
    pub determination: Option<Determination>,
    /// `assignedTo` (the signed-in user's UPN for "assigned to me").
    pub assigned_to: Option<String>,
    /// A device's `deviceDnsName` in the alert evidence.
    pub fqdn: Option<String>,
    /// A user account's `userPrincipalName` in the alert evidence.
    pub upn: Option<String>,
    /// `lastUpdateDateTime ge …`, for polling changed alerts.
    pub updated_since: Option<OffsetDateTime>,
}

/// A filter for one of the two alert APIs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertFilter {
    Legacy(LegacyFilter),
    V2(V2Filter),
}

impl AlertFilter {
    /// The `$filter` expression, or `None` when no field is set.
    pub fn to_odata(&self) -> Option<String> {
        let clauses = match self {
            AlertFilter::Legacy(f) => f.clauses(),
            AlertFilter::V2(f) => f.clauses(),
        };
        (!clauses.is_empty()).then(|| clauses.join(" and "))
    }
}

impl LegacyFilter {
    fn clauses(&self) -> Vec<String> {
        let mut out = Vec::new();
        push_enum(&mut out, "status", self.status.map(LegacyStatus::as_str));
        push_enum(&mut out, "severity", self.severity.map(Severity::as_str));
        push_text(&mut out, "vendorInformation/provider", &self.provider);
        push_text(&mut out, "category", &self.category);
        push_text(&mut out, "assignedTo", &self.assigned_to);
        push_since(&mut out, "lastModifiedDateTime", self.modified_since);
        if let Some(fqdn) = &self.fqdn {
            out.push(format!("hostStates/any(a:a/fqdn eq {})", quote(fqdn)));
        }
        if let Some(upn) = &self.upn {
            out.push(format!(
                "userStates/any(a:a/userPrincipalName eq {})",
                quote(upn)
            ));
        }
        out
    }
}

impl V2Filter {
    fn clauses(&self) -> Vec<String> {
        let mut out = Vec::new();
        push_enum(&mut out, "status", self.status.map(AlertStatus::as_str));
        push_enum(&mut out, "severity", self.severity.map(Severity::as_str));
        push_enum(
            &mut out,
            "serviceSource",
            self.service_source.map(ServiceSource::as_str),
        );
        push_enum(
            &mut out,
            "classification",
            self.classification.map(Classification::as_str),
        );
        push_enum(
            &mut out,
            "determination",
            self.determination.map(Determination::as_str),
        );
        push_text(&mut out, "assignedTo", &self.assigned_to);
        push_since(&mut out, "lastUpdateDateTime", self.updated_since);
        if let Some(fqdn) = &self.fqdn {
            out.push(format!(
                "evidence/any(e:e/microsoft.graph.security.deviceEvidence/deviceDnsName eq {})",
                quote(fqdn)
            ));
        }
        if let Some(upn) = &self.upn {
            out.push(format!(
                "evidence/any(e:e/microsoft.graph.security.userEvidence/userAccount/userPrincipalName eq {})",
                quote(upn)
            ));
        }
        out
    }
}

fn push_enum(out: &mut Vec<String>, path: &str, value: Option<&'static str>) {
    if let Some(value) = value {
        out.push(format!("{path} eq {}", quote(value)));
    }
}

fn push_text(out: &mut Vec<String>, path: &str, value: &Option<String>) {
    if let Some(value) = value {
        out.push(format!("{path} eq {}", quote(value)));
    }
}

fn push_since(out: &mut Vec<String>, path: &str, value: Option<OffsetDateTime>) {
    if let Some(value) = value {
        out.push(format!("{path} ge {}", odata::datetime(value)));
    }
}

#[cfg(test)]
mod tests;
