//! `invoke` on EventBridge crates: a rule's pattern is applied first, as
//! EventBridge would, so an event it does not match is reported with the
//! key that failed and the function is not run; a matching event and a
//! schedule's event run the real binary.

use std::path::Path;

use crate::support::{self, cmd, run_with};

fn trigger(ws: &Path, args: &[&str]) -> support::Run {
    let mut c = cmd(ws, args);
    c.env("CARGO_TARGET_DIR", support::shared_target());
    run_with(c, ws)
}

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    support::new(
        ws,
        &[
            "shipped",
            "--source",
            "eventbridge",
            "--bus",
            "orders",
            "--pattern",
            r#"{"source": ["acme.orders"], "detail": {"status": ["shipped"], "total": [{"numeric": [">=", 100]}]}}"#,
        ],
    );
    support::new(
        ws,
        &[
            "nightly",
            "--source",
            "eventbridge",
            "--schedule",
            "cron(30 2 * * ? *)",
            "--timezone",
            "Europe/Berlin",
        ],
    );
    support::use_generated_lock(ws);
    dir
}

#[test]
fn an_event_the_rule_does_not_match_is_not_delivered() {
    // Generated crates of one name share `target/debug/NAME` in the shared
    // target: one test at a time builds and runs them.
    let _turn = support::shared_target_lock();
    let dir = workspace();
    let ws = dir.path();
    for (detail, why) in [
        (
            r#"{"status": "pending", "total": 150}"#,
            "`detail.status` is `\"pending\"`, the pattern wants one of `\"shipped\"`",
        ),
        (
            r#"{"status": "shipped", "total": 20}"#,
            "`detail.total` is `20`, the pattern wants",
        ),
        (r#"{"status": "shipped"}"#, "`detail.total` is missing"),
    ] {
        let event = trigger(ws, &["event", "--for", "shipped", "--detail", detail]).success();
        std::fs::write(ws.join("event.json"), &event.stdout).unwrap();
        let r = trigger(ws, &["invoke", "shipped", "--event", "event.json"]);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(
            r.stderr.contains(
                "would not deliver this event, so it was not invoked: the rule on event bus `orders` does not match it:"
            ),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains(why), "{why}:\n{}", r.stderr);
        // Nothing was built or run.
        assert!(!r.stderr.contains("Building"), "{}", r.stderr);
        assert_eq!(r.stdout, "");
    }
    // A schedule's event is not what the rule matches either.
    let r = trigger(ws, &["invoke", "shipped", "--event", "scheduled"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("`source` is `\"aws.scheduler\"`"), "{}", r.stderr);
}

#[test]
fn a_matching_event_and_a_scheduled_run_reach_the_function() {
    // Generated crates of one name share `target/debug/NAME` in the shared
    // target: one test at a time builds and runs them.
    let _turn = support::shared_target_lock();
    let dir = workspace();
    let ws = dir.path();
    // The crate's own sample matches its pattern.
    let r = trigger(ws, &["invoke", "shipped"]).success();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(v["id"].is_string(), "{v}");
    assert!(r.stderr.contains("event id="), "the function's log:\n{}", r.stderr);
    // One from stdin, as a producer would send it.
    let event = trigger(
        ws,
        &[
            "event",
            "eventbridge",
            "--event-source",
            "acme.orders",
            "--detail-type",
            "Order Shipped",
            "--detail",
            r#"{"order-id": "o-9", "amount": 1.5, "currency": "EUR", "status": "shipped", "total": 100}"#,
        ],
    )
    .success();
    let mut c = cmd(ws, &["invoke", "shipped", "--event", "-"]);
    c.env("CARGO_TARGET_DIR", support::shared_target())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), event.stdout.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["detail_type"], "Order Shipped");
    // A schedule always delivers: its first run after the sample epoch.
    let r = trigger(ws, &["invoke", "nightly", "--event", "scheduled"]).success();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["scheduled_time"], "2024-01-02T01:30:00Z");
    assert_eq!(v["attempt"], 1);
    assert_eq!(
        v["schedule_arn"],
        "arn:aws:scheduler:us-east-1:123456789012:schedule/default/nightly"
    );
}
