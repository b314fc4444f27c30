//! `POST /logout` (CSRF-checked by the browser router): forget the session and its tokens.

use axum::response::Redirect;
use tower_sessions::Session;

use crate::error::AppError;

pub async fn logout(session: Session) -> Result<Redirect, AppError> {
    session.flush().await?;
    Ok(Redirect::to("/"))
}
