//! Issue 19: what broke or misled a newcomer building a small photo app
//! from the README (a user pool whose sign-up rejects disposable domains
//! and adds users to a group, an S3 trigger on `uploads/*.jpg`, a DynamoDB
//! stream trigger), each class tested through the real binary. The cases
//! without a build are in `cases.rs`; `invoke`'s, which build the crates,
//! are here.

mod cases;

use std::path::Path;

use crate::case;
use crate::support::{self, cmd, run_with};

/// A pool's sign-up settings: by default the email its modules judge is
/// required (and `new` says so, with the AWS SDK's long first build);
/// given as resource keys they are exported as such; AWS's translator and
/// linter accept both templates.
#[test]
fn pools_get_what_their_triggers_depend_on() {
    let case = case!();
    case.run(&[
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
    .named("new")
    .ok();
    case.run(&[
        "new",
        "--source",
        "cognito",
        "--event",
        "pre-sign-up",
        "--module",
        "email-allow-list",
        "--set",
        "DOMAIN_ALLOW_LIST=example.com",
        "--user-pool",
        "staff",
        "--username-attributes",
        "email",
        "--required-attributes",
        "email,name",
        "--auto-verified-attributes",
        "email",
        "--password-min-length",
        "12",
        "--mfa",
        "OPTIONAL",
    ])
    .named("explicit")
    .ok();
    // Required attributes that leave out what a module judges: a warning.
    case.run(&[
        "new",
        "--source",
        "cognito",
        "--event",
        "pre-sign-up",
        "--module",
        "email-allow-list",
        "--set",
        "DOMAIN_ALLOW_LIST=example.com",
        "--user-pool",
        "guests",
        "--required-attributes",
        "name",
        "--dry-run",
    ])
    .named("without-email")
    .ok();
    case.run(&["export", "-o", "template.yaml"]).named("sam").ok();
    support::validate_template(&case.path().join("template.yaml"));
    case.run(&["export", "--format", "cloudformation", "-o", "cfn.yaml", "-q"])
        .named("cloudformation")
        .ok();
    support::validate_template(&case.path().join("cfn.yaml"));
}

/// `cargo trigger …` in `ws`, building into the shared target.
fn trigger(ws: &Path, args: &[&str]) -> support::Run {
    let mut c = cmd(ws, args);
    c.env("CARGO_TARGET_DIR", support::shared_target());
    run_with(c, ws)
}

/// The photo app, with the generated crates' lock file.
fn photo_app() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    support::new(
        ws,
        &[
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--module",
            "email-deny-list",
            "--set",
            "DOMAIN_DENY_LIST=mailinator.com",
            "--user-pool",
            "users",
        ],
    );
    support::new(
        ws,
        &[
            "--source", "s3", "--bucket", "photos", "--prefix", "uploads/", "--suffix", ".jpg",
        ],
    );
    support::new(ws, &["--source", "dynamodb", "--table", "photo-index"]);
    support::use_generated_lock(ws);
    dir
}

/// `invoke` without `--event` runs the crate's own sample and says which;
/// DynamoDB's generated events fit the scaffold's `Item`; a failed record
/// is named and exits 1; an event of another type says so; records S3
/// would not deliver are left out.
#[test]
fn invoke_as_a_newcomer_runs_it() {
    // Generated crates of one name share `target/debug/NAME` in the shared
    // target: one test at a time builds and runs them.
    let _turn = support::shared_target_lock();
    let dir = photo_app();
    let ws = dir.path();
    let r = trigger(ws, &["invoke", "photo-index-dynamodb-trigger"]).success();
    assert!(
        r.stderr
            .contains("Reading `triggers/photo-index-dynamodb-trigger/events/insert.json` (the crate's sample event)"),
        "{}",
        r.stderr
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap(),
        serde_json::json!({"batchItemFailures": []})
    );
    for kind in ["insert", "modify", "remove"] {
        trigger(ws, &["invoke", "photo-index-dynamodb-trigger", "--event", kind]).success();
    }

    // A record whose image does not fit `Item`: Lambda would retry it.
    let bad = trigger(
        ws,
        &[
            "event",
            "--for",
            "photo-index-dynamodb-trigger",
            "modify",
            "--new-image",
            r#"{"id": "p-9"}"#,
            "--records",
            "2",
        ],
    )
    .success();
    std::fs::write(ws.join("bad.json"), &bad.stdout).unwrap();
    let r = trigger(ws, &["invoke", "photo-index-dynamodb-trigger", "--event", "bad.json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "error: `photo-index-dynamodb-trigger` reported 1 failed record: record [0] (`100000000000000000001`)"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.contains("\"itemIdentifier\": \"100000000000000000001\""),
        "{}",
        r.stdout
    );

    // The Cognito crate's own sample is its first trigger source's.
    let r = trigger(ws, &["invoke", "users-pre-sign-up"]).success();
    assert!(
        r.stderr
            .contains("Reading `triggers/users-pre-sign-up/events/PreSignUp_SignUp.json`"),
        "{}",
        r.stderr
    );
    // An S3 event piped into the Cognito function: its handler never ran.
    let s3 = trigger(ws, &["event", "s3"]).success();
    std::fs::write(ws.join("s3.json"), &s3.stdout).unwrap();
    let r = trigger(ws, &["invoke", "users-pre-sign-up", "--event", "s3.json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "error: the event does not match `users-pre-sign-up`'s event type, so its handler never ran: missing field"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("help: `cargo trigger event --for users-pre-sign-up` prints an event of its type"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("the handler's own error"), "{}", r.stderr);

    // Two records, one outside `uploads/*.jpg`: it is left out, with a warning.
    let two = trigger(ws, &["event", "--for", "photos-s3-trigger", "--records", "2"]).success();
    let mut v: serde_json::Value = serde_json::from_str(&two.stdout).unwrap();
    v["Records"][1]["s3"]["object"]["key"] = "thumbs/x.png".into();
    std::fs::write(ws.join("two.json"), v.to_string()).unwrap();
    let r = trigger(ws, &["invoke", "photos-s3-trigger", "--event", "two.json"]).success();
    assert!(
        r.stderr.contains(
            "warning: S3 would never deliver record [1] to the binding `photos` on s3:ObjectCreated:*, s3:ObjectRemoved:*, prefix `uploads/`, suffix `.jpg`: its key `thumbs/x.png` does not start with `uploads/`"
        ),
        "{}",
        r.stderr
    );
    let out: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(out["created"].as_array().map(Vec::len), Some(1), "{out}");

    // The sample gone: a generated event, said so.
    std::fs::remove_file(ws.join("triggers/photos-s3-trigger/events/put.json")).unwrap();
    let r = trigger(ws, &["invoke", "photos-s3-trigger"]).success();
    assert!(
        r.stderr.contains(
            "note: `triggers/photos-s3-trigger/events/put.json` is missing: invoking with a generated event (`cargo trigger event --for photos-s3-trigger`)"
        ),
        "{}",
        r.stderr
    );
}

/// Queues, topics and buses loop too: a function allowed to send to the
/// queue, publish to the topic or put events on the bus that triggers it
/// is warned of by `grant` and `check`; reading its own queue is not.
#[test]
fn queues_topics_and_buses_that_trigger_their_writer() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    support::new(ws, &["--source", "sqs", "--queue", "jobs"]);
    support::new(ws, &["--source", "sns", "--topic", "news"]);
    support::new(
        ws,
        &[
            "--source",
            "eventbridge",
            "--bus",
            "orders",
            "--pattern",
            r#"{"source": ["acme.orders"]}"#,
        ],
    );
    let loops = |r: &support::Run, krate: &str| r.stderr.contains(&format!("warning: `{krate}` may write to"));

    let r = support::run(
        ws,
        &["grant", "jobs-sqs-trigger", "--resource", "jobs", "--access", "read"],
    )
    .success();
    assert!(!loops(&r, "jobs-sqs-trigger"), "{}", r.stderr);
    support::run(ws, &["revoke", "-q", "jobs-sqs-trigger", "--resource", "jobs"]).success();
    for (krate, resource, access) in [
        ("jobs-sqs-trigger", "jobs", "send"),
        ("news-sns-trigger", "news", "publish"),
        ("acme-orders-eventbridge-trigger", "orders", "put-events"),
    ] {
        let r = support::run(ws, &["grant", krate, "--resource", resource, "--access", access]).success();
        assert!(loops(&r, krate), "{krate}: {}", r.stderr);
    }
    let r = support::run(ws, &["check"]).success();
    assert!(r.stderr.contains("0 errors, 3 warnings"), "{}", r.stderr);
    for krate in [
        "jobs-sqs-trigger",
        "news-sns-trigger",
        "acme-orders-eventbridge-trigger",
    ] {
        assert!(loops(&r, krate), "{krate}: {}", r.stderr);
    }
}
