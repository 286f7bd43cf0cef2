//! `cargo trigger event sqs`: every sample deserialises into
//! `aws_lambda_events::sqs::SqsEvent` and serialises back without losing a
//! field; the samples' digests are SQS's; the cases
//! (`tests/testsuite/event/sqs_*/`) pin the output, `--for` a crate, and
//! every error.

use aws_lambda_events::event::sqs::SqsEvent;
use md5::{Digest as _, Md5};

use super::round_trip;
use crate::case;
use crate::support::case::{Failures, TableCase, table};

#[test]
fn sqs_events_round_trip() {
    let e: SqsEvent = round_trip(&[
        "sqs",
        "--queue",
        "jobs",
        "--body",
        r#"{"id": "1"}"#,
        "--body",
        "plain text",
        "--message-attribute",
        "tenant=acme",
        "--message-attribute",
        "retries:Number=3",
        "--message-attribute",
        "blob:Binary=raw bytes",
        "--records",
        "3",
    ]);
    assert_eq!(e.records.len(), 3);
    let bodies: Vec<&str> = e.records.iter().map(|r| r.body.as_deref().unwrap()).collect();
    assert_eq!(bodies, [r#"{"id": "1"}"#, "plain text", r#"{"id": "1"}"#]);
    let r = &e.records[0];
    assert_eq!(r.event_source.as_deref(), Some("aws:sqs"));
    assert_eq!(
        r.event_source_arn.as_deref(),
        Some("arn:aws:sqs:us-east-1:123456789012:jobs")
    );
    assert_eq!(r.message_attributes["tenant"].string_value.as_deref(), Some("acme"));
    assert_eq!(r.message_attributes["retries"].data_type.as_deref(), Some("Number"));
    assert_eq!(
        r.message_attributes["blob"].binary_value.as_ref().unwrap().0,
        b"raw bytes"
    );
    // The body's digest is its MD5, as SQS computes it.
    for r in &e.records {
        let md5: String = Md5::digest(r.body.as_deref().unwrap().as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(r.md5_of_body.as_deref(), Some(md5.as_str()));
    }
    assert!(!r.attributes.contains_key("MessageGroupId"));
    let ids: std::collections::BTreeSet<_> = e.records.iter().map(|r| r.message_id.clone()).collect();
    assert_eq!(ids.len(), 3, "message ids are distinct");

    let e: SqsEvent = round_trip(&[
        "sqs",
        "messages",
        "--queue",
        "orders.fifo",
        "--group-id",
        "customer-7",
        "--deduplication-id",
        "order-100",
        "--records",
        "2",
    ]);
    let groups: Vec<&str> = e
        .records
        .iter()
        .map(|r| r.attributes["MessageGroupId"].as_str())
        .collect();
    assert_eq!(groups, ["customer-7", "customer-7"]);
    let dedup: Vec<&str> = e
        .records
        .iter()
        .map(|r| r.attributes["MessageDeduplicationId"].as_str())
        .collect();
    assert_eq!(dedup, ["order-100", "order-100-2"]);
    let seq: Vec<u128> = e
        .records
        .iter()
        .map(|r| r.attributes["SequenceNumber"].parse().unwrap())
        .collect();
    assert!(seq[0] < seq[1], "sequence numbers increase within a group: {seq:?}");
    // FIFO flags alone make a FIFO event on an example FIFO queue.
    let e: SqsEvent = round_trip(&["sqs", "--group-id", "g"]);
    assert!(
        e.records[0]
            .event_source_arn
            .as_deref()
            .unwrap()
            .ends_with(":example-queue.fifo")
    );
}

#[test]
fn sqs_digests_are_sqs_md5s() {
    let e: SqsEvent = round_trip(&["sqs", "--body", "abc"]);
    // RFC 1321: MD5("abc").
    assert_eq!(
        e.records[0].md5_of_body.as_deref(),
        Some("900150983cd24fb0d6963f7d28e17f72")
    );
    assert!(e.records[0].md5_of_message_attributes.is_none());
    let a: SqsEvent = round_trip(&["sqs", "--message-attribute", "a=1", "--message-attribute", "b:Number=2"]);
    let b: SqsEvent = round_trip(&["sqs", "--message-attribute", "b:Number=2", "--message-attribute", "a=1"]);
    let digest = a.records[0].md5_of_message_attributes.clone().unwrap();
    assert_eq!(digest.len(), 32);
    assert_eq!(
        Some(digest),
        b.records[0].md5_of_message_attributes,
        "SQS digests attributes by name"
    );
}

#[test]
fn sqs_cases() {
    const CASES: &[TableCase] = &[
        ("sqs", &["event", "sqs"], 0),
        (
            "sqs_fields",
            &[
                "event",
                "sqs",
                "messages",
                "--queue",
                "jobs",
                "--region",
                "eu-west-1",
                "--body",
                r#"{"id": "job-9", "action": "resize"}"#,
                "--message-attribute",
                "tenant=acme",
                "--message-attribute",
                "priority:Number.int=2",
            ],
            0,
        ),
        (
            "sqs_fifo",
            &[
                "event",
                "sqs",
                "--queue",
                "orders.fifo",
                "--group-id",
                "customer-7",
                "--records",
                "2",
            ],
            0,
        ),
        ("error_sqs_kind", &["event", "sqs", "put"], 101),
        ("error_sqs_queue_name", &["event", "sqs", "--queue", "my queue"], 101),
        (
            "error_sqs_group_on_standard",
            &["event", "sqs", "--queue", "jobs", "--group-id", "g"],
            101,
        ),
        (
            "error_sqs_attribute_no_value",
            &["event", "sqs", "--message-attribute", "tenant"],
            101,
        ),
        (
            "error_sqs_attribute_type",
            &["event", "sqs", "--message-attribute", "n:Integer=1"],
            101,
        ),
        (
            "error_sqs_attribute_not_a_number",
            &["event", "sqs", "--message-attribute", "n:Number=many"],
            101,
        ),
        (
            "error_sqs_attribute_reserved_name",
            &["event", "sqs", "--message-attribute", "AWS.trace=1"],
            101,
        ),
    ];
    table("event", "", CASES);
}

/// `--for` a crate takes the queue (its `.fifo`, the resource's physical
/// name, an existing queue's ARN) from the crate's binding.
#[test]
fn sqs_for_a_crate() {
    let case = case!()
        .setup(&["new", "--source", "sqs", "--queue", "jobs"])
        .setup(&[
            "new",
            "--source",
            "sqs",
            "--queue",
            "orders",
            "--fifo",
            "--resource-name",
            "acme-orders",
        ])
        .setup(&[
            "new",
            "--source",
            "sqs",
            "--arn",
            "arn:aws:sqs:eu-west-1:123456789012:legacy",
        ]);
    let mut failures = Failures::default();
    for (stem, args) in [
        ("jobs", &["event", "--for", "jobs-sqs-trigger"][..]),
        (
            "orders",
            &[
                "event",
                "sqs",
                "--for",
                "orders-sqs-trigger",
                "--group-id",
                "customer-7",
            ],
        ),
        ("legacy", &["event", "--for", "legacy-sqs-trigger", "--body", "{}"]),
    ] {
        failures.add(case.run(args).named(stem).check(0));
    }
    failures.finish();
}
