//! `cargo trigger export`: templates that AWS's own translator and linter
//! accept, with least-privilege IAM and no circular dependency.

use crate::support;

use snapbox::{assert_data_eq, file};
use support::{new, read, run};

/// A workspace with every source, every Cognito event, managed and existing
/// resources, V2 token generation and custom senders.
pub(crate) fn everything() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    std::fs::write(
        ws.join("Cargo.toml"),
        r#"[workspace]
resolver = "3"
members = []

[workspace.metadata.trigger.resources.legacy-pool]
type = "cognito-user-pool"
arn = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbC123"
kms-key-arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

[workspace.metadata.trigger.resources.orders]
type = "dynamodb-table"
name = "orders"
stream-view = "NEW_IMAGE"
partition-key = "pk"
partition-key-type = "S"
sort-key = "sk"
sort-key-type = "N"

[workspace.metadata.trigger.resources.clicks]
type = "kinesis-stream"
shard-count = 2
"#,
    )
    .unwrap();
    // Every Cognito event on one managed pool (custom senders make it
    // configure its triggers directly and declare a KMS key).
    for e in cargo_trigger::sources::CognitoEvent::ALL {
        new(
            ws,
            &["--source", "cognito", "--event", e.as_str(), "--user-pool", "users"],
        );
    }
    // V2 token generation on another pool (SAM cannot: configured directly).
    new(
        ws,
        &[
            "--source",
            "cognito",
            "--event",
            "pre-token-generation",
            "--token-version",
            "v2",
            "--user-pool",
            "admins",
        ],
    );
    // A plain pool configured through SAM's Cognito event.
    new(
        ws,
        &[
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--module",
            "email-deny-list",
            "--set",
            "DOMAIN_DENY_LIST=spam.example",
            "--user-pool",
            "partners",
            "--resource-name",
            "Partner pool",
        ],
    );
    // An existing pool: invoke permission only, with a warning.
    new(
        ws,
        &[
            "--source",
            "cognito",
            "--event",
            "custom-sms-sender",
            "--user-pool",
            "legacy-pool",
        ],
    );
    // S3: managed bucket with filters (two non-overlapping bindings), a named
    // bucket, and an existing bucket through EventBridge.
    new(
        ws,
        &[
            "--source", "s3", "--bucket", "photos", "--prefix", "uploads/", "--suffix", ".jpg",
        ],
    );
    run(
        ws,
        &[
            "wire",
            "photos-s3-trigger",
            "--bucket",
            "photos",
            "--prefix",
            "uploads/",
            "--suffix",
            ".png",
        ],
    )
    .success();
    new(
        ws,
        &[
            "--source",
            "s3",
            "--bucket",
            "media",
            "--resource-name",
            "acme-media-bucket",
            "--events",
            "s3:ObjectRemoved:*",
        ],
    );
    new(
        ws,
        &[
            "--source",
            "s3",
            "--arn",
            "arn:aws:s3:::legacy-uploads",
            "--prefix",
            "in/",
            "--suffix",
            ".csv",
        ],
    );
    // Streams: managed and existing.
    new(ws, &["--source", "dynamodb", "--table", "todos"]);
    new(
        ws,
        &[
            "--source",
            "dynamodb",
            "--table",
            "orders",
            "--batch-size",
            "25",
            "--batching-window-seconds",
            "10",
            "--report-batch-item-failures",
            "false",
        ],
    );
    new(
        ws,
        &[
            "--source",
            "dynamodb",
            "--arn",
            "arn:aws:dynamodb:eu-west-1:123456789012:table/audit/stream/2024-01-01T00:00:00.000",
        ],
    );
    new(
        ws,
        &[
            "--source",
            "kinesis",
            "--stream",
            "clicks",
            "--starting-position",
            "TRIM_HORIZON",
        ],
    );
    new(
        ws,
        &[
            "--source",
            "kinesis",
            "--arn",
            "arn:aws:kinesis:eu-west-1:123456789012:stream/legacy-clicks",
        ],
    );
    // cargo-lambda settings flow into the function.
    let m = ws.join("triggers/clicks-kinesis-trigger/Cargo.toml");
    let text = std::fs::read_to_string(&m).unwrap();
    std::fs::write(
        &m,
        format!("{text}\n[package.metadata.lambda.deploy]\nmemory = 512\ntimeout = 60\ntracing = \"active\"\n\n[package.metadata.lambda.build]\narm64 = true\n"),
    )
    .unwrap();
    dir
}

