//! The custom sender event. `aws_lambda_events` has no type for it, so it is
//! defined here, as Cognito sends it.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomSenderEvent {
    pub version: String,
    /// e.g. `CustomEmailSender_SignUp`, `CustomSMSSender_ForgotPassword`.
    pub trigger_source: String,
    pub region: String,
    pub user_pool_id: String,
    pub user_name: String,
    pub caller_context: CallerContext,
    pub request: CustomSenderRequest,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallerContext {
    pub aws_sdk_version: String,
    pub client_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomSenderRequest {
    /// `customEmailSenderRequestV1` or `customSMSSenderRequestV1`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The code to send, encrypted with the user pool's KMS key (AWS
    /// Encryption SDK message, base64). Absent for some notifications.
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub client_metadata: HashMap<String, String>,
    #[serde(default)]
    pub user_attributes: HashMap<String, String>,
}
