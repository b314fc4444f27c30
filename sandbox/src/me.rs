//! `GET /v1.0/me` (and `/beta/me`): the signed-in user's profile.

use super::SandboxState;
use super::caller::Caller;
use super::errors::graph_error;
use super::users::DemoUser;
use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};

/// Delegated permissions that allow reading the signed-in user.
const READ_ME: [&str; 5] = [
    "User.Read",
    "User.ReadWrite",
    "User.ReadBasic.All",
    "User.Read.All",
    "Directory.Read.All",
];

pub fn router() -> Router<SandboxState> {
    Router::new()
        .route("/v1.0/me", get(get_me))
        .route("/beta/me", get(get_me))
}

async fn get_me(
    caller: Caller,
    State(state): State<SandboxState>,
    uri: Uri,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let user = match caller.require_user() {
        Ok(user) => user,
        Err(response) => return response,
    };
    if let Err(response) = caller.require(&READ_ME) {
        return response;
    }
    let version = if uri.path().starts_with("/beta/") {
        "beta"
    } else {
        "v1.0"
    };
    let select = query
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("$select") || k.eq_ignore_ascii_case("select"))
        .map(|(_, v)| v.as_str());
    let profile = profile(user);
    let (body, selected) = match select {
        None => (profile, None),
        Some(list) => match project(&profile, list) {
            Ok((body, names)) => (body, Some(names)),
            Err(bad) => {
                let message = format!(
                    "Parsing OData Select and Expand failed: Could not find a property named '{bad}' \
                     on type 'microsoft.graph.user'."
                );
                return graph_error(StatusCode::BAD_REQUEST, "BadRequest", &message);
            }
        },
    };
    let entity_set = match selected {
        Some(names) => format!("users({})", names.join(",")),
        None => "users".to_owned(),
    };
    let mut body = body;
    body.insert(
        "@odata.context".into(),
        json!(format!(
            "{}/{version}/$metadata#{entity_set}/$entity",
            state.base_url().as_str().trim_end_matches('/')
        )),
    );
    Json(Value::Object(body)).into_response()
}

/// The default properties Graph returns for a user.
fn profile(user: &DemoUser) -> Map<String, Value> {
    let value = json!({
        "businessPhones": [user.business_phone],
        "displayName": user.display_name,
        "givenName": user.given_name,
        "jobTitle": user.job_title,
        "mail": user.mail,
        "mobilePhone": null,
        "officeLocation": user.office_location,
        "preferredLanguage": "en-US",
        "surname": user.surname,
        "userPrincipalName": user.upn,
        "id": user.oid,
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Keeps the `$select`ed properties (case-insensitive); `Err` names an unknown property.
fn project(
    profile: &Map<String, Value>,
    list: &str,
) -> Result<(Map<String, Value>, Vec<String>), String> {
    let mut out = Map::new();
    let mut names = Vec::new();
    for wanted in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (name, value) = profile
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(wanted))
            .ok_or_else(|| wanted.to_owned())?;
        if out.insert(name.clone(), value.clone()).is_none() {
            names.push(name.clone());
        }
    }
    Ok((out, names))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::users::USERS;

    #[test]
    fn select_keeps_named_properties_only() {
        let profile = profile(&USERS[0]);
        let (out, names) = project(&profile, "displayName, MAIL,id").unwrap();
        assert_eq!(names, ["displayName", "mail", "id"]);
        assert_eq!(out.len(), 3);
        assert_eq!(out["mail"], USERS[0].mail);
        assert_eq!(
            project(&profile, "displayName,password").unwrap_err(),
            "password"
        );
    }

    #[test]
    fn profile_has_the_documented_default_properties() {
        let profile = profile(&USERS[1]);
        let keys: Vec<&str> = profile.keys().map(String::as_str).collect();
        for key in [
            "businessPhones",
            "displayName",
            "givenName",
            "jobTitle",
            "mail",
            "mobilePhone",
            "officeLocation",
            "preferredLanguage",
            "surname",
            "userPrincipalName",
            "id",
        ] {
            assert!(keys.contains(&key), "{key}");
        }
    }
}