#[test]
fn sam_and_cloudformation_templates_pass_aws_tools() {
    let dir = everything();
    let ws = dir.path();
    let r = run(ws, &["export", "-o", "template.yaml"]).success();
    assert!(r.stderr.contains("turn on EventBridge notifications"), "{}", r.stderr);
    assert!(r.stderr.contains("replaces the whole LambdaConfig"), "{}", r.stderr);
    // `in/` and `.csv` are the same URL-encoded.
    assert!(!r.stderr.contains("URL-encoded object key"), "{}", r.stderr);
    support::validate_template(&ws.join("template.yaml"));
    run(ws, &["export", "--format", "cloudformation", "-o", "cfn.json"]).success();
    support::validate_template(&ws.join("cfn.json"));

    let t: serde_json::Value = serde_json::from_str(&{
        run(ws, &["export", "-o", "template.json"]).success();
        read(ws, "template.json")
    })
    .unwrap();
    let res = &t["Resources"];
    // Managed resources are declared; existing ones only referenced.
    assert_eq!(res["UsersUserPool"]["Type"], "AWS::Cognito::UserPool");
    assert_eq!(res["OrdersTable"]["Properties"]["KeySchema"][1]["KeyType"], "RANGE");
    assert_eq!(res["ClicksStream"]["Properties"]["ShardCount"], 2);
    assert!(res.get("LegacyPoolUserPool").is_none());
    assert!(
        res.as_object()
            .unwrap()
            .values()
            .all(|r| r["Type"] != "AWS::Kinesis::Stream" || r["Properties"]["ShardCount"] == 2)
    );
    // V2 token generation and custom senders are set on the pool directly.
    assert_eq!(
        res["AdminsUserPool"]["Properties"]["LambdaConfig"]["PreTokenGenerationConfig"]["LambdaVersion"],
        "V2_0"
    );
    let users = &res["UsersUserPool"]["Properties"]["LambdaConfig"];
    assert_eq!(users["CustomEmailSender"]["LambdaVersion"], "V1_0");
    assert_eq!(users["KMSKeyID"]["Fn::GetAtt"][0], "UsersSenderKey");
    assert_eq!(res["UsersSenderKey"]["Type"], "AWS::KMS::Key");
    // SAM's own Cognito event where it can.
    let partners = &res["PartnersPreSignUpFunction"]["Properties"]["Events"];
    assert_eq!(partners["Partners0"]["Type"], "Cognito");
    // S3 filters, EventBridge for the existing bucket.
    let photos = &res["PhotosS3TriggerFunction"]["Properties"]["Events"];
    assert_eq!(
        photos["Photos1"]["Properties"]["Filter"]["S3Key"]["Rules"][1]["Value"],
        ".png"
    );
    let legacy = &res["LegacyUploadsS3TriggerFunction"]["Properties"]["Events"];
    assert_eq!(legacy["LegacyUploads0"]["Type"], "EventBridgeRule");
    assert_eq!(
        legacy["LegacyUploads0"]["Properties"]["Pattern"]["detail"]["object"]["key"][0]["wildcard"],
        "in/*.csv"
    );
    // Stream settings.
    let orders = &res["OrdersDynamodbTriggerFunction"]["Properties"]["Events"]["Orders0"]["Properties"];
    assert_eq!(orders["BatchSize"], 25);
    assert_eq!(orders["MaximumBatchingWindowInSeconds"], 10);
    assert!(orders.get("FunctionResponseTypes").is_none());
    // cargo-lambda settings.
    let clicks = &res["ClicksKinesisTriggerFunction"]["Properties"];
    assert_eq!(clicks["MemorySize"], 512);
    assert_eq!(clicks["Timeout"], 60);
    assert_eq!(clicks["Tracing"], "Active");
    assert_eq!(clicks["Architectures"][0], "arm64");
    assert_eq!(res["UsersPreSignUpFunction"]["Properties"]["Timeout"], 5);
    assert_eq!(
        res["UsersPreSignUpFunction"]["Metadata"]["BuildMethod"],
        "rust-cargolambda"
    );
    assert_eq!(
        res["UsersPreSignUpFunction"]["Properties"]["CodeUri"],
        "triggers/users-pre-sign-up"
    );
}

