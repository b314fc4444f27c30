//! The Graph contract, checked against Microsoft's CSDL (`tests/graph-schema/`), not against the
//! sandbox: every enumeration value the console sends or offers, every property a query option
//! names, every field of every PATCH/POST body, and everything the sandbox serves must be spelled
//! exactly as the schema spells it.
//!
//! The console's requests are not listed by hand: the tests drive every form through HTTP (each
//! option of each select), then read what the sandbox received, so a new request is checked too.

use graphsec::alerts::filter::{
    AlertStatus, Classification, Determination, IncidentStatus, LegacyFeedback, LegacyStatus,
    ServiceSource, Severity,
};
use graphsec::config::AlertsApiKind;
use graphsec_sandbox::odata::{self, Expr, Literal};
use graphsec_sandbox::requests::RecordedRequest;
use graphsec_sandbox::schema::{legacy, security};
use graphsec_sandbox::seed::{Seed, render};
use scraper::{Html, Selector};
use serde_json::Value;
use time::macros::datetime;

use crate::alerts_support::alerts;
use crate::csdl::{Schema, element_type, schema};
use crate::helpers::{TestApp, sandbox_options};

const SEC: &str = "microsoft.graph.security";

fn sec(name: &str) -> String {
    format!("{SEC}.{name}")
}

/// Each console spelling must be a member of the CSDL enumeration, exactly (evolvable members
/// count: every console call sends `Prefer: include-unknown-enum-members`).
fn assert_members(console: &[&str], enum_name: &str, errors: &mut Vec<String>) {
    let members: Vec<&str> = schema()
        .all_members(enum_name)
        .iter()
        .map(String::as_str)
        .filter(|m| *m != "unknownFutureValue")
        .collect();
    for value in console {
        if !members.contains(value) {
            errors.push(format!(
                "the console sends '{value}', which {enum_name} does not declare ({members:?})"
            ));
        }
    }
}

#[test]
fn every_enumeration_value_the_console_sends_is_a_csdl_member() {
    let mut errors = Vec::new();
    let names = |values: Vec<&'static str>| values;
    assert_members(
        &names(AlertStatus::ALL.iter().map(|v| v.as_str()).collect()),
        &sec("alertStatus"),
        &mut errors,
    );
    assert_members(
        &names(Severity::ALL.iter().map(|v| v.as_str()).collect()),
        &sec("alertSeverity"),
        &mut errors,
    );
    assert_members(
        &names(Severity::ALL.iter().map(|v| v.as_str()).collect()),
        "microsoft.graph.alertSeverity",
        &mut errors,
    );
    assert_members(
        &names(Classification::ALL.iter().map(|v| v.as_str()).collect()),
        &sec("alertClassification"),
        &mut errors,
    );
    assert_members(
        &names(Determination::ALL.iter().map(|v| v.as_str()).collect()),
        &sec("alertDetermination"),
        &mut errors,
    );
    assert_members(
        &names(ServiceSource::ALL.iter().map(|v| v.as_str()).collect()),
        &sec("serviceSource"),
        &mut errors,
    );
    assert_members(
        &names(IncidentStatus::ALL.iter().map(|v| v.as_str()).collect()),
        &sec("incidentStatus"),
        &mut errors,
    );
    assert_members(
        &names(LegacyStatus::ALL.iter().map(|v| v.as_str()).collect()),
        "microsoft.graph.alertStatus",
        &mut errors,
    );
    assert_members(
        &names(LegacyFeedback::ALL.iter().map(|v| v.as_str()).collect()),
        "microsoft.graph.alertFeedback",
        &mut errors,
    );
    assert!(errors.is_empty(), "{errors:#?}");
}

