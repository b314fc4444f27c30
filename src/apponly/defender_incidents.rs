//! Incidents updated since a cutoff from the Defender XDR API (`/api/incidents`), all pages.
//!
//! The API pages with `$top` (at most 100) and `$skip`; a `@odata.nextLink`, when present, is
//! followed instead (only on the configured host). Calls are paced to the documented 50 a minute.

use serde_json::Value;
use time::OffsetDateTime;
use url::Url;

use super::fetch::PageFetcher;
use super::{AppOnlyError, Progress};
use crate::graph::{GraphClient, odata};

/// The largest page the Defender API serves.
pub const PAGE_SIZE: usize = 100;

/// The page of `top` incidents with `lastUpdateTime ge <since>` starting at `skip`.
pub fn page_url(defender: &GraphClient, since: OffsetDateTime, top: usize, skip: usize) -> Url {
    let mut options = vec![
        (
            "$filter",
            format!("lastUpdateTime ge {}", odata::datetime(since)),
        ),
        ("$top", top.clamp(1, PAGE_SIZE).to_string()),
    ];
    if skip != 0 {
        options.push(("$skip", skip.to_string()));
    }
    defender.url_with_query("api/incidents", &options)
}

pub async fn fetch_defender_incidents(
    fetcher: &PageFetcher<'_>,
    since: OffsetDateTime,
    page_size: Option<usize>,
    progress: &mut Progress,
) -> Result<Vec<Value>, AppOnlyError> {
    let top = page_size.unwrap_or(PAGE_SIZE).clamp(1, PAGE_SIZE);
    let mut url = page_url(fetcher.client, since, top, 0);
    let mut incidents = Vec::new();
    let mut pages = 0;
    loop {
        let page = fetcher.get_page(&url, progress).await?;
        let count = page.value.len();
        pages += 1;
        incidents.extend(page.value);
        progress.page(pages, incidents.len());
        let next = match page.next_link {
            Some(link) => fetcher.next_link(&link)?,
            None if count >= top => page_url(fetcher.client, since, top, incidents.len()),
            None => break,
        };
        if count == 0 || next == url {
            break;
        }
        url = next;
    }
    progress.finish();
    Ok(incidents)
}
