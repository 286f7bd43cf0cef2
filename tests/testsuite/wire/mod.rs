//! `wire` and `unwire`: bindings under AWS's rules, and exact undo.

use crate::support;

use support::{read, run, workspace};

#[test]
fn wire_then_unwire_restores_the_manifests_byte_for_byte() {
    let ws = workspace("virtual");
    let crate_manifest = "triggers/photos-s3-trigger/Cargo.toml";
    let before = support::snapshot(ws.path());
    run(
        ws.path(),
        &["wire", "photos-s3-trigger", "--bucket", "photos", "--prefix", "thumbs/"],
    )
    .success();
    run(
        ws.path(),
        &[
            "wire",
            "photos-s3-trigger",
            "--bucket",
            "media",
            "--create",
            "--resource-name",
            "acme-media",
        ],
    )
    .success();
    assert!(read(ws.path(), crate_manifest).contains("prefix = \"thumbs/\""));
    assert!(
        read(ws.path(), "Cargo.toml")
            .contains("[workspace.metadata.trigger.resources.media]\ntype = \"s3-bucket\"\nname = \"acme-media\"")
    );
    run(ws.path(), &["unwire", "photos-s3-trigger", "media", "--prune"]).success();
    run(ws.path(), &["unwire", "photos-s3-trigger", "--index", "1"]).success();
    assert_eq!(support::snapshot(ws.path()), before);
}

#[test]
fn s3_rules_both_sides() {
    let ws = workspace("virtual");
    // photos-s3-trigger already has ObjectCreated:* on uploads/*.jpg.
    let wire = |args: &[&str]| {
        let mut full = vec!["wire", "photos-s3-trigger", "--bucket", "photos"];
        full.extend_from_slice(args);
        run(ws.path(), &full)
    };
    // Disjoint prefixes pass.
    wire(&["--prefix", "videos/", "--events", "s3:ObjectCreated:*"]).success();
    // Same prefix, another suffix passes.
    wire(&[
        "--prefix",
        "uploads/",
        "--suffix",
        ".png",
        "--events",
        "s3:ObjectCreated:*",
    ])
    .success();
    // Created vs removed never conflict.
    wire(&[
        "--prefix",
        "uploads/",
        "--suffix",
        ".jpg",
        "--events",
        "s3:ObjectRemoved:*",
    ])
    .success();
    // Nested prefix with the same suffix conflicts, also for a narrower event type.
    let r = wire(&[
        "--prefix",
        "uploads/thumbs/",
        "--suffix",
        ".jpg",
        "--events",
        "s3:ObjectCreated:Put",
    ])
    .failure();
    assert!(r.stderr.contains("overlaps"), "{}", r.stderr);
    // No filter at all overlaps everything of the same type.
    wire(&["--events", "s3:ObjectCreated:Copy"]).failure();
}

#[test]
fn cognito_one_function_per_trigger_per_pool() {
    let ws = workspace("virtual");
    std::fs::create_dir_all(ws.path().join("crates/signup/src")).unwrap();
    std::fs::write(ws.path().join("crates/signup/src/main.rs"), "fn main() {}\n").unwrap();
    std::fs::write(
        ws.path().join("crates/signup/Cargo.toml"),
        "[package]\nname = \"signup\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
    )
    .unwrap();
    // users-pre-sign-up already handles PreSignUp for `users`.
    let r = run(
        ws.path(),
        &[
            "wire",
            "signup",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--user-pool",
            "users",
        ],
    )
    .failure();
    assert!(r.stderr.contains("one function per trigger"), "{}", r.stderr);
    // Another pool is fine: the crate is adopted.
    run(
        ws.path(),
        &[
            "wire",
            "signup",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--user-pool",
            "partners",
            "--create",
        ],
    )
    .success();
    let m = read(ws.path(), "crates/signup/Cargo.toml");
    assert!(
        m.contains("[package.metadata.trigger]\nsource = \"cognito\"\nevent = \"pre-sign-up\""),
        "{m}"
    );
    // Another event on the same pool is fine too.
    std::fs::create_dir_all(ws.path().join("crates/tokens/src")).unwrap();
    std::fs::write(ws.path().join("crates/tokens/src/main.rs"), "fn main() {}\n").unwrap();
    std::fs::write(
        ws.path().join("crates/tokens/Cargo.toml"),
        "[package]\nname = \"tokens\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
    )
    .unwrap();
    run(
        ws.path(),
        &[
            "wire",
            "tokens",
            "--source",
            "cognito",
            "--event",
            "pre-token-generation",
            "--token-version",
            "v2",
            "--user-pool",
            "users",
        ],
    )
    .success();
}

#[test]
fn dynamodb_third_reader_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    for name in ["a", "b", "c"] {
        let r = run(ws, &["new", name, "--source", "dynamodb", "--table", "todos"]).success();
        assert_eq!(r.stderr.contains("3 readers"), name == "c", "{name}: {}", r.stderr);
    }
}

