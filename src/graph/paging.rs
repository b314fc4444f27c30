//! OData collection pages, and reading a whole collection by following `@odata.nextLink`.

use secrecy::SecretString;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use url::Url;

use super::{GraphClient, GraphError};

/// One page of a Graph collection; `next_link` is absent on the last page.
#[derive(Debug, Clone, Deserialize)]
pub struct Page<T> {
    pub value: Vec<T>,
    #[serde(rename = "@odata.nextLink", default)]
    pub next_link: Option<String>,
    /// The size of the whole collection, when `$count=true` was asked.
    #[serde(rename = "@odata.count", default)]
    pub count: Option<u64>,
}

impl GraphClient {
    /// Every item of the collection at `url`, following next links on the Graph host only
    /// (a forged link never receives the token), reading at most `max_pages` pages.
    pub async fn get_all<T: DeserializeOwned>(
        &self,
        token: &SecretString,
        url: Url,
        max_pages: usize,
    ) -> Result<Vec<T>, GraphError> {
        let mut url = url;
        let mut items = Vec::new();
        for _ in 0..max_pages {
            let page: Page<T> = self.get_json(token, url).await?;
            items.extend(page.value);
            match page.next_link {
                Some(link) => url = self.trusted_link(&link)?,
                None => break,
            }
        }
        Ok(items)
    }
}
