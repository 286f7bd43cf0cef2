//! `remove` cases (`tests/testsuite/remove/<case>/`, deleted files in
//! `removed`): a crate, its member entry, and with `--prune` its resources
//! and workspace dependencies; the dry run; every error. And the promise:
//! `new` then `remove --prune` gives every root manifest back byte for byte.

use std::path::Path;

use cargo_trigger::manifest::Manifest;

use crate::case;
use crate::support;
use crate::support::case::{TableCase, table};

#[test]
fn a_crate_and_its_own_resource() {
    case!()
        .fixture("virtual")
        .setup(&["new", "--source", "dynamodb", "--table", "todos"])
        .run(&["remove", "todos-dynamodb-trigger", "--prune"])
        .ok();
}

/// Without `--prune` the declaration stays, and a note says so.
#[test]
fn without_prune_the_resource_stays() {
    case!()
        .fixture("virtual")
        .setup(&["new", "--source", "dynamodb", "--table", "todos"])
        .run(&["remove", "todos-dynamodb-trigger"])
        .ok();
}

/// `photos` is bound by the fixture's S3 crate too: pruning keeps it.
#[test]
fn a_resource_another_crate_uses_stays() {
    case!()
        .fixture("virtual")
        .setup(&[
            "new", "thumbs", "--source", "s3", "--bucket", "photos", "--prefix", "thumbs/",
        ])
        .run(&["remove", "thumbs", "--prune"])
        .ok();
}

/// A resource the crate only has a grant on goes too.
#[test]
fn a_granted_resource_is_pruned() {
    case!()
        .fixture("virtual")
        .setup(&["new", "--source", "kinesis", "--stream", "clicks"])
        .setup(&["wire", "clicks-kinesis-trigger", "--stream", "audit", "--create"])
        .setup(&["new", "--source", "dynamodb", "--table", "todos"])
        .setup(&[
            "grant",
            "clicks-kinesis-trigger",
            "--resource",
            "todos",
            "--access",
            "read",
        ])
        .setup(&["remove", "todos-dynamodb-trigger"])
        .run(&["remove", "clicks-kinesis-trigger", "--prune"])
        .ok();
}

#[test]
fn dry_run() {
    case!()
        .fixture("virtual")
        .setup(&["new", "--source", "kinesis", "--stream", "clicks"])
        .run(&["remove", "clicks-kinesis-trigger", "--prune", "--dry-run"])
        .ok();
}

/// The crate of the current directory, as cargo finds packages.
#[test]
fn from_the_crates_directory() {
    case!()
        .fixture("virtual")
        .setup(&["new", "--source", "kinesis", "--stream", "clicks"])
        .cwd("triggers/clicks-kinesis-trigger/src")
        .run(&["remove", "--prune"])
        .ok();
}

#[test]
fn error_depended_on() {
    case!()
        .fixture("virtual")
        .setup(&["new", "--source", "kinesis", "--stream", "clicks"])
        .file(
            "crates/api/Cargo.toml",
            "[package]\nname = \"api\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]\nclicks = { path = \"../../triggers/clicks-kinesis-trigger\", package = \"clicks-kinesis-trigger\" }\n",
        )
        .run(&["remove", "clicks-kinesis-trigger"])
        .code(101);
}

const ERRORS: &[TableCase] = &[
    ("error_unknown_crate", &["remove", "photos-s3-triger"], 101),
    ("error_not_a_trigger_crate", &["remove", "api"], 101),
    ("error_locked", &["remove", "photos-s3-trigger", "--locked"], 101),
];

#[test]
fn errors() {
    table("remove", "virtual", ERRORS);
}

/// A member crate for each path a fixture manifest lists, so that cargo
/// reads the workspace; each uses the workspace's dependencies (which are
/// the members' then, not the trigger crates').
fn stub_members(ws: &Path, root: &str) {
    let doc = Manifest::parse(&ws.join("Cargo.toml"), root.to_string()).unwrap();
    let members = doc.get_strings(&["workspace"], "members").unwrap_or_default();
    let deps: String = doc
        .workspace_dependency_names()
        .iter()
        .map(|d| format!("{d}.workspace = true\n"))
        .collect();
    // A glob gets one crate it matches.
    for m in members.iter().map(|m| m.replace('*', "stub")) {
        let m = m.as_str();
        let name = Path::new(m).file_name().unwrap().to_string_lossy().to_string();
        std::fs::create_dir_all(ws.join(m).join("src")).unwrap();
        std::fs::write(
            ws.join(m).join("Cargo.toml"),
            format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]\n{deps}"),
        )
        .unwrap();
        std::fs::write(ws.join(m).join("src/lib.rs"), "").unwrap();
    }
    if doc.has_package() {
        std::fs::create_dir_all(ws.join("src")).unwrap();
        std::fs::write(ws.join("src/main.rs"), "fn main() {}\n").unwrap();
    }
}

