//! The cases of `hardening` that need no symbolic link: one per class, and
//! the way that still works next to each refusal.

use crate::case;
use crate::support::case::{Case, TableCase, table};

// ---- paths ------------------------------------------------------------

/// On the `virtual` fixture: `members = ["crates/*", "triggers/*"]`.
const PATHS: &[TableCase] = &[
    (
        "path_with_a_backslash",
        &["new", "x1", "--source", "s3", "--bucket", "b", "--path", "sub\\x1"],
        101,
    ),
    (
        "path_with_a_backslash_up",
        &["new", "x1", "--source", "s3", "--bucket", "b", "--path", "..\\x1"],
        101,
    ),
    (
        "path_under_a_members_glob",
        &[
            "new",
            "x1",
            "--source",
            "s3",
            "--bucket",
            "b",
            "--path",
            "crates/nested/x1",
        ],
        101,
    ),
    (
        "path_deeper_under_a_members_glob",
        &[
            "new",
            "x1",
            "--source",
            "s3",
            "--bucket",
            "b",
            "--path",
            "triggers/more/deeper/x1",
        ],
        101,
    ),
];

#[test]
fn paths() {
    table("hardening", "virtual", PATHS);
}

/// A glob covers the new crate itself: it is a member with its Cargo.toml.
#[test]
fn path_a_members_glob_covers() {
    case!()
        .fixture("virtual")
        .run(&["new", "x1", "--source", "s3", "--bucket", "b", "--path", "crates/x1"])
        .ok();
}

#[test]
fn trigger_dir_with_a_backslash() {
    case!()
        .file(
            "Cargo.toml",
            "[workspace]\nresolver = \"3\"\nmembers = []\n\n[workspace.metadata.trigger]\ndir = \"sub\\\\triggers\"\n",
        )
        .run(&["new", "x1", "--source", "s3", "--bucket", "b"])
        .code(101);
}

/// A workspace `export` can write a template of.
fn exportable(case: Case) -> Case {
    case.setup(&["new", "--source", "s3", "--bucket", "photos"])
        .setup(&["new", "--source", "kinesis", "--stream", "clicks"])
}

#[test]
fn export_over_the_workspace_manifest() {
    exportable(case!()).run(&["export", "-o", "Cargo.toml"]).code(101);
}

#[test]
fn export_over_a_crate_manifest() {
    exportable(case!())
        .run(&["export", "-o", "triggers/photos-s3-trigger/Cargo.toml"])
        .code(101);
}

#[test]
fn export_over_another_file() {
    exportable(case!())
        .file("deploy/template.yaml", "# my own template\nResources: {}\n")
        .run(&["export", "-o", "deploy/template.yaml"])
        .code(101);
}

/// A previous export is replaced (its `Description` marks it), as YAML and
/// as JSON.
#[test]
fn export_over_a_previous_export() {
    let case = exportable(case!())
        .setup(&["export", "-o", "template.yaml"])
        .setup(&["export", "-o", "template.json"])
        .setup(&["new", "--source", "dynamodb", "--table", "todos"]);
    case.run(&["export", "-o", "template.yaml"]).named("yaml").ok();
    case.run(&["export", "-o", "template.json"]).named("json").ok();
}

// ---- values -----------------------------------------------------------

const VALUES: &[TableCase] = &[
    (
        "event_records_too_many",
        &["event", "kinesis", "--records", "4000000000"],
        101,
    ),
    ("event_records_zero", &["event", "s3", "--records", "0"], 101),
    (
        "event_region_not_a_region",
        &["event", "s3", "--region", "../../x"],
        101,
    ),
    (
        "invoke_timeout_too_long",
        &["invoke", "photos-s3-trigger", "--timeout", "901"],
        101,
    ),
    (
        "invoke_timeout_zero",
        &["invoke", "photos-s3-trigger", "--timeout", "0"],
        101,
    ),
    (
        "cognito_kms_key_arn_setting",
        &[
            "new",
            "--source",
            "cognito",
            "--event",
            "custom-email-sender",
            "--user-pool",
            "mail",
            "--set",
            "KEY_ARN=not-an-arn",
        ],
        101,
    ),
    (
        "cognito_pool_name_with_quotes",
        &[
            "new",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--user-pool",
            "p2",
            "--resource-name",
            "my \"pool\"",
        ],
        101,
    ),
    (
        "dynamodb_partition_key_empty",
        &["new", "--source", "dynamodb", "--table", "t", "--partition-key", ""],
        101,
    ),
    (
        "dynamodb_partition_key_too_long",
        &[
            "new",
            "--source",
            "dynamodb",
            "--table",
            "t",
            "--partition-key",
            "a234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456",
        ],
        101,
    ),
    (
        "package_of_another_version",
        &[
            "wire",
            "-p",
            "photos-s3-trigger@9.9.9",
            "--bucket",
            "photos",
            "--prefix",
            "thumbs/",
        ],
        101,
    ),
    (
        "package_not_a_version",
        &[
            "grant",
            "-p",
            "photos-s3-trigger@^0.1",
            "--resource",
            "photos",
            "--access",
            "read",
        ],
        101,
    ),
    (
        "unwire_package_of_another_version",
        &["unwire", "-p", "photos-s3-trigger@0.2", "photos"],
        101,
    ),
];

