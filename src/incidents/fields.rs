//! The rules of an incident change that alerts do not share, one function per field, used by
//! the manage form (one incident) and the bulk form (many) alike, so a value one refuses the
//! other refuses too, before Graph is asked to write. The verdict's values, the comment and
//! "assign to me" follow the alert rules (`alerts::update::{verdict_asked, comment_asked,
//! assign_to_me_asked}`), also for both forms.

use serde_json::Value;

use crate::alerts::filter::{Classification, Determination, IncidentStatus};
use crate::alerts::row::text;
use crate::alerts::verdict;

/// Why a redirected status is never set by graphsec.
const REDIRECTED: &str = "An incident becomes redirected only when Microsoft merges it into \
                          another; choose another status.";

/// The status to set, if any: `raw` parsed, `None` when empty or equal to `current` (the
/// incident's status in Graph's spelling; empty when not known yet).
pub fn status(raw: Option<&str>, current: &str) -> Result<Option<IncidentStatus>, String> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    let status = IncidentStatus::parse(raw).map_err(|e| format!("{e}."))?;
    if status.as_str() == current {
        return Ok(None);
    }
    if status == IncidentStatus::Redirected {
        return Err(REDIRECTED.to_string());
    }
    Ok(Some(status))
}

/// The pair to send for `original` (the incident as Graph sent it) when the asked halves
/// change it: a half not asked keeps the incident's own, and the pair must be one Microsoft
/// documents. `None` when nothing changes.
pub fn verdict_for(
    classification: Option<Classification>,
    determination: Option<Determination>,
    original: &Value,
) -> Result<Option<(Classification, Determination)>, (&'static str, String)> {
    let current_classification = Classification::parse(&text(original, "/classification")).ok();
    let current_determination = Determination::parse(&text(original, "/determination")).ok();
    let classification = classification.or(current_classification);
    let determination = determination.or(current_determination);
    if classification == current_classification && determination == current_determination {
        return Ok(None);
    }
    let Some(classification) = classification else {
        return Err((
            "classification",
            "Choose a classification to go with the determination.".to_string(),
        ));
    };
    let determination = determination.unwrap_or(Determination::Unknown);
    if !verdict::allowed(classification, determination) {
        return Err((
            "determination",
            verdict::refusal(classification, determination),
        ));
    }
    Ok(Some((classification, determination)))
}
