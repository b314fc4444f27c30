//! The incident list's page model: what the template shows, filled from Graph (`list.rs`) or
//! from the mirror (`mirror_list.rs`).

use askama::Template;
use askama_web::WebTemplate;

use crate::alerts::filter::IncidentStatus;
use crate::incidents::filter::{IncidentQuery, SINCE_CHOICES};
use crate::incidents::row::IncidentRow;
use crate::web::alerts::choices::{self, Choice};
use crate::web::alerts::notice::Notice;
use crate::web::layout::Layout;

#[derive(Template, WebTemplate)]
#[template(path = "incidents.html")]
pub struct IncidentsPage {
    pub layout: Layout,
    pub selects: Vec<FilterSelect>,
    pub assigned_to_me: bool,
    pub rows: Vec<IncidentRow>,
    pub notice: Option<Notice>,
    pub error: Option<String>,
    /// "1–20 of 35" (or "1–20" when Graph gave no count).
    pub range: String,
    pub previous_href: Option<String>,
    pub next_href: Option<String>,
    /// "synced 6 s ago" when the list reads graphsec's mirror.
    pub synced: Option<String>,
    /// The search box's words (mirror only).
    pub search: String,
}

/// One select of the filter form: its query name, label and options.
pub struct FilterSelect {
    pub name: &'static str,
    pub label: &'static str,
    pub options: Vec<Choice>,
}

fn since_choices(current: Option<&str>) -> Vec<Choice> {
    choices::with_any(
        SINCE_CHOICES
            .iter()
            .map(|(v, label, _)| (v.to_string(), *label)),
        current,
    )
}

impl IncidentsPage {
    /// The statuses the bulk form can set (Graph sets "redirected" itself, when it merges).
    pub fn bulk_statuses(&self) -> Vec<(String, &'static str)> {
        IncidentStatus::ALL
            .iter()
            .filter(|s| **s != IncidentStatus::Redirected)
            .map(|s| (s.form_value(), s.label()))
            .collect()
    }

    /// The filter form filled as typed (the query string), before it is checked.
    pub fn new(layout: Layout, query: &IncidentQuery) -> Self {
        let statuses = IncidentStatus::ALL
            .iter()
            .map(|s| (s.form_value(), s.label()));
        let select = |name, label, options| FilterSelect {
            name,
            label,
            options,
        };
        Self {
            layout: layout.active("incidents"),
            selects: vec![
                select(
                    "status",
                    "Status",
                    choices::with_any(statuses, query.status.as_deref()),
                ),
                select(
                    "severity",
                    "Severity",
                    choices::severities(query.severity.as_deref()),
                ),
                select(
                    "classification",
                    "Classification",
                    choices::classifications(query.classification.as_deref()),
                ),
                select(
                    "determination",
                    "Determination",
                    choices::determinations(query.determination.as_deref()),
                ),
                select(
                    "created_since",
                    "Created",
                    since_choices(query.created_since.as_deref()),
                ),
                select(
                    "updated_since",
                    "Updated",
                    since_choices(query.updated_since.as_deref()),
                ),
            ],
            assigned_to_me: query
                .assigned_to_me
                .as_deref()
                .is_some_and(|v| !v.is_empty()),
            rows: Vec::new(),
            notice: None,
            error: None,
            range: String::new(),
            previous_href: None,
            next_href: None,
            synced: None,
            search: String::new(),
        }
    }
}
