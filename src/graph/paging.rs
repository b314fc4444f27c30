//! OData collection pages: reading a whole collection, or enough of it to fill one page of a
//! list, by following `@odata.nextLink` as Graph gives it. Graph may answer with fewer items
//! than `$top` asks and a next link; the next page is never computed from what was asked.

use secrecy::SecretString;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use url::Url;

use super::{GraphClient, GraphError, GraphErrorKind};

/// How many pages in a row may come back empty, with a next link, before a fill gives up.
const EMPTY_PAGES_ALLOWED: usize = 5;

/// One page of a Graph collection; `next_link` is absent on the last page.
#[derive(Debug, Clone, Deserialize)]
pub struct Page<T> {
    #[serde(default = "Vec::new")]
    pub value: Vec<T>,
    #[serde(rename = "@odata.nextLink", default)]
    pub next_link: Option<String>,
    /// The size of the whole collection, when `$count=true` was asked.
    #[serde(rename = "@odata.count", default)]
    pub count: Option<u64>,
}

/// The first items of a collection from a URL on, as many as a list page shows.
#[derive(Debug, Clone)]
pub struct Filled<T> {
    pub items: Vec<T>,
    /// `@odata.count` of the first page read, when `$count=true` was asked.
    pub count: Option<u64>,
    /// Whether the collection holds items after the last one kept: Graph's last page read had
    /// more than the fill needed, or a next link.
    pub more: bool,
    /// The Graph calls the fill made.
    pub calls: usize,
}

impl GraphClient {
    /// A next link, accepted only on the configured Graph base URL and on the same collection
    /// as `collection` (the URL of the page it came from), so the console never sends a token
    /// to a URL of Graph's choosing elsewhere, nor reads another resource for this list.
    pub fn collection_link(&self, link: &str, collection: &Url) -> Result<Url, GraphError> {
        let url = self.trusted_link(link)?;
        if url.path() != collection.path() {
            return Err(GraphError::transport(
                GraphErrorKind::InvalidResponse,
                "Graph sent a next link to another collection; it was not followed",
            ));
        }
        Ok(url)
    }

    /// Every item of the collection at `url`, following next links on the same collection
    /// (a forged link never receives the token), reading at most `max_pages` pages.
    pub async fn get_all<T: DeserializeOwned>(
        &self,
        token: &SecretString,
        url: Url,
        max_pages: usize,
    ) -> Result<Vec<T>, GraphError> {
        let collection = url.clone();
        let mut url = url;
        let mut items = Vec::new();
        for _ in 0..max_pages {
            let page: Page<T> = self.get_json(token, url).await?;
            items.extend(page.value);
            match page.next_link {
                Some(link) => url = self.collection_link(&link, &collection)?,
                None => break,
            }
        }
        Ok(items)
    }

    /// The first `want` items of the collection from `url` on (fewer only at its end): reads
    /// the page at `url` and follows its next links until `want` items are held or Graph offers
    /// no next page. What a list shows as one page, whatever size Graph's pages are.
    pub async fn get_filled<T: DeserializeOwned>(
        &self,
        token: &SecretString,
        url: Url,
        want: usize,
    ) -> Result<Filled<T>, GraphError> {
        self.fill(url, want, |url| async move {
            self.get_json::<Page<T>>(token, url).await
        })
        .await
    }

