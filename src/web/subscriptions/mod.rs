//! `/subscriptions`: the tenant's alert subscriptions (list, create from filter fields,
//! renew, delete).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use time::OffsetDateTime;
use tower_sessions::Session;

use crate::{
    alerts::query::AlertQuery,
    auth::User,
    error::AppError,
    graph::GraphErrorKind,
    graph::observe::observe,
    notify::{
        background::owners,
        model::ApiKind,
        subscriptions::{
            manage::{self as subscribe, Context, SubscribeError, Subscribed},
            plan,
        },
    },
    web::layout::{Layout, flash},
    web::security_permission,
    web::state::AppState,
};

mod audit;
mod view;

use view::{Row, Select, describe, row, selects, when};

#[derive(Template, WebTemplate)]
#[template(path = "subscriptions.html")]
pub struct SubscriptionsPage {
    layout: Layout,
    rows: Vec<Row>,
    legacy: bool,
    selects: Vec<Select>,
    /// Legacy only: a free-text provider field when the tenant's providers could not be learned.
    provider_as_text: bool,
    form: AlertQuery,
    error: Option<String>,
    lifetime_hours: i64,
    notification_url: String,
    /// Subscriptions made before the switch to Redis, not carried over.
    left_behind: i64,
}

pub async fn list(
    State(state): State<AppState>,
    user: User,
    layout: Layout,
    session: Session,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    security_permission::require(&state, &user)?;
    remember(&state, &user, &session).await;
    // "Subscribe to this view" on the alert list arrives with its filters filled in.
    let form = AlertQuery::from_pairs(&pairs);
    page(&state, &user, &session, layout, form, None)
        .await
        .map(IntoResponse::into_response)
}

pub async fn create(
    State(state): State<AppState>,
    user: User,
    layout: Layout,
    session: Session,
    Form(form): Form<AlertQuery>,
) -> Result<Response, AppError> {
    security_permission::require(&state, &user)?;
    remember(&state, &user, &session).await;
    let (result, answers) = observe(subscribe::subscribe(
        context(&state),
        &state.notify,
        &user,
        &form,
    ))
    .await;
    audit::record_subscribe(&state.audit, &user, &result, &answers).await?;
    match result {
        Ok(Subscribed::Created(sub)) => {
            let text = format!(
                "Subscribed to {}; it expires {}.",
                describe(&sub),
                when(sub.expires_at)
            );
            flash(&session, "success", text).await;
            Ok(Redirect::to("/subscriptions").into_response())
        }
        Ok(Subscribed::Renewed(sub)) => {
            let text = format!(
                "You already had this subscription ({}); it was renewed until {}.",
                describe(&sub),
                when(sub.expires_at)
            );
            flash(&session, "info", text).await;
            Ok(Redirect::to("/subscriptions").into_response())
        }
        Ok(Subscribed::Existing(sub)) => {
            let text = format!(
                "Your tenant already has this subscription ({}), made by a colleague; its \
                 notifications already reach you. It expires {}.",
                describe(&sub),
                when(sub.expires_at)
            );
            flash(&session, "info", text).await;
            Ok(Redirect::to("/subscriptions").into_response())
        }
        Err(SubscribeError::Store(e)) => Err(e.into()),
        Err(error) => {
            let status = status_of(&error);
            let page = page(
                &state,
                &user,
                &session,
                layout,
                form,
                Some(error.to_string()),
            )
            .await?;
            Ok((status, page).into_response())
        }
    }
}

pub async fn renew(
    State(state): State<AppState>,
    user: User,
    session: Session,
    Path(id): Path<String>,
) -> Result<Redirect, AppError> {
    security_permission::require(&state, &user)?;
    remember(&state, &user, &session).await;
    let (result, answers) =
        observe(subscribe::renew(context(&state), &state.notify, &user, &id)).await;
    audit::record_change(&state.audit, &user, "renewed", &id, &result, &answers).await?;
    let sub = result.map_err(app_error)?;
    let text = format!("Renewed {} until {}.", describe(&sub), when(sub.expires_at));
    flash(&session, "success", text).await;
    Ok(Redirect::to("/subscriptions"))
}

