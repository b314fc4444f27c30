//! `GET /me`: who signed in.

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use super::{GraphClient, GraphError};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub user_principal_name: Option<String>,
    #[serde(default)]
    pub mail: Option<String>,
}

pub async fn get_me(graph: &GraphClient, token: &SecretString) -> Result<Me, GraphError> {
    graph
        .get_json(
            token,
            graph.url("v1.0/me?$select=id,displayName,userPrincipalName,mail"),
        )
        .await
}
