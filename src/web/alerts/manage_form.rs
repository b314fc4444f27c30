//! The manage-alert form, shown under the alert list (id typed in) and on an alert's own page
//! (id filled in), posting to `/alerts/update`. When an update is refused, the form comes back
//! with what was typed and each message beside its field.

use super::choices::{self, Choice};
use crate::alerts::update::{UpdateError, UpdateForm};

pub struct ManageForm {
    pub legacy: bool,
    /// The alert's id: typed by the user on the list page, fixed on the alert's own page.
    pub alert_id: String,
    /// Whether the id is an input (list page, or a refused id) rather than a hidden field.
    pub id_editable: bool,
    pub statuses: Vec<Choice>,
    pub feedbacks: Vec<Choice>,
    pub classifications: Vec<Choice>,
    /// Determinations grouped by the classification they go with.
    pub determination_groups: Vec<(&'static str, Vec<Choice>)>,
    pub comment: String,
    pub assign_to_me: bool,
    /// `(field, message)` pairs from a refused submit.
    pub problems: Vec<(&'static str, String)>,
}

impl ManageForm {
    pub fn new(legacy: bool, alert_id: &str) -> Self {
        Self::with_input(
            legacy,
            &UpdateForm {
                alert_id: Some(alert_id.to_string()),
                ..UpdateForm::default()
            },
            alert_id.is_empty(),
            None,
        )
    }

    /// The form as the user submitted it, with the problems found.
    pub fn with_input(
        legacy: bool,
        typed: &UpdateForm,
        id_editable: bool,
        error: Option<&UpdateError>,
    ) -> Self {
        let status = typed.status.as_deref();
        Self {
            legacy,
            alert_id: typed.alert_id.clone().unwrap_or_default(),
            id_editable,
            statuses: if legacy {
                choices::legacy_statuses(status)
            } else {
                choices::v2_statuses(status)
            },
            feedbacks: choices::feedbacks(typed.feedback.as_deref()),
            classifications: choices::classifications(typed.classification.as_deref()),
            determination_groups: choices::determination_groups(typed.determination.as_deref()),
            comment: typed.comment.clone().unwrap_or_default(),
            assign_to_me: typed.assign_to_me.as_deref().is_some_and(|v| {
                matches!(
                    v.trim().to_ascii_lowercase().as_str(),
                    "on" | "true" | "1" | "yes"
                )
            }),
            problems: error.map(|e| e.problems.clone()).unwrap_or_default(),
        }
    }

    /// The messages to show beside `field`.
    pub fn problems_for(&self, field: &str) -> Vec<&str> {
        self.problems
            .iter()
            .filter(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
            .collect()
    }

    /// Whether `field` has a problem (for `is-invalid`).
    pub fn invalid(&self, field: &str) -> bool {
        self.problems.iter().any(|(f, _)| *f == field)
    }
}
