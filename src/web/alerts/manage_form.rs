//! The manage-alert form, shown under the alert list (id typed in) and on an alert's own page
//! (id filled in), posting to `/alerts/update`.

use super::choices::{self, Choice};

pub struct ManageForm {
    pub legacy: bool,
    /// Empty on the list page; the alert's id on its own page.
    pub alert_id: String,
    pub statuses: Vec<Choice>,
    pub feedbacks: Vec<Choice>,
    pub classifications: Vec<Choice>,
    pub determinations: Vec<Choice>,
}

impl ManageForm {
    pub fn new(legacy: bool, alert_id: &str) -> Self {
        Self {
            legacy,
            alert_id: alert_id.to_string(),
            statuses: if legacy {
                choices::legacy_statuses(None)
            } else {
                choices::v2_statuses(None)
            },
            feedbacks: choices::feedbacks(None),
            classifications: choices::classifications(None),
            determinations: choices::determinations(None),
        }
    }
}