/// `new` of every kind of crate (a new bucket, table and stream, Cognito
/// modules with dependencies of their own on a new pool), then `remove
/// --prune` of each: every file is as it was, the root manifest byte for
/// byte (comments, CRLF, literal strings, inherited dependencies, a root
/// package that had no `[workspace]`).
#[test]
fn new_then_remove_prune_gives_every_root_manifest_back() {
    let manifests = support::fixtures().join("manifests");
    let news: &[&[&str]] = &[
        &["new", "--source", "s3", "--bucket", "uploads", "--prefix", "in/"],
        &["new", "--source", "dynamodb", "--table", "todos"],
        &["new", "--source", "kinesis", "--stream", "clicks", "--shard-count", "2"],
        &[
            "new",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--event",
            "post-confirmation",
            "--module",
            "email-deny-list",
            "--module",
            "add-to-group",
            "--set",
            "DOMAIN_DENY_LIST=mailinator.com",
            "--set",
            "GROUP=members",
            "--user-pool",
            "people",
        ],
    ];
    let crates = [
        "uploads-s3-trigger",
        "todos-dynamodb-trigger",
        "clicks-kinesis-trigger",
        "people-pre-sign-up",
        "people-post-confirmation",
    ];
    let mut checked = 0;
    for fixture in [
        "01-commented-workspace.toml",
        "02-crlf.toml",
        "04-workspace-deps.toml",
        "05-root-package.toml",
        "06-existing-trigger-meta.toml",
        // (Not `09-no-trailing-newline.toml`: `new` ends the file it
        // extends with a line break, as editors do, and it stays.)
        "10-literal-strings.toml",
    ] {
        let root = std::fs::read_to_string(manifests.join(fixture)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let ws = dir.path();
        std::fs::write(ws.join("Cargo.toml"), &root).unwrap();
        stub_members(ws, &root);
        let before = support::snapshot(ws);
        for args in news {
            support::run(ws, &[&args[..], &["-q"]].concat()).success();
        }
        assert_ne!(
            support::read(ws, "Cargo.toml"),
            root,
            "{fixture}: `new` changed nothing"
        );
        for c in crates {
            support::run(ws, &["remove", c, "--prune", "-q"]).success();
        }
        assert_eq!(
            support::read(ws, "Cargo.toml").as_bytes(),
            root.as_bytes(),
            "{fixture}: the root manifest is not what it was:\n{:?}\n{:?}",
            support::read(ws, "Cargo.toml"),
            root
        );
        assert_eq!(support::snapshot(ws), before, "{fixture}");
        checked += 1;
    }
    assert_eq!(checked, 6);
}

/// A file added to the crate after `--dry-run` goes with it (a real run
/// plans again from disk), binary or not, and nothing is left beside it.
#[test]
fn nothing_is_left_behind() {
    let dir = support::workspace("virtual");
    let ws = dir.path();
    support::new(ws, &["--source", "kinesis", "--stream", "clicks"]);
    std::fs::write(ws.join("triggers/clicks-kinesis-trigger/notes.bin"), [0u8, 0xff, 0x10]).unwrap();
    support::run(ws, &["remove", "clicks-kinesis-trigger", "--dry-run"]).success();
    support::run(ws, &["remove", "clicks-kinesis-trigger", "-q"]).success();
    let left: Vec<String> = std::fs::read_dir(ws.join("triggers"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    let mut left = left;
    left.sort();
    assert_eq!(left, ["photos-s3-trigger", "users-pre-sign-up"]);
    support::run(ws, &["list", "-q"]).success();
}

#[test]
fn help() {
    case!().run(&["remove", "--help"]).ok();
}