/// The sandbox's enumerations are the CSDL's, member for member and in order.
#[test]
fn the_sandbox_declares_exactly_the_csdl_members() {
    fn same(declared: Vec<&str>, enum_name: &str) {
        assert_eq!(declared, schema().members(enum_name), "{enum_name}");
    }
    macro_rules! names {
        ($ty:ty) => {
            <$ty>::MEMBERS.iter().map(|m| m.name()).collect::<Vec<_>>()
        };
    }
    same(names!(security::AlertStatus), &sec("alertStatus"));
    same(names!(security::AlertSeverity), &sec("alertSeverity"));
    same(
        names!(security::AlertClassification),
        &sec("alertClassification"),
    );
    same(
        names!(security::AlertDetermination),
        &sec("alertDetermination"),
    );
    same(names!(security::IncidentStatus), &sec("incidentStatus"));
    same(names!(security::ServiceSource), &sec("serviceSource"));
    same(names!(security::DetectionSource), &sec("detectionSource"));
    same(names!(legacy::AlertStatus), "microsoft.graph.alertStatus");
    macro_rules! evolvable {
        ($ty:ty) => {
            <$ty>::EVOLVABLE
                .iter()
                .map(|m| m.name())
                .collect::<Vec<_>>()
        };
    }
    for (declared, enum_name) in [
        (evolvable!(security::IncidentStatus), "incidentStatus"),
        (evolvable!(security::ServiceSource), "serviceSource"),
        (evolvable!(security::DetectionSource), "detectionSource"),
    ] {
        let after: Vec<&str> = schema()
            .all_members(&sec(enum_name))
            .iter()
            .skip_while(|m| *m != "unknownFutureValue")
            .skip(1)
            .map(String::as_str)
            .collect();
        assert_eq!(declared, after, "{enum_name}'s evolvable members");
    }
    same(
        names!(legacy::AlertFeedback),
        "microsoft.graph.alertFeedback",
    );
    for ty in [
        security::AlertStatus::TYPE_NAME,
        security::AlertSeverity::TYPE_NAME,
        security::IncidentStatus::TYPE_NAME,
        legacy::AlertStatus::TYPE_NAME,
    ] {
        assert!(schema().is_enum(ty), "{ty}");
    }
}

#[test]
fn the_seed_renders_only_schema_spellings() {
    let schema = schema();
    let mut errors = Vec::new();
    let now = datetime!(2026-11-24 12:00:00.5 UTC);
    for (tenant, id) in [("contoso", "tid-contoso"), ("fabrikam", "tid-fabrikam")] {
        let seed = Seed::for_tenant(tenant, id, now);
        assert!(!seed.alerts.is_empty());
        for alert in &seed.alerts {
            let at = format!("{tenant} {}", alert.id);
            schema.check_json_evolvable(
                &sec("alert"),
                &render::alert_v2(alert),
                &format!("{at} v2"),
                &mut errors,
            );
            schema.check_json(
                "microsoft.graph.alert",
                &render::alert_legacy(alert),
                &format!("{at} legacy"),
                &mut errors,
            );
        }
        for incident in &seed.incidents {
            let members: Vec<_> = seed
                .alerts
                .iter()
                .filter(|a| incident.alert_ids.contains(&a.id))
                .collect();
            schema.check_json_evolvable(
                &sec("incident"),
                &render::incident(incident, Some(&members)),
                &format!("{tenant} incident {}", incident.id),
                &mut errors,
            );
        }
    }
    assert!(errors.is_empty(), "{errors:#?}");
}

