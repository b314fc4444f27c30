//! The alerts seam: one interface over alerts_v2 (the default) and the legacy alert API,
//! chosen by `graph.alerts_api`. Pages talk to this and get neutral rows and details back.

use secrecy::SecretString;
use serde_json::Value;
use serde_json::value::RawValue;
use url::Url;

use super::query::{AlertQuery, QueryError, ValidQuery};
use super::row::{AlertRow, Shape};
use super::row_reader;
use super::update::ValidUpdate;
use crate::config::AlertsApiKind;
use crate::graph::{GraphClient, GraphError, GraphErrorKind, Page, alerts_legacy, alerts_v2};

/// A REST call the app made, shown to the user.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RestCall {
    pub method: String,
    pub url: String,
    /// Pretty-printed JSON body, empty for none.
    pub body: String,
}

impl RestCall {
    pub fn new(method: &'static str, url: &Url, body: Option<&Value>) -> Self {
        Self {
            method: method.to_string(),
            url: url.to_string(),
            body: body
                .map(|b| serde_json::to_string_pretty(b).unwrap_or_default())
                .unwrap_or_default(),
        }
    }
}

/// One page of results.
#[derive(Debug, Clone)]
pub struct AlertsPage {
    /// Each alert's JSON as Graph sent it (exports write it out as it is).
    pub alerts: Vec<Box<RawValue>>,
    pub rows: Vec<AlertRow>,
    /// Graph's next link after this page, when it is one Graph page as it came.
    pub next_link: Option<String>,
    /// Whether more alerts follow the last one on this page.
    pub more: bool,
    /// `@odata.count`: how many alerts match, when asked with `$count=true`.
    pub count: Option<u64>,
}

/// A collection page as Graph sends it, its alerts kept raw: a page's rows need a few members
/// of each alert, not a JSON tree of all.
type RawPage = Page<Box<RawValue>>;

/// The original and updated alert (Graph's JSON), and the calls that changed it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct UpdateOutcome {
    pub original: Value,
    pub updated: Value,
    pub calls: Vec<RestCall>,
}

#[derive(Debug, Clone)]
pub struct AlertsApi {
    kind: AlertsApiKind,
    graph: GraphClient,
}

impl AlertsApi {
    pub fn new(kind: AlertsApiKind, graph: GraphClient) -> Self {
        Self { kind, graph }
    }

    pub fn kind(&self) -> AlertsApiKind {
        self.kind
    }

    pub fn shape(&self) -> Shape {
        match self.kind {
            AlertsApiKind::V2 => Shape::V2,
            AlertsApiKind::Legacy => Shape::Legacy,
        }
    }

    pub fn is_legacy(&self) -> bool {
        self.kind == AlertsApiKind::Legacy
    }

    pub fn graph(&self) -> &GraphClient {
        &self.graph
    }

    /// Checks the query-string filters for this API; `me` is the signed-in user's UPN.
    pub fn validate(&self, query: &AlertQuery, me: &str) -> Result<ValidQuery, QueryError> {
        match self.kind {
            AlertsApiKind::V2 => query.validate_v2(me),
            AlertsApiKind::Legacy => query.validate_legacy(me),
        }
    }

