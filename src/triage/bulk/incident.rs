//! The change a bulk run applies to incidents: an incident status (`active`, `inProgress`,
//! `resolved`; never `redirected`, which only Microsoft sets), and the alert rules for the rest
//! (classification and determination in allowed pairs, assign to me, a comment), each field
//! checked by the same rule as on the manage form.

use serde_json::{Map, Value, json};

use super::form::{BulkForm, BulkFormError};
use super::run::ItemPlan;
use crate::alerts::filter::IncidentStatus;
use crate::alerts::row::text;
use crate::alerts::update::{Change, UpdateError, ValidUpdate};
use crate::incidents::fields;

#[derive(Debug, Clone)]
pub struct IncidentChange {
    pub status: Option<IncidentStatus>,
    /// Classification, determination, assignee and comment (its status is never set).
    pub rest: ValidUpdate,
}

impl IncidentChange {
    /// The selected ids and the change; `me` is the signed-in user's UPN. Each field follows
    /// the manage form's rule (`incidents::fields`, `alerts::update`): what one refuses, so
    /// does the other.
    pub fn validate(form: &BulkForm, me: &str) -> Result<(Vec<String>, Self), BulkFormError> {
        // The incident's status is not known yet: a change to it is checked on its own.
        let status = fields::status(form.change.status.as_deref(), "");
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

    /// The writes for one incident as Graph sent it: the verdict checked against the
    /// incident's own as the manage form checks it.
    pub fn plan(&self, original: &Value) -> Result<ItemPlan, String> {
        let Change::V2 {
            classification,
            determination,
            ..
        } = self.rest.change
        else {
            return Err("Incidents take the v2 rules.".to_string());
        };
        let verdict = fields::verdict_for(classification, determination, original)
            .map_err(|(_, refusal)| refusal)?;
        let mut patch = Map::new();
        if let Some(status) = self
            .status
            .filter(|s| s.as_str() != text(original, "/status"))
        {
            patch.insert("status".into(), json!(status.as_str()));
        }
        if let Some((classification, determination)) = verdict {
            patch.insert("classification".into(), json!(classification.as_str()));
            patch.insert("determination".into(), json!(determination.as_str()));
        }
        if let Some(me) = &self.rest.assign_to {
            patch.insert("assignedTo".into(), json!(me));
        }
        Ok(ItemPlan {
            patch: (!patch.is_empty()).then_some(Value::Object(patch)),
            comment: self.rest.comment.clone(),
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
        let plan = change.plan(&json!({"status": "active"})).unwrap();
        assert_eq!(plan.patch.unwrap(), json!({"status": "inProgress"}));
        assert!(plan.comment.is_none());
    }

    #[test]
    fn a_redirected_status_is_refused_as_on_the_manage_form() {
        let err = IncidentChange::validate(&form(&[("ids", "29"), ("status", "redirected")]), "me")
            .unwrap_err();
        assert!(err.0[0].contains("only when Microsoft merges"), "{err:?}");
    }

    #[test]
    fn a_classification_alone_keeps_the_incidents_determination_only_in_a_documented_pair() {
        let (_, change) = IncidentChange::validate(
            &form(&[("ids", "29"), ("classification", "false_positive")]),
            "me",
        )
        .unwrap();
        let Err(refused) =
            change.plan(&json!({"classification": "truePositive", "determination": "malware"}))
        else {
            panic!("a false positive that is malware was planned");
        };
        assert!(refused.contains("does not go with"), "{refused}");
    }

    #[test]
    fn an_alert_status_is_refused_for_incidents() {
        let err =
            IncidentChange::validate(&form(&[("ids", "29"), ("status", "new")]), "me").unwrap_err();
        assert!(err.0[0].contains("incident status"), "{err:?}");
    }
}
