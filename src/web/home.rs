//! `GET /`: the sign-in page, or the signed-in user's dashboard.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use crate::auth::User;
use crate::state::AppState;
use crate::web::layout::Layout;

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    layout: Layout,
    user: Option<User>,
    alerts_api: &'static str,
}

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(home))
}

async fn home(State(state): State<AppState>, user: Option<User>, layout: Layout) -> HomePage {
    HomePage {
        layout: layout.active("home"),
        user,
        alerts_api: state.settings.graph.alerts_api.as_str(),
    }
}
