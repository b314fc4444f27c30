//! Reading what Graph POSTs to `/listen` and `/lifecycle`, from the raw query, headers and
//! body, before anything is trusted: a validation request, or a JSON batch.

use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

use axum::http::{HeaderMap, StatusCode, header};
use bytes::Bytes;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

/// Largest batch body accepted. Graph batches are small; this bounds memory per request.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Largest number of notifications accepted in one batch.
pub const MAX_BATCH: usize = 1000;

/// A webhook request, once its shape is known.
#[derive(Debug)]
pub enum Inbound<T> {
    /// `?validationToken=…`: echo the decoded token.
    Validation(String),
    /// A `{"value": [...]}` batch: each item as the caller's seed read it, borrowing from the
    /// body (its raw JSON, or a change notification read in the same pass); items are checked
    /// one by one later.
    Batch(Vec<T>),
}

/// Items read as their raw JSON, for a caller that reads each item itself.
pub fn raw_items(_: &str) -> PhantomData<&RawValue> {
    PhantomData
}

/// Why a webhook request was refused, as a status and a readable message.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error("the request body is larger than {MAX_BODY_BYTES} bytes")]
    TooLarge,
    #[error("notifications must be sent as application/json")]
    UnsupportedMediaType,
    #[error("the body is not a notification batch: {0}")]
    Malformed(String),
    #[error("a batch may hold at most {MAX_BATCH} notifications")]
    TooMany,
}

impl WebhookError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Malformed(_) | Self::TooMany => StatusCode::BAD_REQUEST,
        }
    }
}

/// Classifies a webhook request. The validation token is URL-decoded exactly once, as
/// Graph requires; a batch must be UTF-8 JSON of the documented shape, each item read by the
/// seed that `item` makes for the body's text. Parsing stops at the first item past
/// [`MAX_BATCH`], so a large body of tiny items is refused without being built.
pub fn read<'a, S: DeserializeSeed<'a> + Copy>(
    query: Option<&str>,
    headers: &HeaderMap,
    body: &'a Bytes,
    item: fn(&'a str) -> S,
) -> Result<Inbound<S::Value>, WebhookError> {
    if let Some(token) = validation_token(query) {
        return Ok(Inbound::Validation(token));
    }
    if body.len() > MAX_BODY_BYTES {
        return Err(WebhookError::TooLarge);
    }
    if !is_json(headers) {
        return Err(WebhookError::UnsupportedMediaType);
    }
    let Ok(text) = std::str::from_utf8(body) else {
        return Err(WebhookError::Malformed("it is not UTF-8 text".into()));
    };
    let too_many = Cell::new(false);
    let mut json = serde_json::Deserializer::from_str(text);
    let parsed = BatchSeed {
        too_many: &too_many,
        item: item(text),
    }
    .deserialize(&mut json)
    .and_then(|items| json.end().map(|()| items));
    match parsed {
        Ok(items) => Ok(Inbound::Batch(items)),
        Err(_) if too_many.get() => Err(WebhookError::TooMany),
        Err(e) => Err(WebhookError::Malformed(describe(&e))),
    }
}

/// Whether a declared `Content-Length` already says the body is too large.
pub fn declared_too_large(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|n| n > MAX_BODY_BYTES as u64)
}

/// `{"value": [...]}` (other keys ignored), with at most [`MAX_BATCH`] items, each read by
/// `item`; sets `too_many` and fails as soon as one more item starts.
#[derive(Clone, Copy)]
struct BatchSeed<'f, S> {
    too_many: &'f Cell<bool>,
    item: S,
}

impl<'de, S: DeserializeSeed<'de> + Copy> DeserializeSeed<'de> for BatchSeed<'_, S> {
    type Value = Vec<S::Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, S: DeserializeSeed<'de> + Copy> Visitor<'de> for BatchSeed<'_, S> {
    type Value = Vec<S::Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object with a \"value\" array")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut items = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "value" && items.is_none() {
                items = Some(map.next_value_seed(Items(self))?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        items.ok_or_else(|| de::Error::missing_field("value"))
    }
}

struct Items<'f, S>(BatchSeed<'f, S>);

