//! Incidents updated since a cutoff from the Defender XDR API (`/api/incidents`), all pages.
//!
//! The API pages with `$top` (at most 100) and `$skip`; a `@odata.nextLink`, when present, is
//! followed instead (only on the configured host). Calls are paced to the documented 50 a minute.

use serde_json::Value;
use time::OffsetDateTime;
use url::Url;

use crate::graph::odata;

use crate::apponly::fetch::{PageFetcher, checked_next_link};
use crate::apponly::query::collection_url;
use crate::apponly::{AppOnlyError, Progress};

/// The largest page the Defender API serves.
pub const PAGE_SIZE: usize = 100;

/// The page of `top` incidents with `lastUpdateTime ge <since>` starting at `skip`.
pub fn page_url(defender_base: &Url, since: OffsetDateTime, top: usize, skip: usize) -> Url {
    let filter = format!("lastUpdateTime ge {}", odata::datetime(since));
    let top = top.clamp(1, PAGE_SIZE).to_string();
    let skip = skip.to_string();
    let mut options = vec![("$filter", filter.as_str()), ("$top", top.as_str())];
    if skip != "0" {
        options.push(("$skip", skip.as_str()));
    }
    collection_url(defender_base, "api/incidents", &options)
}

pub async fn fetch_defender_incidents(
    fetcher: &PageFetcher<'_>,
    defender_base: &Url,
    since: OffsetDateTime,
    page_size: Option<usize>,
    progress: &mut Progress,
) -> Result<Vec<Value>, AppOnlyError> {
    let top = page_size.unwrap_or(PAGE_SIZE).clamp(1, PAGE_SIZE);
    let mut url = page_url(defender_base, since, top, 0);
    let mut incidents = Vec::new();
    let mut pages = 0;
    loop {
        let page = fetcher.get_page(&url, progress).await?;
        let count = page.value.len();
        pages += 1;
        incidents.extend(page.value);
        progress.page(pages, incidents.len());
        let next = match page.next_link {
            Some(link) => checked_next_link(defender_base, &link)?,
            None if count >= top => page_url(defender_base, since, top, incidents.len()),
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
