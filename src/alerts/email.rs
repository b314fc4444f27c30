//! Emailing an alert: recipients from the form, and the summary message.

use askama::Template;

use super::detail::AlertDetail;

/// At most this many recipients per message.
pub const MAX_RECIPIENTS: usize = 10;

/// Splits a comma (or semicolon) separated list and checks every address.
pub fn parse_recipients(raw: &str) -> Result<Vec<String>, String> {
    let addresses: Vec<String> = raw
        .split([',', ';'])
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .collect();
    if addresses.is_empty() {
        return Err("Enter at least one recipient email address.".to_string());
    }
    if addresses.len() > MAX_RECIPIENTS {
        return Err(format!(
            "Send to at most {MAX_RECIPIENTS} recipients at a time."
        ));
    }
    if let Some(bad) = addresses.iter().find(|a| !is_address(a)) {
        let shown: String = bad.chars().take(64).collect();
        return Err(format!("'{shown}' is not a valid email address."));
    }
    Ok(addresses)
}

fn is_address(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    address.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && domain.contains('.')
        && !domain.starts_with(['.', '-'])
        && !domain.ends_with(['.', '-'])
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c))
}

/// The HTML body of the summary; every value is escaped by the template.
#[derive(Template)]
#[template(path = "alert_email.html")]
pub struct AlertEmail<'a> {
    pub alert: &'a AlertDetail,
    /// This alert's page in the app.
    pub app_link: &'a str,
    pub sender: &'a str,
}

/// The subject line: "Security alert: <title>" (shortened).
pub fn subject(alert: &AlertDetail) -> String {
    let title: String = alert.row.title.chars().take(120).collect();
    format!("Security alert ({}): {title}", alert.row.severity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_are_split_and_checked() {
        assert_eq!(
            parse_recipients(" a@contoso.example, b.c@x.org;"),
            Ok(vec![
                "a@contoso.example".to_string(),
                "b.c@x.org".to_string()
            ])
        );
        assert!(
            parse_recipients(" , ")
                .unwrap_err()
                .contains("at least one")
        );
        let err = parse_recipients("a@contoso.example, <script>@x.org").unwrap_err();
        assert!(err.contains("'<script>@x.org' is not a valid"), "{err}");
        for bad in ["nobody", "a@b", "a@-x.org", "a b@x.org", "a@x..org"] {
            assert!(parse_recipients(bad).is_err(), "{bad}");
        }
        let many = ["a@x.org"; 11].join(",");
        assert!(parse_recipients(&many).is_err());
    }
}