/// The sandbox's answers over HTTP (lists, expansions, secure score), read with an app token,
/// with and without `Prefer: include-unknown-enum-members`.
#[tokio::test]
async fn the_sandbox_serves_only_schema_spellings() {
    let cli = crate::cli::Cli::start().await;
    let token = cli.app_token("https://graph.microsoft.com/.default").await;
    let schema = schema();
    let mut errors = Vec::new();
    for prefer in [false, true] {
        for (path, ty) in [
            ("security/alerts_v2?$top=2000", sec("alert")),
            ("security/alerts?$top=1000", "microsoft.graph.alert".into()),
            (
                "security/incidents?$top=2000&$expand=alerts",
                sec("incident"),
            ),
            (
                "security/secureScores",
                "microsoft.graph.secureScore".into(),
            ),
            (
                "security/secureScoreControlProfiles",
                "microsoft.graph.secureScoreControlProfile".into(),
            ),
        ] {
            let mut request = reqwest::Client::new()
                .get(format!("{}/v1.0/{path}", cli.base()))
                .bearer_auth(&token);
            if prefer {
                request = request.header("prefer", "include-unknown-enum-members");
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 200, "{path}");
            let page: Value = response.json().await.unwrap();
            let items = page["value"].as_array().expect("a collection");
            assert!(!items.is_empty(), "{path} returned nothing to check");
            let (ty, at) = (
                format!("Collection({ty})"),
                format!("{path} prefer={prefer}"),
            );
            if prefer {
                schema.check_json_evolvable(&ty, &page["value"], &at, &mut errors);
            } else {
                schema.check_json(&ty, &page["value"], &at, &mut errors);
            }
        }
    }
    assert!(errors.is_empty(), "{errors:#?}");
}

/// `(name, option values)` of every select and valued checkbox in the forms matching `form`.
fn form_choices(html: &str, form: &str) -> Vec<(String, Vec<String>)> {
    let doc = Html::parse_document(html);
    let selects = Selector::parse(&format!("{form} select")).unwrap();
    let options = Selector::parse("option").unwrap();
    let mut out: Vec<(String, Vec<String>)> = doc
        .select(&selects)
        .map(|select| {
            let name = select.value().attr("name").unwrap_or_default().to_string();
            let values = select
                .select(&options)
                .filter_map(|o| o.value().attr("value"))
                .filter(|v| !v.is_empty())
                .map(str::to_string)
                .collect();
            (name, values)
        })
        .collect();
    let boxes = Selector::parse(&format!("{form} input[type=checkbox]")).unwrap();
    for input in doc.select(&boxes) {
        if let (Some(name), Some(value)) = (input.value().attr("name"), input.value().attr("value"))
        {
            out.push((name.to_string(), vec![value.to_string()]));
        }
    }
    out.retain(|(name, values)| !name.is_empty() && !values.is_empty());
    out
}

