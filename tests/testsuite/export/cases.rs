//! `export` cases (`tests/testsuite/export/<case>/`): templates written to
//! files (`out/`), `--check`, warnings, and the errors.

use crate::case;
use crate::support::case::{Case, Failures};

/// An S3 and a DynamoDB trigger.
fn small(case: Case) -> Case {
    case.setup(&["new", "--source", "s3", "--bucket", "photos", "--prefix", "uploads/"])
        .setup(&["new", "--source", "dynamodb", "--table", "todos"])
}

#[test]
fn to_files() {
    let case = small(case!());
    case.run(&["export", "-o", "template.yaml"]).named("yaml").ok();
    case.run(&["export", "-o", "template.json"]).named("json").ok();
    case.run(&["export", "--format", "cloudformation", "-o", "deploy.json"])
        .named("cloudformation-json")
        .ok();
    case.run(&["export", "-o", "template.yaml", "--check"])
        .named("fresh")
        .ok();
    case.run(&["export", "-o", "template.yaml"]).named("again").ok();
}

#[test]
fn into_a_subfolder() {
    let case = case!()
        .setup(&["new", "--source", "kinesis", "--stream", "clicks"])
        .file("deploy/.keep", "");
    case.run(&["export", "-o", "deploy/template.yaml"]).named("export").ok();
    case.run(&["wire", "clicks-kinesis-trigger", "--stream", "more", "--create", "-q"])
        .named("wire")
        .ok();
    case.run(&["export", "-o", "deploy/template.yaml", "--check"])
        .named("stale")
        .code(1);
}

#[test]
fn from_a_member_directory() {
    small(case!())
        .cwd("triggers/photos-s3-trigger")
        .run(&["export", "-o", "template.yaml"])
        .ok();
}

#[test]
fn existing_resources_only() {
    case!()
        .setup(&[
            "new",
            "--source",
            "s3",
            "--arn",
            "arn:aws:s3:::legacy",
            "--prefix",
            "my uploads/",
        ])
        .setup(&[
            "new",
            "--source",
            "kinesis",
            "--arn",
            "arn:aws:kinesis:eu-west-1:123456789012:stream/legacy-clicks",
        ])
        .setup(&[
            "new",
            "--source",
            "cognito",
            "--event",
            "custom-sms-sender",
            "--arn",
            "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbC123",
        ])
        .run(&["export"])
        .ok();
}

#[test]
fn no_triggers() {
    case!().fixture("nested-globs").run(&["export"]).ok();
}

#[test]
fn fixtures() {
    for fixture in ["root-package", "single-crate"] {
        let case = Case::at("export", &fixture.replace('-', "_")).fixture(fixture);
        case.run(&["export"]).named("sam").ok();
        case.run(&["export", "--format", "cloudformation"])
            .named("cloudformation")
            .ok();
    }
}

#[test]
fn error_workspace_with_errors() {
    // `in` is a symlink to the `planted` fixture.
    case!().run(&["export"]).code(101);
}

/// Errors on the small workspace, which they leave as it was.
#[test]
fn errors() {
    let case = small(case!());
    let mut failures = Failures::default();
    for (stem, args, code) in [
        ("missing_folder", &["export", "-o", "nowhere/template.yaml"][..], 101),
        ("check_without_output", &["export", "--check"], 1),
        ("unknown_format", &["export", "--format", "terraform"], 2),
        ("locked", &["export", "-o", "template.yaml", "--locked"], 101),
    ] {
        failures.add(case.run(args).named(stem).check(code));
    }
    failures.finish();
}
