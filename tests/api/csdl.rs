//! A reader for the Graph CSDL copied under `tests/graph-schema/`: enumeration members, and the
//! properties of entity and complex types with their base types, enough to check spellings.
//!
//! The files are Microsoft's pretty-printed metadata (one element per line), so a line reader is
//! enough; it refuses a file in which it finds no types, so a format change cannot pass silently.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

const SECURITY: &str = include_str!("../graph-schema/security-v1.0.xml");
const GRAPH_SUBSET: &str = include_str!("../graph-schema/graph-v1.0-subset.xml");

/// An entity or complex type.
#[derive(Debug, Default)]
pub struct StructType {
    pub base: Option<String>,
    /// Properties and navigation properties: name → qualified type (`Collection(…)` kept).
    pub properties: Vec<(String, String)>,
}

#[derive(Debug, Default)]
pub struct Schema {
    /// Qualified enumeration name → members in declaration order.
    enums: HashMap<String, Vec<String>>,
    types: HashMap<String, StructType>,
}

/// The schema, read once.
pub fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let mut schema = Schema::default();
        schema.read(SECURITY, "microsoft.graph.security");
        schema.read(GRAPH_SUBSET, "microsoft.graph");
        // Base types the subset references but does not carry, with their documented properties.
        for (name, properties) in [
            ("microsoft.graph.entity", &["id"][..]),
            (
                "microsoft.graph.directoryObject",
                &["id", "deletedDateTime"][..],
            ),
            (
                "microsoft.graph.outlookItem",
                &[
                    "id",
                    "categories",
                    "changeKey",
                    "createdDateTime",
                    "lastModifiedDateTime",
                ][..],
            ),
        ] {
            schema
                .types
                .entry(name.to_string())
                .or_insert_with(|| StructType {
                    base: None,
                    properties: properties
                        .iter()
                        .map(|p| (p.to_string(), "Edm.String".to_string()))
                        .collect(),
                });
        }
        assert!(
            schema.types.contains_key("microsoft.graph.security.alert")
                && schema.types.contains_key("microsoft.graph.alert")
                && schema
                    .enums
                    .contains_key("microsoft.graph.security.alertStatus"),
            "the CSDL reader found none of the expected types"
        );
        schema
    })
}

fn attr<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = line.find(&key)? + key.len();
    let len = line[start..].find('"')?;
    Some(&line[start..start + len])
}

/// `self.x` / `graph.x` / `Collection(self.x)` → the qualified name.
fn qualify(raw: &str, namespace: &str) -> String {
    if let Some(inner) = raw
        .strip_prefix("Collection(")
        .and_then(|r| r.strip_suffix(')'))
    {
        return format!("Collection({})", qualify(inner, namespace));
    }
    if let Some(rest) = raw.strip_prefix("self.") {
        format!("{namespace}.{rest}")
    } else if let Some(rest) = raw.strip_prefix("graph.") {
        format!("microsoft.graph.{rest}")
    } else {
        raw.to_string()
    }
}

impl Schema {
    fn read(&mut self, text: &str, namespace: &str) {
        enum Open {
            None,
            Enum(String),
            Struct(String),
        }
        let mut open = Open::None;
        for line in text.lines().map(str::trim) {
            let self_closing = line.ends_with("/>");
            if line.starts_with("<EnumType ") {
                let name = format!("{namespace}.{}", attr(line, "Name").unwrap());
                self.enums.insert(name.clone(), Vec::new());
                open = Open::Enum(name);
            } else if line.starts_with("<EntityType ") || line.starts_with("<ComplexType ") {
                let name = format!("{namespace}.{}", attr(line, "Name").unwrap());
                let base = attr(line, "BaseType").map(|b| qualify(b, namespace));
                self.types.insert(
                    name.clone(),
                    StructType {
                        base,
                        properties: Vec::new(),
                    },
                );
                open = if self_closing {
                    Open::None
                } else {
                    Open::Struct(name)
                };
            } else if line.starts_with("</EnumType>")
                || line.starts_with("</EntityType>")
                || line.starts_with("</ComplexType>")
            {
                open = Open::None;
            } else if line.starts_with("<Member ") {
                if let Open::Enum(name) = &open {
                    let member = attr(line, "Name").unwrap().to_string();
                    self.enums.get_mut(name).unwrap().push(member);
                }
            } else if (line.starts_with("<Property ") || line.starts_with("<NavigationProperty "))
                && let Open::Struct(name) = &open
            {
                let property = attr(line, "Name").unwrap().to_string();
                let kind = qualify(attr(line, "Type").unwrap(), namespace);
                self.types
                    .get_mut(name)
                    .unwrap()
                    .properties
                    .push((property, kind));
            }
        }
    }

