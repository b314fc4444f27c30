//! Pages need the session store. With Redis as the store and Redis out of reach, the session
//! layer could only fail the request with a bare 500; this guard, outside it, answers a
//! readable 503 instead, and stops doing so as soon as the pool has reconnected.

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use tower_sessions_redis_store::fred::prelude::{ClientLike, Pool};

use crate::error::AppError;

pub async fn require_store(
    State(redis): State<Option<Pool>>,
    request: Request,
    next: Next,
) -> Response {
    match redis {
        Some(pool) if !pool.clients().iter().any(|client| client.is_connected()) => {
            AppError::Unavailable(
                "graphsec cannot reach its session store (Redis) right now. Nothing you sent was \
                 lost; try again in a moment."
                    .into(),
            )
            .into_response()
        }
        _ => next.run(request).await,
    }
}
