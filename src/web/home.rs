//! `GET /`: the sign-in page, or the signed-in user's dashboard.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::auth::User;
use crate::state::AppState;
use crate::web::layout::Layout;
use crate::web::secure_score::{HomeScore, home_summary};

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    layout: Layout,
    user: Option<User>,
    alerts_api: &'static str,
    secure_score: Option<HomeScore>,
}

pub async fn show(State(state): State<AppState>, user: Option<User>, layout: Layout) -> HomePage {
    let secure_score = match &user {
        Some(user) => Some(home_summary(&state, user).await),
        None => None,
    };
    HomePage {
        layout: layout.active("home"),
        user,
        alerts_api: state.settings.graph.alerts_api.as_str(),
        secure_score,
    }
}