    /// Every member of an enumeration, evolvable ones included.
    pub fn all_members(&self, enum_name: &str) -> &[String] {
        self.enums
            .get(enum_name)
            .unwrap_or_else(|| panic!("the schema has no enumeration {enum_name}"))
    }

    /// The members Graph sends without `Prefer: include-unknown-enum-members`: those declared
    /// before `unknownFutureValue`.
    pub fn members(&self, enum_name: &str) -> Vec<&str> {
        self.all_members(enum_name)
            .iter()
            .map(String::as_str)
            .take_while(|m| *m != "unknownFutureValue")
            .collect()
    }

    pub fn is_enum(&self, name: &str) -> bool {
        self.enums.contains_key(name)
    }

    pub fn has_type(&self, name: &str) -> bool {
        self.types.contains_key(name)
    }

    /// The type of `property` on `type_name` or one of its bases, spelled exactly.
    pub fn property(&self, type_name: &str, property: &str) -> Option<&str> {
        let mut current = Some(type_name);
        while let Some(name) = current {
            let ty = self
                .types
                .get(name)
                .unwrap_or_else(|| panic!("the schema has no type {name}"));
            if let Some((_, kind)) = ty.properties.iter().find(|(p, _)| p == property) {
                return Some(kind);
            }
            current = ty.base.as_deref();
        }
        None
    }

    /// Every property name of `type_name`, its bases' included.
    pub fn all_properties(&self, type_name: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut current = Some(type_name);
        while let Some(name) = current {
            let ty = &self.types[name];
            out.extend(ty.properties.iter().map(|(p, _)| p.clone()));
            current = ty.base.as_deref();
        }
        out
    }

    /// Whether `derived` is `base` or derives from it.
    pub fn derives_from(&self, derived: &str, base: &str) -> bool {
        let mut current = Some(derived);
        while let Some(name) = current {
            if name == base {
                return true;
            }
            current = self.types.get(name).and_then(|t| t.base.as_deref());
        }
        false
    }

    /// Walks a property path (`evidence`, a cast `microsoft.graph.security.userEvidence`,
    /// `userAccount`, `userPrincipalName`) from `root`; returns the type reached.
    pub fn resolve(&self, root: &str, path: &[&str]) -> Result<String, String> {
        let mut current = root.to_string();
        for segment in path {
            let element = element_type(&current).to_string();
            if segment.contains('.') {
                if !self.has_type(segment) || !self.derives_from(segment, &element) {
                    return Err(format!("'{segment}' is not a type derived from {element}"));
                }
                current = segment.to_string();
                continue;
            }
            if !self.has_type(&element) {
                return Err(format!(
                    "'{segment}' follows {element}, which has no properties"
                ));
            }
            current = self
                .property(&element, segment)
                .ok_or_else(|| format!("{element} has no property '{segment}'"))?
                .to_string();
        }
        Ok(current)
    }

    /// Checks a JSON document against `type_name`: every member a property spelled exactly,
    /// every enumeration value a member, nested objects against their (or their `@odata.type`'s)
    /// type. Problems are pushed to `errors` with their JSON path.
    /// Enumeration values are those Graph sends without `Prefer: include-unknown-enum-members`:
    /// members declared before `unknownFutureValue`, or `unknownFutureValue` itself.
    pub fn check_json(&self, type_name: &str, value: &Value, at: &str, errors: &mut Vec<String>) {
        self.check_value(type_name, value, at, false, errors);
    }

