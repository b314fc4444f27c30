//! One change notification read from its raw JSON, borrowing from the request body: the
//! fields verification and storage need, and the item's own text without `clientState` (the
//! secret is never stored). No JSON tree is built: each member is kept as raw text and only
//! the fields used here are decoded.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// The members of a change notification that are read; the rest stays raw text.
#[derive(Debug, Default)]
pub struct ChangeItem<'a> {
    pub subscription_id: Cow<'a, str>,
    pub client_state: Option<Cow<'a, str>>,
    pub tenant_id: Option<Cow<'a, str>>,
    pub change_type: Cow<'a, str>,
    pub resource: Cow<'a, str>,
    pub resource_data: Option<&'a RawValue>,
    /// The item as received minus its `clientState` member (compact between members).
    pub stored: Cow<'a, str>,
}

/// A string member, borrowed from the body unless it holds escapes.
#[derive(Deserialize)]
#[serde(transparent)]
struct Text<'a>(#[serde(borrow)] Cow<'a, str>);

/// The `id` of `resourceData`, when it is a string.
#[derive(Deserialize)]
struct DataId<'a> {
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
}

impl<'a> ChangeItem<'a> {
    /// Reads one item; `None` when it is not an object with string `subscriptionId`,
    /// `changeType` and `resource` (and string or absent `clientState` and `tenantId`),
    /// or when one of those members appears twice.
    pub fn read(raw: &'a RawValue) -> Option<Self> {
        let mut json = serde_json::Deserializer::from_str(raw.get());
        let fields = json.deserialize_map(Members).ok()?;
        json.end().ok()?;
        let stored = if fields.strip_at.is_empty() {
            Cow::Borrowed(raw.get())
        } else {
            Cow::Owned(without(&fields.members, &fields.strip_at, raw.get().len()))
        };
        Some(Self {
            subscription_id: fields.subscription_id?,
            client_state: fields.client_state,
            tenant_id: fields.tenant_id,
            change_type: fields.change_type?,
            resource: fields.resource?,
            resource_data: fields.resource_data,
            stored,
        })
    }

    /// `resourceData.id` when the data is an object with a string `id`.
    pub fn data_id(&self) -> Option<Cow<'a, str>> {
        let data = self.resource_data?;
        serde_json::from_str::<DataId<'a>>(data.get()).ok()?.id
    }
}

/// What one pass over the item's members collects.
#[derive(Default)]
struct Fields<'a> {
    subscription_id: Option<Cow<'a, str>>,
    client_state: Option<Cow<'a, str>>,
    tenant_id: Option<Cow<'a, str>>,
    change_type: Option<Cow<'a, str>>,
    resource: Option<Cow<'a, str>>,
    resource_data: Option<&'a RawValue>,
    /// Every member in order, for writing the item again without `clientState`.
    members: Vec<(Cow<'a, str>, &'a RawValue)>,
    /// Positions in `members` of `clientState` members.
    strip_at: Vec<usize>,
}

struct Members;

impl<'de> Visitor<'de> for Members {
    type Value = Fields<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a change notification object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = Fields {
            members: Vec::with_capacity(map.size_hint().unwrap_or(8)),
            ..Fields::default()
        };
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            let value: &'de RawValue = map.next_value()?;
            let slot = match key.as_ref() {
                "subscriptionId" => Some(&mut fields.subscription_id),
                "clientState" => {
                    fields.strip_at.push(fields.members.len());
                    Some(&mut fields.client_state)
                }
                "tenantId" => Some(&mut fields.tenant_id),
                "changeType" => Some(&mut fields.change_type),
                "resource" => Some(&mut fields.resource),
                "resourceData" => {
                    if fields.resource_data.replace(value).is_some() {
                        return Err(de::Error::duplicate_field("resourceData"));
                    }
                    None
                }
                _ => None,
            };
            if let Some(slot) = slot {
                if slot.is_some() {
                    return Err(de::Error::custom("a member appears twice"));
                }
                *slot = text(value).map_err(de::Error::custom)?;
            }
            fields.members.push((key, value));
        }
        Ok(fields)
    }
}

