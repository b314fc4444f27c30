//! The sandbox directory: three tenants and their demo users, fixed and deterministic.

/// A directory tenant of the sandbox.
#[derive(Debug, PartialEq, Eq)]
pub struct Tenant {
    /// Short name used in URLs and messages, e.g. `contoso`.
    pub key: &'static str,
    /// The tenant id (a GUID), as it appears in `tid` claims.
    pub id: &'static str,
    /// The verified domain, e.g. `contoso.example`.
    pub domain: &'static str,
    pub display_name: &'static str,
    /// Whether an admin has consented to the security permissions when the sandbox starts.
    pub consented_at_start: bool,
}

/// A demo user that can sign in on the sandbox authorize page.
#[derive(Debug, PartialEq, Eq)]
pub struct DemoUser {
    pub oid: &'static str,
    pub tenant_key: &'static str,
    pub upn: &'static str,
    pub display_name: &'static str,
    pub given_name: &'static str,
    pub surname: &'static str,
    pub job_title: &'static str,
    pub mail: &'static str,
    pub office_location: &'static str,
    pub business_phone: &'static str,
    /// Tenant administrators can approve admin consent.
    pub is_admin: bool,
    /// Directory roles held, by role template id: what an id token's `wids` claim lists.
    pub directory_roles: &'static [&'static str],
}

/// Role template ids of the built-in Entra roles the demo users hold (Microsoft's published ids).
pub mod role_ids {
    pub const GLOBAL_ADMINISTRATOR: &str = "62e90394-69f5-4237-9190-012177145e10";
    pub const SECURITY_ADMINISTRATOR: &str = "194ae4cb-b126-40b2-bd5b-6091b380977d";
    pub const SECURITY_OPERATOR: &str = "5f2222b1-57c3-48ba-8ad5-d4759f1fde6f";
}

pub const CONTOSO: &str = "contoso";
pub const FABRIKAM: &str = "fabrikam";
pub const NORTHWIND: &str = "northwind";

pub static TENANTS: [Tenant; 3] = [
    Tenant {
        key: CONTOSO,
        id: "2f5e2c4b-7d1a-4c8e-9b3f-6a1d0e8c5b21",
        domain: "contoso.example",
        display_name: "Contoso",
        consented_at_start: true,
    },
    Tenant {
        key: FABRIKAM,
        id: "8a3d9f10-4b6e-4e2a-a7c5-3e9b1d2f4c60",
        domain: "fabrikam.example",
        display_name: "Fabrikam",
        consented_at_start: true,
    },
    Tenant {
        key: NORTHWIND,
        id: "c4e1b7a9-2d3f-4a58-8e6b-9f0a1c2d3e74",
        domain: "northwind.example",
        display_name: "Northwind Traders",
        consented_at_start: false,
    },
];

