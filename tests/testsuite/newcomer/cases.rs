//! What a newcomer building a small app from the README trips on (issue
//! 19), case by case through the real binary
//! (`tests/testsuite/newcomer/<case>/`).

use crate::case;
use crate::support::case::Case;

/// A photo app's three triggers: a user pool whose sign-up rejects
/// disposable domains and adds users to a group, an S3 trigger on
/// `uploads/*.jpg` and a DynamoDB stream trigger.
fn photo_app(case: Case) -> Case {
    case.setup(&[
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
        "GROUP=photographers",
        "--user-pool",
        "users",
    ])
    .setup(&[
        "new", "--source", "s3", "--bucket", "photos", "--prefix", "uploads/", "--suffix", ".jpg",
    ])
    .setup(&["new", "--source", "dynamodb", "--table", "photo-index"])
}

/// `check` validates module settings as `--set` does (a missing required
/// one, one its validator refuses) and warns of a pool that does not
/// require the email its modules judge.
#[test]
fn check_catches_what_fails_at_start() {
    case!().run(&["check"]).code(1);
}

/// Typos in Cargo.toml get the closest value.
#[test]
fn check_suggests_for_typos() {
    case!().run(&["check"]).code(1);
}

/// A re-run of `new` with a changed `--set` applies it (and says so); the
/// same value again changes nothing.
#[test]
fn a_changed_set_is_applied() {
    let case = photo_app(case!());
    let again = [
        "new",
        "--source",
        "cognito",
        "--event",
        "post-confirmation",
        "--module",
        "add-to-group",
        "--set",
        "GROUP=editors",
        "--user-pool",
        "users",
    ];
    case.run(&again).named("changed").ok();
    case.run(&again).named("same").ok();
    // Without `--module`: the setting of a module the crate runs.
    case.run(&[
        "new",
        "--source",
        "cognito",
        "--event",
        "pre-sign-up",
        "--set",
        "DOMAIN_DENY_LIST=mailinator.com,.spam.example",
        "--user-pool",
        "users",
    ])
    .named("without-module")
    .ok();
    case.run(&[
        "new",
        "--source",
        "cognito",
        "--event",
        "pre-sign-up",
        "--set",
        "DOMAIN_DENY_LIST=bad domain",
        "--user-pool",
        "users",
    ])
    .named("invalid")
    .code(101);
}

/// `event --for CRATE KIND` without SOURCE; typos of kinds and crates get
/// the closest, and the kinds that fit the crate.
#[test]
fn event_for_a_crate_and_typos() {
    let case = photo_app(case!());
    case.run(&["event", "--for", "photos-s3-trigger", "delete"])
        .named("kind")
        .ok();
    case.run(&["event", "--for", "photos-s3-trigger", "delet"])
        .named("kind-typo")
        .code(101);
    case.run(&["event", "--for", "users-pre-sign-up", "PreSignUp_SignUpp"])
        .named("trigger-source-typo")
        .code(101);
    case.run(&["invoke", "photos-s3-triger"]).named("crate-typo").code(101);
    case.run(&[
        "new",
        "--source",
        "cognito",
        "--event",
        "pre-sign-up",
        "--module",
        "email-deny-lst",
        "--user-pool",
        "users",
    ])
    .named("module-typo")
    .code(101);
    case.run(&[
        "wire",
        "photos-s3-trigger",
        "--bucket",
        "photos",
        "--events",
        "s3:ObjectCreated:Pot",
    ])
    .named("s3-event-typo")
    .code(2);
}

/// The generated DynamoDB events carry the scaffold's `Item`.
#[test]
fn dynamodb_events_fit_the_scaffold() {
    let case = photo_app(case!());
    case.run(&["event", "--for", "photo-index-dynamodb-trigger", "modify"])
        .named("modify")
        .ok();
}

/// An S3 event S3 would never deliver to the binding (a key outside its
/// filter, an event type it is not bound to) does not run the function:
/// nothing is built.
#[test]
fn s3_would_not_deliver_it() {
    let case = photo_app(case!())
        .setup(&[
            "new",
            "created",
            "--source",
            "s3",
            "--bucket",
            "photos",
            "--events",
            "s3:ObjectCreated:*",
            "--prefix",
            "raw/",
        ])
        .file(
            "outside.json",
            r#"{"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "photos"}, "object": {"key": "thumbs/a+b.png", "size": 1}}}]}"#,
        );
    case.run(&["invoke", "photos-s3-trigger", "--event", "outside.json"])
        .named("key")
        .code(1);
    case.run(&["invoke", "created", "--event", "delete"])
        .named("event-type")
        .code(1);
}

/// `--table photos` where `photos` is a bucket: the fix, which works.
#[test]
fn a_name_of_another_kind() {
    let case = photo_app(case!());
    case.run(&["new", "--source", "dynamodb", "--table", "photos"])
        .named("refused")
        .code(101);
    case.run(&[
        "new",
        "--source",
        "dynamodb",
        "--table",
        "photos-table",
        "--resource-name",
        "photos",
    ])
    .named("suggested")
    .ok();
}

/// `export --check` without `-o` checks `template.yaml` at the root, and
/// shows the difference when it is stale.
#[test]
fn export_check_without_output() {
    let case = photo_app(case!());
    case.run(&["export", "--check"]).named("missing").code(1);
    case.run(&["export", "-o", "template.yaml", "-q"]).named("export").ok();
    case.run(&["export", "--check"]).named("fresh").ok();
    case.run(&[
        "wire",
        "photos-s3-trigger",
        "--bucket",
        "photos",
        "--prefix",
        "raw/",
        "-q",
    ])
    .named("wire")
    .ok();
    case.run(&["export", "--check"]).named("stale").code(1);
}

/// A function granted write access to what triggers it: `grant` and
/// `check` warn of the loop; read access is fine.
#[test]
fn recursive_triggers() {
    let case = photo_app(case!());
    case.run(&["grant", "photos-s3-trigger", "--resource", "photos", "--access", "read"])
        .named("read")
        .ok();
    case.run(&["revoke", "photos-s3-trigger", "--resource", "photos", "-q"])
        .named("revoke")
        .ok();
    case.run(&[
        "grant",
        "photos-s3-trigger",
        "--resource",
        "photos",
        "--access",
        "read-write",
    ])
    .named("s3")
    .ok();
    case.run(&[
        "grant",
        "photo-index-dynamodb-trigger",
        "--resource",
        "photo-index",
        "--access",
        "write",
    ])
    .named("dynamodb")
    .ok();
    case.run(&["check"]).named("check").ok();
}
