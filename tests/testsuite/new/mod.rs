//! `cargo trigger new`: workspaces it creates and edits, bad input, dry runs,
//! all-or-nothing writes and concurrent runs.

use crate::support;

use std::process::Stdio;

use snapbox::{assert_data_eq, file};
use support::{cmd, read, run, workspace};

#[test]
fn an_empty_folder_becomes_a_virtual_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        dir.path(),
        &["new", "--source", "s3", "--bucket", "photos", "--prefix", "uploads/"],
    )
    .success();
    assert_data_eq!(r.stderr, file!["snapshots/new-empty-folder.stderr"]);
    assert_data_eq!(
        read(dir.path(), "Cargo.toml"),
        file!["snapshots/new-empty-folder.root.toml"]
    );
    assert_data_eq!(
        read(dir.path(), "triggers/photos-s3-trigger/Cargo.toml"),
        file!["snapshots/new-empty-folder.crate.toml"]
    );
    let files: Vec<String> = support::snapshot(dir.path())
        .keys()
        .map(|p| p.display().to_string())
        .collect();
    assert_eq!(
        files,
        [
            "Cargo.toml",
            "triggers/photos-s3-trigger/Cargo.toml",
            "triggers/photos-s3-trigger/README.md",
            "triggers/photos-s3-trigger/events/delete.json",
            "triggers/photos-s3-trigger/events/put.json",
            "triggers/photos-s3-trigger/src/lib.rs",
            "triggers/photos-s3-trigger/src/main.rs",
        ]
    );
    // The workspace reads back as written.
    let list = run(dir.path(), &["list", "--format", "json"]).success();
    let v: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    assert_eq!(v["triggers"][0]["bindings"][0]["prefix"], "uploads/");
    assert_eq!(v["resources"]["photos"]["type"], "s3-bucket");
}

#[test]
fn manifest_path_to_a_new_folder_creates_it() {
    let dir = tempfile::tempdir().unwrap();
    run(
        dir.path(),
        &[
            "new",
            "--source",
            "kinesis",
            "--stream",
            "clicks",
            "--manifest-path",
            "demo/Cargo.toml",
        ],
    )
    .success();
    assert!(
        dir.path()
            .join("demo/triggers/clicks-kinesis-trigger/src/lib.rs")
            .is_file()
    );
}

#[test]
fn existing_workspaces_keep_their_layout() {
    let ws = workspace("virtual");
    let before = read(ws.path(), "Cargo.toml");
    run(
        ws.path(),
        &[
            "new",
            "--source",
            "dynamodb",
            "--table",
            "todos",
            "--stream-view",
            "NEW_IMAGE",
        ],
    )
    .success();
    let after = read(ws.path(), "Cargo.toml");
    // members = ["crates/*", "triggers/*"] covers the new crate: untouched.
    assert!(after.starts_with(&before), "{after}");
    assert_eq!(
        &after[before.len()..],
        "\n[workspace.metadata.trigger.resources.todos]\ntype = \"dynamodb-table\"\nstream-view = \"NEW_IMAGE\"\npartition-key = \"id\"\npartition-key-type = \"S\"\n"
    );
}

