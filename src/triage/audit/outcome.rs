//! How a write ended, as the audit log keeps it: Graph's status and request ids, and the error.

use crate::graph::GraphError;
use crate::graph::observe::Answered;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteOutcome {
    /// 0 when no answer arrived.
    pub status: u16,
    pub request_id: String,
    pub client_request_id: String,
    /// Empty when the write succeeded.
    pub error: String,
}

impl WriteOutcome {
    /// Graph's answer to a write that succeeded.
    pub fn answered(answer: &Answered) -> Self {
        Self {
            status: answer.status,
            request_id: answer.request_id.clone(),
            client_request_id: answer.client_request_id.clone(),
            error: String::new(),
        }
    }

    /// A write that failed; `answer` is Graph's answer to it, when one arrived.
    pub fn failed(error: &GraphError, answer: Option<&Answered>) -> Self {
        let message = if error.message.is_empty() {
            error.to_string()
        } else {
            error.message.clone()
        };
        Self {
            status: error.status,
            request_id: if error.request_id.is_empty() {
                answer.map(|a| a.request_id.clone()).unwrap_or_default()
            } else {
                error.request_id.clone()
            },
            client_request_id: answer
                .map(|a| a.client_request_id.clone())
                .unwrap_or_default(),
            error: message,
        }
    }

    /// The outcome of one write whose result is `result` and whose answer, if any, is the last
    /// write in `answers` (the answers seen while it ran).
    pub fn of<T>(result: &Result<T, GraphError>, answers: &[Answered]) -> Self {
        let last = answers.iter().rev().find(|a| a.is_write());
        match (result, last) {
            (Ok(_), Some(answer)) => Self::answered(answer),
            (Ok(_), None) => Self::default(),
            (Err(error), answer) => Self::failed(error, answer),
        }
    }
}
