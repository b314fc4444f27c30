//! An incident's custom tags as the form edits them: one comma-separated list, compared with the
//! tags the incident had so the page can say what was added and removed.

/// The most tags one incident carries, and the longest tag.
pub const MAX_TAGS: usize = 50;
pub const MAX_TAG_LEN: usize = 128;

/// What an edit did to the tag list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagChange {
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

impl TagChange {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }
}

/// The tags in a comma-separated list: trimmed, empty items dropped, repeats (ignoring case)
/// kept once, in the order typed.
pub fn parse(text: &str) -> Result<Vec<String>, String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        if tag.chars().count() > MAX_TAG_LEN {
            return Err(format!(
                "A tag can be at most {MAX_TAG_LEN} characters; \"{}…\" is longer.",
                tag.chars().take(20).collect::<String>()
            ));
        }
        if !tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
            tags.push(tag.to_string());
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(format!("An incident can carry at most {MAX_TAGS} tags."));
    }
    Ok(tags)
}

/// The tags added and removed going from `before` to `after`.
pub fn diff(before: &[String], after: &[String]) -> TagChange {
    let missing_from = |list: &[String], tag: &String| !list.iter().any(|t| t == tag);
    TagChange {
        added: after
            .iter()
            .filter(|t| missing_from(before, t))
            .cloned()
            .collect(),
        removed: before
            .iter()
            .filter(|t| missing_from(after, t))
            .cloned()
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_typed_list_is_trimmed_and_repeats_dropped() {
        assert_eq!(
            parse(" Demo, Escalated,,demo , Ransomware ").unwrap(),
            strings(&["Demo", "Escalated", "Ransomware"])
        );
        assert_eq!(parse("").unwrap(), Vec::<String>::new());
        assert!(parse(&"x".repeat(MAX_TAG_LEN + 1)).is_err());
        let many: Vec<String> = (0..=MAX_TAGS).map(|i| format!("t{i}")).collect();
        assert!(parse(&many.join(",")).is_err());
    }

    #[test]
    fn the_diff_names_added_and_removed_tags() {
        let change = diff(
            &strings(&["Demo", "Phishing"]),
            &strings(&["Demo", "Escalated"]),
        );
        assert_eq!(change.added, strings(&["Escalated"]));
        assert_eq!(change.removed, strings(&["Phishing"]));
        assert!(diff(&strings(&["A"]), &strings(&["A"])).is_empty());
    }
}
