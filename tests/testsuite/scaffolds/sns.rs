//! The SNS scaffold, generated with its defaults and with each kind of
//! binding (a filter policy of each scope, an existing topic, no
//! dead-letter queue, a named topic with its own key), builds and passes
//! its own tests.

use crate::support::{new, read};

use super::{cargo_test, tests_run};

#[test]
fn sns_scaffolds_build_and_pass_their_tests() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    new(ws, &["--source", "sns", "--topic", "orders"]);
    new(
        ws,
        &[
            "stores",
            "--source",
            "sns",
            "--topic",
            "orders",
            "--filter-policy",
            // Quotes, a backslash, braces and backticks must survive the
            // generated Rust docs and README.
            r#"{"store": ["example_corp", "say \"hi\" \\ {{x}} ```"], "price_usd": [{"numeric": [">", 100]}]}"#,
        ],
    );
    new(
        ws,
        &[
            "--source",
            "sns",
            "--arn",
            "arn:aws:sns:eu-west-1:123456789012:legacy-alerts",
            "--filter-policy-scope",
            "MessageBody",
            "--filter-policy",
            r#"{"alarm": {"state": [{"anything-but": "OK"}], "severity": [{"numeric": [">=", 3]}]}}"#,
            "--dead-letter-queue",
            "false",
        ],
    );
    new(
        ws,
        &[
            "--source",
            "sns",
            "--topic",
            "billing",
            "--resource-name",
            "billing-events",
            "--kms-key-arn",
            "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        ],
    );

    let lib = read(ws, "triggers/stores/src/lib.rs");
    assert!(
        lib.contains("//! ````json\n"),
        "a fence longer than the policy's backticks:\n{lib}"
    );
    let lib = read(ws, "triggers/legacy-alerts-sns-trigger/src/lib.rs");
    assert!(lib.contains("(scope `MessageBody`)"), "{lib}");
    let event = read(ws, "triggers/billing-sns-trigger/events/created.json");
    assert!(
        event.contains("\"TopicArn\": \"arn:aws:sns:us-east-1:123456789012:billing-events\""),
        "{event}"
    );

    let output = cargo_test(ws);
    for krate in [
        "orders_sns_trigger",
        "stores",
        "legacy_alerts_sns_trigger",
        "billing_sns_trigger",
    ] {
        let n = tests_run(&output, krate);
        assert!(n >= 3, "{krate}: {n} tests ran, expected at least 3\n{output}");
    }
}
