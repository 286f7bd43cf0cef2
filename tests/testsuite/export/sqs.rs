//! SQS in exported templates (`tests/testsuite/export/sqs_*/`): managed
//! standard and FIFO queues (encrypted, each with a dead-letter queue and a
//! redrive policy), a queue with its own KMS key, existing queues by ARN
//! and declared by ARN, grants on queues; SAM and plain CloudFormation,
//! each translated and linted by AWS's tools, the policies naming exact
//! ARNs.

use serde_json::{Value, json};

use super::statements;
use crate::case;
use crate::support::case::{Case, Failures};
use crate::support::{self, read};

const KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/// Every kind of queue binding, and grants on queues.
fn queues(case: Case) -> Case {
    case.setup(&["new", "--source", "sqs", "--queue", "jobs"])
        .setup(&[
            "new",
            "--source",
            "sqs",
            "--queue",
            "orders",
            "--fifo",
            "--resource-name",
            "acme-orders",
            "--max-receive-count",
            "3",
        ])
        .setup(&[
            "new",
            "ingest",
            "--source",
            "sqs",
            "--queue",
            "events",
            "--batch-size",
            "500",
            "--batching-window-seconds",
            "20",
            "--maximum-concurrency",
            "50",
            "--report-batch-item-failures",
            "false",
            "--visibility-timeout-seconds",
            "900",
            "--kms-key-arn",
            KEY,
        ])
        .setup(&[
            "new",
            "--source",
            "sqs",
            "--arn",
            "arn:aws:sqs:eu-west-1:123456789012:legacy.fifo",
        ])
        .setup(&["grant", "jobs-sqs-trigger", "--resource", "orders", "--access", "send"])
        .setup(&[
            "grant",
            "orders-sqs-trigger",
            "--resource",
            "events",
            "--access",
            "read-write",
        ])
        .setup(&[
            "grant",
            "ingest",
            "--arn",
            "arn:aws:sqs:eu-west-1:123456789012:audit",
            "--action",
            "sqs:SendMessage",
        ])
}

