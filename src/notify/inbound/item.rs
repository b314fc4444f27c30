//! One change notification read from its raw JSON, borrowing from the request body: the
//! fields verification and storage need, and the item's own text without `clientState` (the
//! secret is never stored). No JSON tree is built: only the members used here are decoded,
//! and the secret is cut out of the text by position.

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
    /// The item as received minus its `clientState` member.
    pub stored: Cow<'a, str>,
}

/// A string member, borrowed from the body unless it holds escapes.
#[derive(Deserialize)]
#[serde(transparent)]
struct Text<'a>(#[serde(borrow)] Cow<'a, str>);

/// The `id` of `resourceData`, when it is a string. (`Text`, not `Cow`: serde borrows a
/// `Cow` only when it is the field's own type, and would copy one inside an `Option`.)
#[derive(Deserialize)]
struct DataId<'a> {
    #[serde(borrow)]
    id: Option<Text<'a>>,
}

impl<'a> ChangeItem<'a> {
    /// Reads one item; `None` when it is not an object with string `subscriptionId`,
    /// `changeType` and `resource` (and string or absent `clientState` and `tenantId`),
    /// or when one of those members appears twice.
    pub fn read(raw: &'a RawValue) -> Option<Self> {
        let text = raw.get();
        let mut json = serde_json::Deserializer::from_str(text);
        let fields = json.deserialize_map(Members { text }).ok()?;
        json.end().ok()?;
        let stored = match fields.secret {
            None => Cow::Borrowed(text),
            Some(cut) => Cow::Owned(without(text, cut)),
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
        Some(serde_json::from_str::<DataId<'a>>(data.get()).ok()?.id?.0)
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
    /// Where the `clientState` member lies in the item's text.
    secret: Option<Member>,
}

/// A member's place in the item's text: from the end of the member before it (or the `{`)
/// to the end of its value, so the comma before it is inside.
#[derive(Clone, Copy)]
struct Member {
    after_previous: usize,
    end: usize,
    first: bool,
}

/// The visitor, with the text whose members it visits (each value is a slice of it).
struct Members<'a> {
    text: &'a str,
}

impl Members<'_> {
    /// Where `value`, a slice of the text, ends in it.
    fn end_of(&self, value: &RawValue) -> usize {
        let start = value.get().as_ptr() as usize - self.text.as_ptr() as usize;
        start + value.get().len()
    }
}

impl<'de> Visitor<'de> for Members<'de> {
    type Value = Fields<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a change notification object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = Fields::default();
        let mut after_previous = self
            .text
            .bytes()
            .position(|b| b == b'{')
            .map_or(1, |brace| brace + 1);
        let mut first = true;
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            let value: &'de RawValue = map.next_value()?;
            let end = self.end_of(value);
            let slot = match key.as_ref() {
                "subscriptionId" => Some(&mut fields.subscription_id),
                "clientState" => {
                    fields.secret = Some(Member {
                        after_previous,
                        end,
                        first,
                    });
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
            after_previous = end;
            first = false;
        }
        Ok(fields)
    }
}

/// A string member's value; `null` reads as absent (a missing required one makes the item
/// malformed).
fn text(value: &RawValue) -> serde_json::Result<Option<Cow<'_, str>>> {
    let raw = value.get();
    // A string without escapes is its text between the quotes, and the pass that found the
    // value has already checked it: it is borrowed as it is, not parsed a second time.
    if let Some(inner) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"'))
        && !inner.as_bytes().contains(&b'\\')
    {
        return Ok(Some(Cow::Borrowed(inner)));
    }
    serde_json::from_str::<Option<Text<'_>>>(raw).map(|t| t.map(|t| t.0))
}

/// `text` without the member at `cut`. A member after others goes with the comma before it;
/// the first member goes with the comma after it, if any (only spaces lie between a value
/// and its comma).
fn without(text: &str, cut: Member) -> String {
    let (start, end) = if !cut.first {
        (cut.after_previous, cut.end)
    } else {
        let rest = &text[cut.end..];
        let spaces = rest.len() - rest.trim_start().len();
        let comma = usize::from(rest[spaces..].starts_with(','));
        (cut.after_previous, cut.end + spaces + comma)
    };
    let mut out = String::with_capacity(text.len() - (end - start));
    out.push_str(&text[..start]);
    out.push_str(&text[end..]);
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
        assert!(
            matches!(change.data_id(), Some(Cow::Borrowed("a"))),
            "read from the body, not copied"
        );
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
    fn the_secret_is_cut_wherever_it_stands() {
        for body in [
            r#"{"clientState":"secret","subscriptionId":"s","changeType":"u","resource":"r"}"#,
            r#"{ "clientState" : "secret" , "subscriptionId":"s","changeType":"u","resource":"r"}"#,
            r#"{"subscriptionId":"s","clientState":"secret","changeType":"u","resource":"r"}"#,
            r#"{"subscriptionId":"s","changeType":"u","resource":"r" , "clientState":"secret" }"#,
            r#"{"subscriptionId":"s","changeType":"u","resource":"r","clientState":null}"#,
        ] {
            let boxed: Box<RawValue> = serde_json::from_str(body).unwrap();
            let change = ChangeItem::read(&boxed).unwrap();
            assert!(!change.stored.contains("clientState"), "{}", change.stored);
            let stored: Value = serde_json::from_str(&change.stored).unwrap();
            let mut want: Value = serde_json::from_str(body).unwrap();
            want.as_object_mut().unwrap().remove("clientState");
            assert_eq!(stored, want, "{body}");
        }
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
    fn members_read_the_same_with_escapes_and_plain_ones_are_borrowed() {
        let text = r#"{"subscriptionId":"s\u0031","clientState":null,"tenantId":"t\\1",
            "changeType":"updated","resource":"Security/Alerts/a\"b"}"#;
        let boxed: Box<RawValue> = serde_json::from_str(text).unwrap();
        let change = ChangeItem::read(&boxed).unwrap();
        assert_eq!(change.subscription_id, "s1");
        assert_eq!(change.client_state, None);
        assert_eq!(change.tenant_id.as_deref(), Some(r"t\1"));
        assert_eq!(change.resource, r#"Security/Alerts/a"b"#);
        assert!(matches!(change.change_type, Cow::Borrowed("updated")));
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
