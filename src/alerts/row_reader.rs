//! Reading an [`AlertRow`] straight from an alert's raw JSON: only the row's fields are
//! decoded and everything else is skipped, so a page of large alerts costs no JSON tree.
//! The result equals [`AlertRow::from_json`] on the same alert (a test holds them together);
//! an alert this reader cannot take (a repeated member, say) falls back to that path.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use super::row::{AlertRow, Shape};

/// The row of the alert `raw`, in the given API's shape.
pub fn row(shape: Shape, raw: &RawValue) -> AlertRow {
    match serde_json::from_str::<Fields>(raw.get()) {
        Ok(fields) => fields.into_row(shape),
        Err(_) => match serde_json::from_str::<Value>(raw.get()) {
            Ok(alert) => AlertRow::from_json(shape, &alert),
            Err(_) => AlertRow::default(),
        },
    }
}

/// What a legacy list asks Graph for (`$select`): the members [`Fields`] reads in that API.
pub const LEGACY_ROW_FIELDS: &str = "id,title,category,severity,status,assignedTo,\
     createdDateTime,lastModifiedDateTime,vendorInformation";

/// The members a row is made of, in both APIs' spellings.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Fields<'a> {
    #[serde(borrow)]
    id: Scalar<'a>,
    #[serde(borrow)]
    title: Scalar<'a>,
    #[serde(borrow)]
    category: Scalar<'a>,
    #[serde(borrow)]
    severity: Scalar<'a>,
    #[serde(borrow)]
    status: Scalar<'a>,
    #[serde(borrow)]
    assigned_to: Scalar<'a>,
    #[serde(borrow)]
    created_date_time: Scalar<'a>,
    #[serde(borrow)]
    service_source: Scalar<'a>,
    #[serde(borrow)]
    last_update_date_time: Scalar<'a>,
    #[serde(borrow)]
    last_modified_date_time: Scalar<'a>,
    #[serde(borrow)]
    vendor_information: Vendor<'a>,
}

impl Fields<'_> {
    fn into_row(self, shape: Shape) -> AlertRow {
        let (source, updated) = match shape {
            Shape::V2 => (self.service_source, self.last_update_date_time),
            Shape::Legacy => (
                self.vendor_information.provider,
                self.last_modified_date_time,
            ),
        };
        AlertRow {
            id: self.id.into(),
            title: self.title.into(),
            category: self.category.into(),
            severity: self.severity.into(),
            status: self.status.into(),
            source: source.into(),
            assigned_to: self.assigned_to.into(),
            created: self.created_date_time.into(),
            updated: updated.into(),
        }
    }
}

/// `vendorInformation`: its `provider`; anything that is not an object gives an empty one.
#[derive(Default)]
struct Vendor<'a> {
    provider: Scalar<'a>,
}

impl<'de: 'a, 'a> Deserialize<'de> for Vendor<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize, Default)]
        #[serde(default)]
        struct Object<'a> {
            #[serde(borrow)]
            provider: Scalar<'a>,
        }
        match Option::<&RawValue>::deserialize(deserializer)? {
            Some(raw) if raw.get().trim_start().starts_with('{') => {
                let object: Object = serde_json::from_str(raw.get()).map_err(de::Error::custom)?;
                Ok(Self {
                    provider: object.provider,
                })
            }
            _ => Ok(Self::default()),
        }
    }
}

/// A member shown as text: a string as it is, a number or a boolean written out, anything
/// else (null, an object, an array) as nothing.
#[derive(Default)]
struct Scalar<'a>(Cow<'a, str>);

impl From<Scalar<'_>> for String {
    fn from(scalar: Scalar<'_>) -> Self {
        scalar.0.into_owned()
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Scalar<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor(std::marker::PhantomData))
    }
}

struct ScalarVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for ScalarVisitor<'a> {
    type Value = Scalar<'a>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Scalar(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Scalar(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Scalar(Cow::Owned(v)))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Scalar(Cow::Owned(v.to_string())))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Scalar(Cow::Owned(serde_json::Number::from(v).to_string())))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Scalar(Cow::Owned(serde_json::Number::from(v).to_string())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        let text = serde_json::Number::from_f64(v).map_or_else(String::new, |n| n.to_string());
        Ok(Scalar(Cow::Owned(text)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Scalar::default())
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Scalar::default())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::default())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::default())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn both(shape: Shape, alert: &Value) -> (AlertRow, AlertRow) {
        let raw = serde_json::value::to_raw_value(alert).unwrap();
        (row(shape, &raw), AlertRow::from_json(shape, alert))
    }

    #[test]
    fn rows_read_from_raw_json_equal_rows_read_from_the_tree() {
        let legacy = json!({
            "id": "a\"1", "title": "Suspicious \\ sign-in \u{e9}", "category": "credentialTheft",
            "severity": "high", "status": "newAlert", "assignedTo": null,
            "createdDateTime": "2026-11-20T08:00:00Z", "lastModifiedDateTime": "2026-11-21T08:00:00Z",
            "vendorInformation": {"provider": "IPC", "vendor": "Microsoft", "extra": [1, {"a": 2}]},
            "hostStates": [{"fqdn": "h"}], "riskScore": 7, "confidence": 1.5, "flag": true,
        });
        let (fast, tree) = both(Shape::Legacy, &legacy);
        assert_eq!(fast, tree);
        assert_eq!(fast.source, "IPC");
        let v2 = json!({
            "id": 42, "title": {"not": "text"}, "serviceSource": "microsoftDefenderForEndpoint",
            "lastUpdateDateTime": "2026-11-22T08:00:00.1234567Z", "assignedTo": "megan@contoso.example",
            "vendorInformation": "not an object", "evidence": [],
        });
        let (fast, tree) = both(Shape::V2, &v2);
        assert_eq!(fast, tree);
        assert_eq!((fast.id.as_str(), fast.title.as_str()), ("42", ""));
    }

    #[test]
    fn a_legacy_alert_cut_to_the_selected_fields_gives_the_same_row() {
        let full = json!({
            "id": "a1", "title": "Impossible travel", "category": "ImpossibleTravel",
            "severity": "medium", "status": "inProgress", "assignedTo": "megan@contoso.example",
            "createdDateTime": "2026-11-20T08:00:00Z", "lastModifiedDateTime": "2026-11-21T08:00:00Z",
            "vendorInformation": {"provider": "IPC", "vendor": "Microsoft"},
            "hostStates": [{"fqdn": "h"}], "userStates": [{"userPrincipalName": "u"}],
            "description": "long text", "riskScore": "7",
        });
        let selected: serde_json::Map<String, Value> = LEGACY_ROW_FIELDS
            .split(',')
            .map(|name| (name.to_string(), full[name].clone()))
            .collect();
        let cut = Value::Object(selected);
        assert_eq!(both(Shape::Legacy, &cut).0, both(Shape::Legacy, &full).0);
        assert_eq!(both(Shape::Legacy, &cut).0.source, "IPC");
    }

    #[test]
    fn an_alert_the_fast_reader_refuses_still_gives_its_row() {
        let raw: Box<RawValue> =
            serde_json::from_str(r#"{"id":"first","id":"second","title":"t"}"#).unwrap();
        let row = row(Shape::V2, &raw);
        assert_eq!((row.id.as_str(), row.title.as_str()), ("second", "t"));
    }
}
