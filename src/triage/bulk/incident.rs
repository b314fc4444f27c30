//! The change a bulk run applies to incidents: an incident status (`active`, `inProgress`,
//! `resolved`, `redirected`), and the alert rules for the rest (classification and determination
//! in allowed pairs, assign to me, a comment).

use serde_json::{Value, json};

use super::form::{BulkForm, BulkFormError};
use super::run::ItemPlan;
use crate::alerts::filter::IncidentStatus;
use crate::alerts::row::text;
use crate::alerts::update::{Change, UpdateError, ValidUpdate};

#[derive(Debug, Clone)]
pub struct IncidentChange {
    pub status: Option<IncidentStatus>,
    /// Classification, determination, assignee and comment (its status is never set).
    pub rest: ValidUpdate,
}

impl IncidentChange {
    /// The selected ids and the change; `me` is the signed-in user's UPN.
    pub fn validate(form: &BulkForm, me: &str) -> Result<(Vec<String>, Self), BulkFormError> {
        let raw = form
            .change
            .status
            .as_deref()
            .map(str::trim)
            .unwrap_or_default();
        let status = match raw {
            "" => Ok(None),
            raw => IncidentStatus::parse(raw)
                .map(Some)
                .map_err(|e| format!("{e}.")),
        };
        let mut rest_form = form.clone();
        rest_form.change.status = None;
        let chosen_status = matches!(status, Ok(Some(_)));
        let validated = rest_form.validate("incident", |f| {
            match f.validate_v2(me) {
                // A status alone is a change, though the alert rules do not see it.
                Err(err) if chosen_status && only_nothing_chosen(&err) => Ok(ValidUpdate {
                    id: f.alert_id.clone().unwrap_or_default(),
                    change: Change::V2 {
                        status: None,
                        classification: None,
                        determination: None,
                    },
                    assign_to: None,
                    comment: None,
                }),
                other => other,
            }
        });
        match (validated, status) {
            (Ok((ids, rest)), Ok(status)) => Ok((ids, Self { status, rest })),
            (Ok(_), Err(problem)) => Err(BulkFormError(vec![problem])),
            (Err(mut err), Err(problem)) => {
                err.0.insert(0, problem);
                Err(err)
            }
            (Err(err), Ok(_)) => Err(err),
        }
    }

    /// The writes for one incident as Graph sent it.
    pub fn plan(&self, id: &str, original: &Value) -> Result<ItemPlan, String> {
        let mut item = self.rest.clone();
        item.id = id.to_string();
        item.check_pair_with(&text(original, "/classification"))
            .map_err(|refused| refused.to_string())?;
        let mut patch = item.v2_patch_body().unwrap_or_else(|| json!({}));
        if let Some(status) = self.status {
            patch["status"] = json!(status.as_str());
        }
        let patch = patch
            .as_object()
            .is_some_and(|p| !p.is_empty())
            .then_some(patch);
        Ok(ItemPlan {
            patch,
            comment: item.comment,
        })
    }
}

fn only_nothing_chosen(err: &UpdateError) -> bool {
    err.problems.iter().all(|(field, _)| *field == "form")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> BulkForm {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        BulkForm::from_pairs(&pairs)
    }

    #[test]
    fn a_status_alone_is_a_change_with_the_incident_spelling() {
        let (ids, change) =
            IncidentChange::validate(&form(&[("ids", "29"), ("status", "in_progress")]), "me")
                .unwrap();
        assert_eq!(ids, ["29"]);
        let plan = change.plan("29", &json!({"status": "active"})).unwrap();
        assert_eq!(plan.patch.unwrap(), json!({"status": "inProgress"}));
        assert!(plan.comment.is_none());
    }

    #[test]
    fn an_alert_status_is_refused_for_incidents() {
        let err =
            IncidentChange::validate(&form(&[("ids", "29"), ("status", "new")]), "me").unwrap_err();
        assert!(err.0[0].contains("incident status"), "{err:?}");
    }
}
