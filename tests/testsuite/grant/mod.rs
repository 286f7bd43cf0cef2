//! `grant` / `revoke`: extra access, recorded in Cargo.toml, exported as
//! least-privilege statements without circular dependencies.

use crate::support;

use support::{read, run};

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    let all: [&[&str]; 3] = [
        &["--source", "s3", "--bucket", "photos"],
        &["--source", "dynamodb", "--table", "todos"],
        &[
            "--source",
            "cognito",
            "--event",
            "post-confirmation",
            "--user-pool",
            "users",
        ],
    ];
    for args in all {
        let mut full = vec!["new", "-q"];
        full.extend_from_slice(args);
        run(ws, &full).success();
    }
    dir
}

#[test]
fn grant_then_revoke_restores_the_manifest_byte_for_byte() {
    let dir = workspace();
    let ws = dir.path();
    let before = support::snapshot(ws);
    run(
        ws,
        &[
            "grant",
            "photos-s3-trigger",
            "--resource",
            "photos",
            "--access",
            "write",
        ],
    )
    .success();
    run(
        ws,
        &[
            "grant",
            "photos-s3-trigger",
            "--arn",
            "arn:aws:sqs:us-east-1:123456789012:jobs",
            "--action",
            "sqs:SendMessage",
        ],
    )
    .success();
    let m = read(ws, "triggers/photos-s3-trigger/Cargo.toml");
    assert!(
        m.contains("[[package.metadata.trigger.permissions]]\nresource = \"photos\"\naccess = \"write\""),
        "{m}"
    );
    assert!(m.contains("PHOTOS_BUCKET_NAME = \"photos\""), "{m}");
    run(
        ws,
        &[
            "revoke",
            "photos-s3-trigger",
            "--arn",
            "arn:aws:sqs:us-east-1:123456789012:jobs",
        ],
    )
    .success();
    run(ws, &["revoke", "photos-s3-trigger", "--resource", "photos"]).success();
    assert_eq!(support::snapshot(ws), before);
}

#[test]
fn triggers_writing_to_their_own_source_export_without_cycles() {
    let dir = workspace();
    let ws = dir.path();
    // An S3 trigger writing thumbnails back to its bucket; a post-confirmation
    // trigger writing the new user into a table and reading its own pool.
    run(
        ws,
        &[
            "grant",
            "photos-s3-trigger",
            "--resource",
            "photos",
            "--access",
            "read-write",
        ],
    )
    .success();
    let r = run(
        ws,
        &[
            "grant",
            "users-post-confirmation",
            "--resource",
            "todos",
            "--access",
            "write",
        ],
    )
    .success();
    assert!(r.stderr.contains("stand-in for local runs"), "{}", r.stderr);
    let r = run(
        ws,
        &[
            "grant",
            "users-post-confirmation",
            "--resource",
            "users",
            "--access",
            "read",
        ],
    )
    .success();
    assert!(r.stderr.contains("read the pool id from each event"), "{}", r.stderr);
    run(ws, &["export", "-o", "template.yaml"]).success();
    support::validate_template(&ws.join("template.yaml"));
    run(ws, &["export", "--format", "cloudformation", "-o", "cfn.yaml"]).success();
    support::validate_template(&ws.join("cfn.yaml"));

    run(ws, &["export", "-o", "t.json"]).success();
    let t: serde_json::Value = serde_json::from_str(&read(ws, "t.json")).unwrap();
    let res = &t["Resources"];
    // The bucket is named literally in the S3 trigger's policy and variable.
    let photos_policy = serde_json::to_string(&res["PhotosS3TriggerRole"]).unwrap();
    assert!(photos_policy.contains("s3:PutObject"), "{photos_policy}");
    assert!(
        photos_policy.contains("arn:${AWS::Partition}:s3:::photos-${AWS::AccountId}-${AWS::Region}/*"),
        "{photos_policy}"
    );
    let env = &res["PhotosS3TriggerFunction"]["Properties"]["Environment"]["Variables"];
    assert_eq!(
        env["PHOTOS_BUCKET_NAME"]["Fn::Sub"],
        "photos-${AWS::AccountId}-${AWS::Region}"
    );
    // Table writes are scoped to the table; its name comes from the template.
    let role = serde_json::to_string(&res["UsersPostConfirmationRole"]).unwrap();
    assert!(
        role.contains("dynamodb:PutItem") && role.contains("\"TodosTable\",\"Arn\""),
        "{role}"
    );
    let env = &res["UsersPostConfirmationFunction"]["Properties"]["Environment"]["Variables"];
    assert_eq!(env["TODOS_TABLE_NAME"]["Ref"], "TodosTable");
    // Reading its own pool: in the separate policy, and no variable (a cycle).
    let pool = serde_json::to_string(&res["UsersPostConfirmationPoolPolicy"]).unwrap();
    assert!(pool.contains("cognito-idp:AdminGetUser"), "{pool}");
    assert!(env.get("USERS_USER_POOL_ID").is_none());
}

