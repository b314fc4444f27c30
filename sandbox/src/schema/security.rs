//! `microsoft.graph.security` enumerations used by alerts_v2 and incidents.

csdl_enum! {
    /// `alert.status`.
    AlertStatus = "microsoft.graph.security.alertStatus" {
        Unknown = "unknown",
        New = "new",
        InProgress = "inProgress",
        Resolved = "resolved",
    }
}

csdl_enum! {
    /// `alert.severity` and `incident.severity`. The legacy `microsoft.graph.alertSeverity` has
    /// the same members, so the legacy shape shows this value too.
    AlertSeverity = "microsoft.graph.security.alertSeverity" {
        Unknown = "unknown",
        Informational = "informational",
        Low = "low",
        Medium = "medium",
        High = "high",
    }
}

csdl_enum! {
    /// `alert.classification` and `incident.classification`.
    AlertClassification = "microsoft.graph.security.alertClassification" {
        Unknown = "unknown",
        FalsePositive = "falsePositive",
        TruePositive = "truePositive",
        InformationalExpectedActivity = "informationalExpectedActivity",
    }
}

csdl_enum! {
    /// `alert.determination` and `incident.determination`.
    AlertDetermination = "microsoft.graph.security.alertDetermination" {
        Unknown = "unknown",
        Apt = "apt",
        Malware = "malware",
        SecurityPersonnel = "securityPersonnel",
        SecurityTesting = "securityTesting",
        UnwantedSoftware = "unwantedSoftware",
        Other = "other",
        MultiStagedAttack = "multiStagedAttack",
        CompromisedAccount = "compromisedAccount",
        Phishing = "phishing",
        MaliciousUserActivity = "maliciousUserActivity",
        NotMalicious = "notMalicious",
        NotEnoughDataToValidate = "notEnoughDataToValidate",
        ConfirmedActivity = "confirmedActivity",
        LineOfBusinessApplication = "lineOfBusinessApplication",
    }
}

csdl_enum! {
    /// `incident.status`.
    IncidentStatus = "microsoft.graph.security.incidentStatus" {
        Active = "active",
        Resolved = "resolved",
        InProgress = "inProgress",
        Redirected = "redirected",
    }
    evolvable {
        AwaitingAction = "awaitingAction",
    }
}

csdl_enum! {
    /// `alert.serviceSource`: the product that raised the alert.
    ServiceSource = "microsoft.graph.security.serviceSource" {
        Unknown = "unknown",
        MicrosoftDefenderForEndpoint = "microsoftDefenderForEndpoint",
        MicrosoftDefenderForIdentity = "microsoftDefenderForIdentity",
        MicrosoftDefenderForCloudApps = "microsoftDefenderForCloudApps",
        MicrosoftDefenderForOffice365 = "microsoftDefenderForOffice365",
        Microsoft365Defender = "microsoft365Defender",
        AzureAdIdentityProtection = "azureAdIdentityProtection",
        MicrosoftAppGovernance = "microsoftAppGovernance",
        DataLossPrevention = "dataLossPrevention",
    }
    evolvable {
        MicrosoftDefenderForCloud = "microsoftDefenderForCloud",
        MicrosoftSentinel = "microsoftSentinel",
        MicrosoftInsiderRiskManagement = "microsoftInsiderRiskManagement",
        MicrosoftThreatIntelligence = "microsoftThreatIntelligence",
        MicrosoftSecurityForAi = "microsoftSecurityForAI",
    }
}

