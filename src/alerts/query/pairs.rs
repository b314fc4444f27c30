//! The query string as pairs: enumerated filters may repeat (`status=new&status=in_progress`),
//! kept inside an [`AlertQuery`] as one comma-separated value and written back as repeated keys.

use super::AlertQuery;

/// The filters that take several values, each becoming one OData `or` group.
pub const MULTI_VALUE_FIELDS: [&str; 5] = [
    "status",
    "severity",
    "service_source",
    "classification",
    "determination",
];

impl AlertQuery {
    /// Reads decoded query pairs; repeated enumerated filters are joined with commas, other
    /// repeated keys keep their last value, unknown keys are ignored.
    pub fn from_pairs<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> Self {
        let mut query = AlertQuery::default();
        for (key, value) in pairs {
            let value = value.as_ref().trim();
            let Some(slot) = query.slot(key.as_ref()) else {
                continue;
            };
            let multi = MULTI_VALUE_FIELDS.contains(&key.as_ref());
            match slot {
                Some(existing) if multi && !existing.is_empty() => {
                    if !value.is_empty() && !existing.split(',').any(|v| v == value) {
                        existing.push(',');
                        existing.push_str(value);
                    }
                }
                _ => *slot = Some(value.to_string()),
            }
        }
        query
    }

    /// The fields as query pairs, enumerated lists as repeated keys, empty fields left out.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        for key in Self::KEYS {
            let Some(value) = self.get(key).filter(|v| !v.trim().is_empty()) else {
                continue;
            };
            if MULTI_VALUE_FIELDS.contains(&key) {
                out.extend(
                    value
                        .split(',')
                        .filter(|v| !v.trim().is_empty())
                        .map(|v| (key, v.trim().to_string())),
                );
            } else {
                out.push((key, value.to_string()));
            }
        }
        out
    }

    /// [`Self::to_pairs`] form-encoded, e.g. for links.
    pub fn to_query_string(&self) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in self.to_pairs() {
            out.append_pair(k, &v);
        }
        out.finish()
    }

    /// The filters in words, e.g. "Severity: High · Status: New or In progress"; "All alerts"
    /// when none is set.
    pub fn summary(&self) -> String {
        let name = |key: &str| match key {
            "status" => "Status",
            "severity" => "Severity",
            "provider" => "Provider",
            "category" => "Category",
            "service_source" => "Service source",
            "classification" => "Classification",
            "determination" => "Determination",
            "fqdn" => "Host",
            "upn" => "User",
            "created" => "Created",
            "created_from" => "Created from",
            "created_to" => "Created until",
            _ => "",
        };
        let mut parts: Vec<String> = Vec::new();
        let order = [
            "severity",
            "status",
            "service_source",
            "classification",
            "determination",
            "provider",
            "category",
            "fqdn",
            "upn",
            "created",
            "created_from",
            "created_to",
        ];
        for key in order {
            let label = name(key);
            let values = self.values(key);
            if label.is_empty() || values.is_empty() {
                continue;
            }
            let shown: Vec<String> = if MULTI_VALUE_FIELDS.contains(&key) || key == "category" {
                values
                    .iter()
                    .map(|v| super::super::labels::words_of(v))
                    .collect()
            } else {
                values
            };
            parts.push(format!("{label}: {}", shown.join(" or ")));
        }
        if self.assigned_to_me() {
            parts.push("Assigned to me".to_string());
        }
        if self.unassigned_only() {
            parts.push("Unassigned".to_string());
        }
        if let Some(q) = self.search() {
            parts.push(format!("Search: {q}"));
        }
        if parts.is_empty() {
            "All alerts".to_string()
        } else {
            parts.join(" · ")
        }
    }

    /// The values of one enumerated filter (empty for "any").
    pub fn values(&self, key: &str) -> Vec<String> {
        self.get(key)
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }

    const KEYS: [&'static str; 16] = [
        "top",
        "status",
        "severity",
        "provider",
        "category",
        "service_source",
        "classification",
        "determination",
        "assigned_to_me",
        "fqdn",
        "upn",
        "created",
        "created_from",
        "created_to",
        "unassigned",
        "q",
    ];

    fn get(&self, key: &str) -> Option<&str> {
        let value = match key {
            "top" => &self.top,
            "status" => &self.status,
            "severity" => &self.severity,
            "provider" => &self.provider,
            "category" => &self.category,
            "service_source" => &self.service_source,
            "classification" => &self.classification,
            "determination" => &self.determination,
            "assigned_to_me" => &self.assigned_to_me,
            "fqdn" => &self.fqdn,
            "upn" => &self.upn,
            "created" => &self.created,
            "created_from" => &self.created_from,
            "created_to" => &self.created_to,
            "unassigned" => &self.unassigned,
            "q" => &self.q,
            _ => return None,
        };
        value.as_deref()
    }

    fn slot(&mut self, key: &str) -> Option<&mut Option<String>> {
        Some(match key {
            "top" => &mut self.top,
            "status" => &mut self.status,
            "severity" => &mut self.severity,
            "provider" => &mut self.provider,
            "category" => &mut self.category,
            "service_source" => &mut self.service_source,
            "classification" => &mut self.classification,
            "determination" => &mut self.determination,
            "assigned_to_me" => &mut self.assigned_to_me,
            "fqdn" => &mut self.fqdn,
            "upn" => &mut self.upn,
            "created" => &mut self.created,
            "created_from" => &mut self.created_from,
            "created_to" => &mut self.created_to,
            "unassigned" => &mut self.unassigned,
            "q" => &mut self.q,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_enumerations_join_and_come_back_as_repeated_keys() {
        let query = AlertQuery::from_pairs(&[
            ("status", "new"),
            ("status", "in_progress"),
            ("status", "new"),
            ("status", ""),
            ("severity", "high"),
            ("fqdn", "a"),
            ("fqdn", "b"),
            ("next", "ignored here"),
        ]);
        assert_eq!(query.status.as_deref(), Some("new,in_progress"));
        assert_eq!(query.fqdn.as_deref(), Some("b"));
        assert_eq!(query.values("status"), ["new", "in_progress"]);
        assert_eq!(
            query.to_query_string(),
            "status=new&status=in_progress&severity=high&fqdn=b"
        );
    }

    #[test]
    fn the_summary_names_filters_in_words() {
        let query = AlertQuery::from_pairs(&[
            ("severity", "high"),
            ("status", "new_alert"),
            ("status", "in_progress"),
            ("upn", "lee@contoso.example"),
            ("assigned_to_me", "on"),
        ]);
        assert_eq!(
            query.summary(),
            "Severity: High · Status: New or In progress · User: lee@contoso.example · Assigned to me"
        );
        assert_eq!(AlertQuery::default().summary(), "All alerts");
    }
}