#[test]
fn sqs_templates() {
    let case = queues(case!());
    // An existing queue declared by ARN with its KMS key and visibility:
    // the mapping decrypts with its key.
    let root = case.path().join("Cargo.toml");
    let text = std::fs::read_to_string(&root).unwrap();
    std::fs::write(
        &root,
        format!(
            "{text}\n[workspace.metadata.trigger.resources.partner]\ntype = \"sqs-queue\"\narn = \"arn:aws:sqs:us-east-1:210987654321:partner-feed\"\nkms-key-arn = \"arn:aws:kms:us-east-1:210987654321:key/feedfeed-0000-1111-2222-333344445555\"\nvisibility-timeout-seconds = 300\n"
        ),
    )
    .unwrap();
    let case = case.setup(&["wire", "jobs-sqs-trigger", "--queue", "partner"]);
    let mut failures = Failures::default();
    failures.add(case.run(&["list"]).named("list").check(0));
    failures.add(case.run(&["list", "--format", "json"]).named("list-json").check(0));
    failures.add(case.run(&["check"]).named("check").check(0));
    failures.add(case.run(&["export"]).named("export-sam").check(0));
    failures.add(
        case.run(&["export", "--format", "cloudformation"])
            .named("export-cloudformation")
            .check(0),
    );
    failures.finish();

    let case = case
        .setup(&["export", "-o", "t.yaml"])
        .setup(&["export", "--format", "cloudformation", "-o", "t.json"]);
    let ws = case.path();
    support::validate_template(&ws.join("t.yaml"));
    support::validate_template(&ws.join("t.json"));
    let t: Value = serde_json::from_str(&read(ws, "t.json")).unwrap();
    let res = &t["Resources"];
    // Managed queues: encrypted, with a dead-letter queue.
    assert_eq!(res["JobsQueue"]["Properties"]["SqsManagedSseEnabled"], json!(true));
    assert_eq!(
        res["JobsQueue"]["Properties"]["RedrivePolicy"],
        json!({"deadLetterTargetArn": {"Fn::GetAtt": ["JobsQueueDeadLetter", "Arn"]}, "maxReceiveCount": 5})
    );
    assert_eq!(res["OrdersQueue"]["Properties"]["QueueName"], json!("acme-orders.fifo"));
    assert_eq!(res["OrdersQueue"]["Properties"]["FifoQueue"], json!(true));
    assert_eq!(
        res["OrdersQueueDeadLetter"]["Properties"]["QueueName"],
        json!("acme-orders-dlq.fifo")
    );
    assert_eq!(res["OrdersQueueDeadLetter"]["Properties"]["FifoQueue"], json!(true));
    assert_eq!(res["EventsQueue"]["Properties"]["KmsMasterKeyId"], json!(KEY));
    assert!(res["EventsQueue"]["Properties"].get("SqsManagedSseEnabled").is_none());
    // The mappings.
    let ingest = &res["IngestEvents0Mapping"]["Properties"];
    assert_eq!(ingest["BatchSize"], json!(500));
    assert_eq!(ingest["MaximumBatchingWindowInSeconds"], json!(20));
    assert_eq!(ingest["ScalingConfig"], json!({"MaximumConcurrency": 50}));
    assert!(ingest.get("FunctionResponseTypes").is_none());
    assert!(ingest.get("StartingPosition").is_none());
    let legacy = &res["LegacyFifoSqsTriggerLegacyFifo0Mapping"]["Properties"];
    assert_eq!(
        legacy["EventSourceArn"],
        json!("arn:aws:sqs:eu-west-1:123456789012:legacy.fifo")
    );
    assert_eq!(legacy["FunctionResponseTypes"], json!(["ReportBatchItemFailures"]));

    // Every SQS and KMS statement names exact ARNs.
    let all = statements(&t);
    let on = |action: &str| -> Vec<Value> {
        all.iter()
            .filter(|s| s["Action"].as_array().unwrap().iter().any(|a| a == action))
            .map(|s| s["Resource"].clone())
            .collect()
    };
    for s in &all {
        for a in s["Action"].as_array().unwrap() {
            let a = a.as_str().unwrap();
            if a.starts_with("sqs:") || a.starts_with("kms:") {
                assert_ne!(s["Resource"], json!("*"), "{s}");
            }
        }
    }
    let receive = on("sqs:ReceiveMessage");
    for expected in [
        json!({"Fn::GetAtt": ["JobsQueue", "Arn"]}),
        json!({"Fn::GetAtt": ["OrdersQueue", "Arn"]}),
        json!({"Fn::GetAtt": ["EventsQueue", "Arn"]}),
        json!("arn:aws:sqs:eu-west-1:123456789012:legacy.fifo"),
        json!("arn:aws:sqs:us-east-1:210987654321:partner-feed"),
    ] {
        assert!(
            receive.contains(&expected),
            "no ReceiveMessage on {expected}: {receive:?}"
        );
    }
    let decrypt = on("kms:Decrypt");
    assert!(decrypt.contains(&json!(KEY)), "{decrypt:?}");
    assert!(
        decrypt.contains(&json!(
            "arn:aws:kms:us-east-1:210987654321:key/feedfeed-0000-1111-2222-333344445555"
        )),
        "{decrypt:?}"
    );
    // `send` on `orders`; `read-write` on the KMS-encrypted `events` also
    // makes data keys with its key.
    assert!(on("sqs:SendMessage").contains(&json!({"Fn::GetAtt": ["OrdersQueue", "Arn"]})));
    assert!(on("kms:GenerateDataKey").contains(&json!(KEY)));
    assert!(on("sqs:SendMessage").contains(&json!("arn:aws:sqs:eu-west-1:123456789012:audit")));
    let env = &res["JobsSqsTriggerFunction"]["Properties"]["Environment"]["Variables"];
    assert_eq!(env["ORDERS_QUEUE_URL"], json!({"Ref": "OrdersQueue"}));
}
