//! AWS's Serverless Rules (cfn-lint-serverless) on exported templates: a
//! workspace with one function per source and default settings exports
//! templates without a finding, through the safe defaults `export` adds.

use serde_json::Value;

use super::statements;
use crate::support::{self, new, read, run};

/// One trigger per source (and each kind of binding), all with defaults.
fn every_source() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    std::fs::write(ws.join("Cargo.toml"), "[workspace]\nresolver = \"3\"\nmembers = []\n").unwrap();
    for args in [
        &["--source", "s3", "--bucket", "photos"][..],
        &["--source", "s3", "--arn", "arn:aws:s3:::legacy-uploads"],
        &["--source", "dynamodb", "--table", "todos"],
        &["--source", "kinesis", "--stream", "clicks"],
        &["--source", "sqs", "--queue", "jobs"],
        &["--source", "sns", "--topic", "alerts"],
        &["--source", "eventbridge", "--pattern", r#"{"source": ["acme.orders"]}"#],
        &["--source", "eventbridge", "--schedule", "rate(1 hour)"],
        &["--source", "cognito", "--event", "pre-sign-up", "--user-pool", "users"],
    ] {
        new(ws, args);
    }
    dir
}

#[test]
fn templates_of_every_source_with_defaults_have_no_serverless_rules_finding() {
    let dir = every_source();
    let ws = dir.path();
    for (file, format) in [("template.yaml", "sam"), ("cfn.json", "cloudformation")] {
        run(ws, &["export", "--format", format, "-o", file]).success();
        let text = support::validate_template(&ws.join(file));
        assert!(text.contains(" 0 serverless findings"), "{text}");
        assert_eq!(support::serverless_findings(&text), Vec::<String>::new(), "{file}");
    }
}

fn export_json(ws: &std::path::Path, format: &str) -> Value {
    run(ws, &["export", "--format", format, "-o", "t.json"]).success();
    serde_json::from_str(&read(ws, "t.json")).unwrap()
}

#[test]
fn safe_defaults_and_their_overrides() {
    let dir = every_source();
    let ws = dir.path();
    // cargo-lambda's own keys override retention and tracing per function.
    let m = ws.join("triggers/jobs-sqs-trigger/Cargo.toml");
    let text = std::fs::read_to_string(&m).unwrap();
    std::fs::write(
        &m,
        format!("{text}\n[package.metadata.lambda.deploy]\nlog_retention = 7\ntracing = \"PassThrough\"\n"),
    )
    .unwrap();
    let t = export_json(ws, "sam");
    let res = &t["Resources"];
    assert_eq!(res["TodosDynamodbTriggerLogGroup"]["Properties"]["RetentionInDays"], 30);
    assert_eq!(res["TodosDynamodbTriggerFunction"]["Properties"]["Tracing"], "Active");
    assert_eq!(res["JobsSqsTriggerLogGroup"]["Properties"]["RetentionInDays"], 7);
    assert_eq!(res["JobsSqsTriggerFunction"]["Properties"]["Tracing"], "PassThrough");

    // A stream mapping's failures go to the function's own encrypted queue.
    let queue = &res["TodosDynamodbTriggerFailureQueue"];
    assert_eq!(queue["Type"], "AWS::SQS::Queue");
    assert_eq!(queue["Properties"]["SqsManagedSseEnabled"], true);
    let todos = &res["TodosDynamodbTriggerFunction"]["Properties"]["Events"]["Todos0"]["Properties"];
    assert_eq!(
        todos["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0],
        "TodosDynamodbTriggerFailureQueue"
    );
    // Asynchronous triggers get an on-failure destination.
    for f in [
        "PhotosS3Trigger",
        "AlertsSnsTrigger",
        "AcmeOrdersEventbridgeTrigger",
        "ScheduleEventbridgeTrigger",
        "LegacyUploadsS3Trigger",
    ] {
        let c = &res[format!("{f}Function")]["Properties"]["EventInvokeConfig"];
        assert_eq!(
            c["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0],
            format!("{f}FailureQueue"),
            "{f}"
        );
    }
    // Queue-polled and synchronous functions need none.
    assert!(res.get("JobsSqsTriggerFailureQueue").is_none());
    assert!(res.get("UsersPreSignUpFailureQueue").is_none());
    // Only the function's own rule may use its queue as a dead-letter queue.
    let policy = &res["AcmeOrdersEventbridgeTriggerFailureQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"][0];
    assert_eq!(policy["Principal"]["Service"], "events.amazonaws.com");
    assert_eq!(
        policy["Condition"]["ArnEquals"]["aws:SourceArn"][0]["Fn::GetAtt"][0],
        "AcmeOrdersEventbridgeTriggerFunctionRule0"
    );

    // Managed resources: encrypted, recoverable, TLS only.
    assert_eq!(
        res["ClicksStream"]["Properties"]["StreamEncryption"]["EncryptionType"],
        "KMS"
    );
    assert_eq!(
        res["TodosTable"]["Properties"]["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"],
        true
    );
    let deny = &res["PhotosBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"][0];
    assert_eq!(deny["Effect"], "Deny");
    assert_eq!(deny["Condition"]["Bool"]["aws:SecureTransport"], "false");

    // Least privilege: sending to a failure queue is allowed on exactly it.
    let cfn = export_json(ws, "cloudformation");
    let sends: Vec<Value> = statements(&cfn)
        .into_iter()
        .filter(|s| s["Action"].as_array().unwrap().iter().any(|x| x == "sqs:SendMessage"))
        .collect();
    assert!(!sends.is_empty());
    for s in &sends {
        assert_eq!(s["Action"], serde_json::json!(["sqs:SendMessage"]), "{s}");
        let r = &s["Resource"];
        let id = r["Fn::GetAtt"][0].as_str().unwrap_or_else(|| panic!("{s}"));
        assert!(id.ends_with("FailureQueue"), "{s}");
    }
    let cfg = &cfn["Resources"]["PhotosS3TriggerInvokeConfig"]["Properties"];
    assert_eq!(cfg["Qualifier"], "$LATEST");
}

/// The workspace with every Cognito event, existing resources and
/// non-default settings has none either.
#[test]
fn the_everything_workspace_has_no_serverless_rules_finding() {
    let dir = super::everything();
    let ws = dir.path();
    for (file, format) in [("template.yaml", "sam"), ("cfn.json", "cloudformation")] {
        run(ws, &["export", "--format", format, "-o", file]).success();
        let text = support::validate_template(&ws.join(file));
        assert_eq!(support::serverless_findings(&text), Vec::<String>::new(), "{file}");
    }
}
