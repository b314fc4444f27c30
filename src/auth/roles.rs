//! Tenant administrators, read from the id token's `wids` claim (the directory roles the user
//! holds, by role template id). They may manage every subscription of their tenant.

/// Security Administrator: manages security features, including the tenant's subscriptions.
const SECURITY_ADMINISTRATOR: &str = "194ae4cb-b126-40b2-bd5b-6091b380977d";
/// Global Administrator: the role that grants admin consent.
const GLOBAL_ADMINISTRATOR: &str = "62e90394-69f5-4237-9190-012177145e10";

/// Whether the roles make the user an administrator of their tenant.
pub fn is_tenant_admin(wids: &[String]) -> bool {
    wids.iter().any(|role| {
        role.eq_ignore_ascii_case(SECURITY_ADMINISTRATOR)
            || role.eq_ignore_ascii_case(GLOBAL_ADMINISTRATOR)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn security_and_global_administrators_are_tenant_admins() {
        let roles = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(is_tenant_admin(&roles(&[SECURITY_ADMINISTRATOR])));
        assert!(is_tenant_admin(&roles(&[
            "x",
            &GLOBAL_ADMINISTRATOR.to_uppercase()
        ])));
        // Security Operator is not an administrator.
        assert!(!is_tenant_admin(&roles(&[
            "5f2222b1-57c3-48ba-8ad5-d4759f1fde6f"
        ])));
        assert!(!is_tenant_admin(&[]));
    }
}