/// A string member's value; `null` reads as absent (a missing required one makes the item
/// malformed).
fn text(value: &RawValue) -> serde_json::Result<Option<Cow<'_, str>>> {
    serde_json::from_str::<Option<Text<'_>>>(value.get()).map(|t| t.map(|t| t.0))
}

/// The object `members` written again without the members at `skip`.
fn without(members: &[(Cow<'_, str>, &RawValue)], skip: &[usize], capacity: usize) -> String {
    let mut out = String::with_capacity(capacity);
    out.push('{');
    let kept = members
        .iter()
        .enumerate()
        .filter(|(i, _)| !skip.contains(i));
    for (n, (_, (key, value))) in kept.enumerate() {
        if n > 0 {
            out.push(',');
        }
        match key {
            // Borrowed means the key held no escape, so its text is already valid JSON.
            Cow::Borrowed(text) => {
                out.push('"');
                out.push_str(text);
                out.push('"');
            }
            // A key is a JSON string; writing one to a String cannot fail.
            Cow::Owned(text) => out.push_str(&serde_json::to_string(text).unwrap_or_default()),
        }
        out.push(':');
        out.push_str(value.get());
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn raw(value: &Value) -> Box<RawValue> {
        serde_json::value::to_raw_value(value).unwrap()
    }

    #[test]
    fn the_stored_text_is_the_item_without_its_client_state() {
        let item = json!({
            "subscriptionId": "s", "clientState": "secret", "changeType": "updated",
            "resource": "Security/Alerts/a", "resourceData": {"id": "a", "n": [1, 2]},
        });
        let boxed = raw(&item);
        let change = ChangeItem::read(&boxed).unwrap();
        assert_eq!(change.client_state.as_deref(), Some("secret"));
        let stored: Value = serde_json::from_str(&change.stored).unwrap();
        let mut want = item.clone();
        want.as_object_mut().unwrap().remove("clientState");
        assert_eq!(stored, want);
        assert_eq!(change.data_id().as_deref(), Some("a"));
    }

    #[test]
    fn an_escaped_client_state_key_is_stripped_too() {
        let body =
            r#"{"subscriptionId":"s","client\u0053tate":"secret","changeType":"u","resource":"r"}"#;
        let boxed: Box<RawValue> = serde_json::from_str(body).unwrap();
        let change = ChangeItem::read(&boxed).unwrap();
        assert_eq!(change.client_state.as_deref(), Some("secret"));
        assert!(!change.stored.contains("secret"), "{}", change.stored);
    }

    #[test]
    fn an_item_without_client_state_is_stored_as_received() {
        let body = r#"{ "subscriptionId": "s", "changeType": "u", "resource": "r" }"#;
        let boxed: Box<RawValue> = serde_json::from_str(body).unwrap();
        let change = ChangeItem::read(&boxed).unwrap();
        assert_eq!(change.stored, body);
        assert!(matches!(change.subscription_id, Cow::Borrowed("s")));
    }

    #[test]
    fn malformed_items_are_refused() {
        for item in [
            json!("not an object"),
            json!({"subscriptionId": "s", "changeType": "u"}),
            json!({"subscriptionId": 3, "changeType": "u", "resource": "r"}),
            json!({"subscriptionId": "s", "changeType": "u", "resource": "r", "clientState": 1}),
        ] {
            assert!(ChangeItem::read(&raw(&item)).is_none(), "{item}");
        }
        let twice =
            r#"{"subscriptionId":"s","subscriptionId":"t","changeType":"u","resource":"r"}"#;
        let boxed: Box<RawValue> = serde_json::from_str(twice).unwrap();
        assert!(ChangeItem::read(&boxed).is_none());
    }

    #[test]
    fn resource_data_without_a_string_id_gives_no_id() {
        for data in [json!({"id": 7}), json!([1]), json!("x"), json!({})] {
            let item = json!({"subscriptionId": "s", "changeType": "u", "resource": "r",
                              "resourceData": data});
            let boxed = raw(&item);
            assert_eq!(ChangeItem::read(&boxed).unwrap().data_id(), None, "{item}");
        }
    }
}
