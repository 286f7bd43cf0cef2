//! `unwire` cases (`tests/testsuite/unwire/<case>/`): removing bindings by
//! target, index or all, pruning resources, and every error. (The byte-exact
//! undo of `wire` is tested in `wire`.)

use crate::case;
use crate::support::case::{Case, TableCase, table};

/// The `virtual` fixture with a second and third binding on `photos-s3-trigger`.
fn three_bindings(case: Case) -> Case {
    case.fixture("virtual")
        .setup(&["wire", "photos-s3-trigger", "--bucket", "photos", "--prefix", "thumbs/"])
        .setup(&[
            "wire",
            "photos-s3-trigger",
            "--bucket",
            "media",
            "--create",
            "--resource-name",
            "acme-media",
        ])
}

#[test]
fn the_only_binding_by_target() {
    case!()
        .fixture("virtual")
        .run(&["unwire", "photos-s3-trigger", "photos"])
        .ok();
}

#[test]
fn the_only_binding_without_target() {
    case!().fixture("virtual").run(&["unwire", "users-pre-sign-up"]).ok();
}

#[test]
fn by_target_and_index() {
    three_bindings(case!())
        .run(&["unwire", "photos-s3-trigger", "photos", "--index", "1"])
        .ok();
}

#[test]
fn by_index() {
    three_bindings(case!())
        .run(&["unwire", "photos-s3-trigger", "--index", "0"])
        .ok();
}

#[test]
fn by_target_keeps_the_resource() {
    three_bindings(case!())
        .run(&["unwire", "photos-s3-trigger", "media"])
        .ok();
}

#[test]
fn by_target_with_prune() {
    three_bindings(case!())
        .run(&["unwire", "photos-s3-trigger", "media", "--prune"])
        .ok();
}

#[test]
fn all_with_prune() {
    three_bindings(case!())
        .run(&["unwire", "photos-s3-trigger", "--all", "--prune"])
        .ok();
}

#[test]
fn all_dry_run() {
    three_bindings(case!())
        .run(&["unwire", "photos-s3-trigger", "--all", "--dry-run"])
        .ok();
}

#[test]
fn an_arn_target() {
    case!()
        .fixture("virtual")
        .setup(&["wire", "photos-s3-trigger", "--arn", "arn:aws:s3:::legacy-uploads"])
        .run(&["unwire", "photos-s3-trigger", "arn:aws:s3:::legacy-uploads"])
        .ok();
}

#[test]
fn with_package_and_target() {
    three_bindings(case!())
        .run(&["unwire", "-p", "photos-s3-trigger@0.1.0", "media"])
        .ok();
}

#[test]
fn from_the_crates_directory() {
    three_bindings(case!())
        .cwd("triggers/photos-s3-trigger")
        .run(&["unwire", "-p", "photos-s3-trigger", "photos", "--index", "1"])
        .ok();
}

const ERRORS: &[TableCase] = &[
    ("error_not_bound", &["unwire", "photos-s3-trigger", "ghost"], 101),
    ("error_not_a_trigger_crate", &["unwire", "api"], 101),
    ("error_unknown_crate", &["unwire", "nope"], 101),
    (
        "error_no_such_index",
        &["unwire", "photos-s3-trigger", "--index", "3"],
        101,
    ),
    (
        "error_all_with_target",
        &["unwire", "photos-s3-trigger", "photos", "--all"],
        2,
    ),
    (
        "error_locked",
        &["unwire", "photos-s3-trigger", "photos", "--locked"],
        101,
    ),
];

#[test]
fn errors_on_a_workspace() {
    table("unwire", "virtual", ERRORS);
}

#[test]
fn error_several_bindings_to_the_target() {
    three_bindings(case!())
        .run(&["unwire", "photos-s3-trigger", "photos"])
        .code(101);
}

#[test]
fn error_several_bindings_say_which() {
    three_bindings(case!()).run(&["unwire", "photos-s3-trigger"]).code(101);
}

#[test]
fn error_index_of_another_target() {
    three_bindings(case!())
        .run(&["unwire", "photos-s3-trigger", "media", "--index", "0"])
        .code(101);
}

#[test]
fn error_no_bindings() {
    case!()
        .fixture("virtual")
        .setup(&["unwire", "photos-s3-trigger", "photos"])
        .run(&["unwire", "photos-s3-trigger", "photos"])
        .code(101);
}

#[test]
fn error_package_twice() {
    three_bindings(case!())
        .run(&["unwire", "photos-s3-trigger", "-p", "photos-s3-trigger", "photos"])
        .code(101);
}
