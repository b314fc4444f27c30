//! Remediation HTML from Microsoft, made safe to embed: ammonia keeps formatting and https links,
//! and drops scripts, styles, event handlers, images and every other URL scheme.

use std::collections::HashSet;
use std::fmt;
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use url::Url;

static CLEANER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut builder = Builder::default();
    builder
        .url_schemes(HashSet::from(["https"]))
        .url_relative(UrlRelative::Deny)
        .rm_tags(["img"])
        .link_rel(Some("noopener noreferrer nofollow"));
    builder
});

/// HTML that went through the sanitiser; the only kind a template may render unescaped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SafeHtml(String);

impl SafeHtml {
    pub fn sanitise(html: &str) -> Self {
        Self(CLEANER.clean(html).to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Display for SafeHtml {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The URL, normalised, when it is an absolute https URL; anything else is not a link.
pub fn https_link(raw: &str) -> Option<String> {
    let url = Url::parse(raw.trim()).ok()?;
    (url.scheme() == "https" && url.host().is_some()).then(|| url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_event_handlers_do_not_survive() {
        let html = SafeHtml::sanitise(
            r#"<p>Enable MFA.<script>alert(1)</script></p><img src=x onerror="alert(2)"><b onclick="x()">now</b>"#,
        );
        let text = html.as_str();
        assert!(!text.contains("<script"), "{text}");
        assert!(!text.contains("alert"), "{text}");
        assert!(!text.contains("onerror"), "{text}");
        assert!(!text.contains("onclick"), "{text}");
        assert!(text.contains("<p>Enable MFA.</p>"), "{text}");
        assert!(text.contains("<b>now</b>"), "{text}");
    }

    #[test]
    fn only_https_links_are_kept() {
        let html = SafeHtml::sanitise(
            r#"<a href="https://learn.microsoft.com/x">docs</a> <a href="javascript:alert(1)">bad</a> <a href="http://plain.example">plain</a> <a href="/relative">rel</a>"#,
        );
        let text = html.as_str();
        assert!(
            text.contains(r#"href="https://learn.microsoft.com/x""#),
            "{text}"
        );
        assert!(text.contains("noopener"), "{text}");
        assert!(!text.contains("javascript"), "{text}");
        assert!(!text.contains("http://plain"), "{text}");
        assert!(!text.contains("/relative"), "{text}");
    }

    #[test]
    fn style_and_iframe_content_is_dropped() {
        let html = SafeHtml::sanitise(
            "<style>body{display:none}</style><iframe src=https://x.example></iframe>ok",
        );
        assert_eq!(html.as_str(), "ok");
    }

    #[test]
    fn action_urls_are_links_only_when_https() {
        assert_eq!(
            https_link(" https://admin.microsoft.com/a?b=1 ").as_deref(),
            Some("https://admin.microsoft.com/a?b=1")
        );
        for bad in [
            "javascript:alert(1)",
            "http://admin.example",
            "/relative",
            "data:text/html,x",
            "",
        ] {
            assert_eq!(https_link(bad), None, "{bad}");
        }
    }
}
