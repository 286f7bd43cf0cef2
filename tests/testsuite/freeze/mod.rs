//! The behaviour freeze: every source and flag combination (see
//! [`variants`]), made for real by `new`, one workspace per group. Each
//! variant is a case of `new`: `new/<variant>/` holds its `stderr` and, in
//! `out/`, every file it writes but the root manifest, which
//! `freeze/<group>/Cargo.toml` holds as the group left it. Then `list`,
//! `check` and `export` (SAM and CloudFormation) of each group are
//! snapshotted in `freeze/<group>/`. These, with the `new --dry-run` cases
//! of `new/`, are the promise a refactor must keep byte for byte.

pub mod variants;

use crate::support::case::{Case, Failures, root};
pub use variants::ALL;

/// What every freeze workspace is read back with.
const READERS: &[(&str, &[&str], i32)] = &[
    ("list", &["list"], 0),
    ("list-json", &["list", "--format", "json"], 0),
    ("check", &["check"], 0),
    ("check-json", &["check", "--format", "json"], 0),
    ("export-sam", &["export"], 0),
    ("export-cloudformation", &["export", "--format", "cloudformation"], 0),
];

/// Read `case`'s workspace back with every reader.
fn read_back(case: &Case, failures: &mut Failures) {
    for (stem, args, code) in READERS {
        failures.add(case.run(args).named(stem).check(*code));
    }
}

/// Every variant of `group`, made for real in one workspace.
fn group(name: &str) {
    let (_, variants) = ALL.iter().find(|(g, _)| *g == name).unwrap();
    let case = Case::at("freeze", name);
    let mut failures = Failures::default();
    for (variant, args) in *variants {
        let full = [&["new"][..], args].concat();
        failures.add(
            case.run(&full)
                .snapshots_in(root().join("new").join(variant))
                .except("Cargo.toml")
                .check(0),
        );
    }
    failures.add(case.file_matches("Cargo.toml", "Cargo.toml"));
    read_back(&case, &mut failures);
    failures.finish();
}

#[test]
fn s3() {
    group("s3");
}

#[test]
fn dynamodb() {
    group("dynamodb");
}

#[test]
fn kinesis() {
    group("kinesis");
}

#[test]
fn cognito_events() {
    group("cognito_events");
}

#[test]
fn cognito_pools() {
    group("cognito_pools");
}

#[test]
fn cognito_capabilities() {
    group("cognito_capabilities");
}

#[test]
fn cognito_modules() {
    group("cognito_modules");
}

/// The export tests' workspace: every source, managed and existing resources,
/// extra bindings, cargo-lambda settings.
#[test]
fn everything() {
    let dir = crate::export::everything();
    let case = Case::adopt(root().join("freeze/everything"), dir);
    let mut failures = Failures::default();
    read_back(&case, &mut failures);
    failures.finish();
}

/// A workspace with grants of every kind: on each resource kind with each
/// access, and actions on ARNs.
#[test]
fn grants() {
    let case = Case::at("freeze", "grants")
        .setup(&["new", "--source", "s3", "--bucket", "photos"])
        .setup(&["new", "--source", "dynamodb", "--table", "todos"])
        .setup(&["new", "--source", "kinesis", "--stream", "clicks"])
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
            "grant",
            "photos-s3-trigger",
            "--resource",
            "photos",
            "--access",
            "read-write",
        ])
        .setup(&["grant", "photos-s3-trigger", "--resource", "todos", "--access", "read"])
        .setup(&[
            "grant",
            "photos-s3-trigger",
            "--resource",
            "clicks",
            "--access",
            "write",
        ])
        .setup(&[
            "grant",
            "todos-dynamodb-trigger",
            "--resource",
            "todos",
            "--access",
            "write",
        ])
        .setup(&[
            "grant",
            "todos-dynamodb-trigger",
            "--resource",
            "photos",
            "--access",
            "read",
        ])
        .setup(&[
            "grant",
            "clicks-kinesis-trigger",
            "--resource",
            "users",
            "--access",
            "read-write",
        ])
        .setup(&[
            "grant",
            "users-post-confirmation",
            "--resource",
            "todos",
            "--access",
            "read-write",
        ])
        .setup(&[
            "grant",
            "users-post-confirmation",
            "--resource",
            "users",
            "--access",
            "read",
        ])
        .setup(&[
            "grant",
            "users-post-confirmation",
            "--resource",
            "clicks",
            "--access",
            "read",
        ])
        .setup(&[
            "grant",
            "clicks-kinesis-trigger",
            "--arn",
            "arn:aws:sqs:us-east-1:123456789012:jobs",
            "--action",
            "sqs:SendMessage",
            "--action",
            "sqs:GetQueueUrl",
        ])
        .setup(&[
            "grant",
            "users-post-confirmation",
            "--arn",
            "arn:aws:ses:eu-west-1:123456789012:identity/example.com",
            "--action",
            "ses:SendEmail",
        ]);
    let mut failures = Failures::default();
    read_back(&case, &mut failures);
    failures.finish();
}
