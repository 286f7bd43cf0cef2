//! Sample events, offline, in the exact shape AWS delivers them. One source
//! of samples: `cargo trigger event` prints them and the scaffolds' generated
//! tests are rendered with them. Output is deterministic (fixed times and
//! ids derived from the inputs) so it can be committed and diffed.

use base64::Engine as _;
use serde_json::{Map, Value, json};

use crate::errors::{CargoResult, user_error};

pub const DEFAULT_REGION: &str = "us-east-1";
pub const DEFAULT_ACCOUNT: &str = "123456789012";
/// 2024-01-01T12:00:00Z
const EPOCH: i64 = 1_704_110_400;

/// Where an event comes from, for ARNs and ids.
#[derive(Clone, Debug)]
pub struct Origin {
    pub region: String,
    pub account: String,
}

impl Default for Origin {
    fn default() -> Self {
        Origin {
            region: DEFAULT_REGION.into(),
            account: DEFAULT_ACCOUNT.into(),
        }
    }
}

/// A stable pseudo-random hex string from a seed (FNV-1a), for ids that
/// should look real but not change between runs.
fn hex_id(seed: &str, len: usize) -> String {
    let mut out = String::new();
    let mut round = 0u64;
    while out.len() < len {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ round;
        for b in seed.bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        out.push_str(&format!("{h:016x}"));
        round += 1;
    }
    out.truncate(len);
    out
}

fn digits(seed: &str, len: usize) -> String {
    hex_id(seed, len).bytes().map(|b| char::from(b'0' + (b % 10))).collect()
}

// ---- S3 -------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum S3Kind {
    Put,
    Delete,
}

impl S3Kind {
    pub fn parse(s: &str) -> Option<S3Kind> {
        match s {
            "put" => Some(S3Kind::Put),
            "delete" => Some(S3Kind::Delete),
            _ => None,
        }
    }
}

/// Encode a key as S3 does in notifications: form-style, space as `+`.
pub fn s3_encode_key(key: &str) -> String {
    let mut out = String::new();
    for b in key.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' | b'*' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub struct S3Object<'a> {
    pub bucket: &'a str,
    pub key: &'a str,
    pub size: u64,
}

/// An S3 notification with one record per object.
pub fn s3(kind: S3Kind, objects: &[S3Object<'_>], origin: &Origin) -> Value {
    let records: Vec<Value> = objects
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let seed = format!("{}/{}/{i}", o.bucket, o.key);
            let (event_name, object) = match kind {
                S3Kind::Put => (
                    "ObjectCreated:Put",
                    json!({
                        "key": s3_encode_key(o.key),
                        "size": o.size,
                        "eTag": hex_id(&format!("etag{seed}"), 32),
                        "sequencer": hex_id(&format!("seq{seed}"), 18).to_uppercase(),
                    }),
                ),
                S3Kind::Delete => (
                    "ObjectRemoved:Delete",
                    json!({
                        "key": s3_encode_key(o.key),
                        "sequencer": hex_id(&format!("seq{seed}"), 18).to_uppercase(),
                    }),
                ),
            };
            json!({
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": origin.region,
                "eventTime": "2024-01-01T12:00:00.000Z",
                "eventName": event_name,
                "userIdentity": {"principalId": "AWS:AIDAEXAMPLE"},
                "requestParameters": {"sourceIPAddress": "203.0.113.10"},
                "responseElements": {
                    "x-amz-request-id": hex_id(&format!("req{seed}"), 16).to_uppercase(),
                    "x-amz-id-2": hex_id(&format!("id2{seed}"), 64),
                },
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": "cargo-trigger",
                    "bucket": {
                        "name": o.bucket,
                        "ownerIdentity": {"principalId": "A3NL1KOZZKExample"},
                        "arn": format!("arn:aws:s3:::{}", o.bucket),
                    },
                    "object": object,
                },
            })
        })
        .collect();
    json!({ "Records": records })
}

// ---- DynamoDB -------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DynamoKind {
    Insert,
    Modify,
    Remove,
}

impl DynamoKind {
    pub fn parse(s: &str) -> Option<DynamoKind> {
        match s {
            "insert" => Some(DynamoKind::Insert),
            "modify" => Some(DynamoKind::Modify),
            "remove" => Some(DynamoKind::Remove),
            _ => None,
        }
    }

    pub fn event_name(self) -> &'static str {
        match self {
            DynamoKind::Insert => "INSERT",
            DynamoKind::Modify => "MODIFY",
            DynamoKind::Remove => "REMOVE",
        }
    }
}

/// Plain JSON to DynamoDB's attribute-value form (`{"S": …}`, `{"N": …}`, …).
pub fn to_attribute_value(v: &Value) -> Value {
    match v {
        Value::Null => json!({"NULL": true}),
        Value::Bool(b) => json!({"BOOL": b}),
        Value::Number(n) => json!({"N": n.to_string()}),
        Value::String(s) => json!({"S": s}),
        Value::Array(items) => json!({"L": items.iter().map(to_attribute_value).collect::<Vec<_>>()}),
        Value::Object(m) => json!({"M": to_item(m)}),
    }
}

/// A JSON object to a DynamoDB item (a map of attribute values).
pub fn to_item(m: &Map<String, Value>) -> Value {
    Value::Object(m.iter().map(|(k, v)| (k.clone(), to_attribute_value(v))).collect())
}

/// One change to a table.
#[derive(Clone, Copy)]
pub struct DynamoChange<'a> {
    pub kind: DynamoKind,
    pub keys: &'a Map<String, Value>,
    pub new_image: Option<&'a Map<String, Value>>,
    pub old_image: Option<&'a Map<String, Value>>,
}

