//! The token endpoint's form parameters, read by the endpoint and by each grant.

use super::oauth_error::OAuthError;
use std::collections::HashMap;

/// The form-urlencoded body of a token request.
pub type Params = HashMap<String, String>;

/// A required, non-empty form parameter.
pub fn param<'a>(params: &'a Params, name: &str) -> Result<&'a str, OAuthError> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| OAuthError::missing(name))
}
