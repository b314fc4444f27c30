//! Sign-in logic, no pages: the OAuth client (authorization code + PKCE, state, nonce), the
//! tokens kept in the session and their refresh, the signed-in `User` extractor, admin-consent
//! state, and CSRF protection. The pages that use it are in `crate::web`.

pub mod consent;
pub mod csrf;
mod id_token;
pub mod oauth;
pub mod pending_cookie;
pub mod provider_errors;
mod refresh;
mod roles;
mod scopes;
pub mod session_data;
pub mod sign_in;
mod tenant_policy;
mod user;

pub use refresh::refresh;
pub use scopes::has_scope;
pub use session_data::{TOKENS as TOKENS_KEY, Tokens, USER as USER_KEY, UserInfo};
pub use user::User;
