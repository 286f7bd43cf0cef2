//! `invoke` runs a generated SQS trigger's real binary on its sample
//! events and on `cargo trigger event sqs` output: a good batch reports no
//! failure; a bad message is reported alone on a standard queue, with the
//! rest of the batch on a FIFO queue.

use serde_json::{Value, json};

use super::trigger;
use crate::support;

fn failures(stdout: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    v["batchItemFailures"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .iter()
        .map(|f| f["itemIdentifier"].as_str().unwrap().to_string())
        .collect()
}

fn ids(event: &Value) -> Vec<String> {
    event["Records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["messageId"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn sqs_triggers_report_their_failed_messages() {
    // Generated crates of one name share `target/debug/NAME` in the shared
    // target: one test at a time builds and runs them.
    let _turn = support::shared_target_lock();
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    trigger(ws, &["new", "-q", "--source", "sqs", "--queue", "jobs"]).success();
    trigger(ws, &["new", "-q", "--source", "sqs", "--queue", "orders", "--fifo"]).success();
    support::use_generated_lock(ws);

    // The crate's own sample: every message handled.
    let r = trigger(ws, &["invoke", "jobs-sqs-trigger"]).success();
    assert_eq!(failures(&r.stdout), Vec::<String>::new(), "{}", r.stdout);
    assert!(
        r.stderr.contains("message"),
        "the function's logs go to stderr:\n{}",
        r.stderr
    );

    // A batch with a bad body in the middle, from `cargo trigger event`.
    for (krate, fifo) in [("jobs-sqs-trigger", false), ("orders-sqs-trigger", true)] {
        let r = trigger(
            ws,
            &[
                "event",
                "--for",
                krate,
                "--body",
                r#"{"id": "a", "action": "x"}"#,
                "--body",
                "not json",
                "--body",
                r#"{"id": "c", "action": "z"}"#,
            ],
        )
        .success();
        let event: Value = serde_json::from_str(&r.stdout).unwrap();
        std::fs::write(ws.join("batch.json"), &r.stdout).unwrap();
        let ids = ids(&event);
        // Failed records are named on stderr, and the run exits 1.
        let r = trigger(ws, &["invoke", krate, "--event", "batch.json"]);
        assert_eq!(r.code, 1, "{krate}: {}", r.stderr);
        assert!(r.stderr.contains("failed record"), "{krate}: {}", r.stderr);
        // What Lambda and SQS would do with them, from the queue's settings.
        assert!(
            r.stderr.contains(&format!(
                "help: Lambda would delete the rest and leave only the messages reported in `{}`: they come back after the queue's visibility timeout (180 s), and after 5 receives SQS moves a message to the queue's dead-letter queue; the function's logs above say why it failed",
                krate.trim_end_matches("-sqs-trigger")
            )),
            "{krate}: {}",
            r.stderr
        );
        let expected = if fifo { ids[1..].to_vec() } else { vec![ids[1].clone()] };
        assert_eq!(failures(&r.stdout), expected, "{krate}: {}", r.stdout);
        assert_eq!(
            serde_json::from_str::<Value>(&r.stdout).unwrap()["batchItemFailures"][0],
            json!({"itemIdentifier": ids[1]})
        );
    }
}

/// The mapping's filter criteria apply before the function sees a batch:
/// `invoke` drops the messages no filter matches, saying why; a batch with
/// none left is not delivered (nor built); `event --for` says what they
/// would drop.
#[test]
fn invoke_applies_the_filter_criteria_before_the_function_sees_the_batch() {
    // Generated crates of one name share `target/debug/NAME` in the shared
    // target: one test at a time builds and runs them.
    let _turn = support::shared_target_lock();
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    trigger(
        ws,
        &[
            "new",
            "-q",
            "--source",
            "sqs",
            "--queue",
            "jobs",
            "--filter",
            r#"{"body": {"action": ["x"]}}"#,
        ],
    )
    .success();
    support::use_generated_lock(ws);

    // A batch as the queue holds it (not through the filter).
    let r = trigger(
        ws,
        &[
            "event",
            "sqs",
            "--queue",
            "jobs",
            "--body",
            r#"{"id": "a", "action": "x"}"#,
            "--body",
            "not json",
            "--body",
            r#"{"id": "c", "action": "z"}"#,
        ],
    )
    .success();
    let batch: Value = serde_json::from_str(&r.stdout).unwrap();
    let all = ids(&batch);
    std::fs::write(ws.join("batch.json"), &r.stdout).unwrap();
    let r = trigger(ws, &["invoke", "jobs-sqs-trigger", "--event", "batch.json"]).success();
    assert_eq!(failures(&r.stdout), Vec::<String>::new(), "{}", r.stdout);
    for says in [
        format!(
            "warning: the mapping of queue `jobs` filters out record [1] of 3 (`{}`): `body` is not JSON (`not json`) and the filter matches keys inside it, so Lambda drops the record",
            all[1]
        ),
        format!(
            "warning: the mapping of queue `jobs` filters out record [2] of 3 (`{}`): `body.action` is `\"z\"`, the filter wants one of `\"x\"`",
            all[2]
        ),
    ] {
        assert!(r.stderr.contains(&says), "{says}\n{}", r.stderr);
    }
    assert!(!r.stderr.contains("record [0]"), "{}", r.stderr);

    // Nothing left: not delivered, not built.
    let mut none = batch.clone();
    none["Records"] = json!([batch["Records"][2]]);
    std::fs::write(ws.join("none.json"), none.to_string()).unwrap();
    let r = trigger(ws, &["invoke", "jobs-sqs-trigger", "--event", "none.json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "`jobs-sqs-trigger`'s bindings would not deliver this event, so it was not invoked: the mapping of queue `jobs` filters out record [0] of 1"
        ),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("Building"), "{}", r.stderr);
    assert_eq!(r.stdout, "");

    // The crate's own sample (its tests' messages) is not what the filter
    // passes: `invoke` says so; `event --for` without fields gives one that
    // passes, which runs.
    let r = trigger(ws, &["invoke", "jobs-sqs-trigger"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("help: change the event (or the binding's filter), or pass the event to `--event` as the source would deliver it (`cargo trigger event --for jobs-sqs-trigger` prints one that passes the filters where it can)"),
        "{}",
        r.stderr
    );
    let r = trigger(ws, &["event", "--for", "jobs-sqs-trigger", "--records", "2"]).success();
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    let fitted: Value = serde_json::from_str(&r.stdout).unwrap();
    for record in fitted["Records"].as_array().unwrap() {
        let body: Value = serde_json::from_str(record["body"].as_str().unwrap()).unwrap();
        assert_eq!(body["action"], "x", "{body}");
    }
    std::fs::write(ws.join("fitted.json"), &r.stdout).unwrap();
    let r = trigger(ws, &["invoke", "jobs-sqs-trigger", "--event", "fitted.json"]).success();
    assert_eq!(failures(&r.stdout), Vec::<String>::new(), "{}", r.stdout);
    assert!(!r.stderr.contains("filters out"), "{}", r.stderr);

    // `event --for` prints the event as asked for, and says what the
    // mapping would drop of it.
    let r = trigger(
        ws,
        &[
            "event",
            "--for",
            "jobs-sqs-trigger",
            "--body",
            r#"{"action": "x"}"#,
            "--body",
            r#"{"action": "y"}"#,
        ],
    )
    .success();
    let printed: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(printed["Records"].as_array().unwrap().len(), 2, "{}", r.stdout);
    assert!(
        r.stderr
            .contains("warning: the mapping of queue `jobs` filters out record [1] of 2"),
        "{}",
        r.stderr
    );
    let r = trigger(
        ws,
        &["event", "--for", "jobs-sqs-trigger", "--body", r#"{"action": "y"}"#],
    )
    .success();
    assert!(
        r.stderr.contains(
            "warning: `jobs-sqs-trigger`'s bindings would not deliver this event, so `invoke` would not run it: the mapping of queue `jobs` filters out record [0] of 1"
        ),
        "{}",
        r.stderr
    );
}
