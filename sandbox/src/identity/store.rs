//! Authorization codes, refresh tokens and tenant consent, kept in memory.

use super::scopes::RequestedScopes;
use crate::tokens::opaque_token;
use crate::users::{DemoUser, TENANTS, Tenant};
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Authorization codes live ten minutes, as Entra's do.
pub const CODE_LIFETIME: Duration = Duration::from_secs(600);
const MAX_REMEMBERED_REDEMPTIONS: usize = 10_000;

/// What an authorization code stands for.
#[derive(Debug, Clone)]
pub struct CodeGrant {
    pub client_id: String,
    pub redirect_uri: String,
    pub user: &'static DemoUser,
    pub requested: RequestedScopes,
    pub nonce: Option<String>,
    pub code_challenge: String,
    pub issued: Instant,
}

/// What a refresh token stands for.
#[derive(Debug, Clone)]
pub struct RefreshGrant {
    pub client_id: String,
    pub user: &'static DemoUser,
    pub requested: RequestedScopes,
}

/// The outcome of redeeming an authorization code.
#[derive(Debug)]
pub enum Redemption {
    Valid(CodeGrant),
    Expired,
    AlreadyRedeemed,
    Unknown,
}

/// A fault tests can inject into the id tokens the token endpoint issues to users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdTokenFault {
    /// Answer without an `id_token`, though `openid` was asked for.
    Omit,
    /// Put a nonce in the id token that is not the one the authorize request carried.
    WrongNonce,
    /// Leave the id token's `tid` claim empty.
    BlankTenant,
    /// Leave the id token's `oid` claim empty.
    BlankObjectId,
    /// Issue the id token as Entra does for a personal Microsoft account: from the consumers
    /// tenant ([`CONSUMERS_TENANT_ID`]) rather than the user's organization.
    PersonalAccount,
    /// Name another directory than the user's as the id token's issuer.
    IssuedByAnotherTenant,
    /// Address the id token to another application than the one that asked.
    IssuedForAnotherApp,
    /// Issue an id token whose lifetime ended an hour ago.
    Expired,
    /// Issue an id token that becomes usable only in an hour.
    NotYetValid,
}

/// The directory named as issuer by [`IdTokenFault::IssuedByAnotherTenant`].
pub const ANOTHER_TENANT_ID: &str = "0badc0de-0000-4000-8000-000000000001";

/// The application named as audience by [`IdTokenFault::IssuedForAnotherApp`].
pub const ANOTHER_APP_ID: &str = "00000000-0000-4000-8000-0000000a99e1";

/// The tenant id Entra puts in tokens of personal Microsoft accounts (outlook.com, live.com).
pub const CONSUMERS_TENANT_ID: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

#[derive(Debug)]
pub struct IdentityStore {
    inner: Mutex<Inner>,
}

#[derive(Debug)]
struct Inner {
    codes: HashMap<String, CodeGrant>,
    redeemed: HashSet<String>,
    refresh: HashMap<String, RefreshGrant>,
    consented: HashSet<&'static str>,
    id_token_fault: Option<IdTokenFault>,
}

impl Default for IdentityStore {
    fn default() -> Self {
        let consented = TENANTS
            .iter()
            .filter(|t| t.consented_at_start)
            .map(|t| t.key)
            .collect();
        Self {
            inner: Mutex::new(Inner {
                codes: HashMap::new(),
                redeemed: HashSet::new(),
                refresh: HashMap::new(),
                consented,
                id_token_fault: None,
            }),
        }
    }
}

impl IdentityStore {
    pub fn issue_code(&self, grant: CodeGrant) -> String {
        let code = opaque_token("sbx.code.");
        let mut inner = self.lock();
        inner
            .codes
            .retain(|_, g| g.issued.elapsed() < CODE_LIFETIME);
        inner.codes.insert(code.clone(), grant);
        code
    }

