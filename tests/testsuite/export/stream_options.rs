//! The stream mapping options of DynamoDB and Kinesis bindings
//! (`maximum-retry-attempts`, `maximum-record-age-seconds`,
//! `bisect-batch-on-function-error`, `parallelization-factor`,
//! `tumbling-window-seconds`, `metrics`, `on-failure`, `filters`): AWS's
//! ranges at both edges and one past, the on-failure destination's
//! reference, and what `export` makes of them.

use std::path::Path;

use serde_json::{Value, json};

use super::{new_or_nothing, statements, workspace_with};
use crate::support::{self, read, run};

const ROOT: &str = r#"[workspace]
resolver = "3"
members = []

[workspace.metadata.trigger.resources.failed]
type = "sqs-queue"

[workspace.metadata.trigger.resources.alarms]
type = "sns-topic"

[workspace.metadata.trigger.resources.photos]
type = "s3-bucket"

[workspace.metadata.trigger.resources.audit]
type = "kinesis-stream"
"#;

fn workspace() -> tempfile::TempDir {
    workspace_with(ROOT)
}

/// `new` of a Kinesis trigger with `args`: its exit code and stderr; a
/// refusal writes nothing.
fn new_kinesis(ws: &Path, args: &[&str]) -> (i32, String) {
    let mut full = vec!["--source", "kinesis", "--stream", "clicks"];
    full.extend_from_slice(args);
    new_or_nothing(ws, ROOT, &full)
}

#[test]
fn each_option_takes_aws_s_range_at_both_edges_and_refuses_one_past() {
    for (flag, edges, past) in [
        ("--maximum-retry-attempts", ["-1", "10000"], ["-2", "10001"]),
        ("--maximum-record-age-seconds", ["-1", "604800"], ["-2", "604801"]),
        ("--maximum-record-age-seconds", ["60", "604800"], ["59", "0"]),
        ("--parallelization-factor", ["1", "10"], ["0", "11"]),
        ("--tumbling-window-seconds", ["0", "900"], ["-1", "901"]),
    ] {
        for v in edges {
            let dir = workspace();
            let (code, stderr) = new_kinesis(dir.path(), &[flag, v]);
            assert_eq!(code, 0, "{flag} {v}: {stderr}");
            let key = flag.trim_start_matches("--");
            let m = read(dir.path(), "triggers/clicks-kinesis-trigger/Cargo.toml");
            assert!(m.contains(&format!("{key} = {v}\n")), "{m}");
        }
        for v in past {
            let dir = workspace();
            let (code, stderr) = new_kinesis(dir.path(), &[flag, v]);
            assert_eq!(code, 101, "{flag} {v}: {stderr}");
            assert!(stderr.contains(&format!("`{flag}")), "{stderr}");
            assert!(stderr.contains("help: "), "{stderr}");
        }
    }
}

#[test]
fn the_record_age_gap_is_refused_with_its_fix() {
    let dir = workspace();
    let (code, stderr) = new_kinesis(dir.path(), &["--maximum-record-age-seconds", "59"]);
    assert_eq!(code, 101);
    assert_eq!(
        stderr,
        "error: `--maximum-record-age-seconds`: is 59, but AWS accepts -1 (no limit) or 60 to 604800 seconds\nhelp: use -1 or at least 60\n"
    );
}

#[test]
fn on_failure_names_a_declared_queue_topic_or_bucket_or_an_arn() {
    for ok in [
        "failed",
        "alarms",
        "photos",
        "arn:aws:sqs:eu-west-1:123456789012:dead-letters",
        "arn:aws:sns:eu-west-1:123456789012:alarms",
        "arn:aws:s3:::acme-failures",
    ] {
        let dir = workspace();
        let (code, stderr) = new_kinesis(dir.path(), &["--on-failure", ok]);
        assert_eq!(code, 0, "{ok}: {stderr}");
    }
    for (bad, says) in [
        (
            "nope",
            "`clicks-kinesis-trigger`'s `on-failure` is `nope`, which is not a declared resource",
        ),
        (
            "arn:aws:lambda:eu-west-1:123456789012:function:f",
            "is an ARN of `lambda`, not of an SQS queue, SNS topic or S3 bucket",
        ),
        ("arn:aws:s3:::Bad_Bucket", "Bad_Bucket"),
        (
            "audit",
            "`clicks-kinesis-trigger`'s `on-failure` is `audit`, a `kinesis-stream`",
        ),
        ("arn:aws:sqs:eu-west-1:123:q", "`123` is not a 12-digit account id"),
        ("9lives", "a declared resource's name starts with a letter"),
    ] {
        let dir = workspace();
        let (code, stderr) = new_kinesis(dir.path(), &["--on-failure", bad]);
        assert_eq!(code, 101, "{bad}: {stderr}");
        assert!(stderr.contains(says), "{bad}: {stderr}");
        assert!(stderr.contains("help: "), "{stderr}");
    }
}