/// Drives every form of the console on `api`, each option of each select once.
async fn exercise_the_console(app: &TestApp, api: AlertsApiKind) {
    // The alert list: each filter choice, and the text fields.
    let (_, html) = app.get_html("/alerts").await;
    let choices = form_choices(&html, "#filter-form");
    assert!(
        choices.len() >= 4,
        "the filter form offers choices: {choices:?}"
    );
    for (name, values) in choices {
        for value in values {
            let query = format!("{name}={}", crate::helpers::urlencode(&value));
            let (status, page) = app.get_html(&format!("/alerts?{query}")).await;
            assert_eq!(status, 200, "/alerts?{query}: {page}");
        }
    }
    for query in [
        "fqdn=srv-dc01.contoso.example",
        "upn=o%27brien%40contoso.example",
    ] {
        let (status, _) = app.get_html(&format!("/alerts?{query}")).await;
        assert_eq!(status, 200, "{query}");
    }
    // One alert: its page, each option of the manage form, a comment, an email.
    let alert = alerts(app).into_iter().next().unwrap();
    let (status, html) = app.get_html(&format!("/alerts/{}", alert.id)).await;
    assert_eq!(status, 200);
    // A change redirects to its result (303); a choice the alert already has, or a
    // determination its classification does not allow, comes back on the form (400).
    // A determination goes with a classification that allows it (Defender's pairs), so each
    // one offered is sent along with the first classification that accepts it.
    let choices = form_choices(&html, "#manage-form");
    let classifications: Vec<String> = choices
        .iter()
        .find(|(name, _)| name == "classification")
        .map(|(_, values)| values.clone())
        .unwrap_or_default();
    let (mut changed, mut offered) = (0, 0);
    for (name, values) in &choices {
        for value in values {
            offered += 1;
            let partners: Vec<Option<&str>> = if name == "determination" {
                classifications.iter().map(|c| Some(c.as_str())).collect()
            } else {
                vec![None]
            };
            for partner in partners {
                let mut fields = vec![
                    ("alert_id", alert.id.as_str()),
                    (name.as_str(), value.as_str()),
                ];
                fields.extend(partner.map(|c| ("classification", c)));
                let response = app.post_form("/alerts/update", &fields).await;
                match response.status().as_u16() {
                    303 => {
                        changed += 1;
                        break;
                    }
                    400 => {}
                    other => panic!("update {name}={value}: {other}"),
                }
            }
        }
    }
    assert!(
        changed * 2 >= offered,
        "only {changed} of {offered} manage-form choices were sent to Graph"
    );
    let response = app
        .post_form(
            "/alerts/update",
            &[("alert_id", alert.id.as_str()), ("comment", "Checked.")],
        )
        .await;
    assert_eq!(response.status(), 303, "comment");
    let response = app
        .post_form(
            &format!("/alerts/{}/email", alert.id),
            &[("recipients", "soc@contoso.example")],
        )
        .await;
    assert_eq!(response.status(), 303, "email");
    // Incidents (v2 only), each status choice; the secure score; the home page.
    if api == AlertsApiKind::V2 {
        let (_, html) = app.get_html("/incidents").await;
        for (name, values) in form_choices(&html, "#incident-filter") {
            for value in values {
                let (status, _) = app.get_html(&format!("/incidents?{name}={value}")).await;
                assert_eq!(status, 200, "incidents {name}={value}");
            }
        }
        let (status, html) = app.get_html("/incidents/101").await;
        assert_eq!(status, 200);
        // The manage form: each status, each classification with a determination it allows,
        // tags and a comment, all through the form.
        for (name, values) in form_choices(&html, "#manage-incident-form") {
            for value in values.iter().filter(|v| !v.is_empty()) {
                let mut fields = vec![(name.as_str(), value.as_str())];
                if name == "classification" {
                    fields.push(("determination", "other"));
                }
                if name == "determination" {
                    fields.push(("classification", "true_positive"));
                }
                let status = app
                    .post_form("/incidents/101/update", &fields)
                    .await
                    .status()
                    .as_u16();
                assert!(
                    matches!(status, 303 | 400),
                    "incident {name}={value}: {status}"
                );
            }
        }
        let response = app
            .post_form(
                "/incidents/101/update",
                &[
                    ("tags", "Escalated"),
                    ("comment", "Checked."),
                    ("assign_to_me", "on"),
                ],
            )
            .await;
        assert_eq!(response.status(), 303, "incident tags and comment");
    }
    let (status, _) = app.get_html("/secure-score").await;
    assert_eq!(status, 200);
    // Subscriptions: each choice of the subscribe form (Graph webhooks on the legacy API, a
    // watch on alerts_v2); then, on legacy, create, renew and delete one.
    let (_, html) = app.get_html("/subscriptions").await;
    let choices = form_choices(&html, "#subscribe-form");
    assert!(!choices.is_empty(), "the subscribe form offers choices");
    for (name, values) in choices {
        for value in values {
            let response = app
                .post_form("/subscriptions", &[(name.as_str(), value.as_str())])
                .await;
            assert_eq!(response.status(), 303, "subscribe {name}={value}");
        }
    }
    if api == AlertsApiKind::Legacy {
        let response = app
            .post_form(
                "/subscriptions",
                &[("severity", "high"), ("status", "new_alert")],
            )
            .await;
        assert_eq!(response.status(), 303, "subscribe");
        let (_, html) = app.get_html("/subscriptions").await;
        let renew = crate::helpers::select_attr(&html, "form[action$='/renew']", "action")
            .expect("a renew form");
        assert_eq!(app.post_form(&renew, &[]).await.status(), 303, "renew");
        let delete = renew.replace("/renew", "/delete");
        assert_eq!(app.post_form(&delete, &[]).await.status(), 303, "delete");
    }
}