#[test]
fn values() {
    table("hardening", "virtual", VALUES);
}

/// `-p NAME@VERSION` with the member's version (or a part of it) works.
#[test]
fn package_of_its_version() {
    case!()
        .fixture("virtual")
        .run(&[
            "wire",
            "-p",
            "photos-s3-trigger@0.1",
            "--bucket",
            "photos",
            "--prefix",
            "thumbs/",
        ])
        .ok();
}

/// An ARN longer than AWS takes (2048 characters), not echoed back whole.
#[test]
fn grant_arn_too_long() {
    let arn = format!("arn:aws:sqs:us-east-1:123456789012:{}", "q".repeat(5000));
    case!()
        .fixture("virtual")
        .run(&[
            "grant",
            "photos-s3-trigger",
            "--arn",
            &arn,
            "--action",
            "sqs:SendMessage",
        ])
        .code(101);
}

/// `check` reports an empty key attribute written in Cargo.toml, and
/// `export` refuses to carry it.
#[test]
fn dynamodb_partition_key_empty_in_manifest() {
    let case = case!()
        .setup(&["new", "--source", "dynamodb", "--table", "t"])
        .file(
            "Cargo.toml",
            "[workspace]\nresolver = \"3\"\nmembers = [\"triggers/t-dynamodb-trigger\"]\n\n[workspace.metadata.trigger.resources.t]\ntype = \"dynamodb-table\"\npartition-key = \"\"\n",
        );
    case.run(&["check"]).named("check").code(1);
    case.run(&["export"]).named("export").code(101);
}

// ---- Cognito settings -------------------------------------------------

fn captcha(case: Case) -> Case {
    case.setup(&[
        "new",
        "--source",
        "cognito",
        "--capability",
        "captcha",
        "--user-pool",
        "p",
    ])
}

/// A secret is refused as on a fresh workspace (`new/error_setting_secret`),
/// though the crate that reads it runs already.
#[test]
fn cognito_secret_for_a_module_that_runs() {
    captcha(case!())
        .run(&[
            "new",
            "--source",
            "cognito",
            "--capability",
            "captcha",
            "--user-pool",
            "p",
            "--set",
            "RECAPTCHA_SECRET=hunter2",
        ])
        .code(101);
}

/// `NAME` and `--path` for an event whose crate exists are not used, and
/// `new` says so.
#[test]
fn cognito_name_and_path_for_a_taken_slot() {
    captcha(case!())
        .run(&[
            "new",
            "mine",
            "--path",
            "auth/mine",
            "--source",
            "cognito",
            "--event",
            "define-auth-challenge",
            "--module",
            "custom",
            "--user-pool",
            "p",
        ])
        .ok();
}

// ---- unwire by binding flags ------------------------------------------

/// `img`: `photos` (prefix `a/`), and `audit-logs` twice (`logs/`, `old/`).
fn img(case: Case) -> Case {
    case.setup(&["new", "img", "--source", "s3", "--bucket", "photos", "--prefix", "a/"])
        .setup(&["wire", "img", "--bucket", "audit-logs", "--create", "--prefix", "logs/"])
        .setup(&["wire", "img", "--bucket", "audit-logs", "--prefix", "old/"])
}

#[test]
fn unwire_by_target_flag() {
    img(case!()).run(&["unwire", "img", "--bucket", "photos"]).ok();
}

#[test]
fn unwire_by_target_and_binding_flags() {
    img(case!())
        .run(&["unwire", "img", "--bucket", "audit-logs", "--prefix", "old/"])
        .ok();
}

#[test]
fn unwire_error_several_bindings_to_the_target_flag() {
    img(case!()).run(&["unwire", "img", "--bucket", "audit-logs"]).code(101);
}

#[test]
fn unwire_error_no_binding_with_the_flags() {
    img(case!())
        .run(&["unwire", "img", "audit-logs", "--prefix", "new/"])
        .code(101);
}

