//! Every sample event `cargo trigger event` prints deserialises into its
//! aws_lambda_events type and serialises back without losing a field.

use crate::support;

use aws_lambda_events::event::{cognito, dynamodb, kinesis, s3};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use support::run;

/// `a` is contained in `b`: every field of `a` is in `b` with the same value
/// (numbers compared as numbers, `.000Z` timestamps as instants).
pub(crate) fn contained(a: &Value, b: &Value, path: &str) -> Result<(), String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                let w = y.get(k).ok_or_else(|| format!("{path}.{k} was lost"))?;
                contained(v, w, &format!("{path}.{k}"))?;
            }
            Ok(())
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                contained(v, w, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => Ok(()),
        // aws_lambda_events writes Kinesis' arrival time back as a string.
        (Value::Number(x), Value::String(y)) if y.parse::<f64>().ok() == x.as_f64() => Ok(()),
        (Value::String(x), Value::String(y)) if x.replace(".000Z", "Z") == y.replace(".000Z", "Z") => Ok(()),
        _ if a == b => Ok(()),
        _ => Err(format!("{path}: {a} became {b}")),
    }
}

#[track_caller]
pub(crate) fn round_trip<T: DeserializeOwned + Serialize>(args: &[&str]) -> T {
    let dir = tempfile::tempdir().unwrap();
    let mut full = vec!["event"];
    full.extend_from_slice(args);
    let r = run(dir.path(), &full).success();
    let original: Value = serde_json::from_str(&r.stdout).unwrap();
    let typed: T = serde_json::from_value(original.clone()).unwrap_or_else(|e| panic!("{args:?}: {e}\n{}", r.stdout));
    let back = serde_json::to_value(&typed).unwrap();
    if let Err(e) = contained(&original, &back, "") {
        panic!("{args:?}: {e}\n{}", r.stdout);
    }
    typed
}

#[test]
fn s3_events() {
    let e: s3::S3Event = round_trip(&["s3", "put", "--bucket", "acme", "--key", "a b/c+d é.jpg", "--size", "5"]);
    assert_eq!(e.records[0].s3.object.key.as_deref(), Some("a+b/c%2Bd+%C3%A9.jpg"));
    assert_eq!(e.records[0].s3.object.size, Some(5));
    assert_eq!(e.records[0].event_name.as_deref(), Some("ObjectCreated:Put"));
    let e: s3::S3Event = round_trip(&["s3", "delete", "--records", "3"]);
    assert_eq!(e.records.len(), 3);
    assert_eq!(e.records[2].event_name.as_deref(), Some("ObjectRemoved:Delete"));
}

#[test]
fn dynamodb_events() {
    let e: dynamodb::Event = round_trip(&[
        "dynamodb",
        "insert",
        "--table",
        "todos",
        "--new-image",
        r#"{"id": "7", "n": 1.5, "ok": true, "tags": ["a"], "meta": {"x": null}}"#,
    ]);
    let r = &e.records[0];
    assert_eq!(r.event_name, "INSERT");
    assert_eq!(r.change.keys.len(), 1);
    assert_eq!(r.change.new_image.len(), 5);
    assert!(r.change.old_image.is_empty());
    let e: dynamodb::Event = round_trip(&[
        "dynamodb",
        "modify",
        "--old-image",
        r#"{"id": "1", "v": 1}"#,
        "--new-image",
        r#"{"id": "1", "v": 2}"#,
    ]);
    assert_eq!(e.records[0].change.old_image.len(), 2);
    let e: dynamodb::Event = round_trip(&[
        "dynamodb",
        "remove",
        "--keys",
        r#"{"pk": "a", "sk": 3}"#,
        "--stream-view",
        "KEYS_ONLY",
    ]);
    assert!(e.records[0].change.old_image.is_empty());
    assert_eq!(e.records[0].change.keys.len(), 2);
}