    /// As [`Schema::check_json`], for answers to requests that asked for evolvable members.
    pub fn check_json_evolvable(
        &self,
        type_name: &str,
        value: &Value,
        at: &str,
        errors: &mut Vec<String>,
    ) {
        self.check_value(type_name, value, at, true, errors);
    }

    fn allowed(&self, enum_name: &str, text: &str, evolvable: bool) -> bool {
        if evolvable {
            self.all_members(enum_name).iter().any(|m| m == text)
        } else {
            text == "unknownFutureValue" || self.members(enum_name).contains(&text)
        }
    }

    fn check_value(
        &self,
        type_name: &str,
        value: &Value,
        at: &str,
        evolvable: bool,
        errors: &mut Vec<String>,
    ) {
        let element = element_type(type_name);
        match value {
            Value::Null => {}
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.check_value(element, item, &format!("{at}[{i}]"), evolvable, errors);
                }
            }
            Value::String(text)
                if self.is_enum(element) && !self.allowed(element, text, evolvable) =>
            {
                errors.push(format!(
                    "{at}: '{text}' is not a member of {element} ({:?})",
                    self.members(element)
                ));
            }
            Value::Object(fields) if self.has_type(element) => {
                let mut actual = element.to_string();
                if let Some(Value::String(odata_type)) = fields.get("@odata.type") {
                    let named = odata_type.trim_start_matches('#');
                    if !self.has_type(named) || !self.derives_from(named, element) {
                        errors.push(format!(
                            "{at}: @odata.type '{odata_type}' is not {element} or derived from it"
                        ));
                        return;
                    }
                    actual = named.to_string();
                }
                for (key, member) in fields {
                    if key.starts_with('@') || key.contains("@odata.") {
                        continue;
                    }
                    match self.property(&actual, key) {
                        Some(kind) => {
                            let at = format!("{at}.{key}");
                            self.check_value(kind, member, &at, evolvable, errors);
                        }
                        None => errors.push(format!("{at}: {actual} has no property '{key}'")),
                    }
                }
            }
            _ => {}
        }
    }
}

/// `Collection(T)` → `T`.
pub fn element_type(name: &str) -> &str {
    name.strip_prefix("Collection(")
        .and_then(|n| n.strip_suffix(')'))
        .unwrap_or(name)
}

#[test]
fn the_reader_finds_types_bases_enums_and_evolvable_members() {
    let schema = schema();
    assert_eq!(
        schema.members("microsoft.graph.security.alertStatus"),
        ["unknown", "new", "inProgress", "resolved"]
    );
    assert!(
        schema
            .all_members("microsoft.graph.security.serviceSource")
            .iter()
            .any(|m| m == "microsoftSentinel"),
        "evolvable members are read too"
    );
    assert!(
        !schema
            .members("microsoft.graph.security.serviceSource")
            .contains(&"microsoftSentinel")
    );
    assert_eq!(
        schema.property("microsoft.graph.security.alert", "id"),
        Some("Edm.String"),
        "inherited from microsoft.graph.entity"
    );
    assert_eq!(
        schema.property("microsoft.graph.security.alert", "evidence"),
        Some("Collection(microsoft.graph.security.alertEvidence)")
    );
    assert_eq!(
        schema.property("microsoft.graph.security.alert", "Status"),
        None
    );
    assert_eq!(
        schema.resolve(
            "microsoft.graph.security.alert",
            &[
                "evidence",
                "microsoft.graph.security.userEvidence",
                "userAccount",
                "userPrincipalName"
            ]
        ),
        Ok("Edm.String".to_string())
    );
    assert!(
        schema
            .resolve("microsoft.graph.alert", &["hostStates", "fqdn"])
            .is_ok()
    );
    let mut errors = Vec::new();
    schema.check_json(
        "microsoft.graph.security.alert",
        &serde_json::json!({"status": "InProgress", "AssignedTo": "x", "severity": "high"}),
        "$",
        &mut errors,
    );
    assert_eq!(errors.len(), 2, "{errors:?}");
}
