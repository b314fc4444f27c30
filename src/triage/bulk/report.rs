//! What a bulk run did, item by item.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ItemState {
    /// Every write for the item succeeded.
    Changed,
    /// The item already had the values asked for; nothing was sent.
    Unchanged,
    Failed,
}

impl ItemState {
    pub fn label(self) -> &'static str {
        match self {
            Self::Changed => "Changed",
            Self::Unchanged => "Unchanged",
            Self::Failed => "Failed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemResult {
    pub id: String,
    pub state: ItemState,
    /// Why it failed (Graph's message), empty otherwise.
    pub message: String,
    /// HTTP status of the answer that decided the item (0 when none).
    pub status: u16,
    /// Graph's request id of that answer.
    pub request_id: String,
}

impl ItemResult {
    pub fn failed(id: &str, status: u16, message: impl Into<String>, request_id: &str) -> Self {
        Self {
            id: id.to_string(),
            state: ItemState::Failed,
            message: message.into(),
            status,
            request_id: request_id.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunReport {
    pub run_id: String,
    /// "alerts" or "incidents".
    pub target: String,
    /// The change in words, e.g. "Status: resolved; comment".
    pub change: String,
    pub items: Vec<ItemResult>,
    /// Graph's answers to the run's PATCHes: each changed item as Graph now holds it (incidents
    /// with the alerts they were read with). Not kept with the result page.
    #[serde(skip)]
    pub written: Vec<serde_json::Value>,
}

impl RunReport {
    pub fn count(&self, state: ItemState) -> usize {
        self.items.iter().filter(|i| i.state == state).count()
    }
}
