//! The environment cannot redirect a test: the variables a user exports for the CLI (pointing at a
//! tenant that is gone) are set for a rerun of API tests, which must still pass.

use std::process::Command;

/// What the README has a user export for `graphsec incidents`, aimed at nothing.
const EXPORTED: &[(&str, &str)] = &[
    (
        "GRAPHSEC__IDENTITY__AUTHORITY",
        "http://127.0.0.1:9/contoso",
    ),
    ("GRAPHSEC__IDENTITY__CLIENT_ID", "gone"),
    ("GRAPHSEC__IDENTITY__CLIENT_SECRET", "gone"),
    ("GRAPHSEC__GRAPH__BASE_URL", "http://127.0.0.1:9"),
    ("GRAPHSEC__DEFENDER__BASE_URL", "http://127.0.0.1:9"),
    ("GRAPHSEC__GRAPH__ALERTS_API", "legacy"),
    ("GRAPHSEC__SERVER__PUBLIC_URL", "https://gone.example"),
    ("GRAPHSEC_CONFIG", "/nonexistent/config.toml"),
];

/// Tests that sign in, list alerts and call the CLI, each run alone in a child of this binary.
const RERUN: &[&str] = &[
    "alerts::every_filter_field_narrows_the_results_as_the_data_says",
    "auth::an_expired_token_is_refreshed_and_the_page_still_loads",
    "cli::token::token_prints_app_tenant_expiry_and_roles_and_saves_privately",
];

#[test]
fn exported_graphsec_variables_do_not_reach_the_tests() {
    let this = std::env::current_exe().expect("the test binary");
    for test in RERUN {
        let output = Command::new(&this)
            .args([*test, "--exact", "--nocapture", "--test-threads=1"])
            .envs(EXPORTED.iter().copied())
            .output()
            .expect("the test binary runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.contains("1 passed"),
            "{test} fails with GRAPHSEC__ variables exported:\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
