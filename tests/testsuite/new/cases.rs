//! `new` cases (`tests/testsuite/new/<case>/`): dry runs, real runs into
//! existing workspaces, extending a Cognito crate, and every error. (Every
//! source and flag combination is a case too, run by `freeze`.)

use crate::case;
use crate::support::case::{TableCase, table};

// The crate each source and flag combination makes is frozen by the
// `freeze` workspaces, which run `new` for real: `new/<variant>/` holds
// what each writes. These dry runs freeze the diff they print instead.

#[test]
fn dry_run_s3() {
    case!()
        .run(&[
            "new",
            "--source",
            "s3",
            "--bucket",
            "photos",
            "--prefix",
            "uploads/",
            "--dry-run",
        ])
        .ok();
}

#[test]
fn dry_run_s3_existing_bucket() {
    case!()
        .run(&[
            "new",
            "--source",
            "s3",
            "--arn",
            "arn:aws:s3:::legacy",
            "--suffix",
            ".csv",
            "--dry-run",
        ])
        .ok();
}

#[test]
fn dry_run_dynamodb() {
    case!()
        .run(&[
            "new",
            "--source",
            "dynamodb",
            "--table",
            "ledger",
            "--stream-view",
            "NEW_IMAGE",
            "--partition-key",
            "entry_id",
            "--batch-size",
            "25",
            "--dry-run",
        ])
        .ok();
}

#[test]
fn dry_run_kinesis() {
    case!()
        .run(&[
            "new",
            "--source",
            "kinesis",
            "--stream",
            "clicks",
            "--shard-count",
            "2",
            "--dry-run",
        ])
        .ok();
}

#[test]
fn dry_run_cognito_module() {
    case!()
        .run(&[
            "new",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--module",
            "email-deny-list",
            "--set",
            "DOMAIN_DENY_LIST=mailinator.com",
            "--user-pool",
            "users",
            "--dry-run",
        ])
        .ok();
}

#[test]
fn dry_run_cognito_capability() {
    case!()
        .run(&[
            "new",
            "--source",
            "cognito",
            "--capability",
            "captcha",
            "--user-pool",
            "users",
            "--dry-run",
        ])
        .ok();
}

#[test]
fn dry_run_cognito_sender() {
    case!()
        .run(&[
            "new",
            "--source",
            "cognito",
            "--event",
            "custom-email-sender",
            "--user-pool",
            "users",
            "--kms-key-arn",
            "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "--dry-run",
        ])
        .ok();
}

#[test]
fn empty_folder() {
    case!()
        .run(&["new", "--source", "s3", "--bucket", "photos", "--prefix", "uploads/"])
        .ok();
}

#[test]
fn quiet() {
    case!()
        .run(&["new", "-q", "--source", "kinesis", "--stream", "clicks"])
        .ok();
}

#[test]
fn manifest_path_to_a_new_folder() {
    case!()
        .run(&[
            "new",
            "--source",
            "kinesis",
            "--stream",
            "clicks",
            "--manifest-path",
            "demo/Cargo.toml",
        ])
        .ok();
}

#[test]
fn into_a_virtual_workspace_on_a_declared_bucket() {
    case!()
        .fixture("virtual")
        .run(&[
            "new", "thumbs", "--source", "s3", "--bucket", "photos", "--prefix", "thumbs/",
        ])
        .ok();
}

#[test]
fn into_a_virtual_workspace_with_a_new_table() {
    case!()
        .fixture("virtual")
        .run(&[
            "new",
            "--source",
            "dynamodb",
            "--table",
            "todos",
            "--stream-view",
            "NEW_IMAGE",
        ])
        .ok();
}

#[test]
fn into_a_root_package_on_a_declared_stream() {
    case!()
        .fixture("root-package")
        .run(&["new", "--source", "kinesis", "--stream", "clicks"])
        .ok();
}

#[test]
fn into_a_root_package_on_an_existing_stream() {
    case!()
        .fixture("virtual")
        .run(&["new", "--source", "kinesis", "--stream", "legacy-clicks"])
        .ok();
}