#[test]
fn bad_bindings_are_refused_and_nothing_is_written() {
    let ws = workspace("virtual");
    let before = support::snapshot(ws.path());
    for (args, needle) in [
        (
            vec!["wire", "nope", "--bucket", "photos"],
            "no workspace member is named `nope`",
        ),
        (
            vec!["wire", "photos-s3-trigger", "--table", "photos"],
            "`--table` does not apply",
        ),
        (
            vec!["wire", "photos-s3-trigger", "--bucket", "users"],
            "is a `cognito-user-pool`",
        ),
        (
            vec!["wire", "photos-s3-trigger", "--bucket", "ghost"],
            "pass `--create`",
        ),
        (
            vec!["wire", "photos-s3-trigger", "--arn", "arn:aws:s3:::Bad_Name"],
            "not a valid bucket name",
        ),
        (
            vec![
                "wire",
                "photos-s3-trigger",
                "--arn",
                "arn:aws:kinesis:eu-west-1:123456789012:stream/x",
            ],
            "expected `s3`",
        ),
        (
            vec![
                "wire",
                "photos-s3-trigger",
                "--bucket",
                "photos",
                "--events",
                "s3:ObjectCreated:Nope",
            ],
            "invalid value 's3:ObjectCreated:Nope' for '--events <EVENTS>'",
        ),
        (vec!["wire", "api", "--bucket", "photos"], "not a trigger crate yet"),
        (
            vec!["wire", "api", "--source", "s3", "--bucket", "photos"],
            "no binary target",
        ),
        (
            vec!["wire", "users-pre-sign-up", "--source", "s3", "--bucket", "photos"],
            "is a `cognito` trigger",
        ),
        (vec!["unwire", "photos-s3-trigger", "ghost"], "is not bound to `ghost`"),
        (vec!["unwire", "api"], "is not a trigger crate"),
        (
            vec![
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
            "already has this binding",
        ),
    ] {
        let r = run(ws.path(), &args).failure();
        // Closed sets are clap's values: a bad one is a usage error.
        let usage = needle.starts_with("invalid value");
        assert_eq!(r.code, if usage { 2 } else { 101 }, "{args:?}");
        assert!(r.stderr.contains(needle), "{args:?}: {}", r.stderr);
        // A long list is not printed when one value is close: the tip is.
        let fix = if usage {
            "tip: a similar value exists: "
        } else {
            "help: "
        };
        assert!(r.stderr.contains(fix), "{args:?}: {}", r.stderr);
    }
    assert_eq!(support::snapshot(ws.path()), before);
}

#[test]
fn dry_run_prints_the_diff_and_writes_nothing() {
    let ws = workspace("virtual");
    let before = support::snapshot(ws.path());
    let r = run(
        ws.path(),
        &[
            "wire",
            "photos-s3-trigger",
            "--bucket",
            "photos",
            "--prefix",
            "x/",
            "--dry-run",
        ],
    )
    .success();
    assert!(
        r.stdout.contains("+++ b/triggers/photos-s3-trigger/Cargo.toml"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("+prefix = \"x/\""), "{}", r.stdout);
    assert_eq!(support::snapshot(ws.path()), before);
    // --locked refuses to change anything.
    let r = run(
        ws.path(),
        &[
            "wire",
            "photos-s3-trigger",
            "--bucket",
            "photos",
            "--prefix",
            "x/",
            "--locked",
        ],
    )
    .failure();
    assert!(r.stderr.contains("`--locked`"), "{}", r.stderr);
    assert_eq!(support::snapshot(ws.path()), before);
}

#[test]
fn the_crate_is_named_as_cargo_names_packages() {
    let ws = workspace("virtual");
    let before = support::snapshot(ws.path());
    let crate_dir = ws.path().join("triggers/photos-s3-trigger");
    // `-p`, and unwire's TARGET after it.
    run(
        ws.path(),
        &[
            "wire",
            "-p",
            "photos-s3-trigger",
            "--bucket",
            "photos",
            "--prefix",
            "thumbs/",
        ],
    )
    .success();
    assert!(read(ws.path(), "triggers/photos-s3-trigger/Cargo.toml").contains("prefix = \"thumbs/\""));
    run(
        ws.path(),
        &["unwire", "--package", "photos-s3-trigger@0.1.0", "--index", "1"],
    )
    .success();
    assert_eq!(support::snapshot(ws.path()), before);

    // No name: the package whose directory the command runs in.
    run(
        &crate_dir.join("src"),
        &["wire", "--bucket", "photos", "--prefix", "thumbs/"],
    )
    .success();
    assert!(read(ws.path(), "triggers/photos-s3-trigger/Cargo.toml").contains("prefix = \"thumbs/\""));
    run(&crate_dir, &["unwire", "photos", "--index", "1"]).failure();
    run(
        &crate_dir,
        &["unwire", "-p", "photos-s3-trigger", "photos", "--index", "1"],
    )
    .success();
    assert_eq!(support::snapshot(ws.path()), before);

    // No name, and `--manifest-path` to the crate's manifest.
    let mp = ["--manifest-path", "triggers/photos-s3-trigger/Cargo.toml"];
    run(
        ws.path(),
        &[&["grant"][..], &mp, &["--resource", "users", "--access", "read"]].concat(),
    )
    .success();
    assert!(read(ws.path(), "triggers/photos-s3-trigger/Cargo.toml").contains("resource = \"users\""));
    run(
        ws.path(),
        &[&["revoke"][..], &mp, &["--resource", "users", "--access", "read"]].concat(),
    )
    .success();
    assert_eq!(support::snapshot(ws.path()), before);

    // Named twice, or not at all outside a member: an error, nothing written.
    let twice = run(
        ws.path(),
        &[
            "grant",
            "photos-s3-trigger",
            "-p",
            "users-pre-sign-up",
            "--resource",
            "photos",
            "--access",
            "read",
        ],
    )
    .failure();
    assert!(twice.stderr.contains("the crate is named twice"), "{}", twice.stderr);
    let nowhere = run(ws.path(), &["grant", "--resource", "photos", "--access", "read"]).failure();
    assert!(
        nowhere.stderr.contains("not inside a workspace member"),
        "{}",
        nowhere.stderr
    );
    assert!(nowhere.stderr.contains("`-p CRATE`"), "{}", nowhere.stderr);
    assert_eq!(support::snapshot(ws.path()), before);
}

mod cases;
mod sqs;
