use secrecy::SecretString;

use super::*;

/// The example file alone: the process environment is not a source here.
fn example() -> Settings {
    let file = config::File::from(Path::new("config.example.toml")).required(true);
    Settings::build(Some(file), &[], EnvironmentSource::Skip).unwrap()
}

fn configured() -> Settings {
    let mut settings = example();
    settings.identity.client_id = "11111111-2222-3333-4444-555555555555".into();
    settings.identity.client_secret = SecretString::from("s3cret".to_string());
    settings
}

#[test]
fn example_config_parses_and_placeholders_are_refused() {
    let settings = example();
    let err = settings.validate().unwrap_err().to_string();
    assert!(err.contains("identity.client_id"), "{err}");
}

#[test]
fn placeholder_secret_is_named() {
    let mut settings = configured();
    settings.identity.client_secret = SecretString::from("ENTER_YOUR_CLIENT_SECRET".to_string());
    let err = settings.validate().unwrap_err().to_string();
    assert!(err.contains("GRAPHSEC__IDENTITY__CLIENT_SECRET"), "{err}");
}

#[test]
fn allowed_tenants_are_a_list_or_one_string_of_guids() {
    let from_env = Settings::from_defaults(&[(
        "identity.allowed_tenants",
        "2F5E2C4B-7D1A-4C8E-9B3F-6A1D0E8C5B21, 8a3d9f10-4b6e-4e2a-a7c5-3e9b1d2f4c60".into(),
    )])
    .unwrap();
    assert_eq!(
        from_env.identity.allowed_tenants,
        [
            "2f5e2c4b-7d1a-4c8e-9b3f-6a1d0e8c5b21",
            "8a3d9f10-4b6e-4e2a-a7c5-3e9b1d2f4c60"
        ]
    );
    assert!(example().identity.allowed_tenants.is_empty());
    let mut settings = configured();
    settings.identity.allowed_tenants = vec!["contoso.example".into()];
    let err = settings.validate().unwrap_err().to_string();
    assert!(err.contains("identity.allowed_tenants"), "{err}");
    let mut long = configured();
    long.notify.retention_days = 40_000;
    let err = long.validate().unwrap_err().to_string();
    assert!(
        err.contains("notify.retention_days") && err.contains("at most 36500"),
        "{err}"
    );
    let mut long = configured();
    long.audit.retention_days = u32::MAX;
    let err = long.validate().unwrap_err().to_string();
    assert!(
        err.contains("audit.retention_days") && err.contains("at most 36500"),
        "{err}"
    );
    // Never longer than can be dated, even where nothing validated the settings.
    long.notify.retention_days = u64::MAX;
    assert_eq!(
        long.notify.retention(),
        std::time::Duration::from_secs(36_500 * 86_400)
    );
    settings.identity.scopes = "User.Read".into();
    assert_eq!(settings.scopes(), ["openid", "User.Read"]);
}

#[test]
fn secrets_go_over_https_or_stay_on_this_machine() {
    let check = |value: &str| secure_url("graph.base_url", value);
    assert!(check("https://graph.microsoft.com").is_ok());
    assert!(check("http://127.0.0.1:8080/").is_ok());
    assert!(check("http://127.8.0.1/").is_ok());
    assert!(check("http://localhost:1/").is_ok());
    assert!(check("http://[::1]:9/").is_ok());
    let err = check("http://graph.microsoft.com").unwrap_err().to_string();
    assert!(
        err.contains("graph.base_url") && err.contains("https"),
        "{err}"
    );
    assert!(check("http://127.0.0.1.evil.example/").is_err());
    assert!(check("http://10.0.0.1/").is_err());
}

#[test]
fn bad_url_names_its_key() {
    let mut settings = configured();
    settings.graph.base_url = "not a url".into();
    let err = settings.validate().unwrap_err().to_string();
    assert!(err.contains("graph.base_url"), "{err}");
}

#[test]
fn derived_urls_follow_public_url() {
    let mut settings = configured();
    settings.server.public_url = "https://console.example/".into();
    let urls = settings.urls().unwrap();
    assert_eq!(
        urls.redirect_url.as_str(),
        "https://console.example/login/authorized"
    );
    assert_eq!(
        urls.notification_url.as_str(),
        "https://console.example/listen"
    );
    assert_eq!(
        urls.lifecycle_url.as_str(),
        "https://console.example/lifecycle"
    );
}

#[test]
fn default_scopes_follow_the_alert_api() {
    let mut settings = configured();
    assert!(
        settings
            .scopes()
            .contains(&"SecurityAlert.ReadWrite.All".to_string())
    );
    assert!(
        settings
            .scopes()
            .contains(&"SecurityIncident.ReadWrite.All".to_string()),
        "incidents are managed, not only read"
    );
    settings.graph.alerts_api = AlertsApiKind::Legacy;
    assert!(
        settings
            .scopes()
            .contains(&"SecurityEvents.ReadWrite.All".to_string())
    );
    assert!(settings.scopes().contains(&"offline_access".to_string()));
}

#[test]
fn defaults_alone_make_settings() {
    let defaults = [("defender.base_url", "http://sandbox.test".to_string())];
    let settings = Settings::from_defaults(&defaults).unwrap();
    assert_eq!(settings.defender.base_url, "http://sandbox.test");
    assert_eq!(settings.graph.base_url, "https://graph.microsoft.com");
}
