//! The command line itself (`tests/testsuite/cli/<case>/`): `--help` of every
//! command, `--version`, `--color` and `-v`, and usage errors (exit 2).

use crate::support::case::{TableCase, table};

const CASES: &[TableCase] = &[
    ("help", &["--help"], 0),
    ("help_new", &["new", "--help"], 0),
    ("help_list", &["list", "--help"], 0),
    ("help_wire", &["wire", "--help"], 0),
    ("help_unwire", &["unwire", "--help"], 0),
    ("help_check", &["check", "--help"], 0),
    ("help_export", &["export", "--help"], 0),
    ("help_event", &["event", "--help"], 0),
    ("help_invoke", &["invoke", "--help"], 0),
    ("help_grant", &["grant", "--help"], 0),
    ("help_revoke", &["revoke", "--help"], 0),
    ("short_help_new", &["new", "-h"], 0),
    ("version", &["--version"], 0),
    (
        "color_always_error",
        &["--color", "always", "new", "--source", "ftp"],
        2,
    ),
    (
        "color_always_dry_run",
        &[
            "--color",
            "always",
            "new",
            "--source",
            "kinesis",
            "--stream",
            "clicks",
            "--dry-run",
        ],
        0,
    ),
    (
        "verbose_dry_run",
        &["-v", "new", "--source", "kinesis", "--stream", "clicks", "--dry-run"],
        0,
    ),
    ("error_no_command", &[], 2),
    ("error_unknown_command", &["deploy"], 2),
    ("error_unknown_color", &["--color", "sometimes", "list"], 2),
];

#[test]
fn cases() {
    table("cli", "", CASES);
}

/// Run as `cargo-trigger ARGS`, without the `trigger` argument cargo passes.
#[test]
fn not_through_cargo() {
    let dir = tempfile::tempdir().unwrap();
    let mut redactions = snapbox::Redactions::new();
    redactions.insert("[ROOT]", dir.path().to_path_buf()).unwrap();
    snapbox::cmd::Command::new(env!("CARGO_BIN_EXE_cargo-trigger"))
        .with_assert(snapbox::Assert::new().action_env("SNAPSHOTS").redact_with(redactions))
        .args(["list", "--format", "json"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .assert()
        .code(101)
        .stdout_eq(snapbox::str![""])
        .stderr_eq(snapbox::Data::read_from(
            &crate::support::case::root().join("cli/not_through_cargo/stderr"),
            None,
        ));
}
