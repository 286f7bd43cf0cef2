//! The asynchronous invocation options of S3, SNS and EventBridge bindings
//! (`maximum-retry-attempts` 0-2, `maximum-event-age-seconds` 60-21600,
//! `on-failure`, `on-success`): AWS's ranges at both edges and one past,
//! the function's one `EventInvokeConfig`, and the check that a function's
//! bindings agree on it.

use std::path::Path;

use serde_json::{Value, json};

use super::{new_or_nothing, statements, workspace_with};
use crate::support::{self, read, run};

const ROOT: &str = r#"[workspace]
resolver = "3"
members = []

[workspace.metadata.trigger.resources.handled]
type = "sqs-queue"

[workspace.metadata.trigger.resources.alarms]
type = "sns-topic"

[workspace.metadata.trigger.resources.failures]
type = "s3-bucket"
"#;

fn workspace() -> tempfile::TempDir {
    workspace_with(ROOT)
}

/// `new` of a S3 trigger with `args`: its exit code and stderr; a
/// refusal writes nothing.
fn new_s3(ws: &Path, args: &[&str]) -> (i32, String) {
    let mut full = vec!["--source", "s3", "--bucket", "photos"];
    full.extend_from_slice(args);
    new_or_nothing(ws, ROOT, &full)
}

#[test]
fn each_option_takes_aws_s_range_at_both_edges_and_refuses_one_past() {
    for (flag, edges, past) in [
        ("--maximum-retry-attempts", ["0", "2"], ["-1", "3"]),
        ("--maximum-event-age-seconds", ["60", "21600"], ["59", "21601"]),
    ] {
        for v in edges {
            let dir = workspace();
            let (code, stderr) = new_s3(dir.path(), &[flag, v]);
            assert_eq!(code, 0, "{flag} {v}: {stderr}");
            let key = flag.trim_start_matches("--");
            let m = read(dir.path(), "triggers/photos-s3-trigger/Cargo.toml");
            assert!(m.contains(&format!("{key} = {v}\n")), "{m}");
        }
        for v in past {
            let dir = workspace();
            let (code, stderr) = new_s3(dir.path(), &[flag, v]);
            assert_eq!(code, 101, "{flag} {v}: {stderr}");
            assert!(stderr.contains(&format!("`{flag} {v}` is out of range")), "{stderr}");
            assert!(stderr.contains("help: Lambda "), "{stderr}");
        }
    }
    // The event age is an asynchronous option; streams have a record age.
    let dir = workspace();
    let r = run(
        dir.path(),
        &[
            "new",
            "-q",
            "--source",
            "kinesis",
            "--stream",
            "clicks",
            "--maximum-event-age-seconds",
            "60",
        ],
    );
    assert_eq!(r.code, 101, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("`--maximum-event-age-seconds` does not apply to a `kinesis` trigger"),
        "{}",
        r.stderr
    );
}

#[test]
fn destinations_name_a_declared_resource_or_an_arn() {
    for (args, ok) in [
        (["--on-failure", "failures"], true),
        (["--on-failure", "arn:aws:s3:::acme-failures"], true),
        (["--on-success", "handled"], true),
        (["--on-success", "arn:aws:sns:eu-west-1:123456789012:done"], true),
        (["--on-success", "arn:aws:s3:::acme-done"], false),
        (
            ["--on-failure", "arn:aws:lambda:eu-west-1:123456789012:function:f"],
            false,
        ),
    ] {
        let dir = workspace();
        let (code, stderr) = new_s3(dir.path(), &args);
        assert_eq!(code == 0, ok, "{args:?}: {stderr}");
        if !ok {
            assert!(stderr.contains(&format!("`{}", args[0])), "{stderr}");
        }
    }
    let dir = workspace();
    let (code, stderr) = new_s3(dir.path(), &["--on-success", "failures"]);
    assert_eq!(code, 101, "{stderr}");
    assert!(stderr.contains("a `s3-bucket`"), "{stderr}");
}

