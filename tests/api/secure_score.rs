//! `GET /secure-score` and the home page's score summary against the sandbox tenant.

use reqwest::StatusCode;
use scraper::{Html, Selector};

use crate::helpers::{location, select_text, spawn_app};

fn count(html: &str, selector: &str) -> usize {
    Html::parse_document(html)
        .select(&Selector::parse(selector).unwrap())
        .count()
}

#[tokio::test]
async fn the_secure_score_page_shows_the_sandbox_figures() {
    let app = spawn_app().await;
    app.sign_in().await;
    let (status, html) = app.get_html("/secure-score").await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(
        select_text(&html, "#current-score").as_deref(),
        Some("43.5")
    );
    assert_eq!(select_text(&html, "#max-score").as_deref(), Some("88"));
    assert_eq!(
        select_text(&html, "#licensed-users").as_deref(),
        Some("250")
    );
    assert_eq!(select_text(&html, "#active-users").as_deref(), Some("212"));
    let services = select_text(&html, "#enabled-services").unwrap();
    assert!(
        services.contains("HasExchange") && services.contains("HasMDATP"),
        "{services}"
    );
    assert_eq!(
        count(&html, "progress#score-progress[value='43.5'][max='88']"),
        1
    );
    assert_eq!(count(&html, "#control-scores tbody tr"), 12);
    // 12 profiles, served five to a page: all pages were read.
    assert_eq!(count(&html, "#control-profiles tr.control-profile"), 12);
    assert!(html.contains("Ensure mailbox auditing for all users is enabled"));
    assert!(html.contains("Defense in Depth") && html.contains("Moderate"));
}

#[tokio::test]
async fn remediation_html_is_sanitised() {
    let app = spawn_app().await;
    app.sign_in().await;
    let (_, html) = app.get_html("/secure-score").await;
    assert!(html.contains("Block clients that do not use modern authentication."));
    assert!(html.contains("Turn on SSPR for all users."));
    assert!(!html.contains("document.cookie"), "script content survived");
    assert!(!html.contains("evil.example"), "script content survived");
    assert!(!html.contains("onerror"), "event handler survived");
    assert!(!html.contains("onclick"), "event handler survived");
    assert!(!html.contains("alert('secure score')"));
    assert_eq!(count(&html, ".remediation script"), 0);
    assert_eq!(count(&html, ".remediation img"), 0);
    assert_eq!(
        count(
            &html,
            ".remediation a[href^='https://learn.microsoft.com/']"
        ),
        1,
        "https links in remediation stay links"
    );
}

#[tokio::test]
async fn a_javascript_action_url_is_not_rendered_as_a_link() {
    let app = spawn_app().await;
    app.sign_in().await;
    let (_, html) = app.get_html("/secure-score").await;
    assert_eq!(count(&html, "a[href^='javascript']"), 0);
    assert_eq!(count(&html, "a[href*='alert(']"), 0);
    assert_eq!(count(&html, ".action-text"), 1);
    assert_eq!(count(&html, "a.action-link[href^='https://']"), 11);
}

#[tokio::test]
async fn the_home_page_shows_a_score_summary_and_the_nav_links_to_the_page() {
    let app = spawn_app().await;
    app.sign_in().await;
    let (_, html) = app.get_html("/").await;
    let summary = select_text(&html, "#home-secure-score").expect("a score summary");
    assert!(
        summary.contains("43.5") && summary.contains("88"),
        "{summary}"
    );
    assert_eq!(count(&html, "nav a[href='/secure-score']"), 1);
}

#[tokio::test]
async fn the_secure_score_page_needs_sign_in() {
    let app = spawn_app().await;
    let response = app.get("/secure-score").await;
    assert!(response.status().is_redirection());
    assert!(
        location(&response).starts_with("/login"),
        "{}",
        location(&response)
    );
}
