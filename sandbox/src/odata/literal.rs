//! OData string literals: `'…'`, with a quote inside written as two (`'O''Brien'`).

/// Decodes the string literal at the start of `text` (which begins with `'`); returns its value
/// and how many bytes of `text` it spans, quotes included, or `None` when it is not closed.
pub(super) fn read_string(text: &str) -> Option<(String, usize)> {
    let bytes = text.as_bytes();
    if bytes.first() != Some(&b'\'') {
        return None;
    }
    let mut value = String::new();
    let mut start = 1;
    loop {
        // Every `'` is ASCII, so byte offsets found here are character boundaries.
        let quote = start + text[start..].find('\'')?;
        value.push_str(&text[start..quote]);
        if bytes.get(quote + 1) == Some(&b'\'') {
            value.push('\'');
            start = quote + 2;
        } else {
            return Some((value, quote + 1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::read_string;

    #[test]
    fn doubled_quotes_decode_to_one() {
        assert_eq!(
            read_string("'O''Brien') and x"),
            Some(("O'Brien".to_string(), 10))
        );
        assert_eq!(read_string("''''"), Some(("'".to_string(), 4)));
        assert_eq!(read_string("'' rest"), Some((String::new(), 2)));
        assert_eq!(read_string("'é''ü'"), Some(("é'ü".to_string(), 8)));
    }

    #[test]
    fn unterminated_or_unquoted_text_is_refused() {
        assert_eq!(read_string("'open"), None);
        assert_eq!(read_string("'open''"), None);
        assert_eq!(read_string("open'"), None);
        assert_eq!(read_string(""), None);
    }
}
