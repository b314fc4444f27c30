//! How far back a reconnecting stream reaches: at most the newest `window` notifications it
//! missed. A browser away for longer starts with those and is told that older ones are on the
//! history page, so one reconnect never replays an unbounded backlog.

use super::stream::Resume;
use crate::notify::storage::{Log, StoreResult};

/// Where a stream of `tenant_id` starts, at most `window` notifications back, and whether
/// notifications older than that were left out.
pub async fn bounded(
    log: &Log,
    tenant_id: &str,
    resume: Resume,
    window: u32,
) -> StoreResult<(Resume, bool)> {
    let window = window.max(1);
    match resume {
        Resume::Recent(n) => Ok((Resume::Recent(n.min(window)), false)),
        Resume::After(id) => {
            // Read forward from `id`, not back from the newest: a browser that is up to date
            // (the notify page connects with the newest id it shows) costs an empty read.
            let missed = log.after(tenant_id, id, window + 1).await?;
            Ok(match missed.len() > window as usize {
                true => (Resume::Recent(window), true),
                false => (Resume::After(id), false),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::{feed::journal::Journal, model::note, storage::sqlite};

    #[tokio::test]
    async fn a_resume_reaches_back_at_most_the_window() {
        let journal = Journal::over(&sqlite::in_memory().await);
        let stored = journal
            .append(
                &(0..5)
                    .map(|i| note("a", &i.to_string()))
                    .collect::<Vec<_>>(),
            )
            .await
            .unwrap();
        let log = journal.log();
        let first = stored[0].head;
        let row = crate::notify::model::EventId::row;
        assert_eq!(
            bounded(log, "a", Resume::After(row(first - 1)), 3)
                .await
                .unwrap(),
            (Resume::Recent(3), true)
        );
        assert_eq!(
            bounded(log, "a", Resume::After(row(first + 1)), 3)
                .await
                .unwrap(),
            (Resume::After(row(first + 1)), false)
        );
        assert_eq!(
            bounded(log, "a", Resume::Recent(50), 3).await.unwrap(),
            (Resume::Recent(3), false)
        );
        assert_eq!(
            bounded(log, "b", Resume::After(row(0)), 3).await.unwrap(),
            (Resume::After(row(0)), false)
        );
    }
}
