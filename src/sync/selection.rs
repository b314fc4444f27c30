//! What a list asks of the mirror: the filters, the order and which window of rows.

/// Filters over mirrored items; empty lists and `None` mean "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Graph's spellings (`inProgress`), any of them.
    pub statuses: Vec<String>,
    pub severities: Vec<String>,
    pub service_sources: Vec<String>,
    pub classifications: Vec<String>,
    pub determinations: Vec<String>,
    /// Assigned to this UPN (compared without case).
    pub assigned_to: Option<String>,
    pub unassigned: bool,
    pub created_from_ms: Option<i64>,
    pub created_until_ms: Option<i64>,
    pub updated_from_ms: Option<i64>,
    /// Part of a host name, at least three characters.
    pub host: Option<String>,
    /// Part of a user name, UPN or mailbox, at least three characters.
    pub user: Option<String>,
    /// Words that must all appear somewhere in the item, at least three characters each.
    pub search: Option<String>,
}

/// The shortest text the search finds (SQLite's trigram index matches three characters or more).
pub const MIN_SEARCH_CHARS: usize = 3;
/// The longest search, host or user text accepted.
pub const MAX_SEARCH_CHARS: usize = 256;

/// A column lists sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Severity,
    Status,
    Created,
    Updated,
}

impl Column {
    pub(super) fn sql(self) -> &'static str {
        match self {
            Column::Severity => "severity_rank",
            Column::Status => "status_rank",
            Column::Created => "created_ms",
            Column::Updated => "updated_ms",
        }
    }
}

/// A column and a direction; the newest first when nothing is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    pub column: Column,
    /// Lowest first; otherwise highest (most severe, newest, needing work) first.
    pub ascending: bool,
}

impl Default for Order {
    fn default() -> Self {
        Self {
            column: Column::Created,
            ascending: false,
        }
    }
}

/// Where a row stands in an order: its sort value and its row number, which breaks ties, so a
/// page that starts after a row never skips or repeats one whatever is added meanwhile; and how
/// many rows came before it when it was shown (for "51–100 of N" without counting them again).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub value: i64,
    pub seq: i64,
    pub at: u64,
}

impl Key {
    /// The form carried in a page link: `value.seq.at`.
    pub fn token(self) -> String {
        format!("{}.{}.{}", self.value, self.seq, self.at)
    }

    pub fn parse(token: &str) -> Option<Self> {
        let mut parts = token.trim().split('.');
        let key = Self {
            value: parts.next()?.parse().ok()?,
            seq: parts.next()?.parse().ok()?,
            at: parts.next()?.parse().ok()?,
        };
        parts.next().is_none().then_some(key)
    }
}

/// Which rows of the ordered result a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    First,
    /// The rows after this one (the next page).
    After(Key),
    /// The rows before this one (the previous page).
    Before(Key),
    /// This row and the ones after it (a page opened again, e.g. by "Back").
    From(Key),
}

/// One page of mirrored items.
#[derive(Debug, Clone, Default)]
pub struct Listed {
    /// Each item's JSON as Graph sent it, in order.
    pub bodies: Vec<String>,
    /// The first and last rows' keys, for the page links.
    pub first: Option<Key>,
    pub last: Option<Key>,
    /// How many items match in all.
    pub total: u64,
    /// How many matching items come before this page (as the page links counted them).
    pub before: u64,
}

impl Listed {
    pub fn has_previous(&self) -> bool {
        self.before > 0
    }

    pub fn has_next(&self) -> bool {
        self.before + (self.bodies.len() as u64) < self.total
    }
}

/// Where a search term must appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Hosts,
    Users,
    /// Any of the item's searchable text (hosts and users included).
    Anywhere,
}

/// One part of the search and the host and user filters: text that must appear in `field`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub field: Field,
    pub text: String,
}

/// The terms of the search and the host and user filters (every one must match), or a sentence
/// saying why one cannot be searched.
pub fn search_terms(selection: &Selection) -> Result<Vec<Term>, String> {
    let mut terms = Vec::new();
    for (text, what) in [
        (&selection.host, "host filter"),
        (&selection.user, "user filter"),
        (&selection.search, "search"),
    ] {
        let text = text.as_deref().unwrap_or_default();
        if text.chars().count() > MAX_SEARCH_CHARS {
            return Err(format!(
                "The {what} is longer than {MAX_SEARCH_CHARS} characters."
            ));
        }
        if text.chars().any(char::is_control) {
            return Err(format!("The {what} contains control characters."));
        }
    }
    let whole = |field: Field, text: &str, what: &str| -> Result<Term, String> {
        let text = text.trim();
        if text.chars().count() < MIN_SEARCH_CHARS {
            return Err(format!(
                "The {what} filter needs at least {MIN_SEARCH_CHARS} characters."
            ));
        }
        Ok(Term {
            field,
            text: text.to_string(),
        })
    };
    if let Some(host) = &selection.host {
        terms.push(whole(Field::Hosts, host, "host")?);
    }
    if let Some(user) = &selection.user {
        terms.push(whole(Field::Users, user, "user")?);
    }
    if let Some(search) = &selection.search {
        for word in search.split_whitespace() {
            if word.chars().count() < MIN_SEARCH_CHARS {
                return Err(format!(
                    "Search words need at least {MIN_SEARCH_CHARS} characters each; \"{}\" is shorter.",
                    word.chars().take(20).collect::<String>()
                ));
            }
            terms.push(Term {
                field: Field::Anywhere,
                text: word.to_string(),
            });
        }
    }
    Ok(terms)
}

/// The terms as one FTS5 query (SQLite): each a quoted phrase, so FTS5's own syntax is never
/// passed on; `None` without terms.
pub fn fts5_query(terms: &[Term]) -> Option<String> {
    let parts: Vec<String> = terms
        .iter()
        .map(|term| match term.field {
            Field::Hosts => format!("hosts : {}", phrase(&term.text)),
            Field::Users => format!("users : {}", phrase(&term.text)),
            Field::Anywhere => phrase(&term.text),
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

/// An FTS5 string: double quotes around, inner ones doubled.
fn phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_become_quoted_phrases() {
        let selection = Selection {
            host: Some("pc-megan".into()),
            search: Some("evil\"x  10.0.0.5".into()),
            ..Selection::default()
        };
        assert_eq!(
            fts5_query(&search_terms(&selection).unwrap()).unwrap(),
            r#"hosts : "pc-megan" AND "evil""x" AND "10.0.0.5""#
        );
        let short = Selection {
            search: Some("ab".into()),
            ..Selection::default()
        };
        assert!(search_terms(&short).unwrap_err().contains("\"ab\""));
        assert!(search_terms(&Selection::default()).unwrap().is_empty());
        let long = Selection {
            search: Some("abc ".repeat(65)),
            ..Selection::default()
        };
        assert!(search_terms(&long).unwrap_err().contains("longer than 256"));
        let control = Selection {
            user: Some("meg\u{0}an".into()),
            ..Selection::default()
        };
        assert!(
            search_terms(&control)
                .unwrap_err()
                .contains("control characters")
        );
    }

    #[test]
    fn keys_read_back_what_they_wrote() {
        let key = Key {
            value: -5,
            seq: 42,
            at: 100,
        };
        assert_eq!(Key::parse(&key.token()), Some(key));
        assert_eq!(Key::parse("x.1.0"), None);
        assert_eq!(Key::parse("12.1"), None);
        assert_eq!(Key::parse("1.2.3.4"), None);
    }
}