#[test]
fn bad_input_is_one_clear_error_and_nothing_is_written() {
    let ws = workspace("virtual");
    let before = support::snapshot(ws.path());
    std::fs::create_dir_all(ws.path().join("extra/taken")).unwrap();
    let with_taken = support::snapshot(ws.path());
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--source", "ftp", "--bucket", "x"],
            "invalid value 'ftp' for '--source <SOURCE>'",
        ),
        (vec!["--bucket", "x"], "`--source` is required"),
        (
            vec!["Foo Bar", "--source", "s3", "--bucket", "photos"],
            "invalid character ` ` in crate name",
        ),
        (
            vec!["../x", "--source", "s3", "--bucket", "photos"],
            "invalid character `.`",
        ),
        (
            vec!["fn", "--source", "s3", "--bucket", "photos"],
            "it is a Rust keyword",
        ),
        (
            vec!["api", "--source", "s3", "--bucket", "photos"],
            "already has a member named `api`",
        ),
        (
            vec!["taken", "--source", "s3", "--bucket", "photos", "--path", "extra/taken"],
            "already exists",
        ),
        (
            vec!["x", "--source", "s3", "--bucket", "photos", "--path", "../outside"],
            "is outside the workspace",
        ),
        (vec!["--source", "s3", "--arn", "arn:aws:s3:::"], "not an S3 bucket ARN"),
        (
            vec![
                "--source",
                "dynamodb",
                "--arn",
                "arn:aws:dynamodb:us-east-1:123456789012:table/todos",
            ],
            "does not name its stream",
        ),
        (
            vec!["--source", "kinesis", "--stream", "s", "--batch-size", "10001"],
            "`--batch-size 10001` is out of range",
        ),
        (
            vec![
                "--source",
                "kinesis",
                "--stream",
                "s",
                "--batching-window-seconds",
                "301",
            ],
            "out of range",
        ),
        (
            vec![
                "--source",
                "kinesis",
                "--stream",
                "s",
                "--starting-position",
                "AT_TIMESTAMP",
            ],
            "invalid value 'AT_TIMESTAMP' for '--starting-position <POSITION>'",
        ),
        (
            vec!["--source", "s3", "--bucket", "photos", "--prefix", "a\nb"],
            "control character",
        ),
        (
            vec!["--source", "s3", "--bucket", "photos", "--batch-size", "5"],
            "`--batch-size` does not apply",
        ),
        (
            vec!["--source", "s3", "--bucket", "New Bucket!"],
            "not a valid resource name",
        ),
        (
            vec!["--source", "s3", "--bucket", "b", "--resource-name", "Not_A_Bucket"],
            "not a valid s3-bucket name",
        ),
        (vec!["--source", "s3", "--bucket", "users"], "is a `cognito-user-pool`"),
        (vec!["--source", "s3"], "needs a target"),
        (
            vec!["--source", "s3", "--bucket", "photos", "--set", "A=b"],
            "`--set` does not apply",
        ),
        (
            vec!["--source", "cognito", "--user-pool", "users"],
            "needs an event or a capability",
        ),
        (
            vec!["--source", "cognito", "--event", "pre-sign-in", "--user-pool", "users"],
            "invalid value 'pre-sign-in' for '--event <EVENT>'",
        ),
        (
            vec![
                "--source",
                "cognito",
                "--event",
                "post-confirmation",
                "--module",
                "nope",
                "--user-pool",
                "users",
            ],
            "unknown module `nope`",
        ),
        (
            vec![
                "--source",
                "cognito",
                "--event",
                "post-confirmation",
                "--module",
                "email-deny-list",
                "--user-pool",
                "u2",
            ],
            "does not run on `post-confirmation`",
        ),
        (
            vec![
                "--source",
                "cognito",
                "--event",
                "pre-sign-up",
                "--module",
                "email-deny-list",
                "--user-pool",
                "u2",
            ],
            "pass `--set DOMAIN_DENY_LIST=…`",
        ),
        (
            vec![
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
            "is not a valid value",
        ),
        (
            vec![
                "--source",
                "cognito",
                "--event",
                "pre-sign-up",
                "--user-pool",
                "u2",
                "--set",
                "NOPE=1",
            ],
            "not a setting of the chosen modules",
        ),
        (
            vec![
                "--source",
                "cognito",
                "--event",
                "pre-sign-up",
                "--token-version",
                "v2",
                "--user-pool",
                "u2",
            ],
            "only applies to `pre-token-generation`",
        ),
        (
            vec!["--source", "cognito", "--capability", "nope", "--user-pool", "u2"],
            "unknown capability",
        ),
        (
            vec![
                "--source",
                "cognito",
                "--event",
                "pre-sign-up",
                "--user-pool",
                "u2",
                "--set",
                "bad key=1",
            ],
            "not an environment variable name",
        ),
    ];
    for (args, needle) in cases {
        let mut full = vec!["new"];
        full.extend_from_slice(&args);
        let r = run(ws.path(), &full).failure();
        // Closed sets are clap's values: a bad one is a usage error.
        let code = if needle.starts_with("invalid value") { 2 } else { 101 };
        assert_eq!(r.code, code, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains(needle),
            "{args:?}: expected {needle:?} in\n{}",
            r.stderr
        );
        let fix = if code == 2 { "[possible values: " } else { "help: " };
        assert!(r.stderr.contains(fix), "{args:?} says no fix:\n{}", r.stderr);
        assert_eq!(r.stderr.matches("error:").count(), 1, "{args:?}:\n{}", r.stderr);
        assert_eq!(support::snapshot(ws.path()), with_taken, "{args:?} changed files");
    }
    std::fs::remove_dir_all(ws.path().join("extra")).unwrap();
    assert_eq!(support::snapshot(ws.path()), before);
}