#[test]
fn the_metadata_reader_checks_the_options_too() {
    let dir = workspace();
    let ws = dir.path();
    run(ws, &["new", "-q", "--source", "dynamodb", "--table", "todos"]).success();
    let m = ws.join("triggers/todos-dynamodb-trigger/Cargo.toml");
    let text = std::fs::read_to_string(&m).unwrap();
    let text = text.replace(
        "report-batch-item-failures = true\n",
        "report-batch-item-failures = true\nmaximum-record-age-seconds = 30\nparallelization-factor = 11\non-failure = \"missing\"\n",
    );
    std::fs::write(&m, text).unwrap();
    let r = run(ws, &["check"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    for says in [
        "maximum-record-age-seconds",
        "parallelization-factor",
        "`on-failure` is `missing`, which is not a declared resource",
    ] {
        assert!(r.stderr.contains(says), "{says}: {}", r.stderr);
    }
    run(ws, &["export"]).failure();
}

#[test]
fn options_and_destinations_are_exported_with_least_privilege() {
    let dir = workspace();
    let ws = dir.path();
    run(
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
            "--maximum-record-age-seconds",
            "3600",
            "--bisect-batch-on-function-error",
            "--parallelization-factor",
            "4",
            "--on-failure",
            "failed",
        ],
    )
    .success();
    run(
        ws,
        &[
            "new",
            "-q",
            "--source",
            "dynamodb",
            "--table",
            "todos",
            "--on-failure",
            "alarms",
        ],
    )
    .success();
    run(
        ws,
        &[
            "new",
            "-q",
            "--source",
            "kinesis",
            "--arn",
            "arn:aws:kinesis:eu-west-1:123456789012:stream/legacy",
            "--on-failure",
            "arn:aws:sqs:eu-west-1:123456789012:legacy-failures",
        ],
    )
    .success();
    // A named destination is used by the binding: `check` has no warning.
    let r = run(ws, &["check"]).success();
    assert!(
        !r.stderr.contains("no trigger is bound to resource `failed`"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("no trigger is bound to resource `alarms`"),
        "{}",
        r.stderr
    );

    for (file, format) in [("template.yaml", "sam"), ("cfn.json", "cloudformation")] {
        run(ws, &["export", "--format", format, "-o", file]).success();
        let text = support::validate_template(&ws.join(file));
        assert_eq!(support::serverless_findings(&text), Vec::<String>::new(), "{file}");
    }
    let cfn: Value = serde_json::from_str(&read(ws, "cfn.json")).unwrap();
    let res = &cfn["Resources"];
    let clicks = &res["ClicksKinesisTriggerClicks0Mapping"]["Properties"];
    assert_eq!(clicks["MaximumRetryAttempts"], 3);
    assert_eq!(clicks["MaximumRecordAgeInSeconds"], 3600);
    assert_eq!(clicks["BisectBatchOnFunctionError"], true);
    assert_eq!(clicks["ParallelizationFactor"], 4);
    assert_eq!(
        clicks["DestinationConfig"],
        json!({"OnFailure": {"Destination": {"Fn::GetAtt": ["FailedQueue", "Arn"]}}})
    );
    let todos = &res["TodosDynamodbTriggerTodos0Mapping"]["Properties"];
    assert_eq!(
        todos["DestinationConfig"]["OnFailure"]["Destination"],
        json!({"Ref": "AlarmsTopic"})
    );
    assert!(todos.get("MaximumRetryAttempts").is_none());
    // A named destination replaces the function's own failure queue.
    assert!(res.get("ClicksKinesisTriggerFailureQueue").is_none());
    assert!(res.get("TodosDynamodbTriggerFailureQueue").is_none());

    // Sending or publishing on exactly the destination.
    let all = statements(&cfn);
    let on = |action: &str| -> Vec<Value> {
        all.iter()
            .filter(|s| s["Action"].as_array().unwrap().iter().any(|a| a == action))
            .map(|s| {
                assert_eq!(s["Action"], json!([action]), "{s}");
                s["Resource"].clone()
            })
            .collect()
    };
    let mut queues = on("sqs:SendMessage");
    queues.sort_by_key(|v| v.to_string());
    assert_eq!(
        queues,
        vec![
            json!("arn:aws:sqs:eu-west-1:123456789012:legacy-failures"),
            json!({"Fn::GetAtt": ["FailedQueue", "Arn"]}),
        ]
    );
    assert_eq!(on("sns:Publish"), vec![json!({"Ref": "AlarmsTopic"})]);
}

#[test]
fn prune_keeps_a_queue_that_an_on_failure_still_names() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    std::fs::write(ws.join("Cargo.toml"), "[workspace]\nresolver = \"3\"\nmembers = []\n").unwrap();
    run(ws, &["new", "-q", "--source", "sqs", "--queue", "jobs"]).success();
    run(
        ws,
        &[
            "new",
            "-q",
            "--source",
            "kinesis",
            "--stream",
            "clicks",
            "--on-failure",
            "jobs",
        ],
    )
    .success();
    run(ws, &["unwire", "jobs-sqs-trigger", "jobs", "--prune"]).success();
    assert!(read(ws, "Cargo.toml").contains("[workspace.metadata.trigger.resources.jobs]"));
    run(ws, &["remove", "jobs-sqs-trigger", "--prune"]).success();
    assert!(read(ws, "Cargo.toml").contains("[workspace.metadata.trigger.resources.jobs]"));
    let r = run(ws, &["check"]).success();
    assert!(!r.stderr.contains("resource `jobs`"), "{}", r.stderr);
    // A binding's own on-failure queue goes with it when nothing else names
    // it (an undeclared one is refused first).
    let wire = [
        "wire",
        "clicks-kinesis-trigger",
        "--stream",
        "views",
        "--create",
        "--on-failure",
        "spare",
    ];
    run(ws, &wire).failure();
    std::fs::write(
        ws.join("Cargo.toml"),
        read(ws, "Cargo.toml") + "\n[workspace.metadata.trigger.resources.spare]\ntype = \"sqs-queue\"\n",
    )
    .unwrap();
    run(ws, &wire).success();
    run(ws, &["unwire", "clicks-kinesis-trigger", "views", "--prune"]).success();
    let root = read(ws, "Cargo.toml");
    assert!(!root.contains("resources.spare"), "{root}");
    assert!(!root.contains("resources.views"), "{root}");
    assert!(root.contains("resources.jobs"), "{root}");
    // The crate that named it was the last: it goes with it.
    run(ws, &["remove", "clicks-kinesis-trigger", "--prune"]).success();
    assert!(!read(ws, "Cargo.toml").contains("resources.jobs"));
}

#[test]
fn a_destination_with_its_own_kms_key_gets_the_key_a_sender_needs() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    let key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    std::fs::write(
        ws.join("Cargo.toml"),
        format!("[workspace]\nresolver = \"3\"\nmembers = []\n\n[workspace.metadata.trigger.resources.failed]\ntype = \"sqs-queue\"\nkms-key-arn = \"{key}\"\n"),
    )
    .unwrap();
    run(
        ws,
        &[
            "new",
            "-q",
            "--source",
            "dynamodb",
            "--table",
            "todos",
            "--on-failure",
            "failed",
        ],
    )
    .success();
    run(ws, &["export", "--format", "cloudformation", "-o", "cfn.json"]).success();
    support::validate_template(&ws.join("cfn.json"));
    let cfn: Value = serde_json::from_str(&read(ws, "cfn.json")).unwrap();
    let on_key: Vec<Value> = statements(&cfn)
        .into_iter()
        .filter(|s| s["Resource"] == key)
        .map(|s| s["Action"].clone())
        .collect();
    assert_eq!(on_key, vec![json!(["kms:GenerateDataKey", "kms:Decrypt"])]);
}

