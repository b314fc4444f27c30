//! Tokens of the `$filter` subset the sandbox understands.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::ODataError;
use super::literal::read_string;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Token {
    /// A name: property, type cast (`microsoft.graph.security.userEvidence`), operator or keyword.
    Ident(String),
    Str(String),
    DateTime(OffsetDateTime),
    Number(f64),
    Slash,
    Colon,
    Open,
    Close,
}

pub(super) fn tokenize(input: &str) -> Result<Vec<Token>, ODataError> {
    let mut tokens = Vec::new();
    let mut rest = input;
    while let Some(c) = rest.chars().next() {
        match c {
            ' ' | '\t' => rest = &rest[1..],
            '/' => push(&mut tokens, &mut rest, Token::Slash),
            ':' => push(&mut tokens, &mut rest, Token::Colon),
            '(' => push(&mut tokens, &mut rest, Token::Open),
            ')' => push(&mut tokens, &mut rest, Token::Close),
            '\'' => {
                let (value, len) = read_string(rest).ok_or_else(|| {
                    ODataError::new("Invalid filter clause: unterminated string literal.")
                })?;
                tokens.push(Token::Str(value));
                rest = &rest[len..];
            }
            c if c.is_ascii_digit() || c == '-' => {
                let end = rest
                    .find(|ch: char| !(ch.is_ascii_alphanumeric() || "-+:.".contains(ch)))
                    .unwrap_or(rest.len());
                tokens.push(number_or_date(&rest[..end])?);
                rest = &rest[end..];
            }
            c if c.is_ascii_alphabetic() || c == '@' || c == '_' => {
                let end = rest
                    .find(|ch: char| !(ch.is_ascii_alphanumeric() || "._@".contains(ch)))
                    .unwrap_or(rest.len());
                tokens.push(Token::Ident(rest[..end].to_string()));
                rest = &rest[end..];
            }
            other => {
                return Err(ODataError::new(format!(
                    "Invalid filter clause: unexpected character '{other}'."
                )));
            }
        }
    }
    Ok(tokens)
}

fn push(tokens: &mut Vec<Token>, rest: &mut &str, token: Token) {
    tokens.push(token);
    *rest = &rest[1..];
}

fn number_or_date(raw: &str) -> Result<Token, ODataError> {
    if raw.contains('T') {
        return OffsetDateTime::parse(raw, &Rfc3339)
            .map(Token::DateTime)
            .map_err(|_| {
                ODataError::new(format!(
                    "Invalid filter clause: '{raw}' is not a valid DateTimeOffset."
                ))
            });
    }
    raw.parse::<f64>()
        .map(Token::Number)
        .map_err(|_| ODataError::new(format!("Invalid filter clause: bad literal '{raw}'.")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_a_lambda_with_a_quoted_literal() {
        let tokens = tokenize("hostStates/any(a:a/fqdn eq 'x''y')").unwrap();
        assert_eq!(tokens.len(), 12);
        assert_eq!(tokens[10], Token::Str("x'y".into()));
    }

    #[test]
    fn reads_dates_and_numbers() {
        let tokens =
            tokenize("lastUpdateDateTime ge 2026-11-01T00:00:00Z and confidence gt 50").unwrap();
        assert!(matches!(tokens[2], Token::DateTime(_)));
        assert_eq!(tokens[6], Token::Number(50.0));
    }

    #[test]
    fn refuses_garbage() {
        assert!(tokenize("status eq 'new").is_err());
        assert!(tokenize("status eq \"new\"").is_err());
        assert!(tokenize("createdDateTime ge 2026-13-01T00:00:00Z").is_err());
    }
}
