//! Who may finish a sign-in: the id token must name the user's tenant and object id (every
//! tenant's data is kept apart by them), personal Microsoft accounts are refused, and when
//! `identity.allowed_tenants` is set only those tenants get in.

use super::id_token::IdClaims;
use crate::error::AppError;

/// The tenant Microsoft issues personal (consumer) accounts' tokens from.
pub const PERSONAL_ACCOUNTS_TENANT: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

/// Refuses a sign-in whose id token does not name a work tenant that may use the console.
pub fn check(claims: &IdClaims, allowed_tenants: &[String]) -> Result<(), AppError> {
    let tenant = claims.tid.trim().to_ascii_lowercase();
    if tenant.is_empty() || claims.oid.trim().is_empty() {
        return Err(AppError::bad_request(
            "Microsoft's answer did not say which organization and account you signed in with, \
             so the sign-in cannot finish. Please sign in again.",
        ));
    }
    if tenant == PERSONAL_ACCOUNTS_TENANT {
        return Err(AppError::Forbidden(
            "This console needs a work or school account. You signed in with a personal \
             Microsoft account; sign in again with the account your organization gave you."
                .into(),
        ));
    }
    if !allowed_tenants.is_empty() && !allowed_tenants.contains(&tenant) {
        return Err(AppError::Forbidden(
            "Your organization is not allowed to use this console. Sign in with an account \
             from an allowed organization, or ask the console's administrator."
                .into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(tid: &str, oid: &str) -> IdClaims {
        IdClaims {
            tid: tid.into(),
            oid: oid.into(),
            ..IdClaims::default()
        }
    }

    #[test]
    fn tenants_are_known_work_tenants() {
        assert!(check(&claims("t1", "o"), &[]).is_ok());
        assert!(check(&claims("", "o"), &[]).is_err());
        assert!(check(&claims("t1", " "), &[]).is_err());
        let personal = check(&claims(&PERSONAL_ACCOUNTS_TENANT.to_uppercase(), "o"), &[]);
        assert!(personal.unwrap_err().to_string().contains("work or school"));
        let allowed = ["t1".to_string()];
        assert!(check(&claims("T1", "o"), &allowed).is_ok());
        assert!(check(&claims("t2", "o"), &allowed).is_err());
    }
}