/// What a Graph request addresses: the type its query options and body are checked against.
enum Target {
    /// An entity set or entity of this type.
    Type(String),
    /// An action with these parameters (name, type).
    Action(&'static [(&'static str, &'static str)]),
}

/// `user.sendMail`'s parameters, as Graph's reference documents them (the subset carries the
/// types, not the action).
const SEND_MAIL: &[(&str, &str)] = &[
    ("Message", "microsoft.graph.message"),
    ("SaveToSentItems", "Edm.Boolean"),
];

fn target(path: &str) -> Result<Target, String> {
    let segments: Vec<&str> = path.trim_start_matches("/v1.0/").split('/').collect();
    let ty = |name: &str| Ok(Target::Type(name.to_string()));
    match segments.as_slice() {
        ["me"] => ty("microsoft.graph.user"),
        ["me", "sendMail"] => Ok(Target::Action(SEND_MAIL)),
        ["security", "alerts_v2"] | ["security", "alerts_v2", _] => ty(&sec("alert")),
        ["security", "alerts_v2", _, "comments"] => ty(&sec("alertComment")),
        ["security", "alerts"] | ["security", "alerts", _] => ty("microsoft.graph.alert"),
        ["security", "incidents"] | ["security", "incidents", _] => ty(&sec("incident")),
        ["security", "incidents", _, "alerts"] => ty(&sec("alert")),
        ["security", "incidents", _, "comments"] => ty(&sec("alertComment")),
        ["security", "secureScores"] => ty("microsoft.graph.secureScore"),
        ["security", "secureScoreControlProfiles"] => {
            ty("microsoft.graph.secureScoreControlProfile")
        }
        ["subscriptions"] | ["subscriptions", _] => ty("microsoft.graph.subscription"),
        _ => Err(format!("no schema type is mapped for {path}")),
    }
}

/// Checks a `$filter` against `ty`: every path resolves, every enumeration literal is a member.
fn check_filter(schema: &Schema, ty: &str, filter: &str, at: &str, errors: &mut Vec<String>) {
    let expr = match odata::parse(filter) {
        Ok(expr) => expr,
        Err(e) => return errors.push(format!("{at}: $filter {filter:?} does not parse: {e}")),
    };
    fn walk(
        schema: &Schema,
        expr: &Expr,
        root: &str,
        scope: &mut Vec<(String, String)>,
        at: &str,
        errors: &mut Vec<String>,
    ) {
        let resolve = |path: &[String], scope: &[(String, String)]| {
            let (start, rest) = match scope.iter().rev().find(|(var, _)| *var == path[0]) {
                Some((_, ty)) => (ty.clone(), &path[1..]),
                None => (root.to_string(), path),
            };
            let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
            schema.resolve(&start, &rest)
        };
        match expr {
            Expr::And(parts) | Expr::Or(parts) => parts
                .iter()
                .for_each(|p| walk(schema, p, root, scope, at, errors)),
            Expr::Compare { path, value, .. } => match resolve(path, scope) {
                Err(e) => errors.push(format!("{at}: {}: {e}", path.join("/"))),
                Ok(ty) => {
                    // Every console call asks for evolvable members, so they count.
                    if let (true, Literal::Str(word)) = (schema.is_enum(&ty), value)
                        && (word == "unknownFutureValue" || !schema.all_members(&ty).contains(word))
                    {
                        errors.push(format!(
                            "{at}: {} eq '{word}': not a member of {ty}",
                            path.join("/")
                        ));
                    }
                }
            },
            Expr::Any {
                collection,
                var,
                body,
            } => match resolve(collection, scope) {
                Err(e) => errors.push(format!("{at}: {}: {e}", collection.join("/"))),
                Ok(ty) => {
                    scope.push((var.clone(), element_type(&ty).to_string()));
                    walk(schema, body, root, scope, at, errors);
                    scope.pop();
                }
            },
        }
    }
    walk(schema, &expr, ty, &mut Vec::new(), at, errors);
}

/// Checks one recorded Graph request: its query options and its JSON body.
fn check_request(schema: &Schema, request: &RecordedRequest, errors: &mut Vec<String>) {
    let at = format!("{} {}", request.method, request.path_and_query);
    let target = match target(request.path()) {
        Ok(target) => target,
        Err(e) => return errors.push(e),
    };
    let query = request
        .path_and_query
        .split_once('?')
        .map_or("", |(_, q)| q);
    for (option, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let Target::Type(ty) = &target else {
            errors.push(format!("{at}: query options on an action"));
            continue;
        };
        match option.as_ref() {
            "$filter" => check_filter(schema, ty, &value, &at, errors),
            "$select" | "$expand" | "$orderby" => {
                for item in value.split(',') {
                    let property = item.split_whitespace().next().unwrap_or_default();
                    if schema.property(ty, property).is_none() {
                        errors.push(format!("{at}: {option} names '{property}', not on {ty}"));
                    }
                }
            }
            "$top" | "$skip" | "$count" => {}
            other => errors.push(format!("{at}: query option '{other}'")),
        }
    }
    if !matches!(request.method.as_str(), "POST" | "PATCH") || request.body.is_empty() {
        return;
    }
    let body: Value = match serde_json::from_str(&request.body) {
        Ok(body) => body,
        Err(e) => return errors.push(format!("{at}: the body is not JSON: {e}")),
    };
    match target {
        Target::Type(ty) => {
            schema.check_json_evolvable(&ty, &body, &at, errors);
            // A subscription's resource carries a $filter on the resource it watches.
            if let Some(resource) = body.get("resource").and_then(Value::as_str) {
                check_subscription_resource(schema, resource, &at, errors);
            }
        }
        Target::Action(parameters) => {
            for (key, value) in body.as_object().into_iter().flatten() {
                // Action parameters are case-insensitive in Graph's docs; the body uses camelCase.
                match parameters
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case(key))
                {
                    Some((_, ty)) => schema.check_json(ty, value, &format!("{at}.{key}"), errors),
                    None => errors.push(format!("{at}: the action has no parameter '{key}'")),
                }
            }
        }
    }
}