/// A workspace whose root manifest is `root`.
fn workspace_with(root: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), root).unwrap();
    dir
}

/// `new -q` with `args` in `ws`, whose root manifest was `root`: its exit
/// code and stderr; a refusal writes nothing.
fn new_or_nothing(ws: &std::path::Path, root: &str, args: &[&str]) -> (i32, String) {
    let mut full = vec!["new", "-q"];
    full.extend_from_slice(args);
    let r = run(ws, &full);
    if r.code != 0 {
        assert_eq!(read(ws, "Cargo.toml"), root, "{}", r.stderr);
        assert!(!ws.join("triggers").exists(), "{}", r.stderr);
    }
    (r.code, r.stderr)
}

/// Every IAM statement of the template.
fn statements(t: &serde_json::Value) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    for r in t["Resources"].as_object().unwrap().values() {
        match r["Type"].as_str() {
            Some("AWS::IAM::Role") => {
                for p in r["Properties"]["Policies"].as_array().unwrap() {
                    out.extend(p["PolicyDocument"]["Statement"].as_array().unwrap().iter().cloned());
                }
            }
            Some("AWS::IAM::Policy") => {
                out.extend(
                    r["Properties"]["PolicyDocument"]["Statement"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .cloned(),
                );
            }
            _ => {}
        }
    }
    out
}

#[test]
fn no_policy_grants_a_write_action_on_every_resource() {
    let dir = everything();
    let ws = dir.path();
    run(ws, &["export", "-o", "t.json"]).success();
    let t: serde_json::Value = serde_json::from_str(&read(ws, "t.json")).unwrap();
    let all = statements(&t);
    assert!(all.len() > 20);
    for s in &all {
        let star = s["Resource"] == "*" || s["Resource"].as_array().is_some_and(|a| a.iter().any(|r| r == "*"));
        if !star {
            continue;
        }
        let actions: Vec<&str> = match &s["Action"] {
            serde_json::Value::String(a) => vec![a.as_str()],
            serde_json::Value::Array(a) => a.iter().map(|x| x.as_str().unwrap()).collect(),
            _ => panic!("{s}"),
        };
        for a in actions {
            let (service, name) = a.split_once(':').unwrap();
            // Only listing calls without resource-level permissions, and X-Ray
            // (which has none), may name every resource.
            let allowed = name.starts_with("List") || service == "xray";
            assert!(allowed, "`{a}` on Resource \"*\": {s}");
        }
    }
}

#[test]
fn a_small_workspace_exports_this_template() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    new(ws, &["--source", "s3", "--bucket", "photos", "--prefix", "uploads/"]);
    new(ws, &["--source", "dynamodb", "--table", "todos"]);
    let r = run(ws, &["export"]).success();
    assert_data_eq!(r.stdout.clone(), file!["snapshots/export-small.yaml"]);
    std::fs::write(ws.join("t.yaml"), &r.stdout).unwrap();
    support::validate_template(&ws.join("t.yaml"));
    // Deterministic.
    assert_eq!(run(ws, &["export"]).success().stdout, r.stdout);
}

