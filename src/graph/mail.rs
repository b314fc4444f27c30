//! `POST /me/sendMail` (Graph v1.0 "user: sendMail").

use reqwest::Method;
use secrecy::SecretString;
use serde_json::{Value, json};

use super::{GraphClient, GraphError};

pub const SEND_MAIL: &str = "v1.0/me/sendMail";

/// The sendMail body for an HTML message, not saved to Sent Items.
pub fn html_message(subject: &str, html: &str, recipients: &[String]) -> Value {
    let to: Vec<Value> = recipients
        .iter()
        .map(|address| json!({"emailAddress": {"address": address}}))
        .collect();
    json!({
        "message": {
            "subject": subject,
            "body": {"contentType": "html", "content": html},
            "toRecipients": to,
        },
        "saveToSentItems": false,
    })
}

/// Sends the message; Graph answers 202 with no body.
pub async fn send(
    graph: &GraphClient,
    token: &SecretString,
    body: &Value,
) -> Result<(), GraphError> {
    graph
        .send(Method::POST, token, graph.url(SEND_MAIL), Some(body), &[])
        .await
        .map(|_| ())
}