fn check_subscription_resource(
    schema: &Schema,
    resource: &str,
    at: &str,
    errors: &mut Vec<String>,
) {
    let (path, query) = resource.split_once('?').unwrap_or((resource, ""));
    let ty = match path {
        "security/alerts" => "microsoft.graph.alert".to_string(),
        "security/alerts_v2" => sec("alert"),
        other => return errors.push(format!("{at}: subscription to unmapped '{other}'")),
    };
    for (option, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match option.as_ref() {
            "$filter" => check_filter(schema, &ty, &value, &format!("{at} resource"), errors),
            other => errors.push(format!("{at}: resource query option '{other}'")),
        }
    }
}

async fn every_request_the_console_sends_is_in_the_schema(api: AlertsApiKind) {
    // One subscription per choice of the subscribe form: more than one user may usually hold.
    let options = sandbox_options();
    let app = crate::helpers::spawn_app_with(options, |s| {
        s.graph.alerts_api = api;
        s.notify.max_watches_per_user = 1_000;
        s.notify.max_watches_per_tenant = 1_000;
    })
    .await;
    app.sign_in().await;
    exercise_the_console(&app, api).await;
    let requests: Vec<RecordedRequest> = app
        .sandbox
        .state()
        .requests()
        .into_iter()
        .filter(|r| r.path().starts_with("/v1.0/"))
        .collect();
    let schema = schema();
    let mut errors = Vec::new();
    for request in &requests {
        check_request(schema, request, &mut errors);
    }
    assert!(errors.is_empty(), "{api:?}: {errors:#?}");
    // The positive control: the requests that carry the contract were made and checked.
    let seen = |method: &str, part: &str| {
        requests
            .iter()
            .filter(|r| r.method == method && r.path_and_query.contains(part))
            .count()
    };
    let filters: Vec<String> = requests
        .iter()
        .filter_map(|r| {
            let query = r.path_and_query.split_once('?')?.1.to_string();
            url::form_urlencoded::parse(query.as_bytes())
                .find(|(k, _)| k == "$filter")
                .map(|(_, v)| v.into_owned())
        })
        .collect();
    let filtered_on = |property: &str| {
        filters
            .iter()
            .any(|f| f.contains(&format!("{property} eq '")))
    };
    match api {
        AlertsApiKind::V2 => {
            assert!(seen("PATCH", "/security/alerts_v2/") >= 20, "v2 PATCHes");
            assert!(seen("POST", "/comments") >= 1, "comments");
            for property in [
                "status",
                "severity",
                "serviceSource",
                "classification",
                "determination",
                "assignedTo",
            ] {
                assert!(
                    filtered_on(property),
                    "no $filter on {property}: {filters:#?}"
                );
            }
            assert!(seen("GET", "/security/incidents") >= 3, "incidents");
        }
        AlertsApiKind::Legacy => {
            assert!(seen("PATCH", "/security/alerts/") >= 8, "legacy PATCHes");
            for property in ["status", "severity", "assignedTo", "category"] {
                assert!(
                    filtered_on(property),
                    "no $filter on {property}: {filters:#?}"
                );
            }
            assert!(seen("POST", "/v1.0/subscriptions") >= 10, "subscriptions");
            assert!(seen("PATCH", "/v1.0/subscriptions/") >= 1, "renewal");
        }
    }
    assert!(seen("POST", "/me/sendMail") >= 1, "mail");
}

