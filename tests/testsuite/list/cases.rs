//! `list` cases (`tests/testsuite/list/<case>/`): every fixture in both
//! formats, from a member's directory, and the errors.

use crate::case;
use crate::support::case::{Case, Failures, TableCase, table};

#[test]
fn every_fixture_in_both_formats() {
    let mut failures = Failures::default();
    for fixture in ["virtual", "root-package", "single-crate", "nested-globs"] {
        let case = Case::at("list", &fixture.replace('-', "_")).fixture(fixture);
        failures.add(case.run(&["list"]).named("table").check(0));
        failures.add(case.run(&["list", "--format", "json"]).named("json").check(0));
        failures.add(case.run(&["list", "-v"]).named("verbose").check(0));
        failures.add(case.run(&["list", "-q"]).named("quiet").check(0));
    }
    failures.finish();
}

#[test]
fn from_a_member_directory() {
    case!()
        .fixture("virtual")
        .cwd("triggers/photos-s3-trigger/src")
        .run(&["list", "--format", "json"])
        .ok();
}

#[test]
fn federated_sign_in_notes() {
    let case = case!()
        .fixture("virtual")
        .setup(&[
            "new",
            "--source",
            "cognito",
            "--event",
            "custom-message",
            "--user-pool",
            "users",
        ])
        .setup(&[
            "new",
            "--source",
            "cognito",
            "--event",
            "define-auth-challenge",
            "--user-pool",
            "users",
        ]);
    case.run(&["list"]).named("table").ok();
    case.run(&["list", "--format", "json"]).named("json").ok();
}

#[test]
fn workspace_cargo_lambda_settings() {
    case!()
        .fixture("root-package")
        .file(
            "Cargo.toml",
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[workspace]\nmembers = [\"triggers/clicks\"]\n\n[workspace.metadata.trigger.resources.clicks]\ntype = \"kinesis-stream\"\n\n[workspace.metadata.lambda.env]\nSTAGE = \"dev\"\n\n[workspace.metadata.lambda.deploy]\ntracing = \"active\"\n",
        )
        .run(&["list", "--format", "json"])
        .ok();
}

const ERRORS: &[TableCase] = &[
    ("error_no_manifest", &["list"], 101),
    (
        "error_manifest_path_missing",
        &["list", "--manifest-path", "nope/Cargo.toml"],
        101,
    ),
    (
        "error_manifest_path_not_cargo_toml",
        &["list", "--manifest-path", "nope/manifest.toml"],
        101,
    ),
    ("error_unknown_format", &["list", "--format", "yaml"], 2),
];

#[test]
fn errors_in_an_empty_folder() {
    table("list", "", ERRORS);
}

#[test]
fn error_bad_metadata() {
    // `in` is a symlink to the `bad-metadata` fixture.
    case!().run(&["list"]).code(101);
}

#[test]
fn error_malformed_manifest() {
    case!().run(&["list"]).code(101);
}

#[test]
fn error_cargo_metadata_fails() {
    case!().run(&["list"]).code(101);
}
