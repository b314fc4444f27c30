//! GET one page of an incident collection with an app-only token, through the one Graph client:
//! the CLI's patience with throttling, its progress notes and its error messages.

use std::time::Duration;

use secrecy::SecretString;
use serde_json::Value;
use url::Url;

use super::{Api, AppOnlyError, Progress};
use crate::graph::{ClientOptions, GraphClient, Page, RateLimiter, RetryPolicy};

/// The longest one call may take.
const TIMEOUT: Duration = Duration::from_secs(120);

/// The CLI's client for `api` at `base`: it waits out throttling, and paces the Defender API to
/// its documented 50 calls a minute.
pub fn api_client(api: Api, base: Url) -> GraphClient {
    let options = ClientOptions {
        timeout: TIMEOUT,
        retry: RetryPolicy::PATIENT,
        pacing: (api == Api::Defender).then(RateLimiter::defender),
    };
    GraphClient::with_options(base, options)
}

/// Calls one API with one token.
pub struct PageFetcher<'a> {
    pub client: &'a GraphClient,
    pub token: &'a SecretString,
    pub api: Api,
}

impl PageFetcher<'_> {
    /// One page; each wait for a throttled answer is noted on the progress line.
    pub async fn get_page(
        &self,
        url: &Url,
        progress: &mut Progress,
    ) -> Result<Page<Value>, AppOnlyError> {
        let api = self.api.display_name();
        let mut on_throttle = |wait: Duration| {
            progress.note(&format!(
                "{api} is throttling; waiting {:.1} s before retrying",
                wait.as_secs_f64()
            ));
        };
        self.client
            .get_json_reporting(self.token, url.clone(), &mut on_throttle)
            .await
            .map_err(|err| AppOnlyError::from_graph(self.api, url, err))
    }

    /// A page's next link, followed only on the API's own host.
    pub fn next_link(&self, link: &str) -> Result<Url, AppOnlyError> {
        self.client
            .trusted_link(link)
            .map_err(|_| AppOnlyError::ForeignNextLink(link.to_string()))
    }
}
