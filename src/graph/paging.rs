//! OData collection pages.

use serde::Deserialize;

/// One page of a Graph collection; `next_link` is absent on the last page.
#[derive(Debug, Clone, Deserialize)]
pub struct Page<T> {
    pub value: Vec<T>,
    #[serde(rename = "@odata.nextLink", default)]
    pub next_link: Option<String>,
}
