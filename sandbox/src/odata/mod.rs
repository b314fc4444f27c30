//! A small OData `$filter` parser and evaluator for the sandbox's Graph routes.
//!
//! It understands exactly the forms Graph security clients send:
//! - comparisons `path op literal` with `eq, ne, gt, ge, lt, le`; paths use `/` and may contain a
//!   type cast segment (`microsoft.graph.security.userEvidence`);
//! - literals: `'text'` (with `''` for a quote), DateTimeOffset (`2026-11-24T08:00:00Z`), numbers,
//!   `true`, `false`, `null`;
//! - `and`, parentheses, and `collection/any(x:…)` lambdas (nestable).
//!
//! String comparisons ignore case, as Graph does for enumeration values. Anything else (`or`,
//! `not`, functions, `all`) is refused with a Graph-style "Invalid filter clause" message that the
//! routes return as a 400.

mod eval;
mod lexer;
mod literal;
mod parser;

pub use parser::{Expr, Literal, Op};

/// Why a `$filter` was refused; the message is what Graph's 400 body carries.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ODataError {
    pub message: String,
}

impl ODataError {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

/// Parses a `$filter` value.
pub fn parse(filter: &str) -> Result<Expr, ODataError> {
    let tokens = lexer::tokenize(filter)?;
    if tokens.is_empty() {
        return Err(ODataError::new(
            "Invalid filter clause: the filter is empty.",
        ));
    }
    parser::Parser::new(tokens).parse()
}

impl Expr {
    /// The top-level property names the expression filters on (the first segment of each path
    /// outside lambdas), so a route can refuse properties its resource does not support.
    pub fn root_properties(&self) -> Vec<&str> {
        let mut out = Vec::new();
        collect_roots(self, &mut out);
        out
    }
}

fn collect_roots<'a>(expr: &'a Expr, out: &mut Vec<&'a str>) {
    match expr {
        Expr::And(parts) | Expr::Or(parts) => parts.iter().for_each(|p| collect_roots(p, out)),
        Expr::Compare { path, .. } => out.push(path[0].as_str()),
        Expr::Any { collection, .. } => out.push(collection[0].as_str()),
    }
}

#[cfg(test)]
mod tests;
