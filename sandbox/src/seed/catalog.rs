//! The products that raise the seeded alerts, with their names in both APIs.

use crate::schema::security::{DetectionSource as D, ServiceSource};

/// A product that raises alerts.
#[derive(Debug, PartialEq, Eq)]
pub struct Source {
    /// alerts_v2 `serviceSource`.
    pub service_source: ServiceSource,
    /// Legacy `vendorInformation/provider`.
    pub legacy_provider: &'static str,
    /// Legacy `vendorInformation/providerVersion`.
    pub provider_version: &'static str,
    /// alerts_v2 `productName`.
    pub product_name: &'static str,
    /// alerts_v2 `detectionSource`.
    pub detection_source: D,
    /// How this product's alert ids start (as in Microsoft 365 Defender).
    pub id_prefix: &'static str,
}

pub static SOURCES: [Source; 6] = [
    Source {
        service_source: ServiceSource::MicrosoftDefenderForEndpoint,
        legacy_provider: "Microsoft Defender ATP",
        provider_version: "3.0",
        product_name: "Microsoft Defender for Endpoint",
        detection_source: D::MicrosoftDefenderForEndpoint,
        id_prefix: "da",
    },
    Source {
        service_source: ServiceSource::MicrosoftDefenderForIdentity,
        legacy_provider: "Azure Advanced Threat Protection",
        provider_version: "2.1",
        product_name: "Microsoft Defender for Identity",
        detection_source: D::MicrosoftDefenderForIdentity,
        id_prefix: "aa",
    },
    Source {
        service_source: ServiceSource::MicrosoftDefenderForCloudApps,
        legacy_provider: "MCAS",
        provider_version: "1.0",
        product_name: "Microsoft Defender for Cloud Apps",
        detection_source: D::CloudAppSecurity,
        id_prefix: "ca",
    },
    Source {
        service_source: ServiceSource::MicrosoftDefenderForOffice365,
        legacy_provider: "Office 365 Security and Compliance",
        provider_version: "1.0",
        product_name: "Microsoft Defender for Office 365",
        detection_source: D::MicrosoftDefenderForOffice365,
        id_prefix: "fa",
    },
    Source {
        service_source: ServiceSource::AzureAdIdentityProtection,
        legacy_provider: "IPC",
        provider_version: "2.0",
        product_name: "Azure AD Identity Protection",
        detection_source: D::AzureAdIdentityProtection,
        id_prefix: "ad",
    },
    Source {
        service_source: ServiceSource::Microsoft365Defender,
        legacy_provider: "Microsoft 365 Defender",
        provider_version: "1.0",
        product_name: "Microsoft 365 Defender",
        detection_source: D::Microsoft365Defender,
        id_prefix: "ra",
    },
];

/// The source for a service source used by the seed.
pub(super) fn source(service_source: ServiceSource) -> &'static Source {
    SOURCES
        .iter()
        .find(|s| s.service_source == service_source)
        .unwrap_or(&SOURCES[0])
}