#[test]
fn into_nested_globs() {
    case!()
        .fixture("nested-globs")
        .run(&["new", "--source", "s3", "--bucket", "photos"])
        .ok();
}

#[test]
fn declared_table_with_a_sort_key() {
    case!()
        .run(&["new", "--source", "dynamodb", "--table", "orders", "--dry-run"])
        .ok();
}

#[test]
fn workspace_dependencies_are_inherited() {
    case!()
        .run(&["new", "--source", "s3", "--bucket", "photos", "--dry-run"])
        .ok();
}

#[test]
fn a_second_reader_of_a_table() {
    case!()
        .setup(&["new", "a", "--source", "dynamodb", "--table", "todos"])
        .setup(&["new", "b", "--source", "dynamodb", "--table", "todos"])
        .run(&["new", "c", "--source", "dynamodb", "--table", "todos", "--dry-run"])
        .ok();
}

#[test]
fn yes_takes_the_defaults_s3() {
    case!().run(&["new", "--source", "s3", "--yes", "--dry-run"]).ok();
}

#[test]
fn yes_takes_the_defaults_dynamodb() {
    case!().run(&["new", "--source", "dynamodb", "--yes", "--dry-run"]).ok();
}

#[test]
fn yes_takes_the_defaults_kinesis() {
    case!().run(&["new", "--source", "kinesis", "--yes", "--dry-run"]).ok();
}

/// `--yes` has no default Cognito event.
#[test]
fn error_yes_without_a_cognito_event() {
    case!()
        .run(&["new", "--source", "cognito", "--yes", "--dry-run"])
        .code(101);
}

#[test]
fn cognito_adds_a_module_to_the_events_crate() {
    case!()
        .setup(&[
            "new",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--user-pool",
            "users",
        ])
        .run(&[
            "new",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--module",
            "email-deny-list",
            "--set",
            "DOMAIN_DENY_LIST=mailinator.com",
            "--user-pool",
            "users",
        ])
        .ok();
}

#[test]
fn cognito_adds_a_capability_to_existing_crates() {
    case!()
        .setup(&[
            "new",
            "--source",
            "cognito",
            "--event",
            "define-auth-challenge",
            "--user-pool",
            "users",
        ])
        .run(&[
            "new",
            "--source",
            "cognito",
            "--capability",
            "captcha",
            "--user-pool",
            "users",
            "--dry-run",
        ])
        .ok();
}

#[test]
fn cognito_asking_again_adds_nothing() {
    case!()
        .setup(&[
            "new",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--module",
            "email-deny-list",
            "--set",
            "DOMAIN_DENY_LIST=mailinator.com",
            "--user-pool",
            "users",
        ])
        .run(&[
            "new",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--module",
            "email-deny-list",
            "--user-pool",
            "users",
        ])
        .ok();
}

/// The fixture's crate lists modules but has no `src/modules/mod.rs`.
#[test]
fn error_cognito_extends_a_crate_without_mod_rs() {
    case!()
        .fixture("virtual")
        .run(&[
            "new",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--module",
            "email-allow-list",
            "--set",
            "DOMAIN_ALLOW_LIST=example.com",
            "--user-pool",
            "users",
        ])
        .code(101);
}

/// A name for an event whose crate exists: that crate, nothing to add.
#[test]
fn cognito_name_for_a_taken_slot() {
    case!()
        .fixture("virtual")
        .run(&[
            "new",
            "signup",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--user-pool",
            "users",
        ])
        .ok();
}

#[test]
fn cognito_another_event_on_a_declared_pool() {
    case!()
        .fixture("virtual")
        .run(&[
            "new",
            "--source",
            "cognito",
            "--event",
            "post-confirmation",
            "--user-pool",
            "users",
        ])
        .ok();
}

