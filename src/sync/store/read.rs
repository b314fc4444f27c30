//! Lists and counts over the mirror: the database filters, sorts the whole result and pages it
//! by key (the row after the last one shown), and its text index answers the search (SQLite's
//! FTS5 trigram table, PostgreSQL's pg_trgm indexes). A page is one query for its keys, one for
//! its bodies, and a count that is kept until the tenant's mirror changes.

use super::matches::{MAX_KEPT_MATCHES, window_of};
use super::{MirrorStore, Resource};
use crate::db::sql::{Dialect, Sql, like_contains};
use crate::sync::record::{severity_rank, status_rank};
use crate::sync::selection::{
    Column, Field, Key, Listed, Order, Selection, Term, Window, fts5_query, search_terms,
};

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
        let terms = search_terms(selection).map_err(ReadError::Refused)?;
        if !terms.is_empty()
            && let Some(listed) = self
                .list_matches(tenant, resource, selection, &terms, order, window, size)
                .await?
        {
            return Ok(listed);
        }
        let dialect = self.db.dialect();
        let clauses = Clauses {
            tenant,
            resource,
            selection,
            terms: &terms,
            dialect,
        };
        let column = order.column.sql();
        // A search is answered from its matches (few) rather than by walking the sort order.
        let sorted = if terms.is_empty() {
            column.to_string()
        } else {
            format!("{}{column}", unindexed(dialect))
        };
        // Rows are walked forwards for the next page, backwards for the previous one.
        let backwards = matches!(window, Window::Before(_));
        let descending = order.ascending == backwards;
        let direction = if descending { "DESC" } else { "ASC" };
        let limit = i64::from(size.max(1));
        let mut query = Sql::new("");
        match window {
            Window::First => {
                query.push(&format!("SELECT {column}, seq FROM mirror_items WHERE "));
                clauses.push_to(&mut query, false);
            }
            // Two ranges an index can walk: the rest of the key's own value, then the values
            // beyond it (SQLite bounds a row-value range by its first column only).
            Window::After(key) | Window::Before(key) | Window::From(key) => {
                let inclusive = matches!(window, Window::From(_));
                let (same, beyond) = match (descending, inclusive) {
                    (true, false) => ("<", "<"),
                    (true, true) => ("<=", "<"),
                    (false, false) => (">", ">"),
                    (false, true) => (">=", ">"),
                };
                query.push(&format!(
                    "SELECT v, seq FROM (SELECT {column} AS v, seq FROM mirror_items WHERE "
                ));
                clauses.push_to(&mut query, false);
                query.push(&format!(" AND {column} = ")).bind(key.value);
                query.push(&format!(" AND seq {same} ")).bind(key.seq);
                query
                    .push(&format!(" ORDER BY seq {direction} LIMIT "))
                    .bind(limit);
                query.push(") AS same_value");
                // The values beyond the key that the filter lets through: none, and there is no
                // second range to read (a planner given "rank < 5 AND rank IN (5)" may scan
                // every row to find nothing).
                let beyond_values = chosen_values(selection, order.column).map(|values| {
                    values
                        .into_iter()
                        .filter(|v| {
                            if descending {
                                *v < key.value
                            } else {
                                *v > key.value
                            }
                        })
                        .collect::<Vec<i64>>()
                });
                if beyond_values
                    .as_ref()
                    .is_none_or(|values| !values.is_empty())
                {
                    query.push(&format!(
                        " UNION ALL SELECT v, seq FROM (SELECT {column} AS v, seq FROM mirror_items WHERE "
                    ));
                    clauses.push_to(&mut query, false);
                    query
                        .push(&format!(" AND {column} {beyond} "))
                        .bind(key.value);
                    if let Some(values) = beyond_values {
                        query
                            .push(&format!(" AND {column} IN ("))
                            .bind_list(values)
                            .push(")");
                    }
                    query
                        .push(&format!(
                            " ORDER BY {sorted} {direction}, seq {direction} LIMIT "
                        ))
                        .bind(limit);
                    query.push(") AS beyond_value");
                }
            }
        }
        let outer = if matches!(window, Window::First) {
            sorted.as_str()
        } else {
            "v"
        };
        query
            .push(&format!(
                " ORDER BY {outer} {direction}, seq {direction} LIMIT "
            ))
            .bind(limit);
        let mut keys: Vec<(i64, i64)> = self.db.fetch_all(&query).await?;
        if backwards {
            keys.reverse();
        }
        let shown = keys.len() as u64;
        let before = match window {
            Window::First => 0,
            // A link's position is the client's to send: never trusted to be small.
            Window::After(key) => key.at.saturating_add(1),
            Window::From(key) => key.at,
            // A previous page that stops short reached the start.
            Window::Before(_) if shown < u64::from(size.max(1)) => 0,
            Window::Before(key) => key.at.saturating_sub(shown),
        };
        let total = self.count(tenant, resource, selection).await?;
        // However large a link's count, no more rows come before this page than there are.
        let before = before.min(total.saturating_sub(shown));
        let key = |(value, seq): (i64, i64), at: u64| Key { value, seq, at };
        Ok(Listed {
            first: keys.first().map(|k| key(*k, before)),
            last: keys
                .last()
                .map(|k| key(*k, before.saturating_add(shown.saturating_sub(1)))),
            bodies: self.bodies(&keys).await?,
            total,
            before,
        })
    }

    /// A page of a search from its kept matches (found and sorted by the database once for each
    /// version of the tenant's mirror); `None` when they are too many to keep.
    #[allow(clippy::too_many_arguments)]
    async fn list_matches(
        &self,
        tenant: &str,
        resource: Resource,
        selection: &Selection,
        terms: &[Term],
        order: Order,
        window: Window,
        size: u32,
    ) -> Result<Option<Listed>, ReadError> {
        let version = self.version(tenant).await?;
        let cache_key = format!(
            "{tenant}\u{1f}{}\u{1f}{selection:?}\u{1f}{order:?}",
            resource.name()
        );
        let descending = !order.ascending;
        let found = match self.matches.get(&cache_key, version) {
            Some(found) => found,
            None => {
                let dialect = self.db.dialect();
                let clauses = Clauses {
                    tenant,
                    resource,
                    selection,
                    terms,
                    dialect,
                };
                let column = order.column.sql();
                let direction = if descending { "DESC" } else { "ASC" };
                let mut query = Sql::new(format!("SELECT {column}, seq FROM mirror_items WHERE "));
                clauses.push_to(&mut query, false);
                query
                    .push(&format!(
                        " ORDER BY {}{column} {direction}, seq {direction} LIMIT ",
                        unindexed(dialect)
                    ))
                    .bind(MAX_KEPT_MATCHES as i64 + 1);
                let keys: Vec<(i64, i64)> = self.db.fetch_all(&query).await?;
                let found = (keys.len() <= MAX_KEPT_MATCHES).then(|| std::sync::Arc::new(keys));
                self.matches.put(cache_key, version, found.clone());
                found
            }
        };
        let Some(sorted) = found else {
            return Ok(None);
        };
        let (start, shown) = window_of(&sorted, descending, window, size.max(1) as usize);
        let keys = &sorted[start..start + shown];
        let key = |(value, seq): (i64, i64), at: usize| Key {
            value,
            seq,
            at: at as u64,
        };
        Ok(Some(Listed {
            first: keys.first().map(|k| key(*k, start)),
            last: keys.last().map(|k| key(*k, start + shown - 1)),
            bodies: self.bodies(keys).await?,
            total: sorted.len() as u64,
            before: start as u64,
        }))
    }

    /// The bodies of `keys`' rows, in their order.
    async fn bodies(&self, keys: &[(i64, i64)]) -> sqlx::Result<Vec<String>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut query = Sql::new("SELECT seq, body FROM mirror_bodies WHERE seq IN (");
        query.bind_list(keys.iter().map(|(_, seq)| *seq)).push(")");
        let mut found: std::collections::HashMap<i64, String> = self
            .db
            .fetch_all::<(i64, String)>(&query)
            .await?
            .into_iter()
            .collect();
        Ok(keys
            .iter()
            .filter_map(|(_, seq)| found.remove(seq))
            .collect())
    }

    /// How many items match; counted once for each state of the mirror.
    pub async fn count(
        &self,
        tenant: &str,
        resource: Resource,
        selection: &Selection,
    ) -> Result<u64, ReadError> {
        let terms = search_terms(selection).map_err(ReadError::Refused)?;
        let cache_key = format!("{tenant}\u{1f}{}\u{1f}{selection:?}", resource.name());
        let version = self.version(tenant).await?;
        if let Some(n) = self.counts.get(&cache_key, version) {
            return Ok(n);
        }
        let clauses = Clauses {
            tenant,
            resource,
            selection,
            terms: &terms,
            dialect: self.db.dialect(),
        };
        let mut query = Sql::new("SELECT COUNT(*) FROM mirror_items WHERE ");
        clauses.push_to(&mut query, true);
        let (n,): (i64,) = self.db.fetch_one(&query).await?;
        let n = n.max(0) as u64;
        self.counts.put(cache_key, version, n);
        Ok(n)
    }

    /// Every matching item's JSON in `order`, up to `limit`, for exports and watches.
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
            let done = page.bodies.len() < left as usize;
            bodies.extend(page.bodies);
            if done {
                break;
            }
            window = Window::After(last);
        }
        Ok(bodies)
    }

    /// The tenant's mirror version: counts taken at it still hold.
    async fn version(&self, tenant: &str) -> sqlx::Result<i64> {
        let mut query = Sql::new("SELECT version FROM mirror_versions WHERE tenant_id = ");
        query.bind(tenant);
        let version: Option<(i64,)> = self.db.fetch_optional(&query).await?;
        Ok(version.map_or(0, |(v,)| v))
    }
}

