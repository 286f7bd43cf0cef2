//! `event` cases (`tests/testsuite/event/<case>/`): the sample event of
//! every source and kind (every Cognito trigger source), with field flags,
//! for a crate, and every error.

use crate::case;
use crate::support::case::{Case, Failures, TableCase, table};

const EVENTS: &[TableCase] = &[
    ("s3", &["event", "s3"], 0),
    ("s3_put", &["event", "s3", "put"], 0),
    ("s3_delete", &["event", "s3", "delete"], 0),
    (
        "s3_put_fields",
        &[
            "event",
            "s3",
            "put",
            "--bucket",
            "acme",
            "--key",
            "a b/c+d é.jpg",
            "--size",
            "5",
            "--region",
            "eu-west-1",
        ],
        0,
    ),
    ("s3_delete_records", &["event", "s3", "delete", "--records", "3"], 0),
    ("dynamodb", &["event", "dynamodb"], 0),
    ("dynamodb_insert", &["event", "dynamodb", "insert"], 0),
    ("dynamodb_modify", &["event", "dynamodb", "modify"], 0),
    ("dynamodb_remove", &["event", "dynamodb", "remove"], 0),
    (
        "dynamodb_insert_keys_only",
        &["event", "dynamodb", "insert", "--stream-view", "KEYS_ONLY"],
        0,
    ),
    (
        "dynamodb_modify_new_image",
        &["event", "dynamodb", "modify", "--stream-view", "NEW_IMAGE"],
        0,
    ),
    (
        "dynamodb_modify_old_image",
        &["event", "dynamodb", "modify", "--stream-view", "OLD_IMAGE"],
        0,
    ),
    (
        "dynamodb_modify_new_and_old_images",
        &["event", "dynamodb", "modify", "--stream-view", "NEW_AND_OLD_IMAGES"],
        0,
    ),
    (
        "dynamodb_remove_keys_only",
        &["event", "dynamodb", "remove", "--stream-view", "KEYS_ONLY"],
        0,
    ),
    (
        "dynamodb_insert_fields",
        &[
            "event",
            "dynamodb",
            "insert",
            "--table",
            "todos",
            "--region",
            "eu-west-1",
            "--new-image",
            r#"{"id": "7", "n": 1.5, "ok": true, "tags": ["a"], "meta": {"x": null}}"#,
        ],
        0,
    ),
    (
        "dynamodb_modify_images",
        &[
            "event",
            "dynamodb",
            "modify",
            "--old-image",
            r#"{"id": "1", "v": 1}"#,
            "--new-image",
            r#"{"id": "1", "v": 2}"#,
        ],
        0,
    ),
    (
        "dynamodb_remove_keys",
        &["event", "dynamodb", "remove", "--keys", r#"{"pk": "a", "sk": 3}"#],
        0,
    ),
    (
        "dynamodb_records",
        &["event", "dynamodb", "insert", "--records", "2"],
        0,
    ),
    ("kinesis", &["event", "kinesis"], 0),
    ("kinesis_records_kind", &["event", "kinesis", "records"], 0),
    (
        "kinesis_data",
        &[
            "event",
            "kinesis",
            "--data",
            r#"{"id": "1"}"#,
            "--data",
            "plain text",
            "--records",
            "3",
        ],
        0,
    ),
    (
        "kinesis_fields",
        &["event", "kinesis", "--stream", "clicks", "--region", "ap-south-1"],
        0,
    ),
    ("cognito_pre_sign_up", &["event", "cognito", "pre-sign-up"], 0),
    (
        "cognito_pre_authentication",
        &["event", "cognito", "pre-authentication"],
        0,
    ),
    (
        "cognito_post_authentication",
        &["event", "cognito", "post-authentication"],
        0,
    ),
    (
        "cognito_post_confirmation",
        &["event", "cognito", "post-confirmation"],
        0,
    ),
    (
        "cognito_define_auth_challenge",
        &["event", "cognito", "define-auth-challenge"],
        0,
    ),
    (
        "cognito_create_auth_challenge",
        &["event", "cognito", "create-auth-challenge"],
        0,
    ),
    (
        "cognito_verify_auth_challenge_response",
        &["event", "cognito", "verify-auth-challenge-response"],
        0,
    ),
    ("cognito_custom_message", &["event", "cognito", "custom-message"], 0),
    (
        "cognito_pre_token_generation",
        &["event", "cognito", "pre-token-generation"],
        0,
    ),
    (
        "cognito_pre_token_generation_v2",
        &["event", "cognito", "pre-token-generation", "--token-version", "v2"],
        0,
    ),
    ("cognito_user_migration", &["event", "cognito", "user-migration"], 0),
    (
        "cognito_custom_email_sender",
        &["event", "cognito", "custom-email-sender"],
        0,
    ),
    (
        "cognito_custom_sms_sender",
        &["event", "cognito", "custom-sms-sender"],
        0,
    ),
    (
        "cognito_fields",
        &[
            "event",
            "cognito",
            "pre-sign-up",
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
            "--attribute",
            "name=Ann",
            "--region",
            "eu-west-1",
        ],
        0,
    ),
    (
        "cognito_v2_fields",
        &[
            "event",
            "cognito",
            "TokenGeneration_RefreshTokens",
            "--token-version",
            "v2",
            "--email",
            "bob@example.org",
        ],
        0,
    ),
];

/// Every `triggerSource` Cognito sends.
const TRIGGER_SOURCES: &[&str] = &[
    "PreSignUp_SignUp",
    "PreSignUp_AdminCreateUser",
    "PreSignUp_ExternalProvider",
    "PreAuthentication_Authentication",
    "PostAuthentication_Authentication",
    "PostConfirmation_ConfirmSignUp",
    "PostConfirmation_ConfirmForgotPassword",
    "DefineAuthChallenge_Authentication",
    "CreateAuthChallenge_Authentication",
    "VerifyAuthChallengeResponse_Authentication",
    "CustomMessage_SignUp",
    "CustomMessage_AdminCreateUser",
    "CustomMessage_ResendCode",
    "CustomMessage_ForgotPassword",
    "CustomMessage_UpdateUserAttribute",
    "CustomMessage_VerifyUserAttribute",
    "CustomMessage_Authentication",
    "TokenGeneration_HostedAuth",
    "TokenGeneration_Authentication",
    "TokenGeneration_NewPasswordChallenge",
    "TokenGeneration_AuthenticateDevice",
    "TokenGeneration_RefreshTokens",
    "UserMigration_Authentication",
    "UserMigration_ForgotPassword",
    "CustomEmailSender_SignUp",
    "CustomEmailSender_ResendCode",
    "CustomEmailSender_ForgotPassword",
    "CustomEmailSender_UpdateUserAttribute",
    "CustomEmailSender_VerifyUserAttribute",
    "CustomEmailSender_AdminCreateUser",
    "CustomEmailSender_AccountTakeOverNotification",
    "CustomSMSSender_SignUp",
    "CustomSMSSender_ResendCode",
    "CustomSMSSender_ForgotPassword",
    "CustomSMSSender_UpdateUserAttribute",
    "CustomSMSSender_VerifyUserAttribute",
    "CustomSMSSender_Authentication",
    "CustomSMSSender_AdminCreateUser",
];

#[test]
fn every_source_and_kind() {
    table("event", "", EVENTS);
}

/// `event/trigger_source_<source>/stdout` for each trigger source.
#[test]
fn every_cognito_trigger_source() {
    let mut failures = Failures::default();
    for source in TRIGGER_SOURCES {
        let case = Case::at("event", &format!("trigger_source_{source}"));
        failures.add(case.run(&["event", "cognito", source]).check(0));
    }
    failures.finish();
}

/// A workspace with one crate of each source, on resources with physical names.
fn for_crates(case: Case) -> Case {
    case.setup(&[
        "new",
        "--source",
        "s3",
        "--bucket",
        "photos",
        "--resource-name",
        "acme-photos",
    ])
    .setup(&[
        "new",
        "--source",
        "dynamodb",
        "--table",
        "todos",
        "--resource-name",
        "acme-todos",
    ])
    .setup(&[
        "new",
        "--source",
        "kinesis",
        "--stream",
        "clicks",
        "--resource-name",
        "acme-clicks",
    ])
    .setup(&[
        "new",
        "--source",
        "cognito",
        "--event",
        "post-confirmation",
        "--user-pool",
        "users",
    ])
    .setup(&[
        "new",
        "--source",
        "cognito",
        "--event",
        "pre-token-generation",
        "--token-version",
        "v2",
        "--user-pool",
        "admins",
    ])
    .setup(&["new", "--source", "s3", "--arn", "arn:aws:s3:::legacy-uploads"])
}

#[test]
fn for_a_crate() {
    let case = for_crates(case!());
    let mut failures = Failures::default();
    for (stem, args, code) in [
        ("s3", &["event", "--for", "photos-s3-trigger"][..], 0),
        ("s3_delete", &["event", "s3", "delete", "--for", "photos-s3-trigger"], 0),
        (
            "s3_existing_bucket",
            &["event", "--for", "legacy-uploads-s3-trigger"],
            0,
        ),
        ("dynamodb", &["event", "--for", "todos-dynamodb-trigger"], 0),
        (
            "dynamodb_remove",
            &["event", "dynamodb", "remove", "--for", "todos-dynamodb-trigger"],
            0,
        ),
        ("kinesis", &["event", "--for", "clicks-kinesis-trigger"], 0),
        ("cognito", &["event", "--for", "users-post-confirmation"], 0),
        (
            "cognito_trigger_source",
            &[
                "event",
                "cognito",
                "PostConfirmation_ConfirmForgotPassword",
                "--for",
                "users-post-confirmation",
            ],
            0,
        ),
        ("cognito_v2", &["event", "--for", "admins-pre-token-generation"], 0),
        (
            "error_other_event",
            &[
                "event",
                "cognito",
                "PreSignUp_SignUp",
                "--for",
                "users-post-confirmation",
            ],
            101,
        ),
        (
            "error_other_source",
            &["event", "s3", "--for", "users-post-confirmation"],
            101,
        ),
        ("error_unknown_crate", &["event", "--for", "nope"], 101),
    ] {
        failures.add(case.run(args).named(stem).check(code));
    }
    failures.finish();
}

#[test]
fn error_for_without_a_workspace() {
    case!().run(&["event", "--for", "photos-s3-trigger"]).code(101);
}

const ERRORS: &[TableCase] = &[
    ("error_no_source", &["event"], 101),
    ("error_unknown_source", &["event", "ftp"], 101),
    ("error_s3_kind", &["event", "s3", "post"], 101),
    ("error_dynamodb_kind", &["event", "dynamodb", "update"], 101),
    ("error_kinesis_kind", &["event", "kinesis", "put"], 101),
    ("error_cognito_no_kind", &["event", "cognito"], 101),
    ("error_cognito_trigger_source", &["event", "cognito", "SignUp"], 101),
    (
        "error_image_not_an_object",
        &["event", "dynamodb", "insert", "--new-image", "[1]"],
        101,
    ),
    (
        "error_keys_not_json",
        &["event", "dynamodb", "insert", "--keys", "{"],
        101,
    ),
    (
        "error_attribute",
        &["event", "cognito", "pre-sign-up", "--attribute", "novalue"],
        101,
    ),
    (
        "error_token_version",
        &["event", "cognito", "pre-token-generation", "--token-version", "v4"],
        101,
    ),
    ("error_records_not_a_number", &["event", "s3", "--records", "many"], 2),
];

#[test]
fn errors() {
    table("event", "", ERRORS);
}
