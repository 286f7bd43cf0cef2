//! `cargo trigger list` over fixture workspaces of every shape.

use crate::support;

use snapbox::{assert_data_eq, file};
use support::{new, run, workspace};

#[test]
fn virtual_workspace_table() {
    let ws = workspace("virtual");
    let r = run(ws.path(), &["list"]).success();
    assert_data_eq!(r.stdout.clone(), file!["snapshots/list-virtual.txt"]);
}

#[test]
fn virtual_workspace_json() {
    let ws = workspace("virtual");
    let r = run(ws.path(), &["list", "--format", "json"]).success();
    assert_data_eq!(r.stdout.clone(), file!["snapshots/list-virtual.json"]);
    // It is JSON, and stable: a second run prints the same bytes.
    let again = run(ws.path(), &["list", "--format", "json"]).success();
    assert_eq!(r.stdout, again.stdout);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["triggers"].as_array().unwrap().len(), 2);
}

#[test]
fn triggers_that_federated_sign_in_skips_are_called_out() {
    let ws = workspace("virtual");
    new(
        ws.path(),
        &[
            "--source",
            "cognito",
            "--event",
            "custom-message",
            "--user-pool",
            "users",
        ],
    );
    let r = run(ws.path(), &["list"]).success();
    assert!(
        r.stderr.contains(
            "note: federated sign-in does not invoke the `custom-message` trigger, so `users-custom-message` never runs"
        ),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("`pre-sign-up` trigger"), "{}", r.stderr);
    let json = run(ws.path(), &["list", "--format", "json"]).success();
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let by_name = |n: &str| {
        v["triggers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == n)
            .unwrap()
            .clone()
    };
    assert_eq!(by_name("users-custom-message")["federated-sign-in"], false);
    assert_eq!(by_name("users-pre-sign-up")["federated-sign-in"], true);
    assert!(by_name("photos-s3-trigger").get("federated-sign-in").is_none());
}

#[test]
fn list_from_a_member_directory_and_with_manifest_path() {
    let ws = workspace("virtual");
    let from_member = run(
        &ws.path().join("triggers/photos-s3-trigger"),
        &["list", "--format", "json"],
    )
    .success();
    let from_root = run(ws.path(), &["list", "--format", "json"]).success();
    let triggers = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap()["triggers"].clone();
    assert_eq!(triggers(&from_member.stdout), triggers(&from_root.stdout));
    let elsewhere = tempfile::tempdir().unwrap();
    let manifest = ws.path().join("Cargo.toml");
    let r = run(
        elsewhere.path(),
        &[
            "list",
            "--manifest-path",
            manifest.to_str().unwrap(),
            "--format",
            "json",
        ],
    )
    .success();
    assert!(r.stdout.contains("\"users-pre-sign-up\""));
}

#[test]
fn root_package_workspace() {
    let ws = workspace("root-package");
    let r = run(ws.path(), &["list"]).success();
    assert_data_eq!(r.stdout.clone(), file!["snapshots/list-root-package.txt"]);
    let r = run(ws.path(), &["list", "--format", "json"]).success();
    assert_data_eq!(r.stdout.clone(), file!["snapshots/list-root-package.json"]);
}

#[test]
fn single_crate_that_is_a_trigger() {
    let ws = workspace("single-crate");
    let r = run(ws.path(), &["list", "--format", "json"]).success();
    assert_data_eq!(r.stdout.clone(), file!["snapshots/list-single-crate.json"]);
}

#[test]
fn nested_globs_without_triggers() {
    let ws = workspace("nested-globs");
    let r = run(ws.path(), &["list"]).success();
    assert_eq!(r.stdout, "");
    assert_data_eq!(r.stderr.clone(), file!["snapshots/list-no-triggers.stderr"]);
    let r = run(ws.path(), &["list", "--format", "json"]).success();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["triggers"], serde_json::json!([]));
}

#[test]
fn empty_folder_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(dir.path(), &["list"]).failure();
    assert_eq!(r.code, 101);
    assert!(r.stderr.contains("could not find `Cargo.toml`"), "{}", r.stderr);
    assert!(r.stderr.contains("help: "), "{}", r.stderr);
}

#[test]
fn bad_metadata_names_file_key_and_line() {
    let ws = workspace("bad-metadata");
    let before = support::snapshot(ws.path());
    let r = run(ws.path(), &["list"]).failure();
    assert_data_eq!(r.stderr.clone(), file!["snapshots/list-bad-metadata.stderr"]);
    assert_eq!(support::snapshot(ws.path()), before);
}

#[test]
fn missing_manifest_path() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(dir.path(), &["list", "--manifest-path", "nope/Cargo.toml"]).failure();
    assert!(r.stderr.contains("does not exist"), "{}", r.stderr);
}

#[test]
fn malformed_cargo_toml() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), "[workspace\nmembers = [").unwrap();
    let r = run(dir.path(), &["list"]).failure();
    assert!(r.stderr.contains("Cargo.toml"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("Cargo.toml")).unwrap(),
        "[workspace\nmembers = ["
    );
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(dir.path(), &["list", "--format", "yaml"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn workspace_level_cargo_lambda_settings_reach_each_function() {
    let ws = workspace("root-package");
    let root = ws.path().join("Cargo.toml");
    let text = std::fs::read_to_string(&root).unwrap();
    std::fs::write(
        &root,
        format!("{text}\n[workspace.metadata.lambda.env]\nSTAGE = \"dev\"\n\n[workspace.metadata.lambda.deploy]\ntracing = \"active\"\n"),
    )
    .unwrap();
    let r = run(ws.path(), &["list", "--format", "json"]).success();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let lambda = &v["triggers"][0]["lambda"];
    assert_eq!(lambda["env"]["STAGE"], "dev", "{lambda}");
    assert_eq!(lambda["tracing"], "Active", "{lambda}");
    // The crate's own settings win.
    assert_eq!(lambda["memory"], 512);
}

mod cases;
