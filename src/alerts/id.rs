//! Alert ids typed by users.

/// The longest alert id accepted.
pub const MAX_ID_LEN: usize = 256;

/// Checks an alert id from a form or path: present, at most [`MAX_ID_LEN`] characters, and made
/// of letters, digits and `- _ . = +` only (the characters Graph alert ids use), with at least one
/// letter or digit: an id of dots alone would be a `.` or `..` path segment, which URL parsers
/// resolve, taking the Graph call out of the alert collection.
pub fn validate_alert_id(raw: &str) -> Result<String, String> {
    let id = raw.trim();
    if id.is_empty() {
        return Err("Enter an alert id.".to_string());
    }
    if id.chars().count() > MAX_ID_LEN {
        return Err(format!(
            "An alert id is at most {MAX_ID_LEN} characters long."
        ));
    }
    if !id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.=+".contains(c))
    {
        return Err(
            "An alert id has only letters, digits and the characters - _ . = +".to_string(),
        );
    }
    if !id.chars().any(|c| c.is_ascii_alphanumeric()) {
        return Err("An alert id has at least one letter or digit.".to_string());
    }
    Ok(id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked() {
        assert_eq!(validate_alert_id(" da638_-1 "), Ok("da638_-1".to_string()));
        assert!(validate_alert_id("").unwrap_err().contains("Enter"));
        assert!(
            validate_alert_id(&"a".repeat(10_240))
                .unwrap_err()
                .contains("256")
        );
        assert!(validate_alert_id("a/../b").is_err());
        assert!(validate_alert_id("<script>").is_err());
        for dots in [".", "..", "...", "-_.=+"] {
            assert!(
                validate_alert_id(dots)
                    .unwrap_err()
                    .contains("letter or digit"),
                "{dots}"
            );
        }
        assert_eq!(validate_alert_id("a..b"), Ok("a..b".to_string()));
    }
}