#[test]
fn check_fails_when_the_committed_template_is_stale() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    new(ws, &["--source", "kinesis", "--stream", "clicks"]);
    std::fs::create_dir(ws.join("deploy")).unwrap();
    run(ws, &["export", "-o", "deploy/template.yaml"]).success();
    // CodeUri is relative to the template's folder.
    assert!(read(ws, "deploy/template.yaml").contains("CodeUri: ../triggers/clicks-kinesis-trigger\n"));
    run(ws, &["export", "-o", "deploy/template.yaml", "--check"]).success();
    run(ws, &["wire", "clicks-kinesis-trigger", "--stream", "more", "--create"]).success();
    let r = run(ws, &["export", "-o", "deploy/template.yaml", "--check"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("is out of date"), "{}", r.stderr);
}

#[test]
fn an_eventbridge_filter_that_s3_would_encode_is_called_out() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    new(
        ws,
        &[
            "--source",
            "s3",
            "--arn",
            "arn:aws:s3:::legacy",
            "--prefix",
            "my uploads/",
        ],
    );
    let r = run(ws, &["export"]).success();
    assert!(
        r.stderr
            .contains("EventBridge matches the URL-encoded object key, and the filter of its binding"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("- prefix: \"my uploads/\"\n"), "{}", r.stdout);
}

#[test]
fn a_workspace_with_errors_exports_nothing() {
    let ws = support::workspace("planted");
    let r = run(ws.path(), &["export"]).failure();
    assert!(r.stderr.contains("cargo trigger check"), "{}", r.stderr);
    assert_eq!(r.stdout, "");
}

#[test]
fn module_permissions_and_secrets_follow_the_scaffold_manifests() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    new(
        ws,
        &[
            "--source",
            "cognito",
            "--capability",
            "add-to-group",
            "--set",
            "GROUP=customers",
            "--user-pool",
            "users",
        ],
    );
    new(
        ws,
        &["--source", "cognito", "--capability", "captcha", "--user-pool", "users"],
    );
    // The secret is nowhere in Cargo.toml.
    for (path, text) in support::snapshot(ws) {
        if path.ends_with("Cargo.toml") {
            assert!(
                !String::from_utf8_lossy(&text).contains("RECAPTCHA_SECRET"),
                "{}",
                path.display()
            );
        }
    }
    run(ws, &["export", "-o", "t.yaml"]).success();
    support::validate_template(&ws.join("t.yaml"));
    run(ws, &["export", "-o", "t.json"]).success();
    let t: serde_json::Value = serde_json::from_str(&read(ws, "t.json")).unwrap();
    // add-to-group: exactly its three actions, on its pool only.
    let policy = &t["Resources"]["UsersPostConfirmationPoolPolicy"]["Properties"]["PolicyDocument"]["Statement"];
    assert_eq!(
        policy,
        &serde_json::json!([{
            "Effect": "Allow",
            "Action": ["cognito-idp:GetGroup", "cognito-idp:CreateGroup", "cognito-idp:AdminAddUserToGroup"],
            "Resource": {"Fn::GetAtt": ["UsersUserPool", "Arn"]},
        }])
    );
    // The reCAPTCHA secret: a NoEcho parameter, passed by reference.
    assert_eq!(t["Parameters"]["RecaptchaSecret"]["NoEcho"], true);
    let env = &t["Resources"]["UsersVerifyAuthChallengeResponseFunction"]["Properties"]["Environment"]["Variables"];
    assert_eq!(env["RECAPTCHA_SECRET"], serde_json::json!({"Ref": "RecaptchaSecret"}));
    assert_eq!(
        env["RECAPTCHA_VERIFY_URL"],
        "https://www.google.com/recaptcha/api/siteverify"
    );
}

mod async_options;
mod cases;
mod serverless;
mod sqs;
mod stream_options;
