//! The alert list's page model: its query string (`ListParams`) and what the template shows
//! (`AlertsPage`), filled from Graph (`list.rs`) or from the mirror (`mirror_list.rs`).

use askama::Template;
use askama_web::WebTemplate;

use super::filter_form::FilterForm;
use super::links::SortLink;
use super::manage_form::ManageForm;
use super::notice::Notice;
use super::paging::Paging;
use crate::alerts::query::AlertQuery;
use crate::alerts::row::AlertRow;
use crate::web::layout::Layout;

/// What the page says about the copy it read.
#[derive(Debug, Clone, Default)]
pub struct MirrorNote {
    /// "synced 6 s ago".
    pub synced: String,
}

/// The list's query string: the view's filters, and how to page and sort it.
#[derive(Debug, Default)]
pub struct ListParams {
    pub query: AlertQuery,
    /// An `@odata.nextLink` to load instead of the first page (the legacy API pages this way).
    pub next: Option<String>,
    /// The page number (alerts_v2, by `$skip`).
    pub page: Option<String>,
    /// How to sort the shown page, e.g. `-severity`.
    pub sort: Option<String>,
    /// With the mirror: the page after, before or from a row's key (`value.seq`).
    pub after: Option<String>,
    pub before: Option<String>,
    pub from: Option<String>,
}

impl ListParams {
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let last = |key: &str| {
            pairs
                .iter()
                .rev()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        Self {
            query: AlertQuery::from_pairs(pairs),
            next: last("next"),
            page: last("page"),
            sort: last("sort"),
            after: last("after"),
            before: last("before"),
            from: last("from"),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "alerts.html")]
pub struct AlertsPage {
    pub layout: Layout,
    pub legacy: bool,
    pub api_label: &'static str,
    pub form: FilterForm,
    pub errors: Vec<String>,
    pub notice: Option<Notice>,
    /// The filter Graph refused, when it named one (see `refused_filter`).
    pub refused: Option<super::refused_filter::RefusedFilter>,
    /// Whether a query ran (false when the form had errors).
    pub searched: bool,
    pub rows: Vec<AlertRow>,
    pub rest_query: String,
    pub explorer_url: String,
    pub paging: Paging,
    pub export_query: String,
    pub manage: ManageForm,
    /// Whether the filter panel starts open (filters set, or the form was refused).
    pub filters_open: bool,
    /// How many filters are set, for the panel's summary.
    pub filter_count: usize,
    /// Header links, by column: severity, status, created, updated.
    pub sorts: Vec<SortLink>,
    /// "severity, most severe first" when the page is sorted.
    pub sorted_by: Option<String>,
    /// The subscription form with this view's filters filled in.
    pub subscribe_href: String,
    /// This page's own query (view, sort, page), for the alert page's "Back".
    pub back_query: String,
    /// Set when the page reads graphsec's mirror rather than Graph.
    pub mirror: Option<MirrorNote>,
    /// The search box's words (mirror only).
    pub search: String,
}

impl AlertsPage {
    /// Rows carry a checkbox for the bulk form.
    pub fn bulk_select(&self) -> bool {
        true
    }

    /// The header link for a column (`severity`, `status`, `created`, `updated`).
    pub fn sort_link(&self, key: &str) -> Option<&SortLink> {
        self.sorts.iter().find(|s| s.key == key)
    }

    /// An alert's page, remembering this list for "Back".
    pub fn alert_href(&self, id: &str) -> String {
        let path = super::detail::alert_path(id);
        if self.back_query.is_empty() {
            return path;
        }
        let back: String =
            url::form_urlencoded::byte_serialize(self.back_query.as_bytes()).collect();
        format!("{path}?back={back}")
    }
}
