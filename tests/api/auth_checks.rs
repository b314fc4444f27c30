//! Sign-in and session checks that had no test: the nonce and the id token, the Secure cookie on
//! https, and a CSRF token on every POST form of every signed-in page, checked by the server.

use std::collections::{BTreeSet, VecDeque};

use graphsec::config::AlertsApiKind;
use graphsec_sandbox::identity::store::IdTokenFault;
use reqwest::StatusCode;
use reqwest::header::SET_COOKIE;
use scraper::{Html, Selector};

use crate::helpers::{MEGAN, TestApp, sandbox_options, select_text, spawn_app, spawn_app_with};

async fn refused_sign_in(fault: IdTokenFault, says: &str) {
    let app = spawn_app().await;
    app.sandbox
        .state()
        .identity()
        .set_id_token_fault(Some(fault));
    let response = app.sign_in_as(MEGAN).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{fault:?}");
    let page = response.text().await.unwrap();
    assert!(page.contains(says), "{fault:?}: {page}");
    let (_, home) = app.get_html("/").await;
    assert!(
        select_text(&home, "#user-name").is_none(),
        "{fault:?}: nobody is signed in"
    );
    // The positive control: the same steps sign in once the id token is right.
    app.sandbox.state().identity().set_id_token_fault(None);
    app.sign_in().await;
    let (_, home) = app.get_html("/").await;
    assert_eq!(
        select_text(&home, "#user-name").as_deref(),
        Some("Megan Bowen")
    );
}

#[tokio::test]
async fn an_id_token_with_another_sign_ins_nonce_is_refused() {
    refused_sign_in(IdTokenFault::WrongNonce, "nonce mismatch").await;
}

#[tokio::test]
async fn a_token_answer_without_an_id_token_is_refused() {
    refused_sign_in(IdTokenFault::Omit, "carried no ID token").await;
}

#[tokio::test]
async fn an_id_token_from_another_issuer_or_for_another_app_or_outside_its_lifetime_is_refused() {
    for (fault, says) in [
        (IdTokenFault::IssuedByAnotherTenant, "issuer does not match"),
        (
            IdTokenFault::IssuedForAnotherApp,
            "issued for another application",
        ),
        (IdTokenFault::Expired, "has expired"),
        (IdTokenFault::NotYetValid, "not valid yet"),
    ] {
        refused_sign_in(fault, says).await;
    }
}

fn session_cookie(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("graphsec_session="))
        .unwrap_or_else(|| panic!("no session cookie: {:?}", response.headers()))
}

fn cookie_named(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie: {:?}", response.headers()))
}

/// Signs in through `app` by hand, sending the sign-in cookie itself (a client's cookie store
/// keeps a `Secure` cookie from plain http); returns the callback's answer.
async fn sign_in_by_hand(app: &TestApp) -> (reqwest::Response, String) {
    let client = crate::helpers::new_client();
    let login = client.get(app.url("/login")).send().await.unwrap();
    let sign_in_cookie = cookie_named(&login, "graphsec_sign_in");
    let authorize = crate::helpers::location(&login);
    let approved = client
        .post(authorize)
        .form(&[("user", MEGAN), ("decision", "approve")])
        .send()
        .await
        .unwrap();
    let mut callback = url::Url::parse(&crate::helpers::location(&approved)).unwrap();
    callback.set_scheme("http").unwrap();
    let pair = sign_in_cookie.split(';').next().unwrap().to_string();
    let answer = client
        .get(callback)
        .header(reqwest::header::COOKIE, pair)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::SEE_OTHER, "sign-in completes");
    (answer, sign_in_cookie)
}

#[tokio::test]
async fn the_sign_in_and_session_cookies_are_secure_exactly_when_public_url_is_https() {
    // The sandbox takes an https redirect URI only when registered: the app's port is chosen first.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let public_url = format!("https://localhost:{port}");
    let options = graphsec_sandbox::SandboxOptions {
        redirect_uris: vec![format!("{public_url}/login/authorized")],
        ..sandbox_options()
    };
    let https = spawn_app_with(options, |s| {
        s.server.bind = format!("127.0.0.1:{port}");
        s.server.public_url = public_url.clone();
    })
    .await;
    let (answer, sign_in_cookie) = sign_in_by_hand(&https).await;
    for cookie in [sign_in_cookie, session_cookie(&answer)] {
        let attributes: Vec<&str> = cookie.split(';').map(str::trim).collect();
        assert!(attributes.contains(&"Secure"), "{cookie}");
        assert!(attributes.contains(&"HttpOnly"), "{cookie}");
        assert!(attributes.contains(&"SameSite=Lax"), "{cookie}");
    }

    let http = spawn_app().await;
    let (answer, sign_in_cookie) = sign_in_by_hand(&http).await;
    for cookie in [sign_in_cookie, session_cookie(&answer)] {
        assert!(!cookie.split(';').any(|a| a.trim() == "Secure"), "{cookie}");
    }
}