/// On the `virtual` fixture: `api` is a member, `users` a pool, `photos` a
/// bucket, `legacy-clicks` an existing stream.
const ERRORS: &[TableCase] = &[
    ("error_unknown_source", &["new", "--source", "ftp", "--bucket", "x"], 2),
    ("error_no_source", &["new", "--bucket", "x"], 101),
    (
        "error_crate_name_space",
        &["new", "Foo Bar", "--source", "s3", "--bucket", "photos"],
        101,
    ),
    (
        "error_crate_name_dots",
        &["new", "../x", "--source", "s3", "--bucket", "photos"],
        101,
    ),
    (
        "error_crate_name_keyword",
        &["new", "fn", "--source", "s3", "--bucket", "photos"],
        101,
    ),
    (
        "error_crate_name_reserved",
        &["new", "test", "--source", "s3", "--bucket", "photos"],
        101,
    ),
    (
        "error_crate_name_windows",
        &["new", "CON", "--source", "s3", "--bucket", "photos"],
        101,
    ),
    (
        "error_crate_name_empty",
        &["new", "", "--source", "s3", "--bucket", "photos"],
        101,
    ),
    (
        "error_crate_name_digit",
        &["new", "1st", "--source", "s3", "--bucket", "photos"],
        101,
    ),
    (
        "error_crate_name_too_long",
        &[
            "new",
            "a234567890123456789012345678901234567890123456789012345678901234x",
            "--source",
            "s3",
            "--bucket",
            "photos",
        ],
        101,
    ),
    (
        "error_member_taken",
        &["new", "api", "--source", "s3", "--bucket", "photos"],
        101,
    ),
    (
        "error_crate_exists",
        &["new", "--source", "s3", "--bucket", "photos", "--path", "crates/api"],
        101,
    ),
    (
        "error_path_outside",
        &[
            "new",
            "x",
            "--source",
            "s3",
            "--bucket",
            "photos",
            "--path",
            "../outside",
        ],
        101,
    ),
    (
        "error_path_absolute",
        &[
            "new",
            "x",
            "--source",
            "s3",
            "--bucket",
            "photos",
            "--path",
            "/elsewhere/x",
        ],
        101,
    ),
    (
        "error_s3_arn_empty_bucket",
        &["new", "--source", "s3", "--arn", "arn:aws:s3:::"],
        101,
    ),
    (
        "error_s3_arn_bad_bucket",
        &["new", "--source", "s3", "--arn", "arn:aws:s3:::Bad_Name"],
        101,
    ),
    (
        "error_s3_arn_with_region",
        &[
            "new",
            "--source",
            "s3",
            "--arn",
            "arn:aws:s3:us-east-1:123456789012:photos",
        ],
        101,
    ),
    (
        "error_s3_arn_other_service",
        &[
            "new",
            "--source",
            "s3",
            "--arn",
            "arn:aws:kinesis:eu-west-1:123456789012:stream/x",
        ],
        101,
    ),
    (
        "error_arn_not_an_arn",
        &["new", "--source", "s3", "--arn", "photos"],
        101,
    ),
    (
        "error_arn_white_space",
        &["new", "--source", "s3", "--arn", "arn:aws:s3::: x"],
        101,
    ),
    (
        "error_arn_too_few_parts",
        &["new", "--source", "s3", "--arn", "arn:aws:s3"],
        101,
    ),
    (
        "error_arn_bad_partition",
        &["new", "--source", "s3", "--arn", "arn:nope:s3:::photos"],
        101,
    ),
    (
        "error_dynamodb_arn_without_stream",
        &[
            "new",
            "--source",
            "dynamodb",
            "--arn",
            "arn:aws:dynamodb:us-east-1:123456789012:table/todos",
        ],
        101,
    ),
    (
        "error_dynamodb_arn_bad_region",
        &[
            "new",
            "--source",
            "dynamodb",
            "--arn",
            "arn:aws:dynamodb:nowhere:123456789012:table/t/stream/2024-01-01T00:00:00.000",
        ],
        101,
    ),
    (
        "error_dynamodb_arn_bad_account",
        &[
            "new",
            "--source",
            "dynamodb",
            "--arn",
            "arn:aws:dynamodb:us-east-1:1234:table/t/stream/2024-01-01T00:00:00.000",
        ],
        101,
    ),
    (
        "error_dynamodb_arn_not_a_table",
        &[
            "new",
            "--source",
            "dynamodb",
            "--arn",
            "arn:aws:dynamodb:us-east-1:123456789012:index/x",
        ],
        101,
    ),
    (
        "error_kinesis_arn_not_a_stream",
        &[
            "new",
            "--source",
            "kinesis",
            "--arn",
            "arn:aws:kinesis:eu-west-1:123456789012:table/x",
        ],
        101,
    ),
    (
        "error_kinesis_arn_bad_name",
        &[
            "new",
            "--source",
            "kinesis",
            "--arn",
            "arn:aws:kinesis:eu-west-1:123456789012:stream/bad name",
        ],
        101,
    ),
    (
        "error_cognito_arn_not_a_pool",
        &[
            "new",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--arn",
            "arn:aws:cognito-idp:eu-west-1:123456789012:pool/x",
        ],
        101,
    ),
    (
        "error_kms_key_arn_bad",
        &[
            "new",
            "--source",
            "cognito",
            "--event",
            "custom-email-sender",
            "--user-pool",
            "secure",
            "--kms-key-arn",
            "arn:aws:kms:eu-west-1:123456789012:thing/x",
        ],
        101,
    ),
    (
        "error_batch_size_zero",
        &["new", "--source", "kinesis", "--stream", "s", "--batch-size", "0"],
        101,
    ),
    (
        "error_batch_size_too_big",
        &["new", "--source", "kinesis", "--stream", "s", "--batch-size", "10001"],
        101,
    ),
    (
        "error_batch_size_dynamodb_too_big",
        &["new", "--source", "dynamodb", "--table", "t", "--batch-size", "10001"],
        101,
    ),
    (
        "error_batch_size_not_a_number",
        &["new", "--source", "kinesis", "--stream", "s", "--batch-size", "many"],
        2,
    ),
    (
        "error_window_too_long",
        &[
            "new",
            "--source",
            "kinesis",
            "--stream",
            "s",
            "--batching-window-seconds",
            "301",
        ],
        101,
    ),
    (
        "error_starting_position",
        &[
            "new",
            "--source",
            "kinesis",
            "--stream",
            "s",
            "--starting-position",
            "AT_TIMESTAMP",
        ],
        2,
    ),
    (
        "error_report_failures_not_a_bool",
        &[
            "new",
            "--source",
            "kinesis",
            "--stream",
            "s",
            "--report-batch-item-failures",
            "maybe",
        ],
        2,
    ),
    (
        "error_shard_count_zero",
        &["new", "--source", "kinesis", "--stream", "s", "--shard-count", "0"],
        101,
    ),
    (
        "error_shard_count_too_big",
        &["new", "--source", "kinesis", "--stream", "s", "--shard-count", "10001"],
        101,
    ),
    (
        "error_stream_view",
        &["new", "--source", "dynamodb", "--table", "t", "--stream-view", "ALL"],
        2,
    ),
    (
        "error_partition_key_on_s3",
        &["new", "--source", "s3", "--bucket", "b", "--partition-key", "id"],
        101,
    ),
    (
        "error_stream_view_on_kinesis",
        &[
            "new",
            "--source",
            "kinesis",
            "--stream",
            "s",
            "--stream-view",
            "KEYS_ONLY",
        ],
        101,
    ),
    (
        "error_shard_count_on_dynamodb",
        &["new", "--source", "dynamodb", "--table", "t", "--shard-count", "2"],
        101,
    ),
    (
        "error_kms_key_on_s3",
        &[
            "new",
            "--source",
            "s3",
            "--bucket",
            "b",
            "--kms-key-arn",
            "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        ],
        101,
    ),
    (
        "error_batch_size_on_s3",
        &["new", "--source", "s3", "--bucket", "photos", "--batch-size", "5"],
        101,
    ),
    (
        "error_starting_position_on_s3",
        &[
            "new",
            "--source",
            "s3",
            "--bucket",
            "b",
            "--starting-position",
            "LATEST",
        ],
        101,
    ),
    (
        "error_events_on_kinesis",
        &[
            "new",
            "--source",
            "kinesis",
            "--stream",
            "s",
            "--events",
            "s3:ObjectCreated:*",
        ],
        101,
    ),
    (
        "error_prefix_on_dynamodb",
        &["new", "--source", "dynamodb", "--table", "t", "--prefix", "a/"],
        101,
    ),
    ("error_table_on_s3", &["new", "--source", "s3", "--table", "t"], 101),
    (
        "error_bucket_on_cognito",
        &["new", "--source", "cognito", "--event", "pre-sign-up", "--bucket", "b"],
        101,
    ),
    (
        "error_bucket_and_arn",
        &["new", "--source", "s3", "--bucket", "b", "--arn", "arn:aws:s3:::b"],
        101,
    ),
    (
        "error_prefix_control_character",
        &["new", "--source", "s3", "--bucket", "photos", "--prefix", "a\nb"],
        101,
    ),
    (
        "error_suffix_control_character",
        &["new", "--source", "s3", "--bucket", "photos", "--suffix", "\t.jpg"],
        101,
    ),
    (
        "error_s3_event_unknown",
        &[
            "new",
            "--source",
            "s3",
            "--bucket",
            "b",
            "--events",
            "s3:ObjectCreated:Nope",
        ],
        2,
    ),
    (
        "error_s3_events_empty",
        &["new", "--source", "s3", "--bucket", "b", "--events", ""],
        2,
    ),
    (
        "error_resource_name_invalid",
        &["new", "--source", "s3", "--bucket", "New Bucket!"],
        101,
    ),
    (
        "error_bucket_physical_name_invalid",
        &[
            "new",
            "--source",
            "s3",
            "--bucket",
            "b",
            "--resource-name",
            "Not_A_Bucket",
        ],
        101,
    ),
    (
        "error_table_physical_name_invalid",
        &[
            "new",
            "--source",
            "dynamodb",
            "--table",
            "t",
            "--resource-name",
            "no spaces",
        ],
        101,
    ),
    (
        "error_stream_physical_name_invalid",
        &[
            "new",
            "--source",
            "kinesis",
            "--stream",
            "s",
            "--resource-name",
            "bad/name",
        ],
        101,
    ),
    (
        "error_pool_physical_name_invalid",
        &[
            "new",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--user-pool",
            "p",
            "--resource-name",
            "a\tb",
        ],
        101,
    ),
    (
        "error_resource_of_another_kind",
        &["new", "--source", "s3", "--bucket", "users"],
        101,
    ),
    (
        "error_resource_declared_again",
        &[
            "new",
            "--source",
            "s3",
            "--bucket",
            "photos",
            "--resource-name",
            "other",
        ],
        101,
    ),
    ("error_no_target", &["new", "--source", "s3"], 101),
    (
        "error_set_on_s3",
        &["new", "--source", "s3", "--bucket", "photos", "--set", "A=b"],
        101,
    ),
    (
        "error_cognito_no_event",
        &["new", "--source", "cognito", "--user-pool", "users"],
        101,
    ),
    (
        "error_cognito_no_pool",
        &["new", "--source", "cognito", "--event", "pre-sign-up"],
        101,
    ),
    (
        "error_cognito_unknown_event",
        &[
            "new",
            "--source",
            "cognito",
            "--event",
            "pre-sign-in",
            "--user-pool",
            "users",
        ],
        2,
    ),
    (
        "error_cognito_unknown_module",
        &[
            "new",
            "--source",
            "cognito",
            "--event",
            "post-confirmation",
            "--module",
            "nope",
            "--user-pool",
            "users",
        ],
        101,
    ),
    (
        "error_cognito_module_on_another_event",
        &[
            "new",
            "--source",
            "cognito",
            "--event",
            "post-confirmation",
            "--module",
            "email-deny-list",
            "--user-pool",
            "u2",
        ],
        101,
    ),
    (
        "error_cognito_missing_setting",
        &[
            "new",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--module",
            "email-deny-list",
            "--user-pool",
            "u2",
        ],
        101,
    ),
    (
        "error_setting_domain_list",
        &[
            "new",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--module",
            "email-deny-list",
            "--user-pool",
            "u2",
            "--set",
            "DOMAIN_DENY_LIST=bad domain",
        ],
        101,
    ),
    (
        "error_setting_group_name",
        &[
            "new",
            "--source",
            "cognito",
            "--capability",
            "add-to-group",
            "--user-pool",
            "u2",
            "--set",
            "GROUP=two words",
        ],
        101,
    ),
    (
        "error_setting_url",
        &[
            "new",
            "--source",
            "cognito",
            "--capability",
            "verification-link",
            "--user-pool",
            "u2",
            "--set",
            "REDIRECT_URL=example.com/verify",
        ],
        101,
    ),
    (
        "error_setting_text_with_link",
        &[
            "new",
            "--source",
            "cognito",
            "--capability",
            "verification-link",
            "--user-pool",
            "u2",
            "--set",
            "REDIRECT_URL=https://example.com/v",
            "--set",
            "EMAIL_MESSAGE=no link here",
        ],
        101,
    ),
    (
        "error_setting_json_object",
        &[
            "new",
            "--source",
            "cognito",
            "--capability",
            "override-token-claims",
            "--user-pool",
            "u2",
            "--set",
            "CLAIMS_TO_ADD_OR_OVERRIDE=[1, 2]",
        ],
        101,
    ),
    (
        "error_setting_json_invalid",
        &[
            "new",
            "--source",
            "cognito",
            "--capability",
            "override-token-claims",
            "--user-pool",
            "u2",
            "--set",
            "CLAIMS_TO_ADD_OR_OVERRIDE={plan",
        ],
        101,
    ),
    (
        "error_setting_name_list",
        &[
            "new",
            "--source",
            "cognito",
            "--capability",
            "override-token-claims",
            "--user-pool",
            "u2",
            "--set",
            "CLAIMS_TO_SUPPRESS=email, phone number",
        ],
        101,
    ),
    (
        "error_setting_attempts",
        &[
            "new",
            "--source",
            "cognito",
            "--capability",
            "custom-auth",
            "--user-pool",
            "u2",
            "--set",
            "MAX_ATTEMPTS=11",
        ],
        101,
    ),
    (
        "error_setting_score",
        &[
            "new",
            "--source",
            "cognito",
            "--capability",
            "captcha",
            "--user-pool",
            "u2",
            "--set",
            "RECAPTCHA_MIN_SCORE=1.5",
        ],
        101,
    ),
    (
        "error_setting_hostname",
        &[
            "new",
            "--source",
            "cognito",
            "--capability",
            "captcha",
            "--user-pool",
            "u2",
            "--set",
            "RECAPTCHA_HOSTNAME=not a host",
        ],
        101,
    ),
    (
        "error_setting_text_control_character",
        &[
            "new",
            "--source",
            "cognito",
            "--capability",
            "captcha",
            "--user-pool",
            "u2",
            "--set",
            "RECAPTCHA_ACTION=log\u{7}in",
        ],
        101,
    ),
    (
        "error_setting_secret",
        &[
            "new",
            "--source",
            "cognito",
            "--capability",
            "captcha",
            "--user-pool",
            "u2",
            "--set",
            "RECAPTCHA_SECRET=hunter2",
        ],
        101,
    ),
    (
        "error_setting_unknown",
        &[
            "new",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--user-pool",
            "u2",
            "--set",
            "NOPE=1",
        ],
        101,
    ),
    (
        "error_setting_bad_name",
        &[
            "new",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--user-pool",
            "u2",
            "--set",
            "bad key=1",
        ],
        101,
    ),
    (
        "error_setting_no_value",
        &[
            "new",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--user-pool",
            "u2",
            "--set",
            "NOVALUE",
        ],
        101,
    ),
    (
        "error_token_version_elsewhere",
        &[
            "new",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--token-version",
            "v2",
            "--user-pool",
            "u2",
        ],
        101,
    ),
    (
        "error_token_version_unknown",
        &[
            "new",
            "--source",
            "cognito",
            "--event",
            "pre-token-generation",
            "--token-version",
            "v4",
            "--user-pool",
            "u2",
        ],
        2,
    ),
    (
        "error_unknown_capability",
        &[
            "new",
            "--source",
            "cognito",
            "--capability",
            "nope",
            "--user-pool",
            "u2",
        ],
        101,
    ),
    (
        "error_name_for_several_events",
        &[
            "new",
            "x",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--event",
            "post-confirmation",
            "--user-pool",
            "u2",
        ],
        101,
    ),
    (
        "error_locked",
        &["new", "--source", "s3", "--bucket", "photos", "--locked"],
        101,
    ),
    (
        "error_frozen",
        &["new", "--source", "s3", "--bucket", "photos", "--frozen"],
        101,
    ),
    (
        "error_unknown_flag",
        &["new", "--source", "s3", "--bucket", "photos", "--bucket-name", "x"],
        2,
    ),
    (
        "error_quiet_and_verbose",
        &["new", "-q", "-v", "--source", "s3", "--bucket", "photos"],
        2,
    ),
];

#[test]
fn errors_on_a_workspace() {
    table("new", "virtual", ERRORS);
}

#[test]
fn error_path_exists() {
    case!()
        .fixture("virtual")
        .file("extra/taken/notes.txt", "mine\n")
        .run(&[
            "new",
            "taken",
            "--source",
            "s3",
            "--bucket",
            "photos",
            "--path",
            "extra/taken",
        ])
        .code(101);
}

#[test]
fn error_token_version_change() {
    case!()
        .setup(&[
            "new",
            "--source",
            "cognito",
            "--event",
            "pre-token-generation",
            "--user-pool",
            "users",
        ])
        .run(&[
            "new",
            "--source",
            "cognito",
            "--event",
            "pre-token-generation",
            "--token-version",
            "v2",
            "--module",
            "override-token-claims",
            "--user-pool",
            "users",
        ])
        .code(101);
}

#[test]
fn error_edited_mod_rs() {
    let case = case!().setup(&[
        "new",
        "--source",
        "cognito",
        "--event",
        "pre-sign-up",
        "--user-pool",
        "users",
    ]);
    let mod_rs = case.path().join("triggers/users-pre-sign-up/src/modules/mod.rs");
    let text = std::fs::read_to_string(&mod_rs).unwrap() + "\n// mine\n";
    std::fs::write(&mod_rs, text).unwrap();
    case.run(&[
        "new",
        "--source",
        "cognito",
        "--event",
        "pre-sign-up",
        "--module",
        "email-deny-list",
        "--set",
        "DOMAIN_DENY_LIST=x.com",
        "--user-pool",
        "users",
    ])
    .code(101);
}

#[test]
fn error_module_file_exists() {
    let case = case!().setup(&[
        "new",
        "--source",
        "cognito",
        "--event",
        "pre-sign-up",
        "--user-pool",
        "users",
    ]);
    std::fs::write(
        case.path()
            .join("triggers/users-pre-sign-up/src/modules/email_deny_list.rs"),
        "// mine\n",
    )
    .unwrap();
    case.run(&[
        "new",
        "--source",
        "cognito",
        "--event",
        "pre-sign-up",
        "--module",
        "email-deny-list",
        "--set",
        "DOMAIN_DENY_LIST=x.com",
        "--user-pool",
        "users",
    ])
    .code(101);
}

#[test]
fn error_malformed_manifest() {
    case!().run(&["new", "--source", "s3", "--bucket", "photos"]).code(101);
}

#[test]
fn error_members_not_an_array() {
    case!().run(&["new", "--source", "s3", "--bucket", "photos"]).code(101);
}

#[test]
fn error_member_excluded() {
    case!().run(&["new", "--source", "s3", "--bucket", "photos"]).code(101);
}

#[test]
fn error_resources_not_a_table() {
    case!().run(&["new", "--source", "s3", "--bucket", "photos"]).code(101);
}