    /// Redeems a code: whatever the outcome, it cannot be redeemed again.
    pub fn redeem_code(&self, code: &str) -> Redemption {
        let mut inner = self.lock();
        match inner.codes.remove(code) {
            None if inner.redeemed.contains(code) => Redemption::AlreadyRedeemed,
            None => Redemption::Unknown,
            Some(grant) => {
                if inner.redeemed.len() >= MAX_REMEMBERED_REDEMPTIONS {
                    inner.redeemed.clear();
                }
                inner.redeemed.insert(code.to_owned());
                if grant.issued.elapsed() >= CODE_LIFETIME {
                    Redemption::Expired
                } else {
                    Redemption::Valid(grant)
                }
            }
        }
    }

    pub fn issue_refresh(&self, grant: RefreshGrant) -> String {
        let token = opaque_token("sbx.rt.");
        self.lock().refresh.insert(token.clone(), grant);
        token
    }

    pub fn refresh_grant(&self, token: &str) -> Option<RefreshGrant> {
        self.lock().refresh.get(token).cloned()
    }

    /// Invalidates `old` and issues its successor; `None` when `old` was already used.
    pub fn rotate_refresh(&self, old: &str, grant: RefreshGrant) -> Option<String> {
        let mut inner = self.lock();
        inner.refresh.remove(old)?;
        let token = opaque_token("sbx.rt.");
        inner.refresh.insert(token.clone(), grant);
        Some(token)
    }

    /// Sets (or clears) the fault applied to every id token issued from now on.
    pub fn set_id_token_fault(&self, fault: Option<IdTokenFault>) {
        self.lock().id_token_fault = fault;
    }

    pub fn id_token_fault(&self) -> Option<IdTokenFault> {
        self.lock().id_token_fault
    }

    /// Revokes every refresh token issued so far (as a tenant does when sessions are revoked);
    /// returns how many there were.
    pub fn revoke_refresh_tokens(&self) -> usize {
        let mut inner = self.lock();
        let count = inner.refresh.len();
        inner.refresh.clear();
        count
    }

    /// Whether the tenant's admin has consented to the app's security permissions.
    pub fn is_consented(&self, tenant: &Tenant) -> bool {
        self.lock().consented.contains(tenant.key)
    }

    pub fn set_consented(&self, tenant: &'static Tenant, consented: bool) {
        let mut inner = self.lock();
        if consented {
            inner.consented.insert(tenant.key);
        } else {
            inner.consented.remove(tenant.key);
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::users::{USERS, tenant_by_key};

    fn grant(issued: Instant) -> CodeGrant {
        CodeGrant {
            client_id: "c".into(),
            redirect_uri: "http://localhost:1/login/authorized".into(),
            user: &USERS[0],
            requested: RequestedScopes::default(),
            nonce: None,
            code_challenge: "x".into(),
            issued,
        }
    }

    #[test]
    fn codes_are_single_use_and_expire() {
        let store = IdentityStore::default();
        let code = store.issue_code(grant(Instant::now()));
        assert!(matches!(store.redeem_code(&code), Redemption::Valid(_)));
        assert!(matches!(
            store.redeem_code(&code),
            Redemption::AlreadyRedeemed
        ));
        assert!(matches!(store.redeem_code("nope"), Redemption::Unknown));
        if let Some(old) = Instant::now().checked_sub(CODE_LIFETIME) {
            let stale = store.issue_code(grant(old));
            assert!(matches!(
                store.redeem_code(&stale),
                Redemption::Unknown | Redemption::Expired
            ));
        }
    }

    #[test]
    fn refresh_tokens_rotate_once() {
        let store = IdentityStore::default();
        let rt = RefreshGrant {
            client_id: "c".into(),
            user: &USERS[0],
            requested: RequestedScopes::default(),
        };
        let first = store.issue_refresh(rt.clone());
        let second = store.rotate_refresh(&first, rt.clone()).unwrap();
        assert!(store.rotate_refresh(&first, rt).is_none());
        assert!(store.refresh_grant(&first).is_none());
        assert!(store.refresh_grant(&second).is_some());
    }

    #[test]
    fn consent_starts_as_configured() {
        let store = IdentityStore::default();
        let northwind = tenant_by_key("northwind").unwrap();
        assert!(store.is_consented(tenant_by_key("contoso").unwrap()));
        assert!(!store.is_consented(northwind));
        store.set_consented(northwind, true);
        assert!(store.is_consented(northwind));
    }
}