#[test]
fn list_shows_grants() {
    let dir = workspace();
    let ws = dir.path();
    run(
        ws,
        &[
            "grant",
            "users-post-confirmation",
            "--resource",
            "todos",
            "--access",
            "write",
        ],
    )
    .success();
    let r = run(ws, &["list", "--format", "json"]).success();
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let t = v["triggers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "users-post-confirmation")
        .unwrap();
    assert_eq!(
        t["permissions"],
        serde_json::json!([{"resource": "todos", "access": "write"}])
    );
    let r = run(ws, &["list"]).success();
    assert!(r.stdout.contains("todos:write"), "{}", r.stdout);
}

#[test]
fn bad_grants_are_refused_and_nothing_is_written() {
    let dir = workspace();
    let ws = dir.path();
    run(
        ws,
        &["grant", "photos-s3-trigger", "--resource", "todos", "--access", "read"],
    )
    .success();
    let before = support::snapshot(ws);
    for (args, needle) in [
        (
            vec!["grant", "photos-s3-trigger", "--resource", "ghost", "--access", "read"],
            "no resource named `ghost`",
        ),
        (
            vec!["grant", "photos-s3-trigger", "--resource", "photos"],
            "which access",
        ),
        (
            vec!["grant", "photos-s3-trigger", "--resource", "photos", "--access", "all"],
            "`all` is not an access level of a `s3-bucket`",
        ),
        (
            vec![
                "grant",
                "photos-s3-trigger",
                "--arn",
                "arn:aws:sqs:us-east-1:123456789012:q",
                "--action",
                "sqs:*",
            ],
            "every action",
        ),
        (
            vec![
                "grant",
                "photos-s3-trigger",
                "--arn",
                "arn:aws:sqs:us-east-1:123456789012:q",
                "--action",
                "SendMessage",
            ],
            "not `service:Action`",
        ),
        (
            vec![
                "grant",
                "photos-s3-trigger",
                "--arn",
                "arn:aws:sqs:nowhere:1:q",
                "--action",
                "sqs:SendMessage",
            ],
            "not a region",
        ),
        (
            vec![
                "grant",
                "photos-s3-trigger",
                "--arn",
                "arn:aws:sqs:us-east-1:123456789012:q",
            ],
            "which actions",
        ),
        (
            vec![
                "grant",
                "photos-s3-trigger",
                "--resource",
                "photos",
                "--arn",
                "arn:aws:s3:::x",
            ],
            "both name a target",
        ),
        (
            vec!["grant", "photos-s3-trigger", "--resource", "todos", "--access", "write"],
            "already has a grant on `todos`",
        ),
        (
            vec!["revoke", "photos-s3-trigger", "--resource", "photos"],
            "no such grant",
        ),
    ] {
        let r = run(ws, &args).failure();
        assert!(r.stderr.contains(needle), "{args:?}: {}", r.stderr);
        assert_eq!(support::snapshot(ws), before, "{args:?} wrote something");
    }
}

#[test]
fn check_reports_bad_grants() {
    let dir = workspace();
    let ws = dir.path();
    let m = ws.join("triggers/photos-s3-trigger/Cargo.toml");
    let text = std::fs::read_to_string(&m).unwrap();
    std::fs::write(
        &m,
        format!(
            "{text}\n[[package.metadata.trigger.permissions]]\nresource = \"ghost\"\naccess = \"read\"\n\n[[package.metadata.trigger.permissions]]\narn = \"arn:aws:sqs:us-east-1:123456789012:q\"\nactions = [\"sqs:*\", \"bad action\"]\n"
        ),
    )
    .unwrap();
    let r = run(ws, &["check", "--format", "json"]);
    assert_eq!(r.code, 1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    for c in ["grant-unknown-resource", "grant-wildcard", "grant-action"] {
        assert!(codes.contains(&c), "{c} missing: {codes:?}");
    }
}

mod cases;
