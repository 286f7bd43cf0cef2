//! `wire` cases (`tests/testsuite/wire/<case>/`): each binding kind written
//! for real (`out/` holds the manifests after), adoption of plain crates,
//! dry runs, and every error.

use crate::case;
use crate::support::case::{Case, TableCase, table};

/// A plain Lambda crate that cargo-trigger did not scaffold.
fn with_plain_crate(case: Case) -> Case {
    case.file(
        "crates/orders/Cargo.toml",
        "[package]\nname = \"orders\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
    )
    .file("crates/orders/src/main.rs", "fn main() {}\n")
}

#[test]
fn s3_declared_bucket_with_a_prefix() {
    case!()
        .fixture("virtual")
        .run(&["wire", "photos-s3-trigger", "--bucket", "photos", "--prefix", "thumbs/"])
        .ok();
}

#[test]
fn s3_every_filter() {
    case!()
        .fixture("virtual")
        .run(&[
            "wire",
            "photos-s3-trigger",
            "--bucket",
            "photos",
            "--prefix",
            "videos/",
            "--suffix",
            ".mp4",
            "--events",
            "s3:ObjectCreated:Put,s3:ObjectCreated:Post",
        ])
        .ok();
}

#[test]
fn s3_new_bucket_with_create() {
    case!()
        .fixture("virtual")
        .run(&[
            "wire",
            "photos-s3-trigger",
            "--bucket",
            "media",
            "--create",
            "--resource-name",
            "acme-media",
        ])
        .ok();
}

#[test]
fn s3_existing_bucket_by_arn() {
    case!()
        .fixture("virtual")
        .run(&[
            "wire",
            "photos-s3-trigger",
            "--arn",
            "arn:aws:s3:::legacy-uploads",
            "--suffix",
            ".csv",
        ])
        .ok();
}

#[test]
fn s3_dry_run() {
    case!()
        .fixture("virtual")
        .run(&[
            "wire",
            "photos-s3-trigger",
            "--bucket",
            "photos",
            "--prefix",
            "x/",
            "--dry-run",
        ])
        .ok();
}

#[test]
fn s3_dry_run_with_create() {
    case!()
        .fixture("virtual")
        .run(&[
            "wire",
            "photos-s3-trigger",
            "--bucket",
            "media",
            "--create",
            "--dry-run",
        ])
        .ok();
}

#[test]
fn kinesis_new_stream_with_settings() {
    case!()
        .fixture("root-package")
        .run(&[
            "wire",
            "clicks",
            "--stream",
            "more-clicks",
            "--create",
            "--shard-count",
            "3",
            "--starting-position",
            "LATEST",
            "--batch-size",
            "50",
            "--batching-window-seconds",
            "2",
            "--report-batch-item-failures",
            "false",
        ])
        .ok();
}

#[test]
fn kinesis_existing_stream_by_arn() {
    case!()
        .fixture("root-package")
        .run(&[
            "wire",
            "clicks",
            "--arn",
            "arn:aws:kinesis:eu-west-1:123456789012:stream/legacy-clicks",
        ])
        .ok();
}

#[test]
fn dynamodb_second_table() {
    case!()
        .setup(&["new", "--source", "dynamodb", "--table", "todos"])
        .run(&[
            "wire",
            "todos-dynamodb-trigger",
            "--table",
            "orders",
            "--create",
            "--stream-view",
            "KEYS_ONLY",
            "--partition-key",
            "order_id",
            "--batch-size",
            "5",
        ])
        .ok();
}

#[test]
fn dynamodb_existing_stream_by_arn() {
    case!()
        .setup(&["new", "--source", "dynamodb", "--table", "todos"])
        .run(&[
            "wire",
            "todos-dynamodb-trigger",
            "--arn",
            "arn:aws:dynamodb:eu-west-1:123456789012:table/audit/stream/2024-01-01T00:00:00.000",
            "--starting-position",
            "TRIM_HORIZON",
        ])
        .ok();
}

#[test]
fn cognito_another_pool() {
    case!()
        .fixture("virtual")
        .run(&["wire", "users-pre-sign-up", "--user-pool", "partners", "--create"])
        .ok();
}

#[test]
fn cognito_existing_pool_by_arn() {
    case!()
        .fixture("virtual")
        .run(&[
            "wire",
            "users-pre-sign-up",
            "--arn",
            "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbC123",
        ])
        .ok();
}

