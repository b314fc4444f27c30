//! The alert list's filter form: every option, the current values selected.

use super::choices::{self, Choice, LEGACY_CATEGORIES};
use crate::alerts::query::AlertQuery;
use crate::alerts::query::range::RELATIVE;

/// The filter form's options, with the current values selected.
pub struct FilterForm {
    pub tops: Vec<Choice>,
    pub statuses: Vec<Choice>,
    pub severities: Vec<Choice>,
    pub providers: Vec<Choice>,
    pub categories: Vec<Choice>,
    pub service_sources: Vec<Choice>,
    pub classifications: Vec<Choice>,
    pub determinations: Vec<Choice>,
    pub created_ranges: Vec<Choice>,
    pub created_from: String,
    pub created_to: String,
    pub assigned_to_me: bool,
    pub unassigned: bool,
    pub fqdn: String,
    pub upn: String,
}

pub fn filter_form(query: &AlertQuery, top: u32, legacy: bool, providers: &[String]) -> FilterForm {
    let categories: Vec<String> = LEGACY_CATEGORIES.iter().map(|c| c.to_string()).collect();
    let statuses = query.values("status");
    let created = query.created.as_deref().map(str::trim).unwrap_or_default();
    FilterForm {
        tops: choices::tops(top),
        statuses: if legacy {
            choices::legacy_statuses_many(&statuses)
        } else {
            choices::v2_statuses_many(&statuses)
        },
        severities: choices::severities_many(&query.values("severity")),
        providers: choices::texts(providers, query.provider.as_deref()),
        categories: choices::texts(&categories, query.category.as_deref()),
        service_sources: choices::service_sources_many(&query.values("service_source")),
        classifications: choices::classifications_many(&query.values("classification")),
        determinations: choices::determinations_many(&query.values("determination")),
        created_ranges: std::iter::once(("", "Any time"))
            .chain(RELATIVE)
            .map(|(value, label)| Choice {
                value: value.to_string(),
                label: label.to_string(),
                selected: value == created,
            })
            .collect(),
        created_from: query.created_from.clone().unwrap_or_default(),
        created_to: query.created_to.clone().unwrap_or_default(),
        assigned_to_me: query.assigned_to_me(),
        unassigned: query.unassigned_only(),
        fqdn: query.fqdn.clone().unwrap_or_default(),
        upn: query.upn.clone().unwrap_or_default(),
    }
}
