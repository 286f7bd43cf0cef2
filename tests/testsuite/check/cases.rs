//! `check` cases (`tests/testsuite/check/<case>/`): the planted workspace in
//! both formats, clean and warning-only workspaces, and problems of grants,
//! modules and names.

use crate::case;
use crate::support::case::Case;

#[test]
fn planted_problems() {
    // `in` is a symlink to the `planted` fixture.
    let case = case!();
    case.run(&["check"]).named("human").code(1);
    case.run(&["check", "--format", "json"]).named("json").code(1);
    case.run(&["check", "-q"]).named("quiet").code(1);
}

/// (`virtual` has module lists without their files.)
#[test]
fn fixtures() {
    for (fixture, code) in [
        ("virtual", 1),
        ("root-package", 0),
        ("single-crate", 0),
        ("nested-globs", 0),
    ] {
        let case = Case::at("check", &format!("fixture_{}", fixture.replace('-', "_"))).fixture(fixture);
        case.run(&["check"]).named("human").code(code);
        case.run(&["check", "--format", "json"]).named("json").code(code);
    }
}

#[test]
fn warnings_fail_only_when_denied() {
    let case = case!().fixture("root-package").file(
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[workspace]\nmembers = [\"triggers/clicks\"]\n\n[workspace.metadata.trigger.resources.clicks]\ntype = \"kinesis-stream\"\n\n[workspace.metadata.trigger.resources.spare]\ntype = \"s3-bucket\"\n",
    );
    case.run(&["check"]).named("human").ok();
    case.run(&["check", "--format", "json"]).named("json").ok();
    case.run(&["check", "--deny-warnings"]).named("denied").code(1);
}

#[test]
fn bad_grants() {
    let case = case!()
        .setup(&["new", "--source", "s3", "--bucket", "photos"])
        .setup(&["new", "--source", "dynamodb", "--table", "todos"]);
    let m = case.path().join("triggers/photos-s3-trigger/Cargo.toml");
    let text = std::fs::read_to_string(&m).unwrap();
    std::fs::write(
        &m,
        format!(
            "{text}\n[[package.metadata.trigger.permissions]]\nresource = \"ghost\"\naccess = \"read\"\n\n[[package.metadata.trigger.permissions]]\narn = \"arn:aws:sqs:us-east-1:123456789012:q\"\nactions = [\"sqs:*\", \"bad action\"]\n\n[[package.metadata.trigger.permissions]]\nresource = \"todos\"\naccess = \"everything\"\n"
        ),
    )
    .unwrap();
    case.run(&["check"]).named("human").code(1);
    case.run(&["check", "--format", "json"]).named("json").code(1);
}

#[test]
fn module_and_name_problems() {
    let case = case!()
        .setup(&[
            "new",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--user-pool",
            "users",
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
        .setup(&["new", "--source", "s3", "--bucket", "photos"]);
    // A module file nobody lists, a module list that is empty, a crate
    // without a binary, and a resource name that is not one.
    std::fs::write(
        case.path().join("triggers/users-pre-sign-up/src/modules/extra.rs"),
        "// not listed\n",
    )
    .unwrap();
    let m = case.path().join("triggers/users-post-confirmation/Cargo.toml");
    let text = std::fs::read_to_string(&m)
        .unwrap()
        .replace("modules = [\"custom\"]", "modules = []");
    std::fs::write(&m, text).unwrap();
    std::fs::remove_file(case.path().join("triggers/photos-s3-trigger/src/main.rs")).unwrap();
    let root = case.path().join("Cargo.toml");
    let text = std::fs::read_to_string(&root).unwrap();
    std::fs::write(
        &root,
        format!("{text}\n[workspace.metadata.trigger.resources.Bad_Name]\ntype = \"s3-bucket\"\n"),
    )
    .unwrap();
    case.run(&["check"]).named("human").code(1);
    case.run(&["check", "--format", "json"]).named("json").code(1);
}

#[test]
fn error_unknown_format() {
    case!().fixture("virtual").run(&["check", "--format", "xml"]).code(2);
}
