//! Granted-scope checks. Entra may return scopes in short form (`User.Read`) or with the resource
//! (`https://graph.microsoft.com/User.Read`); both count.

pub fn has_scope(granted: &[String], wanted: &str) -> bool {
    granted
        .iter()
        .any(|scope| short_name(scope).eq_ignore_ascii_case(wanted))
}

fn short_name(scope: &str) -> &str {
    scope.rsplit('/').next().unwrap_or(scope)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_short_and_long_forms_case_insensitively() {
        let granted = vec![
            "https://graph.microsoft.com/SecurityAlert.ReadWrite.All".to_string(),
            "user.read".into(),
        ];
        assert!(has_scope(&granted, "SecurityAlert.ReadWrite.All"));
        assert!(has_scope(&granted, "User.Read"));
        assert!(!has_scope(&granted, "Mail.Send"));
    }
}
