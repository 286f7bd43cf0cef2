//! `invoke` errors found before anything is built
//! (`tests/testsuite/invoke/<case>/`).

use crate::support::case::{Case, TableCase, table};

const ERRORS: &[TableCase] = &[
    ("error_unknown_crate", &["invoke", "nope"], 101),
    ("error_not_a_trigger_crate", &["invoke", "api"], 101),
    (
        "error_event_file_missing",
        &["invoke", "photos-s3-trigger", "--event", "missing.json"],
        101,
    ),
    (
        "error_event_kind",
        &["invoke", "photos-s3-trigger", "--event", "post"],
        101,
    ),
    ("error_env", &["invoke", "photos-s3-trigger", "--env", "NOVALUE"], 101),
    (
        "error_release_and_binary",
        &["invoke", "photos-s3-trigger", "--release", "--binary", "x"],
        2,
    ),
];

#[test]
fn errors_on_a_workspace() {
    table("invoke", "virtual", ERRORS);
}

#[test]
fn error_event_not_json() {
    Case::at("invoke", "error_event_not_json")
        .fixture("virtual")
        .file("event.json", "{not json")
        .run(&["invoke", "photos-s3-trigger", "--event", "event.json"])
        .code(101);
}