#[test]
fn hostile_values_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    run(
        dir.path(),
        &[
            "new",
            "--source",
            "s3",
            "--bucket",
            "photos",
            "--prefix",
            "in \"q\" {{x}} \\ é/",
            "--suffix",
            "'.jpg",
        ],
    )
    .success();
    // The values read back exactly as given (TOML quoting is toml_edit's choice).
    let list = run(dir.path(), &["list", "--format", "json"]).success();
    let v: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    assert_eq!(v["triggers"][0]["bindings"][0]["prefix"], "in \"q\" {{x}} \\ é/");
    assert_eq!(v["triggers"][0]["bindings"][0]["suffix"], "'.jpg");
    let lib = read(dir.path(), "triggers/photos-s3-trigger/src/lib.rs");
    assert!(lib.contains(r#""in \"q\" {{x}} \\ é/my photo (1)'.jpg""#), "{lib}");
}

#[test]
fn dry_run_shows_every_file_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        dir.path(),
        &["new", "--source", "s3", "--bucket", "photos", "--dry-run"],
    )
    .success();
    for f in [
        "Cargo.toml",
        "triggers/photos-s3-trigger/Cargo.toml",
        "triggers/photos-s3-trigger/src/lib.rs",
        "triggers/photos-s3-trigger/events/put.json",
    ] {
        assert!(
            r.stdout.contains(&format!("+++ b/{f}\n")),
            "{f} missing from\n{}",
            r.stdout
        );
    }
    assert!(r.stderr.contains("dry run: nothing was written"));
    assert!(support::snapshot(dir.path()).is_empty());
}

#[test]
fn a_failure_at_any_step_leaves_every_file_as_it_was() {
    let ws = workspace("root-package");
    let before = support::snapshot(ws.path());
    // `new` writes 8 files (6 created, the root manifest updated, …): fail at
    // each temporary write and each rename in turn.
    for step in 0..16 {
        let mut c = cmd(ws.path(), &["new", "--source", "s3", "--bucket", "photos"]);
        c.env("__CARGO_TRIGGER_TEST_FAIL_AFTER", step.to_string());
        let r = support::run_with(c, ws.path());
        if r.code == 0 {
            // Past the last step: the change was written. Undo and stop.
            assert!(step >= 14, "step {step} succeeded");
            break;
        }
        assert!(r.stderr.contains("simulated failure"), "{}", r.stderr);
        assert_eq!(support::snapshot(ws.path()), before, "step {step} left changes");
    }
}

#[test]
fn concurrent_runs_lose_no_edit() {
    for round in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("Cargo.toml"),
            "[workspace]\nresolver = \"3\"\nmembers = []\n",
        )
        .unwrap();
        let names: Vec<String> = (0..4).map(|i| format!("t{round}-{i}")).collect();
        let children: Vec<_> = names
            .iter()
            .map(|n| {
                cmd(dir.path(), &["new", n, "--source", "kinesis", "--stream", n, "-q"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for c in children {
            let out = c.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
        let root = read(dir.path(), "Cargo.toml");
        for n in &names {
            assert!(root.contains(&format!("\"triggers/{n}\"")), "member {n} lost:\n{root}");
            assert!(
                root.contains(&format!("[workspace.metadata.trigger.resources.{n}]")),
                "resource {n} lost:\n{root}"
            );
            assert!(dir.path().join(format!("triggers/{n}/Cargo.toml")).is_file());
        }
    }
}

mod cases;
mod sqs;
