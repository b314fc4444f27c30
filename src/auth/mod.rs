//! Sign-in with Microsoft (authorization code + PKCE), the signed-in user, CSRF, admin consent.

mod admin_consent;
mod callback;
pub mod csrf;
mod id_token;
mod login;
mod logout;
pub mod oauth;
mod refresh;
mod scopes;
mod session_data;
mod user;

pub use refresh::refresh;
pub use scopes::has_scope;
pub use session_data::{TOKENS as TOKENS_KEY, Tokens, USER as USER_KEY, UserInfo};
pub use user::User;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login::start))
        .route("/login/authorized", get(callback::authorized))
        .route("/logout", post(logout::logout))
        .route("/admin-consent", get(admin_consent::page))
}