pub async fn delete(
    State(state): State<AppState>,
    user: User,
    session: Session,
    Path(id): Path<String>,
) -> Result<Redirect, AppError> {
    security_permission::require(&state, &user)?;
    let (result, answers) = observe(subscribe::delete(
        context(&state),
        &state.notify,
        &user,
        &id,
    ))
    .await;
    audit::record_change(&state.audit, &user, "deleted", &id, &result, &answers).await?;
    result.map_err(app_error)?;
    flash(&session, "success", "The subscription was deleted.").await;
    Ok(Redirect::to("/subscriptions"))
}

async fn page(
    state: &AppState,
    user: &User,
    session: &Session,
    layout: Layout,
    form: AlertQuery,
    error: Option<String>,
) -> Result<SubscriptionsPage, AppError> {
    let subs = state
        .notify
        .registry
        .list_for_tenant(&user.tenant_id)
        .await?;
    let kind = subscribe::api_kind(&state.settings);
    let providers = match kind {
        ApiKind::LegacyWebhook => {
            let api = <crate::alerts::api::AlertsApi as axum::extract::FromRef<AppState>>::from_ref(
                state,
            );
            crate::web::alerts::legacy_providers(&api, user, session).await
        }
        ApiKind::V2Watch => Vec::new(),
    };
    let now = OffsetDateTime::now_utc();
    Ok(SubscriptionsPage {
        layout: layout.active("subscriptions"),
        rows: subs
            .iter()
            .map(|s| row(s, user, now, state.notify.watches.waiting(&s.id)))
            .collect(),
        legacy: kind == ApiKind::LegacyWebhook,
        provider_as_text: kind == ApiKind::LegacyWebhook && providers.is_empty(),
        selects: selects(kind, &form, &providers),
        form,
        error,
        lifetime_hours: plan::lifetimes(&state.settings.notify)
            .lifetime
            .whole_hours(),
        notification_url: state.urls.notification_url.to_string(),
        left_behind: state.subscriptions_left_behind,
    })
}

/// Keeps the owner's session on record so background renewals can use its tokens.
pub async fn remember(state: &AppState, user: &User, session: &Session) {
    let registry = state.notify.registry.as_ref();
    if let Err(error) = owners::remember(registry, &user.tenant_id, &user.oid, session.id()).await {
        tracing::warn!(%error, "could not record the subscription owner's session");
    }
}

fn status_of(error: &SubscribeError) -> StatusCode {
    match error {
        SubscribeError::Invalid(_) => StatusCode::BAD_REQUEST,
        SubscribeError::NotFound => StatusCode::NOT_FOUND,
        SubscribeError::NotYours => StatusCode::FORBIDDEN,
        SubscribeError::Limit(_) => StatusCode::CONFLICT,
        SubscribeError::Graph(e) => match e.kind {
            GraphErrorKind::BadRequest => StatusCode::BAD_REQUEST,
            GraphErrorKind::Forbidden => StatusCode::FORBIDDEN,
            GraphErrorKind::Throttled => StatusCode::TOO_MANY_REQUESTS,
            _ => StatusCode::BAD_GATEWAY,
        },
        SubscribeError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn app_error(error: SubscribeError) -> AppError {
    match error {
        SubscribeError::Invalid(m) => AppError::BadRequest(m),
        SubscribeError::NotFound => AppError::NotFound(error.to_string()),
        SubscribeError::NotYours => AppError::Forbidden(error.to_string()),
        SubscribeError::Limit(m) => AppError::BadRequest(m),
        SubscribeError::Graph(e) => AppError::Graph(e),
        SubscribeError::Store(e) => e.into(),
    }
}

fn context(state: &AppState) -> Context<'_> {
    Context {
        graph: &state.graph,
        settings: &state.settings,
        urls: &state.urls,
    }
}