#[test]
fn adopt_as_s3() {
    with_plain_crate(case!().fixture("virtual"))
        .run(&[
            "wire", "orders", "--source", "s3", "--bucket", "photos", "--prefix", "orders/",
        ])
        .ok();
}

#[test]
fn adopt_as_dynamodb() {
    with_plain_crate(case!().fixture("virtual"))
        .run(&[
            "wire", "orders", "--source", "dynamodb", "--table", "orders", "--create",
        ])
        .ok();
}

#[test]
fn adopt_as_kinesis() {
    with_plain_crate(case!().fixture("virtual"))
        .run(&["wire", "orders", "--source", "kinesis", "--stream", "legacy-clicks"])
        .ok();
}

#[test]
fn adopt_as_cognito_v2_token_generation() {
    with_plain_crate(case!().fixture("virtual"))
        .run(&[
            "wire",
            "orders",
            "--source",
            "cognito",
            "--event",
            "pre-token-generation",
            "--token-version",
            "v2",
            "--user-pool",
            "users",
        ])
        .ok();
}

#[test]
fn adopt_as_cognito_on_a_new_pool() {
    with_plain_crate(case!().fixture("virtual"))
        .run(&[
            "wire",
            "orders",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--user-pool",
            "partners",
            "--create",
        ])
        .ok();
}

#[test]
fn adopt_dry_run() {
    with_plain_crate(case!().fixture("virtual"))
        .run(&[
            "wire",
            "orders",
            "--source",
            "s3",
            "--bucket",
            "photos",
            "--prefix",
            "orders/",
            "--dry-run",
        ])
        .ok();
}

#[test]
fn from_the_crates_directory() {
    case!()
        .fixture("virtual")
        .cwd("triggers/photos-s3-trigger/src")
        .run(&["wire", "--bucket", "photos", "--prefix", "thumbs/"])
        .ok();
}

#[test]
fn with_package_flag() {
    case!()
        .fixture("virtual")
        .run(&[
            "wire",
            "-p",
            "photos-s3-trigger",
            "--bucket",
            "photos",
            "--prefix",
            "thumbs/",
        ])
        .ok();
}

#[test]
fn with_manifest_path_to_the_crate() {
    case!()
        .fixture("virtual")
        .run(&[
            "wire",
            "--manifest-path",
            "triggers/photos-s3-trigger/Cargo.toml",
            "--bucket",
            "photos",
            "--prefix",
            "thumbs/",
        ])
        .ok();
}

#[test]
fn third_dynamodb_reader_warns() {
    case!()
        .setup(&["new", "a", "--source", "dynamodb", "--table", "todos"])
        .setup(&["new", "b", "--source", "dynamodb", "--table", "todos"])
        .setup(&["new", "c", "--source", "dynamodb", "--table", "other"])
        .run(&["wire", "c", "--table", "todos"])
        .ok();
}

