//! The browser pages' routes as data: every path, its handlers, and what a GET of it answers.
//! The router is built from this list, and the accessibility test walks its pages, so a new
//! page is checked by being here.

use axum::routing::{MethodRouter, get, post};

use crate::web::state::AppState;
use crate::web::{
    admin_consent, alerts, audit, bulk, home, incidents, notify, secure_score, sign_in,
    subscriptions, sync_status,
};

/// What a GET of a path answers a browser with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Get {
    /// No GET: the path takes forms only.
    None,
    /// An HTML page, opened from a link.
    Page,
    /// An HTML page a form's answer sends the browser to (it shows a result kept for it).
    FormResult,
    /// A file to download.
    Download,
    /// A stream of server-sent events.
    Stream,
    /// Sends the browser on (the sign-in handshake).
    Redirect,
}

/// One path of the browser pages.
pub struct Route {
    pub path: &'static str,
    pub get: Get,
    pub(super) methods: fn() -> MethodRouter<AppState>,
}

pub const BROWSER_ROUTES: &[Route] = &[
    Route {
        path: "/",
        get: Get::Page,
        methods: || get(home::show),
    },
    // Sign-in
    Route {
        path: "/login",
        get: Get::Redirect,
        methods: || get(sign_in::start),
    },
    Route {
        path: "/login/authorized",
        get: Get::Redirect,
        methods: || get(sign_in::authorized),
    },
    Route {
        path: "/logout",
        get: Get::None,
        methods: || post(sign_in::sign_out),
    },
    Route {
        path: "/admin-consent",
        get: Get::Page,
        methods: || get(admin_consent::show),
    },
    // Alerts
    Route {
        path: "/alerts",
        get: Get::Page,
        methods: || get(alerts::list::show),
    },
    Route {
        path: "/alerts/export.json",
        get: Get::Download,
        methods: || get(alerts::export::json),
    },
    Route {
        path: "/alerts/export.csv",
        get: Get::Download,
        methods: || get(alerts::export::csv),
    },
    Route {
        path: "/alerts/update",
        get: Get::FormResult,
        methods: || get(alerts::update::result).post(alerts::update::submit),
    },
    Route {
        path: "/alerts/bulk",
        get: Get::FormResult,
        methods: || get(bulk::result).post(bulk::alerts),
    },
    Route {
        path: "/alerts/{id}",
        get: Get::Page,
        methods: || get(alerts::detail::show),
    },
    Route {
        path: "/alerts/{id}/email",
        get: Get::None,
        methods: || post(alerts::email::send),
    },
    // Incidents
    Route {
        path: "/incidents",
        get: Get::Page,
        methods: || get(incidents::list::show),
    },
    Route {
        path: "/incidents/bulk",
        get: Get::FormResult,
        methods: || get(bulk::result).post(bulk::incidents),
    },
    Route {
        path: "/incidents/{id}",
        get: Get::Page,
        methods: || get(incidents::show::show),
    },
    Route {
        path: "/incidents/{id}/update",
        get: Get::FormResult,
        methods: || get(incidents::update::result).post(incidents::update::submit),
    },
    // Subscriptions and live notifications
    Route {
        path: "/subscriptions",
        get: Get::Page,
        methods: || get(subscriptions::list).post(subscriptions::create),
    },
    Route {
        path: "/subscriptions/{id}/renew",
        get: Get::None,
        methods: || post(subscriptions::renew),
    },
    Route {
        path: "/subscriptions/{id}/delete",
        get: Get::None,
        methods: || post(subscriptions::delete),
    },
    Route {
        path: "/listen",
        get: Get::Page,
        methods: || get(notify::page),
    },
    Route {
        path: "/listen/events",
        get: Get::Stream,
        methods: || get(notify::events),
    },
    // Secure score
    Route {
        path: "/secure-score",
        get: Get::Page,
        methods: || get(secure_score::show),
    },
    // Audit log
    Route {
        path: "/audit",
        get: Get::Page,
        methods: || get(audit::show),
    },
    Route {
        path: "/audit/export.json",
        get: Get::Download,
        methods: || get(audit::export_json),
    },
    Route {
        path: "/audit/export.csv",
        get: Get::Download,
        methods: || get(audit::export_csv),
    },
    // The mirror
    Route {
        path: "/sync",
        get: Get::Page,
        methods: || get(sync_status::show),
    },
];