#[test]
fn filters_windows_metrics_and_a_bucket_destination_are_exported() {
    let dir = workspace();
    let ws = dir.path();
    let click = r#"{"data": {"type": ["click"]}}"#;
    let big = r#"{"data": {"n": [{"numeric": [">", 5]}]}}"#;
    run(
        ws,
        &[
            "new",
            "-q",
            "--source",
            "kinesis",
            "--stream",
            "clicks",
            "--tumbling-window-seconds",
            "120",
            "--metrics",
            "--on-failure",
            "photos",
            "--filter",
            click,
            "--filter",
            big,
        ],
    )
    .success();
    run(
        ws,
        &[
            "new",
            "-q",
            "--source",
            "dynamodb",
            "--table",
            "todos",
            "--filter",
            r#"{"eventName": ["INSERT"]}"#,
        ],
    )
    .success();
    run(
        ws,
        &[
            "new",
            "-q",
            "--source",
            "sqs",
            "--queue",
            "jobs",
            "--metrics",
            "--filter",
            r#"{"body": {"kind": ["a"]}}"#,
        ],
    )
    .success();
    // The patterns are recorded as written, one literal string each.
    let m = read(ws, "triggers/clicks-kinesis-trigger/Cargo.toml");
    assert!(m.contains(&format!("filters = ['{click}', '{big}']\n")), "{m}");
    assert!(m.contains("tumbling-window-seconds = 120\nmetrics = true\n"), "{m}");
    // `list` shows them.
    let r = run(ws, &["list"]).success();
    assert!(r.stdout.contains("clicks[LATEST x100 2 filters]"), "{}", r.stdout);
    assert!(r.stdout.contains("jobs[x10 1 filter]"), "{}", r.stdout);

    for (file, format) in [("template.yaml", "sam"), ("cfn.json", "cloudformation")] {
        run(ws, &["export", "--format", format, "-o", file]).success();
        let text = support::validate_template(&ws.join(file));
        assert_eq!(support::serverless_findings(&text), Vec::<String>::new(), "{file}");
    }
    let sam = read(ws, "template.yaml");
    assert_eq!(sam.matches("FilterCriteria:").count(), 3, "{sam}");
    assert!(sam.contains("TumblingWindowInSeconds: 120"), "{sam}");

    let cfn: Value = serde_json::from_str(&read(ws, "cfn.json")).unwrap();
    let res = &cfn["Resources"];
    let clicks = &res["ClicksKinesisTriggerClicks0Mapping"]["Properties"];
    assert_eq!(clicks["TumblingWindowInSeconds"], 120);
    assert_eq!(clicks["MetricsConfig"], json!({"Metrics": ["EventCount"]}));
    assert_eq!(
        clicks["FilterCriteria"],
        json!({"Filters": [{"Pattern": click}, {"Pattern": big}]})
    );
    let destination = &clicks["DestinationConfig"]["OnFailure"]["Destination"];
    assert!(destination.to_string().contains(":s3:::"), "{destination}");
    let todos = &res["TodosDynamodbTriggerTodos0Mapping"]["Properties"];
    assert_eq!(
        todos["FilterCriteria"],
        json!({"Filters": [{"Pattern": r#"{"eventName": ["INSERT"]}"#}]})
    );
    assert!(todos.get("MetricsConfig").is_none());
    assert!(todos.get("TumblingWindowInSeconds").is_none());
    let jobs = &res["JobsSqsTriggerJobs0Mapping"]["Properties"];
    assert_eq!(jobs["MetricsConfig"], json!({"Metrics": ["EventCount"]}));
    assert_eq!(
        jobs["FilterCriteria"],
        json!({"Filters": [{"Pattern": r#"{"body": {"kind": ["a"]}}"#}]})
    );

    // Writing failed batches to the bucket: objects and listing, nothing else.
    let on_bucket: Vec<(Value, Value)> = statements(&cfn)
        .into_iter()
        .filter(|s| s["Resource"].to_string().contains(":s3:::"))
        .map(|s| (s["Action"].clone(), s["Resource"].clone()))
        .collect();
    let objects = json!({"Fn::Sub": format!("{}/*", destination["Fn::Sub"].as_str().unwrap())});
    assert_eq!(
        on_bucket,
        vec![
            (json!(["s3:PutObject"]), objects),
            (json!(["s3:ListBucket"]), destination.clone()),
        ]
    );
}

#[test]
fn filters_are_checked_as_lambda_checks_them() {
    for (source, target, filter, says) in [
        (
            "kinesis",
            "clicks",
            r#"{"data": ["x"]}"#,
            "`--filter`: invalid filter pattern at `data`: `data` must be an object of keys",
        ),
        (
            "kinesis",
            "clicks",
            r#"{"partitionKey": ["1"]}"#,
            "a Kinesis event source mapping only filters on `data`",
        ),
        (
            "sqs",
            "jobs",
            r#"{"body": {"a": "x"}}"#,
            "`--filter`: invalid filter pattern",
        ),
        (
            "dynamodb",
            "todos",
            r#"{"dynamodb": {"Keys": [{"wildcard": "a*"}]}}"#,
            "`wildcard` is not supported in a Lambda filter pattern",
        ),
        ("sqs", "jobs", "not json", "`--filter`: invalid filter pattern"),
    ] {
        let dir = workspace();
        let flag = format!(
            "--{}",
            if source == "sqs" {
                "queue"
            } else if source == "kinesis" {
                "stream"
            } else {
                "table"
            }
        );
        let r = run(
            dir.path(),
            &["new", "-q", "--source", source, &flag, target, "--filter", filter],
        );
        assert_eq!(r.code, 101, "{filter}: {}", r.stderr);
        assert!(r.stderr.contains(says), "{filter}: {}", r.stderr);
        assert!(r.stderr.contains("help: "), "{}", r.stderr);
        assert_eq!(read(dir.path(), "Cargo.toml"), ROOT);
    }
    // Five filters are Lambda's default quota; a sixth is refused.
    for (n, code) in [(5, 0), (6, 101)] {
        let dir = workspace();
        let mut args = vec!["new", "-q", "--source", "sqs", "--queue", "jobs"];
        let filters: Vec<String> = (0..n).map(|i| format!(r#"{{"body": {{"n": [{i}]}}}}"#)).collect();
        for f in &filters {
            args.extend(["--filter", f.as_str()]);
        }
        let r = run(dir.path(), &args);
        assert_eq!(r.code, code, "{n}: {}", r.stderr);
        if code != 0 {
            assert!(
                r.stderr
                    .contains("there are 6 filters; Lambda allows 5 per event source mapping"),
                "{}",
                r.stderr
            );
        }
    }
    // The filter key belongs to polled sources only.
    let dir = workspace();
    let r = run(
        dir.path(),
        &["new", "-q", "--source", "s3", "--bucket", "photos", "--filter", "{}"],
    );
    assert_eq!(r.code, 101, "{}", r.stderr);
    assert!(
        r.stderr.contains("`--filter` does not apply to a `s3` trigger"),
        "{}",
        r.stderr
    );

    // A filter edited into Cargo.toml is read with the same check.
    let dir = workspace();
    let ws = dir.path();
    run(ws, &["new", "-q", "--source", "sqs", "--queue", "jobs"]).success();
    let m = ws.join("triggers/jobs-sqs-trigger/Cargo.toml");
    let text = std::fs::read_to_string(&m).unwrap().replace(
        "report-batch-item-failures = true\n",
        "report-batch-item-failures = true\nfilters = ['{\"body\": {\"n\": [{\"numeric\": [\"<\"]}]}}']\n",
    );
    std::fs::write(&m, text).unwrap();
    let r = run(ws, &["check"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("filters"), "{}", r.stderr);
    assert!(r.stderr.contains("invalid filter pattern"), "{}", r.stderr);
}

#[test]
fn a_tumbling_window_warns_that_the_handler_must_answer_its_state() {
    let dir = workspace();
    let ws = dir.path();
    let r = run(
        ws,
        &[
            "new",
            "--source",
            "kinesis",
            "--stream",
            "clicks",
            "--tumbling-window-seconds",
            "60",
        ],
    )
    .success();
    let says = "warning: `clicks-kinesis-trigger` reads `clicks` in 60 s tumbling windows: Lambda counts every response without a `state` as failed, and the generated handler answers none";
    assert!(r.stderr.contains(says), "{}", r.stderr);
    let r = run(ws, &["check"]).success();
    assert!(r.stderr.contains(says), "{}", r.stderr);
    // No window, no warning.
    let dir = workspace();
    let r = run(
        dir.path(),
        &[
            "new",
            "--source",
            "dynamodb",
            "--table",
            "todos",
            "--tumbling-window-seconds",
            "0",
        ],
    )
    .success();
    assert!(!r.stderr.contains("tumbling"), "{}", r.stderr);
}