pub fn dynamodb_stream_arn(table: &str, origin: &Origin) -> String {
    format!(
        "arn:aws:dynamodb:{}:{}:table/{table}/stream/2024-01-01T00:00:00.000",
        origin.region, origin.account
    )
}

/// A DynamoDB stream batch, one record per change, with increasing
/// sequence numbers.
pub fn dynamodb(stream_arn: &str, view: &str, changes: &[DynamoChange<'_>], origin: &Origin) -> Value {
    let records: Vec<Value> = changes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut record = Map::new();
            record.insert("ApproximateCreationDateTime".into(), json!(EPOCH + i as i64));
            record.insert("Keys".into(), to_item(c.keys));
            let with_new = matches!(view, "NEW_IMAGE" | "NEW_AND_OLD_IMAGES");
            let with_old = matches!(view, "OLD_IMAGE" | "NEW_AND_OLD_IMAGES");
            if let (true, Some(new)) = (with_new && c.kind != DynamoKind::Remove, c.new_image) {
                record.insert("NewImage".into(), to_item(new));
            }
            if let (true, Some(old)) = (with_old && c.kind != DynamoKind::Insert, c.old_image) {
                record.insert("OldImage".into(), to_item(old));
            }
            record.insert(
                "SequenceNumber".into(),
                json!(format!("{}", 100_000_000_000_000_000_000u128 + i as u128 + 1)),
            );
            let size = serde_json::to_string(&record).map(|s| s.len()).unwrap_or(0);
            record.insert("SizeBytes".into(), json!(size));
            record.insert("StreamViewType".into(), json!(view));
            json!({
                "eventID": hex_id(&format!("{stream_arn}{i}"), 32),
                "eventName": c.kind.event_name(),
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": origin.region,
                "dynamodb": Value::Object(record),
                "eventSourceARN": stream_arn,
            })
        })
        .collect();
    json!({ "Records": records })
}

// ---- Kinesis --------------------------------------------------------------

pub fn kinesis_stream_arn(stream: &str, origin: &Origin) -> String {
    format!("arn:aws:kinesis:{}:{}:stream/{stream}", origin.region, origin.account)
}

/// A Kinesis batch, one record per payload, `data` base64-encoded as
/// Kinesis delivers it.
pub fn kinesis(stream_arn: &str, payloads: &[Vec<u8>], origin: &Origin) -> Value {
    let base = "49590338271490256608559692538361571095921575989136588898";
    let records: Vec<Value> = payloads
        .iter()
        .enumerate()
        .map(|(i, data)| {
            let seq = format!("{}{:03}", &base[..base.len() - 3], i + 1);
            json!({
                "kinesis": {
                    "kinesisSchemaVersion": "1.0",
                    "partitionKey": format!("pk-{}", i + 1),
                    "sequenceNumber": seq,
                    "data": base64::engine::general_purpose::STANDARD.encode(data),
                    // Seconds with milliseconds, as Kinesis writes them.
                    "approximateArrivalTimestamp": EPOCH as f64 + i as f64 + 0.123,
                },
                "eventSource": "aws:kinesis",
                "eventVersion": "1.0",
                "eventID": format!("shardId-000000000000:{seq}"),
                "eventName": "aws:kinesis:record",
                "invokeIdentityArn": format!("arn:aws:iam::{}:role/lambda-kinesis-role", origin.account),
                "awsRegion": origin.region,
                "eventSourceARN": stream_arn,
            })
        })
        .collect();
    json!({ "Records": records })
}

// ---- Cognito ---------------------------------------------------------------

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
    event: crate::schema::CognitoEvent,
    trigger_source: &str,
    version: crate::schema::TokenVersion,
    user: &CognitoUser,
    origin: &Origin,
) -> CargoResult<Value> {
    use crate::schema::{CognitoEvent as E, TokenVersion};
    if !event.trigger_sources().contains(&trigger_source) {
        return Err(user_error(
            format!("`{trigger_source}` is not a trigger source of `{event}`"),
            format!("use one of {}", crate::schema::quoted(event.trigger_sources())),
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

/// `{"a": 1}` → a JSON object, or a clear error naming the flag.
pub fn json_object(flag: &str, text: &str) -> CargoResult<Map<String, Value>> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(other) => Err(user_error(
            format!("`{flag}` must be a JSON object, found `{other}`"),
            format!("e.g. `{flag} '{{\"id\": \"1\"}}'`"),
        )),
        Err(e) => Err(user_error(
            format!("`{flag}` is not valid JSON: {e}"),
            format!("e.g. `{flag} '{{\"id\": \"1\"}}'`"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_encoded_like_s3() {
        assert_eq!(
            s3_encode_key("uploads/my photo (1).jpg"),
            "uploads/my+photo+%281%29.jpg"
        );
        assert_eq!(s3_encode_key("é+"), "%C3%A9%2B");
    }

    #[test]
    fn attribute_values() {
        let v: Value =
            serde_json::from_str(r#"{"id": "1", "n": 2.5, "ok": true, "tags": ["a"], "m": {"x": null}}"#).unwrap();
        assert_eq!(
            to_item(v.as_object().unwrap()),
            json!({"id": {"S": "1"}, "n": {"N": "2.5"}, "ok": {"BOOL": true}, "tags": {"L": [{"S": "a"}]}, "m": {"M": {"x": {"NULL": true}}}})
        );
    }

    #[test]
    fn output_is_deterministic() {
        let o = [S3Object {
            bucket: "b",
            key: "k",
            size: 1,
        }];
        assert_eq!(
            s3(S3Kind::Put, &o, &Origin::default()),
            s3(S3Kind::Put, &o, &Origin::default())
        );
    }
}
