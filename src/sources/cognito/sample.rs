//! Sample events of every trigger source, as Cognito sends them.

use base64::Engine as _;
use serde_json::{Map, Value, json};

use super::event::{CognitoEvent, TokenVersion};
use crate::errors::{CargoResult, user_error};
use crate::events::{DEFAULT_REGION, Origin, digits, hex_id};

/// Who a Cognito sample event is about.
#[derive(Clone, Debug)]
pub struct CognitoUser {
    pub username: String,
    pub email: String,
    pub user_pool_id: String,
    pub client_id: String,
    /// Extra or overriding user attributes.
    pub attributes: Vec<(String, String)>,
}

impl Default for CognitoUser {
    fn default() -> Self {
        CognitoUser {
            username: "jdoe".into(),
            email: "jane.doe@example.com".into(),
            user_pool_id: format!("{DEFAULT_REGION}_EXAMPLE1"),
            client_id: "1example23456789example".into(),
            attributes: Vec::new(),
        }
    }
}

/// A user-pool trigger event for `trigger_source` (one of the event's
/// [`CognitoEvent::trigger_sources`]), as Cognito sends it.
pub fn cognito(
    event: CognitoEvent,
    trigger_source: &str,
    version: TokenVersion,
    user: &CognitoUser,
    origin: &Origin,
) -> CargoResult<Value> {
    use CognitoEvent as E;
    if !event.trigger_sources().contains(&trigger_source) {
        return Err(user_error(
            format!("`{trigger_source}` is not a trigger source of `{event}`"),
            format!("use one of {}", crate::model::quoted(event.trigger_sources())),
        ));
    }
    let region = user
        .user_pool_id
        .split_once('_')
        .map(|(r, _)| r.to_string())
        .unwrap_or_else(|| origin.region.clone());
    let external = trigger_source == "PreSignUp_ExternalProvider";
    let username = if external {
        format!("google_{}", digits(&user.username, 21))
    } else {
        user.username.clone()
    };
    let sub = {
        let h = hex_id(&format!("sub{}", user.username), 32);
        format!(
            "{}-{}-4{}-a{}-{}",
            &h[0..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..32]
        )
    };
    let mut attrs = Map::new();
    attrs.insert("sub".into(), json!(sub));
    attrs.insert("email".into(), json!(user.email));
    let unconfirmed = event == E::PreSignUp
        || (trigger_source.ends_with("_SignUp") && event != E::PostConfirmation)
        || trigger_source.ends_with("_ResendCode");
    attrs.insert(
        "email_verified".into(),
        json!(if unconfirmed { "false" } else { "true" }),
    );
    if !matches!(event, E::PreSignUp | E::UserMigration) {
        let status = if external {
            "EXTERNAL_PROVIDER"
        } else if unconfirmed {
            "UNCONFIRMED"
        } else {
            "CONFIRMED"
        };
        attrs.insert("cognito:user_status".into(), json!(status));
    }
    for (k, v) in &user.attributes {
        attrs.insert(k.clone(), json!(v));
    }
    let attrs = Value::Object(attrs);
    let group_configuration = json!({"groupsToOverride": [], "iamRolesToOverride": [], "preferredRole": null});
    let (version, request, response) = match event {
        E::PreSignUp => (
            "1",
            json!({"userAttributes": attrs, "validationData": {}, "clientMetadata": {}}),
            json!({"autoConfirmUser": false, "autoVerifyPhone": false, "autoVerifyEmail": false}),
        ),
        E::PreAuthentication => ("1", json!({"userAttributes": attrs, "validationData": {}}), json!({})),
        E::PostAuthentication => (
            "1",
            json!({"newDeviceUsed": false, "userAttributes": attrs, "clientMetadata": {}}),
            json!({}),
        ),
        E::PostConfirmation => ("1", json!({"userAttributes": attrs, "clientMetadata": {}}), json!({})),
        E::DefineAuthChallenge => (
            "1",
            json!({"userAttributes": attrs, "session": [], "clientMetadata": {}, "userNotFound": false}),
            json!({"challengeName": null, "issueTokens": false, "failAuthentication": false}),
        ),
        E::CreateAuthChallenge => (
            "1",
            json!({
                "userAttributes": attrs,
                "challengeName": "CUSTOM_CHALLENGE",
                "session": [],
                "clientMetadata": {},
                "userNotFound": false,
            }),
            json!({"publicChallengeParameters": {}, "privateChallengeParameters": {}, "challengeMetadata": null}),
        ),
        E::VerifyAuthChallengeResponse => (
            "1",
            json!({
                "userAttributes": attrs,
                "privateChallengeParameters": {"answer": "123456"},
                "challengeAnswer": "123456",
                "clientMetadata": {},
                "userNotFound": false,
            }),
            json!({"answerCorrect": false}),
        ),
        E::CustomMessage => (
            "1",
            json!({
                "userAttributes": attrs,
                "codeParameter": "{####}",
                "linkParameter": "{##Click Here##}",
                "usernameParameter": if trigger_source == "CustomMessage_AdminCreateUser" { json!("{username}") } else { Value::Null },
                "clientMetadata": {},
            }),
            json!({"smsMessage": null, "emailMessage": null, "emailSubject": null}),
        ),
        E::PreTokenGeneration => match version {
            TokenVersion::V1 => (
                "1",
                json!({"userAttributes": attrs, "groupConfiguration": group_configuration, "clientMetadata": {}}),
                json!({"claimsOverrideDetails": null}),
            ),
            TokenVersion::V2 => (
                "2",
                json!({
                    "userAttributes": attrs,
                    "groupConfiguration": group_configuration,
                    "scopes": ["openid", "email", "aws.cognito.signin.user.admin"],
                    "clientMetadata": {},
                }),
                json!({"claimsAndScopeOverrideDetails": null}),
            ),
        },
        E::UserMigration => (
            "1",
            json!({"password": "correct horse battery staple", "validationData": {}, "clientMetadata": {}}),
            json!({
                "userAttributes": {},
                "finalUserStatus": null,
                "messageAction": null,
                "desiredDeliveryMediums": null,
                "forceAliasCreation": false,
            }),
        ),
        E::CustomEmailSender | E::CustomSmsSender => {
            let kind = if event == E::CustomEmailSender {
                "customEmailSenderRequestV1"
            } else {
                "customSMSSenderRequestV1"
            };
            // The code, encrypted with the pool's KMS key in the AWS Encryption SDK's
            // message format; this sample's bytes are not a real ciphertext.
            let code = base64::engine::general_purpose::STANDARD
                .encode(format!("AYADeExampleCiphertext{}", digits(&user.username, 6)));
            (
                "1",
                json!({"type": kind, "code": code, "clientMetadata": {}, "userAttributes": attrs}),
                Value::Null,
            )
        }
    };
    let mut out = Map::new();
    out.insert("version".into(), json!(version));
    out.insert("triggerSource".into(), json!(trigger_source));
    out.insert("region".into(), json!(region));
    out.insert("userPoolId".into(), json!(user.user_pool_id));
    out.insert("userName".into(), json!(username));
    out.insert(
        "callerContext".into(),
        json!({"awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": user.client_id}),
    );
    out.insert("request".into(), request);
    if !response.is_null() {
        out.insert("response".into(), response);
    }
    Ok(Value::Object(out))
}
