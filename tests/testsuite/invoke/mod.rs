//! `cargo trigger invoke`: the real binary against the local Runtime API.

use crate::support;

use std::path::Path;

use support::{cmd, read, run_with};

fn trigger(ws: &Path, args: &[&str]) -> support::Run {
    let mut c = cmd(ws, args);
    c.env("CARGO_TARGET_DIR", support::shared_target());
    run_with(c, ws)
}

/// A generated workspace; the test holds the shared target for as long as
/// it has it (see [`support::shared_target_lock`]).
struct Workspace {
    dir: tempfile::TempDir,
    _shared_target: std::sync::MutexGuard<'static, ()>,
}

impl Workspace {
    fn path(&self) -> &Path {
        self.dir.path()
    }
}

fn workspace() -> Workspace {
    let shared_target = support::shared_target_lock();
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    trigger(ws, &["new", "-q", "--source", "s3", "--bucket", "photos"]).success();
    trigger(
        ws,
        &[
            "new",
            "-q",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--module",
            "email-deny-list",
            "--module",
            "custom",
            "--set",
            "DOMAIN_DENY_LIST=mailinator.com",
            "--user-pool",
            "users",
        ],
    )
    .success();
    support::use_generated_lock(ws);
    Workspace {
        dir,
        _shared_target: shared_target,
    }
}

#[test]
fn an_s3_trigger_answers_with_its_outcome() {
    let dir = workspace();
    let r = trigger(dir.path(), &["invoke", "photos-s3-trigger"]).success();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["created"], serde_json::json!(["my photo (1).jpg"]));
    assert!(
        r.stderr.contains("object created"),
        "the function's logs go to stderr:\n{}",
        r.stderr
    );
    // A delete event, by kind, with timings.
    let r = trigger(
        dir.path(),
        &["invoke", "photos-s3-trigger", "--event", "delete", "--timing"],
    )
    .success();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["removed"].as_array().unwrap().len(), 1);
    let timing = r
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("timing: "))
        .expect("a timing line");
    let t: serde_json::Value = serde_json::from_str(timing).unwrap();
    assert!(t["start_to_response_ms"].as_f64().unwrap() >= t["event_to_response_ms"].as_f64().unwrap());
}

#[test]
fn a_deny_list_rejection_is_an_error_with_its_message() {
    let dir = workspace();
    let ws = dir.path();
    // Allowed by default.
    trigger(ws, &["invoke", "users-pre-sign-up"]).success();
    // Denied: the event from a file.
    let event = trigger(
        ws,
        &["event", "cognito", "PreSignUp_SignUp", "--email", "x@MAILINATOR.com"],
    )
    .success();
    std::fs::write(ws.join("denied.json"), &event.stdout).unwrap();
    let r = trigger(ws, &["invoke", "users-pre-sign-up", "--event", "denied.json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("returned an error"), "{}", r.stderr);
    assert!(
        r.stderr.contains("Invalid email domain: mailinator.com"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stdout, "");
    // --env overrides the crate's settings.
    trigger(
        ws,
        &[
            "invoke",
            "users-pre-sign-up",
            "--event",
            "denied.json",
            "--env",
            "DOMAIN_DENY_LIST=other.org",
        ],
    )
    .success();
}

#[test]
fn a_panicking_handler_is_an_error_not_a_hang() {
    let dir = workspace();
    let ws = dir.path();
    let custom = ws.join("triggers/users-pre-sign-up/src/modules/custom.rs");
    let text = read(ws, "triggers/users-pre-sign-up/src/modules/custom.rs")
        .replace("let _ = event;", "let _ = event;\n        panic!(\"boom in custom\");");
    std::fs::write(&custom, text).unwrap();
    let r = trigger(ws, &["invoke", "users-pre-sign-up", "--timeout", "20"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("boom in custom"), "{}", r.stderr);
}

#[test]
fn a_binary_that_never_asks_for_its_event_times_out() {
    let dir = workspace();
    let ws = dir.path();
    std::fs::write(
        ws.join("triggers/photos-s3-trigger/src/main.rs"),
        "fn main() {\n    std::thread::sleep(std::time::Duration::from_secs(600));\n}\n",
    )
    .unwrap();
    // Built first, as invoke builds it, so that the time below is the run's
    // alone: in the one test binary, other tests' cargo runs can hold the
    // shared target's lock for minutes.
    let built = std::process::Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args([
            "build",
            "-q",
            "-p",
            "photos-s3-trigger",
            "--bin",
            "photos-s3-trigger",
            "--manifest-path",
        ])
        .arg(ws.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", support::shared_target())
        .status()
        .unwrap();
    assert!(built.success());
    let started = std::time::Instant::now();
    let r = trigger(ws, &["invoke", "photos-s3-trigger", "--timeout", "2"]);
    assert_eq!(r.code, 101, "{}", r.stderr);
    assert!(r.stderr.contains("timed out after 2 s"), "{}", r.stderr);
    // The function sleeps 600 s: ending before that means invoke stopped it
    // (the build before it can take minutes on a loaded machine).
    assert!(started.elapsed().as_secs() < 590);
}

#[test]
fn a_function_that_dies_at_start_is_reported() {
    let dir = workspace();
    let ws = dir.path();
    // The deny list setting removed: the module cannot start.
    let m = ws.join("triggers/users-pre-sign-up/Cargo.toml");
    let text = std::fs::read_to_string(&m)
        .unwrap()
        .replace("DOMAIN_DENY_LIST = \"mailinator.com\"\n", "");
    std::fs::write(&m, text).unwrap();
    let r = trigger(ws, &["invoke", "users-pre-sign-up"]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("DOMAIN_DENY_LIST is not set"), "{}", r.stderr);
}

mod cases;
mod sqs;
mod streams;
