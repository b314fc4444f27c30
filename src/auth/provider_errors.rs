//! What the console says when Microsoft's sign-in or consent answer is an error: a fixed
//! sentence per known OAuth / Entra `error` code. The answer's `error_description` (and an
//! unknown code) is free text anyone can put in a link, so it is never shown.

/// A fixed, readable sentence for an `error` code from the authorize or admin-consent endpoint.
pub fn describe(code: &str) -> &'static str {
    match code {
        "access_denied" => {
            "The sign-in was cancelled, or the permissions it asks for were declined."
        }
        "consent_required" => {
            "Your organization has not yet allowed this console the permissions it needs. Ask an administrator to grant consent."
        }
        "interaction_required" | "login_required" => {
            "Microsoft needs you to sign in again interactively."
        }
        "invalid_scope" => {
            "Microsoft did not accept the permissions this console asks for. An administrator should check the scopes setting."
        }
        "unauthorized_client"
        | "invalid_client"
        | "invalid_request"
        | "invalid_resource"
        | "unsupported_response_type" => {
            "Microsoft refused the sign-in request this console made. An administrator should check the app registration."
        }
        "server_error" | "temporarily_unavailable" => {
            "Microsoft's sign-in service had a problem. Please try again in a moment."
        }
        _ => "Microsoft did not complete the request.",
    }
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn unknown_codes_get_the_general_sentence() {
        assert!(describe("access_denied").contains("declined"));
        assert_eq!(
            describe("<b>evil</b>\nINFO forged"),
            "Microsoft did not complete the request."
        );
    }
}
