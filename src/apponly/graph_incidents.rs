//! Incidents updated since a cutoff from Microsoft Graph (`/v1.0/security/incidents`), all pages.

use serde_json::Value;
use time::OffsetDateTime;
use url::Url;

use super::fetch::PageFetcher;
use super::{AppOnlyError, Progress};
use crate::graph::{GraphClient, incidents, odata};

/// The first page: incidents with `lastUpdateDateTime ge <since>`, their alerts expanded;
/// `page_size` sets `$top` (Graph's own page size when `None`).
pub fn first_page_url(graph: &GraphClient, since: OffsetDateTime, page_size: Option<usize>) -> Url {
    let mut options = vec![
        (
            "$filter",
            format!("lastUpdateDateTime ge {}", odata::datetime(since)),
        ),
        ("$expand", "alerts".to_string()),
    ];
    if let Some(top) = page_size {
        options.push(("$top", top.to_string()));
    }
    graph.url_with_query(incidents::COLLECTION, &options)
}

/// Follows `@odata.nextLink` (only on the Graph host) until the last page.
pub async fn fetch_graph_incidents(
    fetcher: &PageFetcher<'_>,
    since: OffsetDateTime,
    page_size: Option<usize>,
    progress: &mut Progress,
) -> Result<Vec<Value>, AppOnlyError> {
    let mut url = first_page_url(fetcher.client, since, page_size);
    let mut incidents = Vec::new();
    let mut pages = 0;
    loop {
        let page = fetcher.get_page(&url, progress).await?;
        pages += 1;
        incidents.extend(page.value);
        progress.page(pages, incidents.len());
        match page.next_link {
            Some(link) => {
                let next = fetcher.next_link(&link)?;
                if next == url {
                    return Err(AppOnlyError::BadResponse {
                        api: "Microsoft Graph",
                        reason: "a page links to itself as the next page".into(),
                    });
                }
                url = next;
            }
            None => break,
        }
    }
    progress.finish();
    Ok(incidents)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use time::macros::datetime;

    use super::*;

    #[test]
    fn the_first_page_filters_expands_and_keeps_the_base_path() {
        let graph = GraphClient::new(
            Url::parse("http://127.0.0.1:8/tenant/").unwrap(),
            Duration::from_secs(1),
        );
        let url = first_page_url(&graph, datetime!(2026-11-01 00:00:00.5 +1), Some(5));
        assert_eq!(url.path(), "/tenant/v1.0/security/incidents");
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let pairs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("$filter", "lastUpdateDateTime ge 2026-10-31T23:00:00Z"),
                ("$expand", "alerts"),
                ("$top", "5"),
            ]
        );
    }
}