#[test]
fn kinesis_events() {
    let e: kinesis::KinesisEvent = round_trip(&[
        "kinesis",
        "--data",
        r#"{"id": "1"}"#,
        "--data",
        "plain text",
        "--records",
        "3",
    ]);
    assert_eq!(e.records.len(), 3);
    assert_eq!(e.records[0].kinesis.data.0, br#"{"id": "1"}"#);
    assert_eq!(e.records[1].kinesis.data.0, b"plain text");
    assert_ne!(
        e.records[0].kinesis.sequence_number,
        e.records[1].kinesis.sequence_number
    );
}

#[test]
fn every_cognito_trigger_source() {
    use cargo_trigger::sources::CognitoEvent as E;
    let user = [
        "--email",
        "ann@example.org",
        "--username",
        "ann",
        "--user-pool-id",
        "eu-west-1_Abc",
        "--client-id",
        "client1",
        "--attribute",
        "custom:plan=pro",
    ];
    let mut seen = 0;
    for event in E::ALL {
        if event.has_own_types(cargo_trigger::sources::TokenVersion::V1) {
            continue; // their own serde types: tested in each generated crate
        }
        for source in event.trigger_sources() {
            let mut args = vec!["cognito", source];
            args.extend_from_slice(&user);
            let header = match event {
                E::PreSignUp => {
                    round_trip::<cognito::CognitoEventUserPoolsPreSignup>(&args)
                        .cognito_event_user_pools_header
                        .user_pool_id
                }
                E::PreAuthentication => {
                    round_trip::<cognito::CognitoEventUserPoolsPreAuthentication>(&args)
                        .cognito_event_user_pools_header
                        .user_pool_id
                }
                E::PostAuthentication => {
                    round_trip::<cognito::CognitoEventUserPoolsPostAuthentication>(&args)
                        .cognito_event_user_pools_header
                        .user_pool_id
                }
                E::PostConfirmation => {
                    round_trip::<cognito::CognitoEventUserPoolsPostConfirmation>(&args)
                        .cognito_event_user_pools_header
                        .user_pool_id
                }
                E::DefineAuthChallenge => {
                    round_trip::<cognito::CognitoEventUserPoolsDefineAuthChallenge>(&args)
                        .cognito_event_user_pools_header
                        .user_pool_id
                }
                E::CreateAuthChallenge => {
                    round_trip::<cognito::CognitoEventUserPoolsCreateAuthChallenge>(&args)
                        .cognito_event_user_pools_header
                        .user_pool_id
                }
                E::VerifyAuthChallengeResponse => {
                    round_trip::<cognito::CognitoEventUserPoolsVerifyAuthChallenge>(&args)
                        .cognito_event_user_pools_header
                        .user_pool_id
                }
                E::CustomMessage => {
                    round_trip::<cognito::CognitoEventUserPoolsCustomMessage>(&args)
                        .cognito_event_user_pools_header
                        .user_pool_id
                }
                E::PreTokenGeneration => {
                    let v1 = round_trip::<cognito::CognitoEventUserPoolsPreTokenGen>(&args);
                    let mut v2args = args.clone();
                    v2args.extend_from_slice(&["--token-version", "v2"]);
                    let v2 = round_trip::<cognito::CognitoEventUserPoolsPreTokenGenV2>(&v2args);
                    assert!(v2.request.scopes.contains(&"openid".to_string()));
                    assert_eq!(
                        v1.cognito_event_user_pools_header.user_pool_id,
                        v2.cognito_event_user_pools_header.user_pool_id
                    );
                    v1.cognito_event_user_pools_header.user_pool_id
                }
                E::UserMigration => {
                    round_trip::<cognito::CognitoEventUserPoolsMigrateUser>(&args)
                        .cognito_event_user_pools_header
                        .user_pool_id
                }
                E::CustomEmailSender | E::CustomSmsSender | E::InboundFederation => unreachable!(),
            };
            assert_eq!(header.as_deref(), Some("eu-west-1_Abc"), "{source}");
            seen += 1;
        }
    }
    assert_eq!(seen, 24);
}

#[test]
fn cognito_fields_come_from_the_flags() {
    let e: cognito::CognitoEventUserPoolsPreSignup = round_trip(&[
        "cognito",
        "pre-sign-up",
        "--email",
        "bob@example.org",
        "--attribute",
        "name=Bob",
    ]);
    assert_eq!(e.request.user_attributes["email"], "bob@example.org");
    assert_eq!(e.request.user_attributes["name"], "Bob");
}

#[test]
fn for_a_crate_uses_its_source_event_and_resources() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    run(
        ws,
        &[
            "new",
            "-q",
            "--source",
            "s3",
            "--bucket",
            "photos",
            "--resource-name",
            "acme-photos",
        ],
    )
    .success();
    run(
        ws,
        &[
            "new",
            "-q",
            "--source",
            "cognito",
            "--event",
            "post-confirmation",
            "--user-pool",
            "users",
        ],
    )
    .success();
    let s3 = run(ws, &["event", "--for", "photos-s3-trigger"]).success();
    let v: Value = serde_json::from_str(&s3.stdout).unwrap();
    assert_eq!(v["Records"][0]["s3"]["bucket"]["name"], "acme-photos");
    let c = run(ws, &["event", "--for", "users-post-confirmation"]).success();
    let v: Value = serde_json::from_str(&c.stdout).unwrap();
    assert_eq!(v["triggerSource"], "PostConfirmation_ConfirmSignUp");
    let r = run(
        ws,
        &[
            "event",
            "cognito",
            "PreSignUp_SignUp",
            "--for",
            "users-post-confirmation",
        ],
    )
    .failure();
    assert!(r.stderr.contains("handles `post-confirmation`"), "{}", r.stderr);
    let r = run(ws, &["event", "s3", "--for", "users-post-confirmation"]).failure();
    assert!(r.stderr.contains("is a `cognito` trigger"), "{}", r.stderr);
}

#[test]
fn bad_event_requests_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    for (args, needle) in [
        (vec!["event"], "pass a SOURCE"),
        (vec!["event", "s3", "post"], "unknown S3 event kind"),
        (vec!["event", "cognito", "SignUp"], "unknown Cognito event kind"),
        (
            vec!["event", "dynamodb", "insert", "--new-image", "[1]"],
            "must be a JSON object",
        ),
        (vec!["event", "dynamodb", "insert", "--keys", "{"], "not valid JSON"),
        (
            vec!["event", "cognito", "pre-sign-up", "--attribute", "novalue"],
            "not NAME=VALUE",
        ),
    ] {
        let r = run(dir.path(), &args).failure();
        assert!(r.stderr.contains(needle), "{args:?}: {}", r.stderr);
    }
}

mod cases;
mod sns;
mod sqs;