pub static USERS: [DemoUser; 5] = [
    DemoUser {
        oid: "6e1a9c3d-5b2f-4d7e-8a10-2c4b6d8e0f11",
        tenant_key: CONTOSO,
        upn: "megan@contoso.example",
        display_name: "Megan Bowen",
        given_name: "Megan",
        surname: "Bowen",
        job_title: "Security Analyst",
        mail: "megan@contoso.example",
        office_location: "12/1110",
        business_phone: "+1 412 555 0109",
        is_admin: false,
        directory_roles: &[role_ids::SECURITY_OPERATOR],
    },
    DemoUser {
        oid: "7f2b0d4e-6c3a-4e8f-9b21-3d5c7e9f1a22",
        tenant_key: CONTOSO,
        upn: "adele@contoso.example",
        display_name: "Adele Vance",
        given_name: "Adele",
        surname: "Vance",
        job_title: "Security Administrator",
        mail: "adele@contoso.example",
        office_location: "18/2111",
        business_phone: "+1 425 555 0109",
        is_admin: true,
        directory_roles: &[role_ids::SECURITY_ADMINISTRATOR],
    },
    DemoUser {
        oid: "803c1e5f-7d4b-4f90-8c32-4e6d8f0a2b33",
        tenant_key: CONTOSO,
        upn: "alex@contoso.example",
        display_name: "Alex Wilber",
        given_name: "Alex",
        surname: "Wilber",
        job_title: "Security Operator",
        mail: "alex@contoso.example",
        office_location: "12/1113",
        business_phone: "+1 858 555 0110",
        is_admin: false,
        directory_roles: &[role_ids::SECURITY_OPERATOR],
    },
    DemoUser {
        oid: "914d2f60-8e5c-4a01-9d43-5f7e9a1b3c44",
        tenant_key: FABRIKAM,
        upn: "diego@fabrikam.example",
        display_name: "Diego Siciliani",
        given_name: "Diego",
        surname: "Siciliani",
        job_title: "SOC Lead",
        mail: "diego@fabrikam.example",
        office_location: "14/1108",
        business_phone: "+1 205 555 0108",
        is_admin: true,
        directory_roles: &[role_ids::GLOBAL_ADMINISTRATOR],
    },
    DemoUser {
        oid: "a25e3071-9f6d-4b12-8e54-6a8f0b2c4d55",
        tenant_key: NORTHWIND,
        upn: "nestor@northwind.example",
        display_name: "Nestor Wilke",
        given_name: "Nestor",
        surname: "Wilke",
        job_title: "IT Administrator",
        mail: "nestor@northwind.example",
        office_location: "36/2121",
        business_phone: "+1 206 555 0105",
        is_admin: true,
        directory_roles: &[role_ids::GLOBAL_ADMINISTRATOR],
    },
];

impl DemoUser {
    pub fn tenant(&self) -> &'static Tenant {
        tenant_by_key(self.tenant_key).expect("every demo user belongs to a known tenant")
    }
}

pub fn tenant_by_key(key: &str) -> Option<&'static Tenant> {
    TENANTS.iter().find(|t| t.key == key)
}

/// Resolves a tenant as it may appear in a URL: its key, GUID or domain (case-insensitive).
pub fn tenant_by_ref(reference: &str) -> Option<&'static Tenant> {
    TENANTS.iter().find(|t| {
        t.key.eq_ignore_ascii_case(reference)
            || t.id.eq_ignore_ascii_case(reference)
            || t.domain.eq_ignore_ascii_case(reference)
    })
}

pub fn tenant_by_id(id: &str) -> Option<&'static Tenant> {
    TENANTS.iter().find(|t| t.id.eq_ignore_ascii_case(id))
}

/// Finds a user by object id or user principal name (case-insensitive).
pub fn user_by_ref(reference: &str) -> Option<&'static DemoUser> {
    USERS
        .iter()
        .find(|u| u.oid.eq_ignore_ascii_case(reference) || u.upn.eq_ignore_ascii_case(reference))
}

pub fn users_in(tenant: &Tenant) -> impl Iterator<Item = &'static DemoUser> + '_ {
    USERS.iter().filter(move |u| u.tenant_key == tenant.key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_guids() {
        let mut ids: Vec<&str> = TENANTS.iter().map(|t| t.id).collect();
        ids.extend(USERS.iter().map(|u| u.oid));
        for id in &ids {
            assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
        }
        let count = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), count);
    }

    #[test]
    fn tenants_resolve_by_key_id_and_domain() {
        let contoso = tenant_by_key(CONTOSO).unwrap();
        assert_eq!(tenant_by_ref("Contoso"), Some(contoso));
        assert_eq!(tenant_by_ref(contoso.id), Some(contoso));
        assert_eq!(tenant_by_ref("contoso.example"), Some(contoso));
        assert_eq!(tenant_by_ref("common"), None);
    }

    #[test]
    fn every_tenant_has_an_admin() {
        for tenant in &TENANTS {
            assert!(users_in(tenant).any(|u| u.is_admin), "{}", tenant.key);
        }
        assert_eq!(
            user_by_ref("MEGAN@contoso.example").unwrap().tenant().key,
            CONTOSO
        );
    }
}
