//! `POST /alerts/{id}/email`: send a summary of the alert with `/me/sendMail`.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tower_sessions::Session;

use super::detail::{AlertPage, alert_path, load};
use crate::alerts::api::AlertsApi;
use crate::alerts::detail::AlertDetail;
use crate::alerts::email::{AlertEmail, parse_recipients, subject};
use crate::alerts::id::validate_alert_id;
use crate::auth::User;
use crate::error::AppError;
use crate::graph::mail;
use crate::graph::observe::observe;
use crate::triage::audit::{Actor, Resource, Write, writes};
use crate::web::alerts::notice::to_app_error;
use crate::web::layout::{Layout, flash};
use crate::web::state::AppState;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EmailForm {
    pub recipients: String,
}

pub async fn send(
    State(state): State<AppState>,
    State(api): State<AlertsApi>,
    user: User,
    session: Session,
    layout: Layout,
    Path(id): Path<String>,
    Form(form): Form<EmailForm>,
) -> Result<Response, AppError> {
    let id = validate_alert_id(&id).map_err(AppError::BadRequest)?;
    let alert = load(&api, &user, &id).await?;
    let recipients = match parse_recipients(&form.recipients) {
        Ok(recipients) => recipients,
        Err(problem) => {
            // Back on the same page, with what was typed and the reason beside it.
            let mut page = AlertPage::new(&api, layout, &alert);
            page.email_recipients = form.recipients;
            page.email_problem = Some(problem);
            return Ok((StatusCode::BAD_REQUEST, page).into_response());
        }
    };
    let detail = AlertDetail::from_json(api.shape(), &alert);
    let path = alert_path(&id);
    let app_link = state
        .urls
        .public_url
        .join(path.trim_start_matches('/'))
        .map(|u| u.to_string())
        .unwrap_or_else(|_| path.clone());
    let html = AlertEmail {
        alert: &detail,
        app_link: &app_link,
        sender: &user.display_name,
    }
    .render()
    .map_err(|e| AppError::Internal(e.into()))?;
    let body = mail::html_message(&subject(&detail), &html, &recipients);
    let (result, answers) = observe(mail::send(&state.graph, user.access_token(), &body)).await;
    let write = Write::new("email sent", Resource::Mail, &id).fields(
        serde_json::json!({}),
        serde_json::json!({"subject": subject(&detail), "recipients": recipients}),
    );
    writes::record_write(&state.audit, &Actor::from(&user), write, &result, &answers)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    result.map_err(|err| to_app_error(err, "Mail.Send"))?;
    flash(
        &session,
        "success",
        format!("The alert summary was sent to {}.", recipients.join(", ")),
    )
    .await;
    Ok(Redirect::to(&path).into_response())
}
