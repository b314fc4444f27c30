//! One change notification read from its raw JSON, borrowing from the request body: the
//! fields verification and storage need, and the item's own text without `clientState` (the
//! secret is never stored). No JSON tree is built, and a batch is read in one pass: each item
//! is read where it stands as the batch is split ([`InBody`]), only the members used here are
//! decoded, and the item's text and the secret's place in it are found by position.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
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
    /// Reads one item given as its own text, as [`InBody`] reads it inside a batch (tests).
    #[cfg(test)]
    pub fn read(raw: &'a RawValue) -> Option<Self> {
        let text = raw.get();
        let mut json = serde_json::Deserializer::from_str(text);
        let item = InBody { body: text }.deserialize(&mut json).ok()?;
        json.end().ok()?;
        item
    }

    /// `resourceData.id` when the data is an object with a string `id`.
    pub fn data_id(&self) -> Option<Cow<'a, str>> {
        let data = self.resource_data?;
        Some(serde_json::from_str::<DataId<'a>>(data.get()).ok()?.id?.0)
    }
}

/// Reads an item where it stands in `body`, the text being parsed, in the same pass that
/// finds it (so a batch's text is scanned once). `None`, and the batch reads on, when the
/// item is not an object with string `subscriptionId`, `changeType` and `resource` (and
/// string or absent `clientState` and `tenantId`), or when one of those members appears
/// twice; an error only when the text is not JSON.
#[derive(Clone, Copy)]
pub struct InBody<'a> {
    pub body: &'a str,
}

impl<'de> DeserializeSeed<'de> for InBody<'de> {
    type Value = Option<ChangeItem<'de>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
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
    /// Where the `clientState` member lies in the body.
    secret: Option<Member>,
}

/// A member's place in the body: from the end of the member before it (or the `{`) to the
/// end of its value, so the comma before it is inside.
#[derive(Clone, Copy)]
struct Member {
    after_previous: usize,
    end: usize,
    first: bool,
}

impl InBody<'_> {
    /// Where `value`, a slice of the body, starts and ends in it.
    fn place(&self, value: &RawValue) -> (usize, usize) {
        let start = value.get().as_ptr() as usize - self.body.as_ptr() as usize;
        (start, start + value.get().len())
    }
}

impl<'de> Visitor<'de> for InBody<'de> {
    type Value = Option<ChangeItem<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a change notification")
    }

    /// Every member is read to the end whatever it holds, so the batch goes on after an item
    /// that is not a change notification.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = Fields::default();
        let mut malformed = false;
        let mut start = None;
        let mut after_previous = 0;
        let mut first = true;
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            let value: &'de RawValue = map.next_value()?;
            let (value_start, end) = self.place(value);
            if first {
                start = object_start(self.body.as_bytes(), value_start);
                after_previous = start.map_or(0, |brace| brace + 1);
            }
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
                    malformed |= fields.resource_data.replace(value).is_some();
                    None
                }
                _ => None,
            };
            if let Some(slot) = slot {
                match text(value) {
                    Ok(read) if slot.is_none() => *slot = read,
                    // Twice, or not a string.
                    _ => malformed = true,
                }
            }
            after_previous = end;
            first = false;
        }
        let end = object_end(self.body.as_bytes(), after_previous);
        let (Some(start), Some(end), false) = (start, end, malformed) else {
            return Ok(None);
        };
        let item = &self.body[start..end];
        let stored = match fields.secret {
            None => Cow::Borrowed(item),
            Some(cut) => Cow::Owned(without(item, cut, start)),
        };
        let (Some(subscription_id), Some(change_type), Some(resource)) =
            (fields.subscription_id, fields.change_type, fields.resource)
        else {
            return Ok(None);
        };
        Ok(Some(ChangeItem {
            subscription_id,
            client_state: fields.client_state,
            tenant_id: fields.tenant_id,
            change_type,
            resource,
            resource_data: fields.resource_data,
            stored,
        }))
    }

    // Items that are not objects are read past: they are not change notifications.

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

/// Where, in valid JSON, the object whose first member's value starts at `value` opens: back
/// over the colon, the member's name (a string, whose quotes may be escaped inside it) and the
/// spaces between them.
fn object_start(body: &[u8], value: usize) -> Option<usize> {
    let before = |at: usize| body[..at].iter().rposition(|&b| !is_space(b));
    let colon = before(value).filter(|&at| body[at] == b':')?;
    let closing = before(colon).filter(|&at| body[at] == b'"')?;
    let mut opening = closing;
    loop {
        opening = body[..opening].iter().rposition(|&b| b == b'"')?;
        let escapes = body[..opening]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        if escapes % 2 == 0 {
            break;
        }
    }
    before(opening).filter(|&at| body[at] == b'{')
}

/// Where, in valid JSON, the object whose last member's value ends at `value_end` ends (just
/// past its `}`).
fn object_end(body: &[u8], value_end: usize) -> Option<usize> {
    let brace = value_end + body.get(value_end..)?.iter().position(|&b| !is_space(b))?;
    (body[brace] == b'}').then_some(brace + 1)
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

/// `text`, which starts at `offset` in the body, without the member at `cut` (placed in the
/// body). A member after others goes with the comma before it; the first member goes with the
/// comma after it, if any (only spaces lie between a value and its comma).
fn without(text: &str, cut: Member, offset: usize) -> String {
    let cut = Member {
        after_previous: cut.after_previous - offset,
        end: cut.end - offset,
        first: cut.first,
    };
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