#[tokio::test]
async fn every_request_the_console_sends_on_alerts_v2_is_in_the_schema() {
    every_request_the_console_sends_is_in_the_schema(AlertsApiKind::V2).await;
}

#[tokio::test]
async fn every_request_the_console_sends_on_legacy_alerts_is_in_the_schema() {
    every_request_the_console_sends_is_in_the_schema(AlertsApiKind::Legacy).await;
}

/// The property lists the sandbox checks PATCH bodies and `$filter` paths against are the CSDL's.
#[test]
fn the_sandbox_knows_exactly_the_csdl_alert_properties() {
    let csdl = |ty: &str| {
        let mut names: Vec<String> = crate::csdl::schema()
            .all_properties(ty)
            .into_iter()
            .collect();
        names.sort();
        names
    };
    let sandbox = |list: &[&str]| {
        let mut names: Vec<String> = list.iter().map(|p| p.to_string()).collect();
        names.sort();
        names
    };
    assert_eq!(
        sandbox(security::ALERT_PROPERTIES),
        csdl(security::ALERT_TYPE)
    );
    assert_eq!(sandbox(legacy::ALERT_PROPERTIES), csdl(legacy::ALERT_TYPE));
}

/// The app-only CLI's Graph requests (`graphsec incidents --api graph`) against the schema too.
#[tokio::test]
async fn every_request_the_cli_sends_to_graph_is_in_the_schema() {
    let cli = crate::cli::Cli::start().await;
    let out = cli.out_dir();
    let output = cli
        .run(&[
            "incidents",
            "--since",
            "7d",
            "--api",
            "graph",
            "--page-size",
            "3",
            "--out",
            out.to_str().unwrap(),
        ])
        .await;
    crate::cli::assert_success(&output);
    let requests: Vec<RecordedRequest> = cli
        .sandbox
        .state()
        .requests()
        .into_iter()
        .filter(|r| r.path().starts_with("/v1.0/"))
        .collect();
    assert!(
        requests
            .iter()
            .any(|r| r.path_and_query.contains("filter") && r.path_and_query.contains("expand")),
        "{requests:#?}"
    );
    let mut errors = Vec::new();
    for request in &requests {
        check_request(schema(), request, &mut errors);
    }
    assert!(errors.is_empty(), "{errors:#?}");
}
