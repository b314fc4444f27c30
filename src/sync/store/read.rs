//! Lists and counts over the mirror: SQLite filters, sorts the whole result and pages it by key
//! (the row after the last one shown), and its FTS5 index answers the search.

use sqlx::{QueryBuilder, Sqlite};

use super::{MirrorStore, Resource};
use crate::sync::selection::{Key, Listed, Order, Selection, Window, match_expression};

/// A selection the store cannot run, in words (a search word too short, say).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl MirrorStore {
    /// One page of `size` items in `order`.
    pub async fn list(
        &self,
        tenant: &str,
        resource: Resource,
        selection: &Selection,
        order: Order,
        window: Window,
        size: u32,
    ) -> Result<Listed, ReadError> {
        let matching = match_expression(selection).map_err(ReadError::Refused)?;
        let column = order.column.sql();
        // Rows are walked forwards for the next page, backwards for the previous one.
        let backwards = matches!(window, Window::Before(_));
        let descending = order.ascending == backwards;
        let mut query = QueryBuilder::<Sqlite>::new(format!(
            "SELECT {column}, seq, body FROM mirror_items WHERE "
        ));
        filters(&mut query, tenant, resource, selection, matching.as_deref());
        match window {
            Window::First => {}
            Window::After(key) | Window::Before(key) | Window::From(key) => {
                let beyond = match (descending, matches!(window, Window::From(_))) {
                    (true, false) => "<",
                    (true, true) => "<=",
                    (false, false) => ">",
                    (false, true) => ">=",
                };
                query.push(format!(" AND ({column}, seq) {beyond} ("));
                query.push_bind(key.value);
                query.push(", ");
                query.push_bind(key.seq);
                query.push(")");
            }
        }
        let direction = if descending { "DESC" } else { "ASC" };
        query.push(format!(
            " ORDER BY {column} {direction}, seq {direction} LIMIT "
        ));
        query.push_bind(i64::from(size.max(1)));
        let mut rows: Vec<(i64, i64, String)> = query.build_query_as().fetch_all(&self.db).await?;
        if backwards {
            rows.reverse();
        }
        let total = self.count(tenant, resource, selection).await?;
        let first = rows.first().map(|(value, seq, _)| Key {
            value: *value,
            seq: *seq,
        });
        let before = match first {
            Some(key) => {
                self.count_ahead(tenant, resource, selection, order, key, matching.as_deref())
                    .await?
            }
            None => 0,
        };
        Ok(Listed {
            last: rows.last().map(|(value, seq, _)| Key {
                value: *value,
                seq: *seq,
            }),
            first,
            bodies: rows.into_iter().map(|(_, _, body)| body).collect(),
            total,
            before,
        })
    }

    /// How many items match.
    pub async fn count(
        &self,
        tenant: &str,
        resource: Resource,
        selection: &Selection,
    ) -> Result<u64, ReadError> {
        let matching = match_expression(selection).map_err(ReadError::Refused)?;
        let mut query = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM mirror_items WHERE ");
        filters(&mut query, tenant, resource, selection, matching.as_deref());
        let (n,): (i64,) = query.build_query_as().fetch_one(&self.db).await?;
        Ok(n.max(0) as u64)
    }

    /// Every matching item's JSON in `order`, for exports.
    pub async fn all(
        &self,
        tenant: &str,
        resource: Resource,
        selection: &Selection,
        order: Order,
        limit: u32,
    ) -> Result<Vec<String>, ReadError> {
        let mut bodies = Vec::new();
        let mut window = Window::First;
        while bodies.len() < limit as usize {
            let left = (limit as usize - bodies.len()).min(1_000) as u32;
            let page = self
                .list(tenant, resource, selection, order, window, left)
                .await?;
            let Some(last) = page.last else { break };
            let done = !page.has_next();
            bodies.extend(page.bodies);
            if done {
                break;
            }
            window = Window::After(last);
        }
        Ok(bodies)
    }

    /// The matching items that come before `key` in `order`.
    async fn count_ahead(
        &self,
        tenant: &str,
        resource: Resource,
        selection: &Selection,
        order: Order,
        key: Key,
        matching: Option<&str>,
    ) -> Result<u64, ReadError> {
        let column = order.column.sql();
        let ahead = if order.ascending { "<" } else { ">" };
        let mut query = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) FROM mirror_items WHERE ");
        filters(&mut query, tenant, resource, selection, matching);
        query.push(format!(" AND ({column}, seq) {ahead} ("));
        query.push_bind(key.value);
        query.push(", ");
        query.push_bind(key.seq);
        query.push(")");
        let (n,): (i64,) = query.build_query_as().fetch_one(&self.db).await?;
        Ok(n.max(0) as u64)
    }
}

/// The `WHERE` clauses of a selection (after `WHERE `).
fn filters(
    query: &mut QueryBuilder<'_, Sqlite>,
    tenant: &str,
    resource: Resource,
    selection: &Selection,
    matching: Option<&str>,
) {
    query.push("tenant_id = ");
    query.push_bind(tenant.to_string());
    query.push(" AND resource = ");
    query.push_bind(resource.name());
    for (column, values) in [
        ("status", &selection.statuses),
        ("severity", &selection.severities),
        ("service_source", &selection.service_sources),
        ("classification", &selection.classifications),
        ("determination", &selection.determinations),
    ] {
        if values.is_empty() {
            continue;
        }
        query.push(format!(" AND {column} IN ("));
        let mut list = query.separated(", ");
        for value in values {
            list.push_bind(value.clone());
        }
        query.push(")");
    }
    if let Some(upn) = &selection.assigned_to {
        query.push(" AND assigned_to = ");
        query.push_bind(upn.to_lowercase());
    }
    if selection.unassigned {
        query.push(" AND assigned_to = ''");
    }
    for (clause, bound) in [
        (" AND created_ms >= ", selection.created_from_ms),
        (" AND created_ms < ", selection.created_until_ms),
        (" AND updated_ms >= ", selection.updated_from_ms),
    ] {
        if let Some(ms) = bound {
            query.push(clause);
            query.push_bind(ms);
        }
    }
    if let Some(matching) = matching {
        query.push(" AND seq IN (SELECT rowid FROM mirror_search WHERE mirror_search MATCH ");
        query.push_bind(matching.to_string());
        query.push(")");
    }
}
