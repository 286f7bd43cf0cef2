//! Sample events of every trigger source, as Cognito sends them.

use base64::Engine as _;
use serde_json::{Map, Value, json};

use super::event::{CLIENT_CREDENTIALS, CognitoEvent, TokenVersion};
use crate::errors::{CargoResult, user_error};
use crate::events::{DEFAULT_REGION, EPOCH, Origin, digits, hex_id, uuid, uuid_v4};

/// Who a Cognito sample event is about.
#[derive(Clone, Debug)]
pub struct CognitoUser {
    pub username: String,
    pub email: String,
    pub user_pool_id: String,
    pub client_id: String,
    /// Extra or overriding user attributes (inbound federation: claims or
    /// assertion attributes of the provider).
    pub attributes: Vec<(String, String)>,
    /// Inbound federation: the kind of identity provider.
    pub provider_type: ProviderType,
    /// Inbound federation: the provider's name in the pool (social
    /// providers are named after their kind).
    pub provider_name: Option<String>,
    /// Token generation v2 and v3: the access token's scopes (a default set
    /// when empty).
    pub scopes: Vec<String>,
}

impl Default for CognitoUser {
    fn default() -> Self {
        CognitoUser {
            username: "jdoe".into(),
            email: "jane.doe@example.com".into(),
            user_pool_id: format!("{DEFAULT_REGION}_EXAMPLE1"),
            client_id: "1example23456789example".into(),
            attributes: Vec::new(),
            provider_type: ProviderType::Oidc,
            provider_name: None,
            scopes: Vec::new(),
        }
    }
}

/// The kinds of identity provider an inbound federation event names
/// (`request.providerType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr, strum::VariantArray)]
#[strum(ascii_case_insensitive)]
pub enum ProviderType {
    #[strum(serialize = "OIDC")]
    Oidc,
    #[strum(serialize = "SAML")]
    Saml,
    Facebook,
    Google,
    SignInWithApple,
    LoginWithAmazon,
}

impl ProviderType {
    pub const ALL: &'static [ProviderType] = <ProviderType as strum::VariantArray>::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<ProviderType> {
        s.parse().ok()
    }

    pub fn names() -> String {
        let names: Vec<&str> = ProviderType::ALL.iter().map(|p| p.as_str()).collect();
        crate::model::quoted(&names)
    }

    /// The provider's name in the pool: social providers have fixed names.
    fn default_name(self) -> &'static str {
        match self {
            ProviderType::Oidc => "ExampleOIDC",
            ProviderType::Saml => "ExampleSAML",
            other => other.as_str(),
        }
    }

    /// The file stem of a crate's sample for this kind.
    pub fn sample_label(self) -> &'static str {
        self.as_str()
    }
}

/// The providers a new inbound-federation crate gets samples of: OIDC,
/// SAML and one social provider.
pub const SAMPLE_PROVIDERS: &[ProviderType] = &[ProviderType::Oidc, ProviderType::Saml, ProviderType::Google];

/// SAML claim names of the usual assertion attributes.
const SAML_EMAIL: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress";
const SAML_GIVEN_NAME: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname";
const SAML_SURNAME: &str = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname";

/// `Jane` and `Doe` from `jane.doe@example.com`.
fn names_of(email: &str) -> (String, String) {
    let local = email.split('@').next().unwrap_or_default();
    let mut parts = local.split(['.', '_', '-', '+']).filter(|p| !p.is_empty()).map(|p| {
        let mut c = p.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect::<String>())
            .unwrap_or_default()
    });
    let given = parts.next().unwrap_or_else(|| "Jane".into());
    let family = parts.next().unwrap_or_else(|| "Doe".into());
    (given, family)
}

/// A JSON object of strings.
fn strings(pairs: &[(&str, String)]) -> Map<String, Value> {
    pairs.iter().map(|(k, v)| (k.to_string(), json!(v))).collect()
}