#[test]
fn the_invoke_config_is_exported_with_least_privilege() {
    let dir = workspace();
    let ws = dir.path();
    let (code, stderr) = new_s3(
        ws,
        &[
            "--maximum-retry-attempts",
            "0",
            "--maximum-event-age-seconds",
            "3600",
            "--on-failure",
            "alarms",
            "--on-success",
            "handled",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    run(
        ws,
        &[
            "new",
            "-q",
            "--source",
            "sns",
            "--topic",
            "orders",
            "--on-failure",
            "failures",
        ],
    )
    .success();
    run(
        ws,
        &[
            "new",
            "-q",
            "--source",
            "eventbridge",
            "--schedule",
            "rate(5 minutes)",
            "--maximum-retry-attempts",
            "1",
        ],
    )
    .success();
    let r = run(ws, &["check"]).success();
    assert!(!r.stderr.contains("no trigger is bound"), "{}", r.stderr);

    for (file, format) in [("template.yaml", "sam"), ("cfn.json", "cloudformation")] {
        run(ws, &["export", "--format", format, "-o", file]).success();
        let text = support::validate_template(&ws.join(file));
        assert_eq!(support::serverless_findings(&text), Vec::<String>::new(), "{file}");
    }
    let sam = read(ws, "template.yaml");
    assert!(sam.contains("Type: S3Bucket"), "{sam}");
    assert!(sam.contains("MaximumEventAgeInSeconds: 3600"), "{sam}");

    let cfn: Value = serde_json::from_str(&read(ws, "cfn.json")).unwrap();
    let res = &cfn["Resources"];
    let photos = &res["PhotosS3TriggerInvokeConfig"]["Properties"];
    assert_eq!(photos["MaximumRetryAttempts"], 0);
    assert_eq!(photos["MaximumEventAgeInSeconds"], 3600);
    assert_eq!(
        photos["DestinationConfig"],
        json!({
            "OnFailure": {"Destination": {"Ref": "AlarmsTopic"}},
            "OnSuccess": {"Destination": {"Fn::GetAtt": ["HandledQueue", "Arn"]}},
        })
    );
    // A named destination replaces the function's own failure queue.
    assert!(res.get("PhotosS3TriggerFailureQueue").is_none());
    let orders = &res["OrdersSnsTriggerInvokeConfig"]["Properties"];
    assert!(orders.get("MaximumRetryAttempts").is_none(), "{orders}");
    let to_bucket = orders["DestinationConfig"]["OnFailure"]["Destination"].clone();
    assert!(to_bucket.to_string().contains(":s3:::failures"), "{to_bucket}");
    let schedule = res
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, r)| r["Type"] == "AWS::Lambda::EventInvokeConfig" && r["Properties"]["MaximumRetryAttempts"] == 1)
        .map(|(_, r)| r["Properties"].clone())
        .expect("the schedule's function has its invoke config");
    assert!(
        schedule["DestinationConfig"]["OnFailure"]["Destination"]
            .to_string()
            .contains("FailureQueue"),
        "{schedule}"
    );

    let all = statements(&cfn);
    let with = |action: &str| -> Vec<Value> {
        all.iter()
            .filter(|s| s["Action"].as_array().unwrap().iter().any(|a| a == action))
            .map(|s| s["Resource"].clone())
            .collect()
    };
    assert!(with("sns:Publish").contains(&json!({"Ref": "AlarmsTopic"})));
    assert!(with("sqs:SendMessage").contains(&json!({"Fn::GetAtt": ["HandledQueue", "Arn"]})));
    let objects = json!({"Fn::Sub": format!("{}/*", to_bucket["Fn::Sub"].as_str().unwrap())});
    assert_eq!(with("s3:PutObject"), vec![objects]);
    assert_eq!(with("s3:ListBucket"), vec![to_bucket]);
}

#[test]
fn a_function_s_bindings_must_agree_on_its_invoke_config() {
    let dir = workspace();
    let ws = dir.path();
    assert_eq!(new_s3(ws, &["--maximum-retry-attempts", "1"]).0, 0);
    run(
        ws,
        &[
            "wire",
            "photos-s3-trigger",
            "--bucket",
            "uploads",
            "--create",
            "--maximum-retry-attempts",
            "2",
        ],
    )
    .success();
    let r = run(ws, &["check"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "`photos-s3-trigger`'s bindings give `maximum-retry-attempts` as `1` and `2`, but Lambda has one asynchronous configuration per function"
        ),
        "{}",
        r.stderr
    );
}
