//! `GET /secure-score`: the tenant's secure score, control scores and control profiles; and the
//! small score summary of the home page.

mod sanitize;
mod view;

pub use sanitize::{SafeHtml, https_link};
pub use view::{ScoreSummary, SecureScoreView};

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use time::OffsetDateTime;
use tower_sessions::Session;

use crate::auth::User;
use crate::error::AppError;
use crate::graph::secure_score::{control_profiles, latest_score};
use crate::web::layout::Layout;
use crate::web::state::AppState;
use view::ProfileRow;

#[derive(Template, WebTemplate)]
#[template(path = "secure_score.html")]
pub struct SecureScorePage {
    layout: Layout,
    view: Option<SecureScoreView>,
    profiles: Vec<ProfileRow>,
}

pub async fn show(
    State(state): State<AppState>,
    user: User,
    layout: Layout,
) -> Result<SecureScorePage, AppError> {
    let token = user.access_token();
    let (score, profiles) = tokio::try_join!(
        latest_score(&state.graph, token),
        control_profiles(&state.graph, token)
    )?;
    Ok(SecureScorePage {
        layout: layout.active("secure-score"),
        view: score.as_ref().map(SecureScoreView::new),
        profiles: view::profile_rows(&profiles),
    })
}

/// The home page's score is kept in the session this long: Graph computes it once a day.
const SUMMARY_SECONDS: i64 = 600;
const SUMMARY_KEY: &str = "home.secure_score";

/// The home page's Secure Score card: the figures, or why there are none, in the words the
/// Secure Score page would use.
pub enum HomeScore {
    Score(ScoreSummary),
    /// Graph answered, but the tenant has no score yet.
    NoScoreYet,
    /// Graph refused or failed; the reason to show.
    Unavailable(String),
}

pub async fn home_summary(state: &AppState, user: &User, session: &Session) -> HomeScore {
    let now = OffsetDateTime::now_utc().unix_timestamp();
    if let Ok(Some((at, summary))) = session.get::<(i64, ScoreSummary)>(SUMMARY_KEY).await
        && now - at < SUMMARY_SECONDS
    {
        return HomeScore::Score(summary);
    }
    match latest_score(&state.graph, user.access_token()).await {
        Ok(Some(score)) => {
            let summary = ScoreSummary::of(&score);
            if let Err(error) = session.insert(SUMMARY_KEY, (now, &summary)).await {
                tracing::warn!(%error, "could not keep the secure score summary");
            }
            HomeScore::Score(summary)
        }
        Ok(None) => HomeScore::NoScoreYet,
        Err(err) => {
            tracing::info!(error = %err, "secure score summary unavailable");
            HomeScore::Unavailable(AppError::from(err).page().message)
        }
    }
}
