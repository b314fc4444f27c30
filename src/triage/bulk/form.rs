//! The bulk form: the selected ids (`ids`, repeated) and one change, in the manage form's field
//! names (`status`, `feedback`, `classification`, `determination`, `comment`, `assign_to_me`).

use std::collections::HashSet;

use crate::alerts::id::validate_alert_id;
use crate::alerts::update::{UpdateForm, ValidUpdate};

/// The most items one run takes.
pub const MAX_ITEMS: usize = 500;

#[derive(Debug, Clone, Default)]
pub struct BulkForm {
    pub ids: Vec<String>,
    pub change: UpdateForm,
}

/// Everything wrong with a bulk form, one sentence each.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.join(" "))]
pub struct BulkFormError(pub Vec<String>);

impl BulkForm {
    /// Reads the posted pairs; unknown names (the CSRF token) are ignored.
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut form = Self::default();
        for (name, value) in pairs {
            let slot = match name.as_str() {
                "ids" => {
                    form.ids.push(value.clone());
                    continue;
                }
                "status" => &mut form.change.status,
                "feedback" => &mut form.change.feedback,
                "classification" => &mut form.change.classification,
                "determination" => &mut form.change.determination,
                "comment" => &mut form.change.comment,
                "assign_to_me" => &mut form.change.assign_to_me,
                _ => continue,
            };
            *slot = Some(value.clone());
        }
        form
    }

    /// The selected ids (checked, duplicates dropped, order kept) and the validated change,
    /// by `validate` (the configured API's update rules; its id is set per item later). More
    /// than [`MAX_ITEMS`] ids are refused before any is looked at, so a huge form costs little.
    pub fn validate(
        &self,
        noun: &str,
        validate: impl Fn(&UpdateForm) -> Result<ValidUpdate, crate::alerts::update::UpdateError>,
    ) -> Result<(Vec<String>, ValidUpdate), BulkFormError> {
        if self.ids.len() > MAX_ITEMS {
            return Err(BulkFormError(vec![format!(
                "Select at most {MAX_ITEMS} {noun}s at once; {} were selected.",
                self.ids.len()
            )]));
        }
        let mut problems = Vec::new();
        let mut ids: Vec<String> = Vec::new();
        let mut seen = HashSet::new();
        for raw in &self.ids {
            match validate_alert_id(raw) {
                Ok(id) if seen.insert(id.clone()) => ids.push(id),
                Ok(_) => {}
                Err(message) => problems.push(message),
            }
        }
        if ids.is_empty() && problems.is_empty() {
            problems.push(format!("Select at least one {noun} to change."));
        }
        let mut change = self.change.clone();
        change.alert_id = Some(ids.first().cloned().unwrap_or_else(|| "x".into()));
        let update = validate(&change)
            .map_err(|e| problems.extend(e.messages().into_iter().map(str::to_string)))
            .ok();
        match update {
            Some(update) if problems.is_empty() => Ok((ids, update)),
            _ => Err(BulkFormError(problems)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn repeated_ids_are_kept_once_in_order_with_the_change() {
        let form = BulkForm::from_pairs(&pairs(&[
            ("ids", "b"),
            ("ids", "a"),
            ("ids", "b"),
            ("status", "resolved"),
            ("csrf_token", "t"),
        ]));
        let (ids, update) = form.validate("alert", |f| f.validate_v2("me@x")).unwrap();
        assert_eq!(ids, ["b", "a"]);
        assert!(update.v2_patch_body().unwrap()["status"] == "resolved");
    }

    #[test]
    fn no_selection_and_no_change_are_both_explained() {
        let form = BulkForm::from_pairs(&pairs(&[]));
        let err = form
            .validate("alert", |f| f.validate_v2("me@x"))
            .unwrap_err();
        assert!(err.0[0].contains("Select at least one alert"), "{err:?}");
        assert!(
            err.0
                .iter()
                .any(|m| m.contains("Choose something to change"))
        );
    }
}