/// The sort values a selection allows, when it pins the sort column to some (a status or a
/// severity filter, with the list sorted by that column).
fn chosen_values(selection: &Selection, column: Column) -> Option<Vec<i64>> {
    let (values, rank): (&Vec<String>, fn(&str) -> i64) = match column {
        Column::Status => (&selection.statuses, status_rank),
        Column::Severity => (&selection.severities, severity_rank),
        Column::Created | Column::Updated => return None,
    };
    (!values.is_empty()).then(|| values.iter().map(|v| rank(v)).collect())
}

/// A column compared so that SQLite does not pick its index (`+column`): with a search, the
/// matches are the rows to start from. PostgreSQL's planner weighs the two itself.
fn unindexed(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => "+",
        Dialect::Postgres => "",
    }
}

/// The `WHERE` clauses of a selection.
struct Clauses<'a> {
    tenant: &'a str,
    resource: Resource,
    selection: &'a Selection,
    /// The search and the host and user filters.
    terms: &'a [Term],
    dialect: Dialect,
}

impl Clauses<'_> {
    /// Writes the clauses (after `WHERE `). With a search, the tenant and resource are compared
    /// without their index (`+`), so SQLite starts from the search's matches; a page walks its
    /// order's index, while a count (`counting`) may take the assignee's.
    fn push_to(&self, query: &mut Sql, counting: bool) {
        let Clauses {
            tenant,
            resource,
            selection,
            terms,
            dialect,
        } = *self;
        let plain = if terms.is_empty() {
            ""
        } else {
            unindexed(dialect)
        };
        query.push(&format!("{plain}tenant_id = ")).bind(tenant);
        query
            .push(&format!(" AND {plain}resource = "))
            .bind(resource.name());
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
            query
                .push(&format!(" AND {column} IN ("))
                .bind_list(values)
                .push(")");
        }
        // The ranks the chosen values have: bounds the database can walk an order's index by.
        for (column, values, rank) in [
            (
                "status_rank",
                &selection.statuses,
                status_rank as fn(&str) -> i64,
            ),
            ("severity_rank", &selection.severities, severity_rank),
        ] {
            if values.is_empty() {
                continue;
            }
            query
                .push(&format!(" AND {column} IN ("))
                .bind_list(values.iter().map(|v| rank(v)))
                .push(")");
        }
        let assignee = if counting {
            "assigned_to".to_string()
        } else {
            format!("{}assigned_to", unindexed(dialect))
        };
        if let Some(upn) = &selection.assigned_to {
            query
                .push(&format!(" AND {assignee} = "))
                .bind(upn.to_lowercase());
        }
        if selection.unassigned {
            query.push(&format!(" AND {assignee} = ''"));
        }
        for (clause, bound) in [
            (" AND created_ms >= ", selection.created_from_ms),
            (" AND created_ms < ", selection.created_until_ms),
            (" AND updated_ms >= ", selection.updated_from_ms),
        ] {
            if let Some(ms) = bound {
                query.push(clause).bind(ms);
            }
        }
        if terms.is_empty() {
            return;
        }
        match dialect {
            Dialect::Sqlite => {
                query
                    .push(" AND seq IN (SELECT rowid FROM mirror_search WHERE mirror_search MATCH ")
                    .bind(fts5_query(terms))
                    .push(")");
            }
            Dialect::Postgres => {
                query.push(" AND seq IN (SELECT seq FROM mirror_search WHERE ");
                for (i, term) in terms.iter().enumerate() {
                    if i > 0 {
                        query.push(" AND ");
                    }
                    let columns: &[&str] = match term.field {
                        Field::Hosts => &["hosts"],
                        Field::Users => &["users"],
                        Field::Anywhere => &["hosts", "users", "words"],
                    };
                    let pattern = like_contains(&term.text);
                    query.push("(");
                    for (j, column) in columns.iter().enumerate() {
                        if j > 0 {
                            query.push(" OR ");
                        }
                        query
                            .push(&format!("{column} ILIKE "))
                            .bind(pattern.as_str())
                            .push(" ESCAPE '\\'");
                    }
                    query.push(")");
                }
                query.push(")");
            }
        }
    }
}
