//! `cargo trigger check` over a workspace with planted problems: every one
//! is reported, once, with its file and key.

use crate::support;

use support::{run, workspace};

#[test]
fn reports_every_planted_problem_once_with_file_and_key() {
    let ws = workspace("planted");
    let before = support::snapshot(ws.path());
    let r = run(ws.path(), &["check", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let mut found: Vec<(String, String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["key"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    let mut expected: Vec<(String, String, String)> = [
        (
            "unknown-key",
            "Cargo.toml",
            "workspace.metadata.trigger.resources.photos.color",
        ),
        (
            "invalid-value",
            "Cargo.toml",
            "workspace.metadata.trigger.resources.archive.type",
        ),
        (
            "unused-resource",
            "Cargo.toml",
            "workspace.metadata.trigger.resources.spare",
        ),
        (
            "module-file",
            "triggers/signup-a/Cargo.toml",
            "package.metadata.trigger.modules[1]",
        ),
        (
            "secret-in-manifest",
            "triggers/signup-a/Cargo.toml",
            "package.metadata.lambda.env.STRIPE_API_KEY",
        ),
        (
            "cognito-timeout",
            "triggers/signup-a/Cargo.toml",
            "package.metadata.lambda.deploy.timeout",
        ),
        (
            "cognito-slot",
            "triggers/signup-b/Cargo.toml",
            "package.metadata.trigger.bindings[0]",
        ),
        (
            "unknown-resource",
            "triggers/thumbs/Cargo.toml",
            "package.metadata.trigger.bindings[1].bucket",
        ),
        (
            "s3-overlap",
            "triggers/thumbs/Cargo.toml",
            "package.metadata.trigger.bindings[0]",
        ),
        (
            "resource-type",
            "triggers/resize/Cargo.toml",
            "package.metadata.trigger.bindings[1].bucket",
        ),
        (
            "invalid-value",
            "triggers/reader-3/Cargo.toml",
            "package.metadata.trigger.bindings[0].batch-size",
        ),
        (
            "invalid-arn",
            "triggers/reader-1/Cargo.toml",
            "package.metadata.trigger.bindings[1].arn",
        ),
        (
            "lambda-config",
            "triggers/reader-2/Cargo.toml",
            "package.metadata.lambda",
        ),
        (
            "dynamodb-readers",
            "triggers/reader-3/Cargo.toml",
            "package.metadata.trigger.bindings[0]",
        ),
        ("unbound", "triggers/orphan/Cargo.toml", "package.metadata.trigger"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    expected.sort();
    assert_eq!(found, expected);
    assert_eq!(v["errors"], 10);
    assert_eq!(v["warnings"], 5);
    // Every finding has a line.
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["line"].as_u64().is_some())
    );
    // Nothing was written.
    assert_eq!(support::snapshot(ws.path()), before);
}

#[test]
fn human_output_names_file_line_and_key() {
    let ws = workspace("planted");
    let r = run(ws.path(), &["check"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("error: unknown key `color` in `workspace.metadata.trigger.resources.photos`\n  --> Cargo.toml:10: `workspace.metadata.trigger.resources.photos.color`\n"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("Checked 8 trigger crates and 4 resources: 10 errors, 5 warnings"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_clean_workspace_passes_and_warnings_fail_only_when_denied() {
    let ws = workspace("root-package");
    let r = run(ws.path(), &["check"]).success();
    assert!(r.stderr.contains("no problems"), "{}", r.stderr);
    // An unbound resource is a warning: exit 0, unless --deny-warnings.
    let root = ws.path().join("Cargo.toml");
    let text = std::fs::read_to_string(&root).unwrap();
    std::fs::write(
        &root,
        format!("{text}\n[workspace.metadata.trigger.resources.spare]\ntype = \"s3-bucket\"\n"),
    )
    .unwrap();
    run(ws.path(), &["check"]).success();
    assert_eq!(run(ws.path(), &["check", "--deny-warnings"]).code, 1);
}

mod cases;
mod sqs;
