//! `POST /me/sendMail`: the message shape Graph accepts, kept in an outbox tests can read.

use serde_json::Value;
use time::OffsetDateTime;

use super::failure::{Failure, shown};

/// A message accepted by `/me/sendMail`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMail {
    /// The tenant id of the sender.
    pub tenant_id: String,
    /// The sender's UPN.
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    /// `text` or `html` (`microsoft.graph.bodyType`).
    pub content_type: String,
    pub content: String,
    pub save_to_sent_items: bool,
    pub sent_at: OffsetDateTime,
}

/// Reads a sendMail body: `{"message":{subject, body{contentType, content}, toRecipients[…]},
/// "saveToSentItems"}`. Refuses a message without recipients or with a malformed address.
pub fn parse(
    body: &Value,
    tenant_id: &str,
    from: &str,
    now: OffsetDateTime,
) -> Result<SentMail, Failure> {
    let message = body
        .get("message")
        .and_then(Value::as_object)
        .ok_or_else(|| Failure::bad_request("The 'message' property is required."))?;
    let recipients = message
        .get("toRecipients")
        .and_then(Value::as_array)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| {
            Failure::bad_request("At least one recipient is required in toRecipients.")
        })?;
    let to = recipients
        .iter()
        .map(|r| {
            let address = r
                .pointer("/emailAddress/address")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if is_address(address) {
                Ok(address.to_string())
            } else {
                Err(Failure {
                    code: "ErrorInvalidRecipients",
                    ..Failure::bad_request(format!(
                        "At least one recipient is not valid., Recipient '{}' is not resolved.",
                        shown(address)
                    ))
                })
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let text = |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_string();
    let body_part = message.get("body");
    let content_type = match text(body_part.and_then(|b| b.get("contentType"))) {
        // microsoft.graph.bodyType, spelled exactly (Graph's examples write "HTML"; the CSDL
        // member is "html", and the sandbox accepts only the CSDL's spelling).
        t if t.is_empty() => "text".to_string(),
        t if t == "text" || t == "html" => t,
        other => {
            return Err(Failure::bad_request(format!(
                "Requested value '{}' was not found for property 'contentType'.",
                shown(&other)
            )));
        }
    };
    Ok(SentMail {
        tenant_id: tenant_id.to_string(),
        from: from.to_string(),
        to,
        subject: text(message.get("subject")),
        content_type,
        content: text(body_part.and_then(|b| b.get("content"))),
        save_to_sent_items: body
            .get("saveToSentItems")
            .and_then(Value::as_bool)
            .unwrap_or(true),
        sent_at: now,
    })
}

/// A plausible SMTP address: one `@`, non-empty local part, a dotted domain, no spaces.
fn is_address(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && address.len() <= 254
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !address
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>,;\"".contains(c))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn message(to: &[&str]) -> Value {
        let recipients: Vec<Value> = to
            .iter()
            .map(|a| json!({"emailAddress": {"address": a}}))
            .collect();
        json!({"message": {"subject": "Alert", "body": {"contentType": "html", "content": "<p>x</p>"},
               "toRecipients": recipients}, "saveToSentItems": false})
    }

    #[test]
    fn a_valid_message_is_kept_whole() {
        let now = OffsetDateTime::UNIX_EPOCH;
        let mail = parse(
            &message(&["a@contoso.example", "b@x.org"]),
            "t",
            "me@c.example",
            now,
        )
        .unwrap();
        assert_eq!(mail.to, vec!["a@contoso.example", "b@x.org"]);
        assert_eq!(mail.content_type, "html");
        assert!(!mail.save_to_sent_items);
    }

    #[test]
    fn bad_messages_are_refused() {
        let now = OffsetDateTime::UNIX_EPOCH;
        assert!(parse(&json!({}), "t", "me", now).is_err());
        assert!(parse(&message(&[]), "t", "me", now).is_err());
        for bad in [
            "nobody",
            "a@b",
            "a b@c.org",
            "<a@b.org>",
            "@c.org",
            "a@.org",
        ] {
            let err = parse(&message(&[bad]), "t", "me", now).unwrap_err();
            assert_eq!(err.code, "ErrorInvalidRecipients", "{bad}");
        }
    }
}