/// On the `virtual` fixture: `photos-s3-trigger` has `ObjectCreated:*` on
/// `uploads/*.jpg` of `photos`; `users-pre-sign-up` handles PreSignUp of `users`.
const ERRORS: &[TableCase] = &[
    ("error_unknown_crate", &["wire", "nope", "--bucket", "photos"], 101),
    (
        "error_flag_of_another_source",
        &["wire", "photos-s3-trigger", "--table", "photos"],
        101,
    ),
    (
        "error_resource_of_another_kind",
        &["wire", "photos-s3-trigger", "--bucket", "users"],
        101,
    ),
    (
        "error_undeclared_without_create",
        &["wire", "photos-s3-trigger", "--bucket", "ghost"],
        101,
    ),
    (
        "error_bad_bucket_arn",
        &["wire", "photos-s3-trigger", "--arn", "arn:aws:s3:::Bad_Name"],
        101,
    ),
    (
        "error_arn_of_another_service",
        &[
            "wire",
            "photos-s3-trigger",
            "--arn",
            "arn:aws:kinesis:eu-west-1:123456789012:stream/x",
        ],
        101,
    ),
    (
        "error_unknown_s3_event",
        &[
            "wire",
            "photos-s3-trigger",
            "--bucket",
            "photos",
            "--events",
            "s3:ObjectCreated:Nope",
        ],
        2,
    ),
    ("error_not_a_trigger_crate", &["wire", "api", "--bucket", "photos"], 101),
    (
        "error_adopt_without_binary",
        &["wire", "api", "--source", "s3", "--bucket", "photos"],
        101,
    ),
    (
        "error_adopt_a_trigger_crate_as_another_source",
        &["wire", "users-pre-sign-up", "--source", "s3", "--bucket", "photos"],
        101,
    ),
    (
        "error_event_of_another_crate",
        &[
            "wire",
            "users-pre-sign-up",
            "--event",
            "post-confirmation",
            "--user-pool",
            "partners",
            "--create",
        ],
        101,
    ),
    (
        "error_unknown_source",
        &["wire", "api", "--source", "ftp", "--bucket", "photos"],
        2,
    ),
    (
        "error_unknown_event",
        &[
            "wire",
            "users-pre-sign-up",
            "--event",
            "sign-in",
            "--user-pool",
            "users",
        ],
        2,
    ),
    (
        "error_unknown_token_version",
        &[
            "wire",
            "users-pre-sign-up",
            "--token-version",
            "v9",
            "--user-pool",
            "users",
        ],
        2,
    ),
    (
        "error_same_binding",
        &[
            "wire",
            "photos-s3-trigger",
            "--bucket",
            "photos",
            "--prefix",
            "uploads/",
            "--suffix",
            ".jpg",
            "--events",
            "s3:ObjectCreated:*",
        ],
        101,
    ),
    (
        "error_s3_nested_prefix_overlaps",
        &[
            "wire",
            "photos-s3-trigger",
            "--bucket",
            "photos",
            "--prefix",
            "uploads/thumbs/",
            "--suffix",
            ".jpg",
            "--events",
            "s3:ObjectCreated:Put",
        ],
        101,
    ),
    (
        "error_s3_no_filter_overlaps",
        &[
            "wire",
            "photos-s3-trigger",
            "--bucket",
            "photos",
            "--events",
            "s3:ObjectCreated:Copy",
        ],
        101,
    ),
    (
        "error_adopt_a_trigger_crate_as_cognito",
        &[
            "wire",
            "photos-s3-trigger",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--user-pool",
            "users",
        ],
        101,
    ),
    ("error_no_target", &["wire", "photos-s3-trigger"], 101),
    (
        "error_create_on_a_declared_resource",
        &[
            "wire",
            "photos-s3-trigger",
            "--bucket",
            "photos",
            "--create",
            "--resource-name",
            "x",
        ],
        101,
    ),
    (
        "error_locked",
        &[
            "wire",
            "photos-s3-trigger",
            "--bucket",
            "photos",
            "--prefix",
            "x/",
            "--locked",
        ],
        101,
    ),
    (
        "error_named_twice",
        &[
            "wire",
            "photos-s3-trigger",
            "-p",
            "users-pre-sign-up",
            "--bucket",
            "photos",
        ],
        101,
    ),
    ("error_no_crate_outside_a_member", &["wire", "--bucket", "photos"], 101),
    (
        "error_batch_size_out_of_range",
        &["wire", "photos-s3-trigger", "--bucket", "photos", "--batch-size", "0"],
        101,
    ),
];

#[test]
fn errors_on_a_workspace() {
    table("wire", "virtual", ERRORS);
}

#[test]
fn error_cognito_slot_taken_by_a_plain_crate() {
    with_plain_crate(case!().fixture("virtual"))
        .run(&[
            "wire",
            "orders",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--user-pool",
            "users",
        ])
        .code(101);
}

#[test]
fn error_adopt_as_cognito_without_event() {
    with_plain_crate(case!().fixture("virtual"))
        .run(&["wire", "orders", "--source", "cognito", "--user-pool", "users"])
        .code(101);
}

#[test]
fn error_event_for_a_stream() {
    with_plain_crate(case!().fixture("virtual"))
        .run(&[
            "wire",
            "orders",
            "--source",
            "kinesis",
            "--event",
            "pre-sign-up",
            "--stream",
            "legacy-clicks",
        ])
        .code(101);
}

#[test]
fn error_no_workspace() {
    case!().run(&["wire", "x", "--bucket", "photos"]).code(101);
}

#[test]
fn error_bindings_not_an_array() {
    case!()
        .run(&["wire", "t", "--bucket", "photos", "--prefix", "a/"])
        .code(101);
}
