//! `invoke` on a generated Kinesis trigger whose batch has a bad record:
//! the failure is reported with what the mapping would do about it (retry
//! from the first failed record, as often as the binding allows, then the
//! on-failure destination); filter criteria drop records first.

use serde_json::Value;

use super::trigger;
use crate::support;

#[test]
fn a_failed_stream_record_is_reported_with_the_mapping_s_retries() {
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
            "kinesis",
            "--stream",
            "clicks",
            "--maximum-retry-attempts",
            "3",
            "--bisect-batch-on-function-error",
            "--filter",
            r#"{"data": {"kind": ["click", "bad"]}}"#,
        ],
    )
    .success();
    support::use_generated_lock(ws);
    // Records as the stream holds them: a good one, one whose payload does
    // not fit the handler's type, one the filter drops, another good one.
    let r = trigger(
        ws,
        &[
            "event",
            "kinesis",
            "--stream",
            "clicks",
            "--data",
            r#"{"kind": "click", "id": "1", "action": "open"}"#,
            "--data",
            r#"{"kind": "bad", "id": 2}"#,
            "--data",
            r#"{"kind": "view", "id": "3", "action": "open"}"#,
            "--data",
            r#"{"kind": "click", "id": "4", "action": "open"}"#,
        ],
    )
    .success();
    let event: Value = serde_json::from_str(&r.stdout).unwrap();
    let seq = |i: usize| {
        event["Records"][i]["kinesis"]["sequenceNumber"]
            .as_str()
            .unwrap()
            .to_string()
    };
    std::fs::write(ws.join("batch.json"), &r.stdout).unwrap();
    let r = trigger(ws, &["invoke", "clicks-kinesis-trigger", "--event", "batch.json"]);
    assert!(
        r.stderr.contains(&format!(
            "warning: the mapping of stream `clicks` filters out record [2] of 4 (`{}`): `data.kind` is `\"view\"`",
            seq(2)
        )),
        "{}",
        r.stderr
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "error: `clicks-kinesis-trigger` reported 1 failed record: record [1] (`{}`)",
            seq(1)
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "help: Lambda would retry records [1] to [2] (it checkpoints before the first failed record) up to 3 times, splitting the batch in two on each retry, then send a description of the records that still fail to the function's failure queue (`<Function>FailureQueue` in the exported template), and read on"
        ),
        "{}",
        r.stderr
    );
}