/// Paths not to follow: downloads, the event stream, sign-in and sign-out.
fn crawlable(path: &str) -> bool {
    !(path.starts_with("/static/")
        || path.starts_with("/login")
        || path.starts_with("/logout")
        || path.starts_with("/listen/events")
        || path.starts_with("/alerts/export"))
}

/// Every POST form on the signed-in pages reachable from `/`: (page, action, fields, token).
async fn crawl_post_forms(app: &TestApp) -> Vec<(String, String, Vec<(String, String)>, String)> {
    let links = Selector::parse("a[href]").unwrap();
    let forms = Selector::parse("form").unwrap();
    let inputs = Selector::parse("input[name], select[name], textarea[name]").unwrap();
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from(["/".to_string()]);
    let mut found = Vec::new();
    while let Some(path) = queue.pop_front() {
        if seen.len() >= 80 || !seen.insert(path.clone()) {
            continue;
        }
        let (status, html) = app.get_html(&path).await;
        assert!(
            status.is_success() || status.is_client_error(),
            "{path}: {status}"
        );
        let doc = Html::parse_document(&html);
        for form in doc.select(&forms) {
            let method = form.value().attr("method").unwrap_or("get");
            if !method.eq_ignore_ascii_case("post") {
                continue;
            }
            let action = form.value().attr("action").unwrap_or(&path).to_string();
            let mut fields = Vec::new();
            let mut token = String::new();
            for input in form.select(&inputs) {
                let name = input.value().attr("name").unwrap().to_string();
                let value = input.value().attr("value").unwrap_or_default().to_string();
                if name == "csrf_token" {
                    token = value;
                } else {
                    fields.push((name, value));
                }
            }
            found.push((path.clone(), action, fields, token));
        }
        for link in doc.select(&links) {
            let href = link.value().attr("href").unwrap();
            if href.starts_with('/') && !href.starts_with("//") && crawlable(href) {
                queue.push_back(href.split('#').next().unwrap().to_string());
            }
        }
    }
    found
}

async fn every_post_form_carries_a_token_the_server_checks(api: AlertsApiKind) {
    let app = spawn_app_with(sandbox_options(), |s| {
        s.graph.alerts_api = api;
    })
    .await;
    app.sign_in().await;
    // A subscription, so the subscriptions page shows its renew and delete forms too.
    let subscribed = app
        .post_form("/subscriptions", &[("severity", "high")])
        .await;
    assert_eq!(subscribed.status(), StatusCode::SEE_OTHER);
    let token = app.csrf_token().await;
    let forms = crawl_post_forms(&app).await;
    let actions: BTreeSet<String> = forms
        .iter()
        .map(|(_, action, _, _)| {
            action
                .split('/')
                .map(|s| {
                    if s.len() > 8 && s.chars().any(|c| c.is_ascii_digit()) {
                        "{id}"
                    } else {
                        s
                    }
                })
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    for expected in [
        "/logout",
        "/alerts/update",
        "/alerts/{id}/email",
        "/subscriptions",
    ] {
        assert!(
            actions.contains(expected),
            "{api:?}: no {expected} form in {actions:?}"
        );
    }
    assert!(
        actions.iter().any(|a| a.ends_with("/renew"))
            && actions.iter().any(|a| a.ends_with("/delete")),
        "{api:?}: {actions:?}"
    );
    for (page, action, _, form_token) in &forms {
        assert_eq!(
            form_token, &token,
            "{api:?}: the form to {action} on {page}"
        );
    }

    let alerts_before = crate::alerts_support::alerts(&app);
    let subscriptions_before = app
        .get_html("/subscriptions")
        .await
        .1
        .matches("/renew")
        .count();
    let mut checked = BTreeSet::new();
    for (page, action, fields, _) in &forms {
        if !checked.insert(action.clone()) {
            continue;
        }
        for bad in [None, Some("not-the-token")] {
            let mut body = fields.clone();
            if let Some(bad) = bad {
                body.push(("csrf_token".into(), bad.into()));
            }
            let response = app
                .client
                .post(app.url(action))
                .form(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(
                response.status(),
                StatusCode::FORBIDDEN,
                "{api:?}: {action} (from {page}) with token {bad:?}"
            );
        }
    }
    // Nothing the refused posts asked for happened.
    let (_, home) = app.get_html("/").await;
    assert!(
        select_text(&home, "#user-name").is_some(),
        "still signed in"
    );
    assert_eq!(crate::alerts_support::alerts(&app), alerts_before);
    assert!(app.sandbox.state().security().outbox().is_empty());
    let subscriptions_after = app
        .get_html("/subscriptions")
        .await
        .1
        .matches("/renew")
        .count();
    assert_eq!(subscriptions_after, subscriptions_before);
}

#[tokio::test]
async fn every_post_form_carries_a_token_the_server_checks_on_alerts_v2() {
    every_post_form_carries_a_token_the_server_checks(AlertsApiKind::V2).await;
}

#[tokio::test]
async fn every_post_form_carries_a_token_the_server_checks_on_legacy_alerts() {
    every_post_form_carries_a_token_the_server_checks(AlertsApiKind::Legacy).await;
}