impl<'de, S: DeserializeSeed<'de> + Copy> DeserializeSeed<'de> for Items<'_, S> {
    type Value = Vec<S::Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, S: DeserializeSeed<'de> + Copy> Visitor<'de> for Items<'_, S> {
    type Value = Vec<S::Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of notifications")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MAX_BATCH));
        loop {
            if items.len() == MAX_BATCH {
                // One more item, even an empty one, is one too many: stop before parsing it.
                return match seq.next_element::<IgnoredAny>()? {
                    None => Ok(items),
                    Some(_) => {
                        self.0.too_many.set(true);
                        Err(de::Error::custom("too many notifications"))
                    }
                };
            }
            match seq.next_element_seed(self.0.item)? {
                Some(item) => items.push(item),
                None => return Ok(items),
            }
        }
    }
}

/// The decoded `validationToken` query parameter, if present.
pub fn validation_token(query: Option<&str>) -> Option<String> {
    let query = query?;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == "validationToken")
        .map(|(_, value)| value.into_owned())
}

fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
}

/// A serde error described by category and position only, never echoing the input.
fn describe(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match error.classify() {
        Category::Io => "it could not be read",
        Category::Syntax => "it is not valid JSON",
        Category::Data => "it lacks a \"value\" array",
        Category::Eof => "it ends too early",
    };
    format!("{what} (line {}, column {})", error.line(), error.column())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn read<'a>(
        query: Option<&str>,
        headers: &HeaderMap,
        body: &'a Bytes,
    ) -> Result<Inbound<&'a RawValue>, WebhookError> {
        super::read(query, headers, body, raw_items)
    }

    fn json_headers() -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        headers
    }

    #[test]
    fn validation_token_is_decoded_once() {
        let query = "validationToken=Validation%3A%20%3Cscript%3Ealert(1)%3C%2Fscript%3E%2541+x";
        let empty = Bytes::new();
        let got = read(Some(query), &HeaderMap::new(), &empty).unwrap();
        assert!(
            matches!(&got, Inbound::Validation(t) if t == "Validation: <script>alert(1)</script>%41 x"),
            "{got:?}"
        );
    }

    #[test]
    fn validation_wins_even_with_a_text_body() {
        let body = Bytes::from_static(b"anything");
        let got = read(Some("a=b&validationToken=t"), &HeaderMap::new(), &body);
        assert!(matches!(got.unwrap(), Inbound::Validation(t) if t == "t"));
    }

    #[test]
    fn a_batch_needs_json_content_type() {
        let body = Bytes::from_static(br#"{"value":[]}"#);
        let err = read(None, &HeaderMap::new(), &body).unwrap_err();
        assert_eq!(err.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        assert_eq!(
            read(None, &headers, &body).unwrap_err(),
            WebhookError::UnsupportedMediaType
        );
    }

    #[test]
    fn a_batch_must_have_the_documented_shape() {
        for body in [
            &b"not json"[..],
            b"{}",
            br#"{"value":3}"#,
            b"",
            b"{\"value\":[\"\xff\"]}",
        ] {
            let err = read(None, &json_headers(), &Bytes::copy_from_slice(body)).unwrap_err();
            assert_eq!(err.status(), StatusCode::BAD_REQUEST, "{err}");
        }
        let one = Bytes::from_static(br#"{"value":[{"a":1}]}"#);
        match read(None, &json_headers(), &one).unwrap() {
            Inbound::Batch(items) => assert_eq!(items.len(), 1),
            other => panic!("{other:?}"),
        }
        let spaced = Bytes::from_static(br#"{"value":[ {"a": 1} ]}"#);
        match read(None, &json_headers(), &spaced).unwrap() {
            Inbound::Batch(items) => assert_eq!(items[0].get(), r#"{"a": 1}"#),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn malformed_messages_do_not_echo_the_input() {
        let body = Bytes::from_static(br#"{"value":"<script>"}"#);
        let err = read(None, &json_headers(), &body).unwrap_err();
        assert!(!err.to_string().contains("script"), "{err}");
    }

    #[test]
    fn oversized_and_overlong_batches_are_refused() {
        let big = Bytes::from(vec![b' '; MAX_BODY_BYTES + 1]);
        assert_eq!(
            read(None, &json_headers(), &big).unwrap_err(),
            WebhookError::TooLarge
        );
        let many = format!("{{\"value\":[{}]}}", vec!["{}"; MAX_BATCH + 1].join(","));
        let err = read(None, &json_headers(), &Bytes::from(many)).unwrap_err();
        assert_eq!(err, WebhookError::TooMany);
        let exactly = format!("{{\"value\":[{}]}}", vec!["{}"; MAX_BATCH].join(","));
        match read(None, &json_headers(), &Bytes::from(exactly)).unwrap() {
            Inbound::Batch(items) => assert_eq!(items.len(), MAX_BATCH),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_megabyte_of_tiny_items_is_refused_at_the_first_item_too_many() {
        // 1 MiB of `0,`: hundreds of thousands of items; parsing must stop after MAX_BATCH + 1.
        // The body ends in a syntax error, which a parser that read on would report instead.
        let mut body = String::from("{\"value\":[");
        while body.len() < MAX_BODY_BYTES - 16 {
            body.push_str("0,");
        }
        body.push_str("!!!");
        let err = read(None, &json_headers(), &Bytes::from(body)).unwrap_err();
        assert_eq!(err, WebhookError::TooMany);
    }

    #[test]
    fn other_keys_are_ignored_and_trailing_garbage_is_refused() {
        let body = Bytes::from_static(br#"{"@odata.context":"x","value":[{"a":1}],"n":[1,2]}"#);
        assert!(
            matches!(read(None, &json_headers(), &body), Ok(Inbound::Batch(v)) if v.len() == 1)
        );
        let body = Bytes::from_static(br#"{"value":[]} x"#);
        assert_eq!(
            read(None, &json_headers(), &body).unwrap_err().status(),
            StatusCode::BAD_REQUEST
        );
        let body = Bytes::from_static(br#"{"value":[],"value":[{}]}"#);
        assert!(read(None, &json_headers(), &body).is_ok());
    }

    #[test]
    fn change_notifications_are_read_in_the_pass_that_splits_the_batch() {
        use crate::notify::inbound::item::InBody;
        let items = [
            r#"{"subscriptionId":"s","clientState":"secret","changeType":"updated","resource":"r/1"}"#,
            "7",
            r#""x""#,
            r#"[1, {"subscriptionId": "s"}]"#,
            "null",
            "{}",
            r#"{"client\u0053tate":"secret","subscriptionId":"s","changeType":"updated","resource":"r/2"}"#,
            r#"{ "a\"b\\" : 1 , "subscriptionId" : "s" , "changeType":"u","resource":"r/3" , "clientState" : "secret" }"#,
            r#"{"subscriptionId":"s","changeType":"u","resource":"r/4","resourceData":{"id":"4"}}"#,
            r#"{"subscriptionId":"s","subscriptionId":"t","changeType":"u","resource":"r/5"}"#,
        ];
        let body = Bytes::from(format!("{{\"value\":[ {} ],\"n\":1}}", items.join(" ,\n")));
        let Ok(Inbound::Batch(read)) =
            super::read(None, &json_headers(), &body, |body| InBody { body })
        else {
            panic!("a batch");
        };
        assert_eq!(
            read.len(),
            items.len(),
            "one entry per item, whatever it holds"
        );
        let not_changes: Vec<usize> = (0..read.len()).filter(|&i| read[i].is_none()).collect();
        assert_eq!(not_changes, [1, 2, 3, 4, 5, 9]);
        for i in [0, 6, 7] {
            let change = read[i].as_ref().unwrap();
            assert_eq!(change.client_state.as_deref(), Some("secret"), "item {i}");
            let mut want: serde_json::Value = serde_json::from_str(items[i]).unwrap();
            want.as_object_mut().unwrap().remove("clientState");
            let stored: serde_json::Value = serde_json::from_str(&change.stored).unwrap();
            assert_eq!(stored, want, "item {i} is stored without its secret");
            assert!(!change.stored.contains("secret"), "{}", change.stored);
        }
        let plain = read[8].as_ref().unwrap();
        assert_eq!(plain.stored, items[8], "stored as received");
        assert_eq!(plain.data_id().as_deref(), Some("4"));
        assert_eq!(read[7].as_ref().unwrap().resource, "r/3");
    }

    #[test]
    fn a_declared_length_over_the_limit_is_known_before_reading() {
        let mut headers = json_headers();
        headers.insert(
            header::CONTENT_LENGTH,
            HeaderValue::from(MAX_BODY_BYTES + 1),
        );
        assert!(declared_too_large(&headers));
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(MAX_BODY_BYTES));
        assert!(!declared_too_large(&headers));
    }
}
