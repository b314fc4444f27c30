//! The closing summary of an export: how many incidents, by severity and by status.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub count: usize,
    pub by_severity: BTreeMap<String, usize>,
    pub by_status: BTreeMap<String, usize>,
}

impl Summary {
    /// Counts `severity` and `status` of each incident; both APIs use these names.
    pub fn of(incidents: &[Value]) -> Self {
        let mut summary = Self {
            count: incidents.len(),
            ..Self::default()
        };
        for incident in incidents {
            *summary
                .by_severity
                .entry(field(incident, "severity"))
                .or_default() += 1;
            *summary
                .by_status
                .entry(field(incident, "status"))
                .or_default() += 1;
        }
        summary
    }
}

fn field(incident: &Value, name: &str) -> String {
    match incident.get(name).and_then(Value::as_str) {
        Some(value) if !value.is_empty() => value.to_string(),
        _ => "(none)".into(),
    }
}

fn counts(map: &BTreeMap<String, usize>) -> String {
    if map.is_empty() {
        return "-".into();
    }
    map.iter()
        .map(|(name, n)| format!("{name} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let noun = if self.count == 1 {
            "incident"
        } else {
            "incidents"
        };
        writeln!(f, "{} {noun}", self.count)?;
        writeln!(f, "  by severity: {}", counts(&self.by_severity))?;
        write!(f, "  by status:   {}", counts(&self.by_status))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn counts_by_severity_and_status() {
        let incidents = [
            json!({"severity": "high", "status": "active"}),
            json!({"severity": "high", "status": "resolved"}),
            json!({"severity": "Low", "status": "Active"}),
            json!({"id": "no fields"}),
        ];
        let summary = Summary::of(&incidents);
        assert_eq!(summary.count, 4);
        assert_eq!(summary.by_severity["high"], 2);
        assert_eq!(summary.by_severity["(none)"], 1);
        assert_eq!(
            summary.to_string(),
            "4 incidents\n  by severity: (none) 1, Low 1, high 2\n  \
             by status:   (none) 1, Active 1, active 1, resolved 1"
        );
    }

    #[test]
    fn an_empty_export_says_so() {
        assert_eq!(
            Summary::of(&[]).to_string(),
            "0 incidents\n  by severity: -\n  by status:   -"
        );
    }
}
