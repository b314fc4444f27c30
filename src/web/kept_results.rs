//! Update results kept in the session for the page a `POST` redirects to (303), so a refresh
//! shows the result again without sending the change again. A few are kept per kind, so several
//! tabs work; each is found by the random key in the result page's query.

use serde::Serialize;
use serde::de::DeserializeOwned;
use tower_sessions::Session;

use crate::error::AppError;

/// How many results of one kind a session keeps.
const KEPT: usize = 5;

/// Keeps `result` under the session key `kind`; returns the key that finds it again.
pub async fn keep<T: Serialize + DeserializeOwned>(
    session: &Session,
    kind: &str,
    result: T,
) -> Result<String, AppError> {
    let key = uuid::Uuid::new_v4().simple().to_string();
    let mut results: Vec<(String, T)> = session.get(kind).await.ok().flatten().unwrap_or_default();
    results.push((key.clone(), result));
    let excess = results.len().saturating_sub(KEPT);
    results.drain(..excess);
    session
        .insert(kind, results)
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(key)
}

/// The result kept under `kind` with `key`, if the session still has it.
pub async fn find<T: DeserializeOwned>(session: &Session, kind: &str, key: &str) -> Option<T> {
    let results: Vec<(String, T)> = session.get(kind).await.ok().flatten().unwrap_or_default();
    results
        .into_iter()
        .find(|(k, _)| !key.is_empty() && k == key)
        .map(|(_, result)| result)
}
