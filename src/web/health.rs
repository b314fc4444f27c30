//! `GET /healthz`: liveness, for load balancers and tests. 503 while the notification log
//! refuses deliveries (the database refuses writes). With Redis configured it also says
//! whether Redis answers (503 when it does not: this instance cannot take notifications) and
//! whether Redis's persistence keeps what graphsec acknowledges.

use axum::extract::State;
use axum::http::StatusCode;

use crate::notify::storage::redis::persistence;
use crate::web::state::AppState;

pub async fn healthz(State(state): State<AppState>) -> (StatusCode, String) {
    if let Some(why) = state.notify.journal.log().refusing() {
        return (StatusCode::SERVICE_UNAVAILABLE, why.into());
    }
    let Some(pool) = &state.redis else {
        return (StatusCode::OK, "ok".into());
    };
    match persistence::read(pool).await {
        Ok(settings) => match settings.weakness() {
            Some(weakness) => (StatusCode::OK, format!("ok\nwarning: {weakness}")),
            None => (
                StatusCode::OK,
                "ok\nredis: appendonly yes, appendfsync always".into(),
            ),
        },
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "redis unreachable: notifications are refused (503) until it answers".into(),
        ),
    }
}