csdl_enum! {
    /// `alert.detectionSource`: the detection technology behind the alert.
    DetectionSource = "microsoft.graph.security.detectionSource" {
        Unknown = "unknown",
        MicrosoftDefenderForEndpoint = "microsoftDefenderForEndpoint",
        Antivirus = "antivirus",
        SmartScreen = "smartScreen",
        CustomTi = "customTi",
        MicrosoftDefenderForOffice365 = "microsoftDefenderForOffice365",
        AutomatedInvestigation = "automatedInvestigation",
        MicrosoftThreatExperts = "microsoftThreatExperts",
        CustomDetection = "customDetection",
        MicrosoftDefenderForIdentity = "microsoftDefenderForIdentity",
        CloudAppSecurity = "cloudAppSecurity",
        Microsoft365Defender = "microsoft365Defender",
        AzureAdIdentityProtection = "azureAdIdentityProtection",
        Manual = "manual",
        MicrosoftDataLossPrevention = "microsoftDataLossPrevention",
        AppGovernancePolicy = "appGovernancePolicy",
        AppGovernanceDetection = "appGovernanceDetection",
    }
    evolvable {
        MicrosoftDefenderForCloud = "microsoftDefenderForCloud",
        MicrosoftDefenderForIoT = "microsoftDefenderForIoT",
        MicrosoftDefenderForServers = "microsoftDefenderForServers",
        MicrosoftDefenderForStorage = "microsoftDefenderForStorage",
        MicrosoftDefenderForDns = "microsoftDefenderForDNS",
        MicrosoftDefenderForDatabases = "microsoftDefenderForDatabases",
        MicrosoftDefenderForContainers = "microsoftDefenderForContainers",
        MicrosoftDefenderForNetwork = "microsoftDefenderForNetwork",
        MicrosoftDefenderForAppService = "microsoftDefenderForAppService",
        MicrosoftDefenderForKeyVault = "microsoftDefenderForKeyVault",
        MicrosoftDefenderForResourceManager = "microsoftDefenderForResourceManager",
        MicrosoftDefenderForApiManagement = "microsoftDefenderForApiManagement",
        NrtAlerts = "nrtAlerts",
        ScheduledAlerts = "scheduledAlerts",
        MicrosoftDefenderThreatIntelligenceAnalytics = "microsoftDefenderThreatIntelligenceAnalytics",
        BuiltInMl = "builtInMl",
        MicrosoftInsiderRiskManagement = "microsoftInsiderRiskManagement",
        MicrosoftThreatIntelligence = "microsoftThreatIntelligence",
        MicrosoftDefenderForAiServices = "microsoftDefenderForAIServices",
        SecurityCopilot = "securityCopilot",
        MicrosoftSentinel = "microsoftSentinel",
    }
}

/// The properties of `microsoft.graph.security.alert` (with `id` from `microsoft.graph.entity`), spelled
/// exactly as the CSDL declares them.
pub const ALERT_PROPERTIES: &[&str] = &[
    "actorDisplayName",
    "additionalData",
    "alertPolicyId",
    "alertWebUrl",
    "assignedTo",
    "categories",
    "category",
    "classification",
    "comments",
    "createdDateTime",
    "customDetails",
    "description",
    "detectionSource",
    "detectorId",
    "determination",
    "evidence",
    "firstActivityDateTime",
    "id",
    "incidentId",
    "incidentWebUrl",
    "investigationState",
    "lastActivityDateTime",
    "lastUpdateDateTime",
    "mitreTechniques",
    "productName",
    "providerAlertId",
    "recommendedActions",
    "resolvedDateTime",
    "serviceSource",
    "severity",
    "status",
    "systemTags",
    "tenantId",
    "threatDisplayName",
    "threatFamilyName",
    "title",
];

/// The qualified name of the alerts_v2 alert type, as Graph names it in errors.
pub const ALERT_TYPE: &str = "microsoft.graph.security.alert";

/// The properties of `microsoft.graph.security.incident` (with `id`), as the CSDL spells them.
pub const INCIDENT_PROPERTIES: &[&str] = &[
    "alerts",
    "assignedTo",
    "classification",
    "comments",
    "createdDateTime",
    "customTags",
    "description",
    "determination",
    "displayName",
    "id",
    "incidentWebUrl",
    "lastModifiedBy",
    "lastUpdateDateTime",
    "priorityScore",
    "redirectIncidentId",
    "resolvingComment",
    "severity",
    "status",
    "summary",
    "systemTags",
    "tenantId",
];

/// The qualified name of the incident type, as Graph names it in errors.
pub const INCIDENT_TYPE: &str = "microsoft.graph.security.incident";
