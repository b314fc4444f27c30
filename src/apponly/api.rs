//! The two APIs an app-only token can be issued for.

use std::fmt;

/// Which API the CLI talks to: Microsoft Graph or the Defender XDR API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Api {
    #[default]
    Graph,
    Defender,
}

impl Api {
    /// The `.default` scope asked for with the client-credentials grant.
    pub fn scope(self) -> &'static str {
        match self {
            Self::Graph => "https://graph.microsoft.com/.default",
            Self::Defender => "https://api.security.microsoft.com/.default",
        }
    }

    /// Application permissions of which any one lets the app read incidents.
    pub fn incident_roles(self) -> &'static [&'static str] {
        match self {
            Self::Graph => &[
                "SecurityIncident.Read.All",
                "SecurityIncident.ReadWrite.All",
            ],
            Self::Defender => &["Incident.Read.All", "Incident.ReadWrite.All"],
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Graph => "graph",
            Self::Defender => "defender",
        }
    }

    /// How the API is named in messages.
    pub fn display_name(self) -> &'static str {
        match self {
            Self::Graph => "Microsoft Graph",
            Self::Defender => "the Defender API",
        }
    }
}

impl fmt::Display for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
