//! Secure Score: the Graph resources, sanitised remediation HTML, and what the pages show.

pub mod model;
pub mod sanitize;
pub mod view;

pub use model::{SecureScore, SecureScoreControlProfile};
pub use sanitize::{SafeHtml, https_link};
pub use view::{ScoreSummary, SecureScoreView};
