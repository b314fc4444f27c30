//! Incidents updated since a cutoff from Microsoft Graph (`/v1.0/security/incidents`), all pages.

use serde_json::Value;
use time::OffsetDateTime;
use url::Url;

use crate::graph::odata;

use super::fetch::{PageFetcher, checked_next_link};
use super::query::collection_url;
use super::{AppOnlyError, Progress};

/// The first page: incidents with `lastUpdateDateTime ge <since>`, their alerts expanded;
/// `page_size` sets `$top` (Graph's own page size when `None`).
pub fn first_page_url(graph_base: &Url, since: OffsetDateTime, page_size: Option<usize>) -> Url {
    let filter = format!("lastUpdateDateTime ge {}", odata::datetime(since));
    let top = page_size.map(|n| n.to_string());
    let mut options = vec![("$filter", filter.as_str()), ("$expand", "alerts")];
    if let Some(top) = &top {
        options.push(("$top", top.as_str()));
    }
    collection_url(graph_base, "v1.0/security/incidents", &options)
}

/// Follows `@odata.nextLink` (only on the Graph host) until the last page.
pub async fn fetch_graph_incidents(
    fetcher: &PageFetcher<'_>,
    graph_base: &Url,
    since: OffsetDateTime,
    page_size: Option<usize>,
    progress: &mut Progress,
) -> Result<Vec<Value>, AppOnlyError> {
    let mut url = first_page_url(graph_base, since, page_size);
    let mut incidents = Vec::new();
    let mut pages = 0;
    loop {
        let page = fetcher.get_page(&url, progress).await?;
        pages += 1;
        incidents.extend(page.value);
        progress.page(pages, incidents.len());
        match page.next_link {
            Some(link) => {
                let next = checked_next_link(graph_base, &link)?;
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
