//! The manage-incident form on an incident's page, filled with the incident's current values;
//! a refused form comes back with what was typed and each message beside its field.

use crate::alerts::filter::IncidentStatus;
use crate::alerts::update::UpdateError;
use crate::incidents::row::IncidentRow;
use crate::incidents::update::IncidentForm;
use crate::web::alerts::choices::{self, Choice};

pub struct IncidentManage {
    pub action: String,
    pub statuses: Vec<Choice>,
    pub classifications: Vec<Choice>,
    /// Determinations grouped by the classification they go with.
    pub determination_groups: Vec<(&'static str, Vec<Choice>)>,
    pub assigned_to: String,
    pub assign_to_me: bool,
    pub tags: String,
    pub comment: String,
    /// What a refused submit got wrong, field by field.
    pub problems: UpdateError,
}

impl IncidentManage {
    /// The form for `incident` as it is now.
    pub fn for_incident(incident: &IncidentRow) -> Self {
        let current = IncidentForm {
            status: Some(incident.status.clone()),
            assigned_to: Some(incident.assigned_to.clone()),
            classification: Some(incident.classification.clone()),
            determination: Some(incident.determination.clone()),
            tags: Some(incident.tag_list()),
            ..IncidentForm::default()
        };
        Self::with_input(incident, &current, None)
    }

    /// The form as the user submitted it, with the problems found.
    pub fn with_input(
        incident: &IncidentRow,
        typed: &IncidentForm,
        error: Option<&UpdateError>,
    ) -> Self {
        // Redirection is Microsoft's doing (a merge): offered only to keep a redirected incident so.
        let statuses = IncidentStatus::ALL
            .iter()
            .filter(|s| **s != IncidentStatus::Redirected || incident.status == s.as_str())
            .map(|s| (s.form_value(), s.label()));
        Self {
            action: format!("{}/update", super::incident_path(&incident.id)),
            statuses: choices::with_any(statuses, typed.status.as_deref()),
            classifications: choices::classifications(typed.classification.as_deref()),
            determination_groups: choices::determination_groups(typed.determination.as_deref()),
            assigned_to: typed.assigned_to.clone().unwrap_or_default(),
            assign_to_me: typed.assign_to_me.is_some(),
            tags: typed.tags.clone().unwrap_or_default(),
            comment: typed.comment.clone().unwrap_or_default(),
            problems: error.cloned().unwrap_or(UpdateError { problems: vec![] }),
        }
    }
}
