//! `GET /sync`: the mirror of the signed-in user's tenant, per resource: items held, the cursor,
//! the last run and its error, the Graph calls of the last minute and a backfill's progress. When
//! the mirror is off it says why, with the way to turn it on.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use time::OffsetDateTime;

use crate::auth::User;
use crate::config::AlertsApiKind;
use crate::sync::store::Resource;
use crate::web::layout::Layout;
use crate::web::state::AppState;
use crate::web::time::{ms_ago, readable};

/// One resource's row.
pub struct ResourceRow {
    pub name: &'static str,
    pub held: i64,
    /// The cursor in words ("2026-12-07 18:30:00 UTC"), or "backfill under way".
    pub cursor: String,
    pub last_run: String,
    pub last_ok: String,
    pub error: String,
    pub percent: u8,
    pub backfill_done: bool,
    /// "1,200 of 4,000".
    pub backfill_read: String,
    /// "this instance", "instance 4242-x1y2" (instances sharing the mirror), or "none yet".
    pub synced_by: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "sync.html")]
pub struct SyncPage {
    layout: Layout,
    tenant: String,
    /// Why the mirror does not serve this user, when it does not.
    off_reason: Option<String>,
    /// The tenant's admin has not granted the application permissions.
    needs_consent: bool,
    rows: Vec<ResourceRow>,
    calls_last_minute: usize,
    budget: u32,
    interval_secs: u64,
    /// The database the mirror lives in ("SQLite", "PostgreSQL").
    engine: &'static str,
}

/// One line about the user's mirror for the home page.
pub struct MirrorLine {
    pub text: String,
    pub needs_consent: bool,
}

/// What the home page says about the mirror, or nothing where it does not apply.
pub async fn home_line(state: &AppState, user: &User) -> Option<MirrorLine> {
    let mirror = &state.mirror;
    if !mirror.enabled() || !user.may_read_mirror() {
        return None;
    }
    let tenant = user.tenant_id.to_ascii_lowercase();
    let progress = mirror
        .store()
        .progress(&tenant, Resource::Alerts)
        .await
        .unwrap_or_default();
    let now = OffsetDateTime::now_utc();
    let line = |text: String, needs_consent| {
        Some(MirrorLine {
            text,
            needs_consent,
        })
    };
    if progress.last_error.contains("application permissions") {
        return line(
            "graphsec's copy of your tenant is off: its admin has not granted the application \
             permissions it reads with, so these figures come from Microsoft Graph."
                .to_string(),
            true,
        );
    }
    if progress.backfill_done {
        return line(
            format!(
                "Figures from graphsec's copy of your tenant, synced {}.",
                ms_ago(progress.last_ok_ms, now)
            ),
            false,
        );
    }
    line(
        format!(
            "graphsec is copying your tenant's alerts ({} %); these figures come from Microsoft \
             Graph meanwhile.",
            progress.percent()
        ),
        false,
    )
}

pub async fn show(State(state): State<AppState>, user: User, layout: Layout) -> SyncPage {
    let settings = &state.settings;
    let tenant = user.tenant_id.to_ascii_lowercase();
    let mirror = &state.mirror;
    let mut off_reason = None;
    if !settings.sync.enabled {
        off_reason = Some(
            "The mirror is turned off (sync.enabled = false): every list reads Microsoft Graph live."
                .to_string(),
        );
    } else if settings.graph.alerts_api == AlertsApiKind::Legacy {
        off_reason = Some(
            "The mirror reads alerts_v2 and incidents; with graph.alerts_api = \"legacy\" every list \
             reads the legacy API live."
                .to_string(),
        );
    } else if !user.may_read_mirror() {
        off_reason = Some(
            "The mirror is shown only to people whose own sign-in may read the tenant's security \
             alerts (SecurityAlert.Read.All); yours may not."
                .to_string(),
        );
    } else {
        mirror.join(&tenant).await;
    }
    let now = OffsetDateTime::now_utc();
    let mut rows = Vec::new();
    let mut needs_consent = false;
    if off_reason.is_none() {
        for resource in Resource::ALL {
            let store = mirror.store();
            let progress = store.progress(&tenant, resource).await.unwrap_or_default();
            needs_consent |= progress.last_error.contains("application permissions");
            let cursor = match progress.cursor_ms.filter(|_| progress.backfill_done) {
                Some(ms) => OffsetDateTime::from_unix_timestamp(ms / 1000)
                    .map(|at| readable(&crate::graph::odata::datetime(at)))
                    .unwrap_or_default(),
                None => "backfill under way".to_string(),
            };
            rows.push(ResourceRow {
                name: match resource {
                    Resource::Alerts => "Alerts",
                    Resource::Incidents => "Incidents",
                },
                held: store.held(&tenant, resource).await.unwrap_or(0),
                cursor,
                last_run: ms_ago(progress.last_run_ms, now),
                last_ok: ms_ago(progress.last_ok_ms, now),
                percent: progress.percent(),
                backfill_done: progress.backfill_done,
                backfill_read: match progress.backfill_total {
                    Some(total) => format!("{} of {total}", progress.backfill_read),
                    None => progress.backfill_read.to_string(),
                },
                synced_by: match progress.synced_by.as_str() {
                    "" => "none yet".to_string(),
                    by if by == mirror.instance() => "this instance".to_string(),
                    by => format!("instance {by}"),
                },
                error: progress.last_error,
            });
        }
        if needs_consent {
            off_reason = Some(
                "The mirror is off for your tenant: its admin has not granted graphsec the \
                 application permissions SecurityAlert.Read.All and SecurityIncident.Read.All, \
                 so every list reads Microsoft Graph live."
                    .to_string(),
            );
        }
    }
    SyncPage {
        layout: layout.active("sync"),
        tenant,
        off_reason,
        needs_consent,
        rows,
        calls_last_minute: state
            .graph
            .meter()
            .map(|m| m.last_minute(&user.tenant_id))
            .unwrap_or(0),
        budget: settings.graph.budget_per_minute,
        interval_secs: settings.sync.interval_secs,
        engine: mirror.store().engine(),
    }
}