/// What an identity provider answered, as an inbound federation event
/// carries it, and the federated user's name in the pool.
fn provider_answer(user: &CognitoUser, provider_name: &str) -> (String, Value) {
    use ProviderType as P;
    let email = user.email.clone();
    let (given, family) = names_of(&email);
    let name = format!("{given} {family}");
    let token = |kind: &str| {
        format!(
            "eyJraWQiOiJleGFtcGxlIn0.{}.{kind}",
            hex_id(&format!("{kind}{}", user.username), 24)
        )
    };
    let iat = EPOCH.to_string();
    let exp = (EPOCH + 3600).to_string();
    let mut attributes = Map::new();
    let (subject, claims_at) = match user.provider_type {
        P::Oidc => {
            let sub = uuid(&format!("oidc{}", user.username));
            attributes.insert(
                "tokenResponse".into(),
                json!(strings(&[
                    ("access_token", token("access")),
                    ("id_token", token("id")),
                    ("refresh_token", token("refresh")),
                    ("token_type", "Bearer".into()),
                    ("expires_in", "3600".into()),
                    ("scope", "openid email profile".into()),
                ])),
            );
            attributes.insert(
                "idToken".into(),
                json!(strings(&[
                    ("iss", "https://idp.example.com".into()),
                    ("sub", sub.clone()),
                    ("aud", "example-oidc-client".into()),
                    ("iat", iat.clone()),
                    ("exp", exp.clone()),
                    ("email", email.clone()),
                    ("email_verified", "true".into()),
                    ("name", name.clone()),
                ])),
            );
            attributes.insert(
                "userInfo".into(),
                json!(strings(&[
                    ("sub", sub.clone()),
                    ("email", email.clone()),
                    ("email_verified", "true".into()),
                    ("given_name", given.clone()),
                    ("family_name", family.clone()),
                    ("preferred_username", user.username.clone()),
                ])),
            );
            (sub, "idToken")
        }
        P::Saml => {
            attributes.insert(
                "samlResponse".into(),
                json!(strings(&[
                    (SAML_EMAIL, email.clone()),
                    (SAML_GIVEN_NAME, given.clone()),
                    (SAML_SURNAME, family.clone()),
                    ("department", "Engineering".into()),
                ])),
            );
            (email.clone(), "samlResponse")
        }
        P::Google => {
            let sub = digits(&format!("google{}", user.username), 21);
            attributes.insert(
                "tokenResponse".into(),
                json!(strings(&[
                    ("access_token", format!("ya29.{}", hex_id(&format!("ya29{}", user.username), 32))),
                    ("id_token", token("id")),
                    ("token_type", "Bearer".into()),
                    ("expires_in", "3599".into()),
                    (
                        "scope",
                        "openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile"
                            .into(),
                    ),
                ])),
            );
            attributes.insert(
                "idToken".into(),
                json!(strings(&[
                    ("iss", "https://accounts.google.com".into()),
                    ("azp", "example.apps.googleusercontent.com".into()),
                    ("aud", "example.apps.googleusercontent.com".into()),
                    ("sub", sub.clone()),
                    ("email", email.clone()),
                    ("email_verified", "true".into()),
                    ("iat", iat.clone()),
                    ("exp", exp.clone()),
                ])),
            );
            attributes.insert(
                "userInfo".into(),
                json!(strings(&[
                    ("sub", sub.clone()),
                    ("email", email.clone()),
                    ("email_verified", "true".into()),
                    ("name", name.clone()),
                    ("given_name", given.clone()),
                    ("family_name", family.clone()),
                    (
                        "picture",
                        format!("https://lh3.googleusercontent.com/a/{}", hex_id(&sub, 16))
                    ),
                ])),
            );
            (sub, "idToken")
        }
        P::Facebook => {
            let id = digits(&format!("facebook{}", user.username), 17);
            attributes.insert(
                "tokenResponse".into(),
                json!(strings(&[
                    (
                        "access_token",
                        format!("EAA{}", hex_id(&format!("fb{}", user.username), 32))
                    ),
                    ("token_type", "bearer".into()),
                    ("expires_in", "5183999".into()),
                ])),
            );
            attributes.insert(
                "userInfo".into(),
                json!(strings(&[
                    ("id", id.clone()),
                    ("name", name.clone()),
                    ("first_name", given.clone()),
                    ("last_name", family.clone()),
                    ("email", email.clone()),
                ])),
            );
            (id, "userInfo")
        }
        P::SignInWithApple => {
            let sub = format!(
                "{}.{}.{}",
                digits(&format!("apple{}", user.username), 6),
                hex_id(&format!("apple{}", user.username), 32),
                digits(&format!("apple-t{}", user.username), 4)
            );
            attributes.insert(
                "tokenResponse".into(),
                json!(strings(&[
                    ("access_token", token("access")),
                    ("id_token", token("id")),
                    ("refresh_token", token("refresh")),
                    ("token_type", "Bearer".into()),
                    ("expires_in", "3600".into()),
                ])),
            );
            attributes.insert(
                "idToken".into(),
                json!(strings(&[
                    ("iss", "https://appleid.apple.com".into()),
                    ("aud", "com.example.app".into()),
                    ("sub", sub.clone()),
                    ("email", email.clone()),
                    ("email_verified", "true".into()),
                    ("is_private_email", "false".into()),
                    ("iat", iat.clone()),
                    ("exp", exp.clone()),
                ])),
            );
            (sub, "idToken")
        }
        P::LoginWithAmazon => {
            let id = format!(
                "amzn1.account.{}",
                hex_id(&format!("amzn{}", user.username), 28).to_uppercase()
            );
            attributes.insert(
                "tokenResponse".into(),
                json!(strings(&[
                    (
                        "access_token",
                        format!("Atza|{}", hex_id(&format!("atza{}", user.username), 32))
                    ),
                    (
                        "refresh_token",
                        format!("Atzr|{}", hex_id(&format!("atzr{}", user.username), 32))
                    ),
                    ("token_type", "bearer".into()),
                    ("expires_in", "3600".into()),
                ])),
            );
            attributes.insert(
                "userInfo".into(),
                json!(strings(&[
                    ("user_id", id.clone()),
                    ("name", name.clone()),
                    ("email", email.clone()),
                ])),
            );
            (id, "userInfo")
        }
    };
    // `--attribute`s are claims (or assertion attributes) of the provider.
    if let Some(Value::Object(claims)) = attributes.get_mut(claims_at) {
        for (k, v) in &user.attributes {
            claims.insert(k.clone(), json!(v));
        }
    }
    (
        format!("{provider_name}_{subject}"),
        json!({
            "providerName": provider_name,
            "providerType": user.provider_type.as_str(),
            "attributes": attributes,
        }),
    )
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
    if !event.trigger_sources_for(version).contains(&trigger_source) {
        if event.all_trigger_sources().contains(&trigger_source) {
            return Err(user_error(
                format!(
                    "`{trigger_source}` comes with event version 3, not {}",
                    version.as_str()
                ),
                "use `--token-version v3` (machine-to-machine tokens need it)",
            ));
        }
        return Err(user_error(
            format!("`{trigger_source}` is not a trigger source of `{event}`"),
            format!(
                "use one of {}",
                crate::model::quoted(event.trigger_sources_for(version))
            ),
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
    let sub = uuid_v4(&format!("sub{}", user.username));
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
    let scopes = |default: &[&str]| -> Value {
        if user.scopes.is_empty() {
            json!(default)
        } else {
            json!(user.scopes)
        }
    };
    let mut username = username;
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
            TokenVersion::V2 | TokenVersion::V3 if trigger_source != CLIENT_CREDENTIALS => (
                if version == TokenVersion::V2 { "2" } else { "3" },
                json!({
                    "userAttributes": attrs,
                    "groupConfiguration": group_configuration,
                    "scopes": scopes(&["openid", "email", "aws.cognito.signin.user.admin"]),
                    "clientMetadata": {},
                }),
                json!({"claimsAndScopeOverrideDetails": null}),
            ),
            // A machine-to-machine token: an app client with its secret, no
            // user (so no attributes and no groups), custom scopes only.
            TokenVersion::V2 | TokenVersion::V3 => {
                username = user.client_id.clone();
                (
                    "3",
                    json!({"scopes": scopes(&["orders/read", "orders/write"]), "clientMetadata": {}}),
                    json!({"claimsAndScopeOverrideDetails": null}),
                )
            }
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
        E::InboundFederation => {
            let provider_name = user
                .provider_name
                .clone()
                .unwrap_or_else(|| user.provider_type.default_name().to_string());
            let (federated, request) = provider_answer(user, &provider_name);
            username = federated;
            ("1", request, json!({"userAttributesToMap": {}}))
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
