//! `GET /healthz`: liveness, for load balancers and tests.

pub async fn healthz() -> &'static str {
    "ok"
}
