//! Issue 15, item 8: a `/login/authorized?error=…` link cannot put text of its own on the
//! console's pages: the state is checked first, and a known error code gets a fixed sentence.

use reqwest::StatusCode;
use url::Url;

use crate::helpers::{MEGAN, TestApp, location, select_text, spawn_app, urlencode};

const LURE: &str = "<b>Call +1 555 0100 to restore access</b>\n2026-11-30 INFO user signed in";

fn state_of(authorize: &Url) -> String {
    authorize
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.to_string())
        .expect("the authorize URL carries a state")
}

async fn message_for(app: &TestApp, query: &str) -> String {
    let (status, html) = app.get_html(&format!("/login/authorized?{query}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(
        !html.contains("555 0100"),
        "free text reached the page: {html}"
    );
    select_text(&html, "#error-message").expect("an error message")
}

#[tokio::test]
async fn a_sign_in_error_link_puts_no_text_of_its_own_on_the_page() {
    let app = spawn_app().await;
    let lure = urlencode(LURE);

    // A link made elsewhere: not this browser's sign-in, refused for that before anything else.
    let message = message_for(
        &app,
        &format!("error=access_denied&error_description={lure}"),
    )
    .await;
    assert!(message.contains("does not belong to a sign-in started in this browser"));

    // Even with this browser's state, the page says a fixed sentence for the code: a refusal
    // is read as the user cancelling, with none of the description shown...
    let state = state_of(&app.begin_sign_in(None).await);
    let (status, html) = app
        .get_html(&format!(
            "/login/authorized?error=access_denied&error_description={lure}&state={state}"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        !html.contains("555 0100"),
        "free text reached the page: {html}"
    );
    let message = select_text(&html, "#sign-in-cancelled").expect("the cancelled notice");
    assert!(message.contains("You cancelled signing in"), "{message}");
    // ...and any other known code gets its own fixed sentence.
    let state = state_of(&app.begin_sign_in(None).await);
    let message = message_for(
        &app,
        &format!("error=consent_required&error_description={lure}&state={state}"),
    )
    .await;
    assert!(
        !message.contains("did not complete the request"),
        "{message}"
    );

    // ...and an unknown code is not quoted either.
    let state = state_of(&app.begin_sign_in(None).await);
    let message = message_for(&app, &format!("error={lure}&state={state}")).await;
    assert!(
        message.contains("did not complete the request"),
        "{message}"
    );

    // A real cancel on the sign-in page reads the same, with none of Microsoft's free text.
    let authorize = app.begin_sign_in(None).await;
    let answer = app
        .client
        .post(authorize)
        .form(&[("user", MEGAN), ("decision", "cancel")])
        .send()
        .await
        .unwrap();
    let back = Url::parse(&location(&answer)).unwrap();
    assert!(back.query().unwrap().contains("error_description"));
    let (status, html) = app
        .get_html(&format!("{}?{}", back.path(), back.query().unwrap()))
        .await;
    assert_eq!(status, StatusCode::OK);
    let message = select_text(&html, "#sign-in-cancelled").unwrap();
    assert!(
        message.contains("You cancelled signing in") && !html.contains("AADSTS"),
        "{message}"
    );
}
