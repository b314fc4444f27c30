//! OData string literals.

/// Quotes `value` as an OData string literal: wrapped in `'`, with every `'` doubled.
///
/// Nothing else needs escaping inside an OData literal; percent-encoding for the URL happens when
/// the query string is built.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if c == '\'' {
            out.push('\'');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// Reads one quoted literal from the start of `input`; returns the decoded value and the rest of
/// the input after the closing quote, or `None` when `input` does not start with a complete literal.
pub fn unquote_prefix(input: &str) -> Option<(String, &str)> {
    let body = input.strip_prefix('\'')?;
    let mut value = String::new();
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\'' {
            value.push(c);
            continue;
        }
        if let Some((_, '\'')) = chars.peek() {
            chars.next();
            value.push('\'');
            continue;
        }
        return Some((value, &body[i + 1..]));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_doubled() {
        assert_eq!(quote("O'Brien"), "'O''Brien'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("''"), "''''''");
    }

    #[test]
    fn unquote_reads_one_literal_and_returns_the_rest() {
        assert_eq!(
            unquote_prefix("'O''Brien') and x"),
            Some(("O'Brien".to_string(), ") and x"))
        );
        assert_eq!(unquote_prefix("''"), Some((String::new(), "")));
        assert_eq!(unquote_prefix("'open"), None);
        assert_eq!(unquote_prefix("open'"), None);
    }
}
