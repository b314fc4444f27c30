//! Evaluating an [`Expr`] against a JSON resource.

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::parser::{Expr, Literal, Op};
use std::cmp::Ordering;

/// Lambda variables in scope: name → the collection element bound to it.
type Scope<'a> = Vec<(&'a str, &'a Value)>;

impl Expr {
    /// Whether `resource` satisfies the expression.
    pub fn matches(&self, resource: &Value) -> bool {
        eval(self, resource, &mut Vec::new())
    }
}

fn eval<'a>(expr: &'a Expr, root: &'a Value, scope: &mut Scope<'a>) -> bool {
    match expr {
        Expr::And(parts) => parts.iter().all(|p| eval(p, root, scope)),
        Expr::Or(parts) => parts.iter().any(|p| eval(p, root, scope)),
        Expr::Compare { path, op, value } => {
            let found = resolve(path, root, scope);
            compare(found, *op, value)
        }
        Expr::Any {
            collection,
            var,
            body,
        } => {
            let Some(Value::Array(items)) = resolve(collection, root, scope) else {
                return false;
            };
            items.iter().any(|item| {
                scope.push((var.as_str(), item));
                let hit = eval(body, root, scope);
                scope.pop();
                hit
            })
        }
    }
}

/// Walks `path` from a lambda variable (when the first segment names one) or from the root.
/// A segment with a dot is a type cast: it passes the value through only when its `@odata.type`
/// names that type.
fn resolve<'a>(path: &[String], root: &'a Value, scope: &Scope<'a>) -> Option<&'a Value> {
    let (mut current, rest) = match scope.iter().rev().find(|(name, _)| *name == path[0]) {
        Some((_, bound)) => (*bound, &path[1..]),
        None => (root, path),
    };
    for segment in rest {
        if segment.contains('.') {
            let odata_type = current.get("@odata.type")?.as_str()?;
            if odata_type.trim_start_matches('#') != segment {
                return None;
            }
            continue;
        }
        current = current.get(segment)?;
    }
    Some(current)
}

fn compare(found: Option<&Value>, op: Op, literal: &Literal) -> bool {
    let found = found.filter(|v| !v.is_null());
    let ordering = match (found, literal) {
        (None, Literal::Null) => Some(Ordering::Equal),
        (None, _) | (Some(_), Literal::Null) => None,
        (Some(Value::String(s)), Literal::Str(want)) => {
            Some(s.to_lowercase().cmp(&want.to_lowercase()))
        }
        (Some(Value::String(s)), Literal::DateTime(want)) => OffsetDateTime::parse(s, &Rfc3339)
            .ok()
            .map(|have| have.cmp(want)),
        (Some(Value::Number(n)), Literal::Number(want)) => {
            n.as_f64().and_then(|have| have.partial_cmp(want))
        }
        (Some(Value::Bool(b)), Literal::Bool(want)) => Some(b.cmp(want)),
        _ => None,
    };
    match (op, ordering) {
        (Op::Ne, None) => true,
        (_, None) => false,
        (Op::Eq, Some(o)) => o == Ordering::Equal,
        (Op::Ne, Some(o)) => o != Ordering::Equal,
        (Op::Gt, Some(o)) => o == Ordering::Greater,
        (Op::Ge, Some(o)) => o != Ordering::Less,
        (Op::Lt, Some(o)) => o == Ordering::Less,
        (Op::Le, Some(o)) => o != Ordering::Greater,
    }
}
