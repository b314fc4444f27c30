//! `microsoft.graph` enumerations of the legacy `/security/alerts` API, and how the sandbox maps
//! them onto the alerts_v2 values its records keep.

use super::security;

csdl_enum! {
    /// Legacy `alert.status`.
    AlertStatus = "microsoft.graph.alertStatus" {
        Unknown = "unknown",
        NewAlert = "newAlert",
        InProgress = "inProgress",
        Resolved = "resolved",
        Dismissed = "dismissed",
    }
}

csdl_enum! {
    /// Legacy `alert.feedback`.
    AlertFeedback = "microsoft.graph.alertFeedback" {
        Unknown = "unknown",
        TruePositive = "truePositive",
        FalsePositive = "falsePositive",
        BenignPositive = "benignPositive",
    }
}

impl AlertStatus {
    /// How a record's alerts_v2 status shows in the legacy shape.
    pub fn from_v2(status: security::AlertStatus) -> Self {
        match status {
            security::AlertStatus::Unknown => Self::Unknown,
            security::AlertStatus::New => Self::NewAlert,
            security::AlertStatus::InProgress => Self::InProgress,
            security::AlertStatus::Resolved => Self::Resolved,
        }
    }

    /// The alerts_v2 status a legacy update sets. alerts_v2 has no `dismissed`; a dismissed
    /// alert is closed, so it becomes `resolved`.
    pub fn to_v2(self) -> security::AlertStatus {
        match self {
            Self::Unknown => security::AlertStatus::Unknown,
            Self::NewAlert => security::AlertStatus::New,
            Self::InProgress => security::AlertStatus::InProgress,
            Self::Resolved | Self::Dismissed => security::AlertStatus::Resolved,
        }
    }
}

impl AlertFeedback {
    /// How a record's alerts_v2 classification shows in the legacy shape.
    pub fn from_v2(classification: security::AlertClassification) -> Self {
        match classification {
            security::AlertClassification::Unknown => Self::Unknown,
            security::AlertClassification::TruePositive => Self::TruePositive,
            security::AlertClassification::FalsePositive => Self::FalsePositive,
            security::AlertClassification::InformationalExpectedActivity => Self::BenignPositive,
        }
    }

    /// The alerts_v2 classification a legacy feedback sets.
    pub fn to_v2(self) -> security::AlertClassification {
        match self {
            Self::Unknown => security::AlertClassification::Unknown,
            Self::TruePositive => security::AlertClassification::TruePositive,
            Self::FalsePositive => security::AlertClassification::FalsePositive,
            Self::BenignPositive => security::AlertClassification::InformationalExpectedActivity,
        }
    }
}

/// The properties of the legacy `microsoft.graph.alert` (with `id` from `microsoft.graph.entity`),
/// spelled exactly as the CSDL declares them.
pub const ALERT_PROPERTIES: &[&str] = &[
    "activityGroupName",
    "alertDetections",
    "assignedTo",
    "azureSubscriptionId",
    "azureTenantId",
    "category",
    "closedDateTime",
    "cloudAppStates",
    "comments",
    "confidence",
    "createdDateTime",
    "description",
    "detectionIds",
    "eventDateTime",
    "feedback",
    "fileStates",
    "historyStates",
    "hostStates",
    "id",
    "incidentIds",
    "investigationSecurityStates",
    "lastEventDateTime",
    "lastModifiedDateTime",
    "malwareStates",
    "messageSecurityStates",
    "networkConnections",
    "processes",
    "recommendedActions",
    "registryKeyStates",
    "securityResources",
    "severity",
    "sourceMaterials",
    "status",
    "tags",
    "title",
    "triggers",
    "uriClickSecurityStates",
    "userStates",
    "vendorInformation",
    "vulnerabilityStates",
];

/// The qualified name of the legacy alert type, as Graph names it in errors.
pub const ALERT_TYPE: &str = "microsoft.graph.alert";