    /// The collection path, e.g. `v1.0/security/alerts_v2`.
    pub fn collection(&self) -> &'static str {
        match self.kind {
            AlertsApiKind::V2 => alerts_v2::COLLECTION,
            AlertsApiKind::Legacy => alerts_legacy::COLLECTION,
        }
    }

    /// The first page's URL for a validated query, with `top` overridden when given.
    pub fn first_page_url(&self, query: &ValidQuery, top: Option<u32>) -> Url {
        let filter = query.odata_filter();
        let top = top.unwrap_or(query.top);
        match self.kind {
            AlertsApiKind::V2 => alerts_v2::list_url(&self.graph, top, filter.as_deref()),
            AlertsApiKind::Legacy => alerts_legacy::list_url(&self.graph, top, filter.as_deref()),
        }
    }

    /// The first request of a page of the list: `$count=true` for "1–20 of N", and on alerts_v2
    /// `$skip` to reach any page (the legacy API's `$skip` counts per provider, so it pages by
    /// next links only). Graph may answer with fewer alerts: [`list_page`](Self::list_page)
    /// follows its next links from here.
    ///
    /// The legacy API also takes `$select`, so it sends only what a row shows (its alerts
    /// carry every provider's full detail otherwise); alerts_v2 documents no `$select`.
    pub fn page_url(&self, query: &ValidQuery, skip: u32) -> Url {
        let mut url = self.first_page_url(query, None);
        url.query_pairs_mut().append_pair("$count", "true");
        match self.kind {
            AlertsApiKind::V2 if skip > 0 => {
                url.query_pairs_mut()
                    .append_pair("$skip", &skip.to_string());
            }
            AlertsApiKind::V2 => {}
            AlertsApiKind::Legacy => {
                url.query_pairs_mut()
                    .append_pair("$select", row_reader::LEGACY_ROW_FIELDS);
            }
        }
        url
    }

    /// Whether any page can be asked for directly (`$skip` across the whole collection).
    pub fn pages_by_number(&self) -> bool {
        self.kind == AlertsApiKind::V2
    }

    /// A next-page link, accepted only on the configured Graph host and this API's collection.
    pub fn next_page_url(&self, link: &str) -> Result<Url, String> {
        let refused = || {
            "The next-page link must point at this API's alert collection on the configured Graph host."
                .to_string()
        };
        self.graph
            .collection_link(link, &self.graph.url(self.collection()))
            .map_err(|_| refused())
    }

    /// One Graph page as it came, with its next link.
    pub async fn fetch_page(
        &self,
        token: &SecretString,
        url: Url,
    ) -> Result<AlertsPage, GraphError> {
        let page: RawPage = self.graph.get_json(token, url).await?;
        Ok(self.rows_of(page.value, page.next_link, page.count))
    }

    /// A page of the list from `url` on. On alerts_v2 it holds `top` alerts (fewer only at the
    /// end of the list): Graph may answer with fewer than `$top` and a next link, which is
    /// followed until the page is full, so the page after it starts at the `$skip` of the
    /// alerts shown before. The legacy API applies `$top` per provider: its page is Graph's page
    /// as it came, and its next link leads on.
    pub async fn list_page(
        &self,
        token: &SecretString,
        url: Url,
        top: u32,
    ) -> Result<AlertsPage, GraphError> {
        if self.kind == AlertsApiKind::Legacy {
            return self.fetch_page(token, url).await;
        }
        let filled = self
            .graph
            .fill(url, top as usize, |url| async move {
                self.graph.get_json::<RawPage>(token, url).await
            })
            .await?;
        let mut page = self.rows_of(filled.items, None, filled.count);
        page.more = filled.more;
        Ok(page)
    }

    fn rows_of(
        &self,
        alerts: Vec<Box<RawValue>>,
        next_link: Option<String>,
        count: Option<u64>,
    ) -> AlertsPage {
        let shape = self.shape();
        let mut read: Vec<(AlertRow, Box<RawValue>)> = alerts
            .into_iter()
            .map(|raw| (row_reader::row(shape, &raw), raw))
            .collect();
        if self.kind == AlertsApiKind::Legacy {
            // The legacy API applies `$top` per provider and answers provider by provider.
            newest_first(&mut read);
        }
        let (rows, alerts) = read.into_iter().unzip();
        AlertsPage {
            rows,
            alerts,
            more: next_link.is_some(),
            next_link,
            count,
        }
    }

    /// How many alerts match (`$count=true`, asking for one alert).
    pub async fn count(&self, token: &SecretString, query: &ValidQuery) -> Result<u64, GraphError> {
        let mut url = self.first_page_url(query, Some(1));
        url.query_pairs_mut().append_pair("$count", "true");
        let page = self.fetch_page(token, url).await?;
        Ok(page.count.unwrap_or(page.rows.len() as u64))
    }

    /// One alert's JSON; `None` when Graph has no alert with this id.
    pub async fn get(&self, token: &SecretString, id: &str) -> Result<Option<Value>, GraphError> {
        let result = match self.kind {
            AlertsApiKind::V2 => alerts_v2::get(&self.graph, token, id).await,
            AlertsApiKind::Legacy => alerts_legacy::get(&self.graph, token, id).await,
        };
        match result {
            Ok(alert) => Ok(Some(alert)),
            Err(err) if err.kind == GraphErrorKind::NotFound => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// Applies a validated update to an alert fetched as `original`; returns the calls made and
    /// the alert afterwards.
    pub async fn update(
        &self,
        token: &SecretString,
        update: &ValidUpdate,
        original: &Value,
    ) -> Result<UpdateOutcome, GraphError> {
        let mut calls = Vec::new();
        let id = update.id.as_str();
        let updated = match self.kind {
            AlertsApiKind::V2 => {
                let mut latest = None;
                if let Some(body) = update.v2_patch_body() {
                    let url = alerts_v2::alert_url(&self.graph, id);
                    calls.push(RestCall::new("PATCH", &url, Some(&body)));
                    latest = Some(alerts_v2::patch(&self.graph, token, id, &body).await?);
                }
                if let Some(comment) = &update.comment {
                    let url = alerts_v2::comments_url(&self.graph, id);
                    let body = alerts_v2::comment_body(comment);
                    calls.push(RestCall::new("POST", &url, Some(&body)));
                    alerts_v2::add_comment(&self.graph, token, id, comment).await?;
                    latest = None;
                }
                match latest {
                    Some(alert) => alert,
                    None => alerts_v2::get(&self.graph, token, id).await?,
                }
            }
            AlertsApiKind::Legacy => {
                let body = update.legacy_patch_body(original);
                let url = alerts_legacy::alert_url(&self.graph, id);
                let mut call = RestCall::new("PATCH", &url, Some(&body));
                call.method = "PATCH (Prefer: return=representation)".to_string();
                calls.push(call);
                match alerts_legacy::patch(&self.graph, token, id, &body).await? {
                    Some(alert) => alert,
                    None => alerts_legacy::get(&self.graph, token, id).await?,
                }
            }
        };
        Ok(UpdateOutcome {
            original: original.clone(),
            updated,
            calls,
        })
    }

    /// The providers the tenant's legacy API returns: one alert per provider (`$top=1` applies
    /// per provider), their `vendorInformation/provider` values.
    pub async fn legacy_providers(&self, token: &SecretString) -> Result<Vec<String>, GraphError> {
        let url = alerts_legacy::list_url(&self.graph, 1, None);
        let page: Page<Value> = self.graph.get_json(token, url).await?;
        let mut providers: Vec<String> = page
            .value
            .iter()
            .map(|a| super::row::text(a, "/vendorInformation/provider"))
            .filter(|p| !p.is_empty())
            .collect();
        providers.sort();
        providers.dedup();
        Ok(providers)
    }
}

/// Sorts alerts by `createdDateTime`, newest first; alerts without a readable time go last.
fn newest_first<T>(alerts: &mut [(AlertRow, T)]) {
    let created = |row: &AlertRow| {
        time::OffsetDateTime::parse(&row.created, &time::format_description::well_known::Rfc3339)
            .ok()
    };
    alerts.sort_by_cached_key(|(row, _)| std::cmp::Reverse(created(row)));
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn newest_first_orders_by_created_time_across_providers() {
        let mut alerts: Vec<_> = [
            json!({"id": "ipc-old", "createdDateTime": "2026-11-20T08:00:00Z"}),
            json!({"id": "ipc-new", "createdDateTime": "2026-11-24T08:00:00.1234567Z"}),
            json!({"id": "mcas-mid", "createdDateTime": "2026-11-22T08:00:00+01:00"}),
            json!({"id": "no-time"}),
        ]
        .iter()
        .map(|a| (super::AlertRow::from_json(super::Shape::Legacy, a), ()))
        .collect();
        super::newest_first(&mut alerts);
        let ids: Vec<&str> = alerts.iter().map(|(row, ())| row.id.as_str()).collect();
        assert_eq!(ids, ["ipc-new", "mcas-mid", "ipc-old", "no-time"]);
    }
}
