//! The `$filter` the sandbox's Defender API understands: comparisons on `lastUpdateTime`,
//! `createdTime`, `status` and `assignedTo`, joined with `and`.

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const PROPERTIES: [&str; 4] = ["lastUpdateTime", "createdTime", "status", "assignedTo"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Debug, Clone, PartialEq)]
enum Literal {
    Time(OffsetDateTime),
    Text(String),
    Null,
}

#[derive(Debug, Clone, PartialEq)]
struct Clause {
    property: &'static str,
    op: Op,
    value: Literal,
}

/// A parsed filter; matches every incident when empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter(Vec<Clause>);

impl Filter {
    /// Parses `raw`; `Err` carries a message for the `ODataError` answer.
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.trim().is_empty() {
            return Ok(Self::default());
        }
        raw.split(" and ")
            .map(|clause| parse_clause(clause.trim()))
            .collect::<Result<_, _>>()
            .map(Self)
    }

    pub fn matches(&self, incident: &Value) -> bool {
        self.0.iter().all(|c| c.matches(incident))
    }
}

fn parse_clause(clause: &str) -> Result<Clause, String> {
    let mut parts = clause.splitn(3, ' ');
    let (Some(name), Some(op), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(format!("Invalid filter clause '{clause}'."));
    };
    let property = PROPERTIES
        .iter()
        .copied()
        .find(|p| p.eq_ignore_ascii_case(name))
        .ok_or_else(|| format!("Invalid filter property '{name}'."))?;
    let op = match op.to_ascii_lowercase().as_str() {
        "eq" => Op::Eq,
        "ne" => Op::Ne,
        "gt" => Op::Gt,
        "ge" => Op::Ge,
        "lt" => Op::Lt,
        "le" => Op::Le,
        _ => return Err(format!("Invalid filter operator '{op}'.")),
    };
    let value = value.trim();
    let literal = if value == "null" {
        Literal::Null
    } else if let Some(text) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
        Literal::Text(text.replace("''", "'"))
    } else {
        OffsetDateTime::parse(value, &Rfc3339)
            .map(Literal::Time)
            .map_err(|_| format!("Invalid filter value '{value}'."))?
    };
    let is_time = property.ends_with("Time");
    if is_time != matches!(literal, Literal::Time(_)) && literal != Literal::Null {
        return Err(format!(
            "The types of '{property}' and '{value}' are not compatible."
        ));
    }
    Ok(Clause {
        property,
        op,
        value: literal,
    })
}

impl Clause {
    fn matches(&self, incident: &Value) -> bool {
        let actual = incident.get(self.property).unwrap_or(&Value::Null);
        let ordering = match (&self.value, actual.as_str()) {
            (Literal::Null, None) => Some(std::cmp::Ordering::Equal),
            (Literal::Null, Some(_)) => None,
            (_, None) => return self.op == Op::Ne,
            (Literal::Time(wanted), Some(raw)) => OffsetDateTime::parse(raw, &Rfc3339)
                .ok()
                .map(|at| at.cmp(wanted)),
            (Literal::Text(wanted), Some(raw)) => {
                Some(raw.to_ascii_lowercase().cmp(&wanted.to_ascii_lowercase()))
            }
        };
        use std::cmp::Ordering::*;
        match (self.op, ordering) {
            (Op::Ne, None) => true,
            (_, None) => false,
            (Op::Eq, Some(o)) => o == Equal,
            (Op::Ne, Some(o)) => o != Equal,
            (Op::Gt, Some(o)) => o == Greater,
            (Op::Ge, Some(o)) => o != Less,
            (Op::Lt, Some(o)) => o == Less,
            (Op::Le, Some(o)) => o != Greater,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn time_and_status_comparisons() {
        let incident = json!({"lastUpdateTime": "2026-11-23T00:00:00Z", "status": "Active", "assignedTo": null});
        let yes = [
            "lastUpdateTime ge 2026-11-23T00:00:00Z",
            "lastUpdateTime gt 2026-11-22T00:00:00Z and status eq 'active'",
            "assignedTo eq null",
            "",
        ];
        for f in yes {
            assert!(Filter::parse(f).unwrap().matches(&incident), "{f}");
        }
        let no = [
            "lastUpdateTime gt 2026-11-23T00:00:00Z",
            "status ne 'Active'",
            "createdTime ge 2026-01-01T00:00:00Z",
        ];
        for f in no {
            assert!(!Filter::parse(f).unwrap().matches(&incident), "{f}");
        }
    }

    #[test]
    fn unsupported_filters_are_refused_with_a_message() {
        for bad in [
            "severity eq 'High'",
            "lastUpdateTime ge yesterday",
            "status eq 2026-11-01T00:00:00Z",
            "status like 'x'",
            "status",
        ] {
            assert!(Filter::parse(bad).is_err(), "{bad}");
        }
    }
}