#[test]
fn unwire_error_flag_of_another_source() {
    img(case!()).run(&["unwire", "img", "--table", "photos"]).code(101);
}

#[test]
fn unwire_error_target_named_twice() {
    img(case!())
        .run(&["unwire", "img", "photos", "--bucket", "audit-logs"])
        .code(101);
}

#[test]
fn unwire_error_all_with_flags() {
    img(case!())
        .run(&["unwire", "img", "--all", "--prefix", "a/"])
        .code(101);
}

// ---- versions a scaffold needs ----------------------------------------

const OLD_PINS: &str = "[workspace]\nresolver = \"3\"\nmembers = []\n\n[workspace.dependencies]\nlambda_runtime = \"0.11.3\"\naws_lambda_events = { version = \"0.15.1\", default-features = false }\n";

#[test]
fn new_inheriting_too_old_versions() {
    case!()
        .file("Cargo.toml", OLD_PINS)
        .run(&["new", "--source", "dynamodb", "--table", "t"])
        .code(101);
}

#[test]
fn new_with_its_own_versions() {
    case!()
        .file("Cargo.toml", OLD_PINS)
        .run(&["new", "--source", "dynamodb", "--table", "t", "--own-versions"])
        .ok();
}

/// The requirement allows new enough versions, but Cargo.lock holds an
/// older one, which the crate would build with.
#[test]
fn new_inheriting_a_locked_old_version() {
    case!()
        .file(
            "Cargo.toml",
            "[workspace]\nresolver = \"3\"\nmembers = []\n\n[workspace.dependencies]\nlambda_runtime = \"1\"\n",
        )
        .file(
            "Cargo.lock",
            "version = 4\n\n[[package]]\nname = \"lambda_runtime\"\nversion = \"1.4.2\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
        )
        .run(&["new", "--source", "kinesis", "--stream", "clicks"])
        .code(101);
}

/// Adding a module whose dependency the workspace pins too old.
#[test]
fn cognito_module_inheriting_a_too_old_version() {
    case!()
        .file(
            "Cargo.toml",
            "[workspace]\nresolver = \"3\"\nmembers = []\n\n[workspace.dependencies]\naws-config = \"0.55\"\n",
        )
        .setup(&[
            "new",
            "--source",
            "cognito",
            "--event",
            "post-confirmation",
            "--module",
            "custom",
            "--user-pool",
            "p",
        ])
        .run(&[
            "new",
            "--source",
            "cognito",
            "--event",
            "post-confirmation",
            "--module",
            "add-to-group",
            "--set",
            "GROUP=g",
            "--user-pool",
            "p",
        ])
        .code(101);
}

const CRATE_MAIN: &str = "fn main() {}\n";

/// `photos` is in Cargo.lock (lambda_runtime 0.11.3 there, aws_lambda_events
/// 1.2.1 although its requirement allows 1.0); `clicks` is not, so the
/// floors of its requirements count.
#[test]
fn check_reports_too_old_dependencies() {
    let member = |name: &str, source: &str, target: &str, feature: &str| {
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[package.metadata.trigger]\nsource = \"{source}\"\n\n[[package.metadata.trigger.bindings]]\n{target} = \"{name}\"\n\n[dependencies]\naws_lambda_events = {{ workspace = true, features = [\"{feature}\"] }}\nlambda_runtime = {{ workspace = true }}\n"
        )
    };
    case!()
        .file(
            "Cargo.toml",
            "[workspace]\nresolver = \"3\"\nmembers = [\"triggers/*\"]\n\n[workspace.dependencies]\naws_lambda_events = { version = \"1\", default-features = false }\nlambda_runtime = \"0.11.3\"\n\n[workspace.metadata.trigger.resources.photos]\ntype = \"s3-bucket\"\n\n[workspace.metadata.trigger.resources.clicks]\ntype = \"kinesis-stream\"\n",
        )
        .file("triggers/photos/Cargo.toml", &member("photos", "s3", "bucket", "s3"))
        .file("triggers/photos/src/main.rs", CRATE_MAIN)
        .file("triggers/clicks/Cargo.toml", &member("clicks", "kinesis", "stream", "kinesis"))
        .file("triggers/clicks/src/main.rs", CRATE_MAIN)
        .file(
            "Cargo.lock",
            "version = 4\n\n[[package]]\nname = \"aws_lambda_events\"\nversion = \"1.2.1\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n[[package]]\nname = \"lambda_runtime\"\nversion = \"0.11.3\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n[[package]]\nname = \"photos\"\nversion = \"0.1.0\"\ndependencies = [\n \"aws_lambda_events\",\n \"lambda_runtime\",\n]\n",
        )
        .run(&["check"])
        .ok();
}
