//! `graphsec token`: what an admin checks, and a privately saved token.

use super::{Cli, assert_success, stdout};

#[tokio::test]
async fn token_prints_app_tenant_expiry_and_roles_and_saves_privately() {
    let cli = Cli::start().await;
    let saved = cli.dir.path().join("token.jwt");
    let output = cli
        .run(&[
            "token",
            "--api",
            "defender",
            "--save",
            saved.to_str().unwrap(),
        ])
        .await;
    assert_success(&output);
    let text = stdout(&output);
    assert!(text.contains("Roles:    Incident.Read.All"), "{text}");
    assert!(text.contains("App id:   graphsec-sandbox"), "{text}");
    assert!(
        text.contains("Tenant:   2f5e2c4b-7d1a-4c8e-9b3f-6a1d0e8c5b21"),
        "{text}"
    );
    assert!(text.contains("Expires:"), "{text}");
    assert!(text.contains("can read incidents"), "{text}");
    let token = std::fs::read_to_string(&saved).unwrap();
    assert_eq!(token.trim().split('.').count(), 3);
    assert!(
        !text.contains(token.trim()),
        "the token itself is not printed"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&saved).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    let graph = cli.run(&["token"]).await;
    assert_success(&graph);
    assert!(
        stdout(&graph).contains("SecurityIncident.Read.All"),
        "{}",
        stdout(&graph)
    );
}