    /// [`get_filled`](Self::get_filled) with the page read by `read` (a caller that reads its
    /// pages its own way, e.g. raw, gives it here).
    pub async fn fill<T, F, Fut>(
        &self,
        url: Url,
        want: usize,
        read: F,
    ) -> Result<Filled<T>, GraphError>
    where
        F: Fn(Url) -> Fut,
        Fut: std::future::Future<Output = Result<Page<T>, GraphError>>,
    {
        let collection = url.clone();
        let mut url = url;
        let mut filled = Filled {
            items: Vec::with_capacity(want),
            count: None,
            more: false,
            calls: 0,
        };
        let mut empty_in_a_row = 0;
        loop {
            let page = read(url).await?;
            filled.calls += 1;
            if filled.calls == 1 {
                filled.count = page.count;
            }
            empty_in_a_row = if page.value.is_empty() {
                empty_in_a_row + 1
            } else {
                0
            };
            let room = want - filled.items.len();
            let held = page.value.len();
            filled.items.extend(page.value.into_iter().take(room));
            if held > room {
                filled.more = true;
                return Ok(filled);
            }
            let Some(link) = page.next_link else {
                return Ok(filled);
            };
            if filled.items.len() == want {
                filled.more = true;
                return Ok(filled);
            }
            if empty_in_a_row > EMPTY_PAGES_ALLOWED {
                return Err(GraphError::transport(
                    GraphErrorKind::InvalidResponse,
                    "Graph kept answering with empty pages and next links",
                ));
            }
            url = self.collection_link(&link, &collection)?;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    fn graph() -> GraphClient {
        GraphClient::new(
            Url::parse("http://127.0.0.1:9/graph").unwrap(),
            Duration::from_secs(1),
        )
    }

    /// A collection of `len` numbers answered `size` at a time, whatever was asked, each page
    /// linking to the next by `$skip` as Graph may.
    fn server_paged(
        graph: &GraphClient,
        len: u32,
        size: u32,
    ) -> impl Fn(Url) -> std::future::Ready<Result<Page<u32>, GraphError>> {
        let collection = graph.url("v1.0/items");
        move |url: Url| {
            let skip: u32 = url
                .query_pairs()
                .find(|(k, _)| k == "$skip")
                .map_or(0, |(_, v)| v.parse().unwrap());
            let value: Vec<u32> = (skip..len.min(skip + size)).collect();
            let end = skip + value.len() as u32;
            let mut next = collection.clone();
            next.query_pairs_mut()
                .append_pair("$skip", &end.to_string());
            std::future::ready(Ok(Page {
                value,
                next_link: (end < len).then(|| next.to_string()),
                count: Some(u64::from(len)),
            }))
        }
    }

    #[tokio::test]
    async fn a_page_is_filled_from_smaller_pages_and_says_whether_more_follow() {
        let graph = graph();
        let read = server_paged(&graph, 44, 7);
        let first = graph.url("v1.0/items");
        let page = graph.fill(first.clone(), 20, &read).await.unwrap();
        assert_eq!(page.items, (0..20).collect::<Vec<_>>());
        assert_eq!((page.count, page.more, page.calls), (Some(44), true, 3));

        let mut from_40 = first.clone();
        from_40.query_pairs_mut().append_pair("$skip", "40");
        let last = graph.fill(from_40, 20, &read).await.unwrap();
        assert_eq!(last.items, vec![40, 41, 42, 43]);
        assert!(!last.more, "the collection ends there");

        let exact = graph.fill(first, 44, &read).await.unwrap();
        assert_eq!((exact.items.len(), exact.more), (44, false));
    }

    #[tokio::test]
    async fn a_full_page_ending_on_a_next_link_has_more() {
        let graph = graph();
        let read = server_paged(&graph, 44, 7);
        let page = graph
            .fill(graph.url("v1.0/items"), 14, &read)
            .await
            .unwrap();
        assert_eq!((page.items.len(), page.more, page.calls), (14, true, 2));
    }

    #[tokio::test]
    async fn a_fill_follows_no_link_off_its_collection() {
        let graph = graph();
        for link in [
            "https://attacker.example/graph/v1.0/items?$skip=1",
            "http://127.0.0.1:9/graph/v1.0/me?$skip=1",
            "http://127.0.0.1:9/v1.0/items?$skip=1",
        ] {
            let calls = AtomicUsize::new(0);
            let read = |_url: Url| {
                calls.fetch_add(1, Ordering::SeqCst);
                std::future::ready(Ok(Page {
                    value: vec![1u32],
                    next_link: Some(link.to_string()),
                    count: None,
                }))
            };
            let err = graph
                .fill(graph.url("v1.0/items"), 5, read)
                .await
                .unwrap_err();
            assert_eq!(err.kind, GraphErrorKind::InvalidResponse, "{link}");
            assert_eq!(calls.load(Ordering::SeqCst), 1, "{link}");
        }
    }

    #[tokio::test]
    async fn a_fill_gives_up_on_endless_empty_pages() {
        let graph = graph();
        let link = graph.url("v1.0/items?$skip=0").to_string();
        let read = |_url: Url| {
            std::future::ready(Ok(Page::<u32> {
                value: Vec::new(),
                next_link: Some(link.clone()),
                count: None,
            }))
        };
        let err = graph
            .fill(graph.url("v1.0/items"), 5, read)
            .await
            .unwrap_err();
        assert_eq!(err.kind, GraphErrorKind::InvalidResponse);
    }
}
