//! Pre-token generation version 3: its crate (its own event types, every
//! V3 trigger source with machine-to-machine tokens), `override-token-claims`
//! for it, its samples, and its templates: `PreTokenGenerationConfig` with
//! `V3_0` on a pool whose feature plan allows it.

use crate::case;
use crate::support::case::{Case, Failures};
use crate::support::{self, new, read, run};

use serde_json::{Value, json};

#[test]
fn new_v3_with_override_token_claims() {
    case!()
        .run(&[
            "new",
            "--source",
            "cognito",
            "--event",
            "pre-token-generation",
            "--token-version",
            "v3",
            "--module",
            "override-token-claims",
            "--set",
            r#"ACCESS_TOKEN_CLAIMS_TO_ADD_OR_OVERRIDE={"tenant": "acme"}"#,
            "--set",
            "SCOPES_TO_ADD=reports/read",
            "--user-pool",
            "machines",
            "--dry-run",
        ])
        .ok();
}

/// `cognito/event_v3_<case>/stdout`.
#[test]
fn event_samples_of_v3() {
    let mut failures = Failures::default();
    for (name, args) in [
        (
            "hosted_auth",
            &["event", "cognito", "pre-token-generation", "--token-version", "v3"][..],
        ),
        // Machine-to-machine tokens come with version 3 only: it is implied.
        (
            "client_credentials",
            &["event", "cognito", "TokenGeneration_ClientCredentials"],
        ),
        (
            "client_credentials_fields",
            &[
                "event",
                "cognito",
                "TokenGeneration_ClientCredentials",
                "--client-id",
                "machine1",
                "--user-pool-id",
                "eu-west-1_Abc",
                "--scope",
                "reports/read",
                "--scope",
                "reports/write",
            ],
        ),
        (
            "scopes",
            &[
                "event",
                "cognito",
                "TokenGeneration_RefreshTokens",
                "--token-version",
                "v3",
                "--scope",
                "openid",
                "--scope",
                "profile",
            ],
        ),
    ] {
        let case = Case::at("cognito", &format!("event_v3_{name}"));
        failures.add(case.run(args).check(0));
    }
    failures.finish();
}

#[test]
fn every_v3_trigger_source_is_a_version_3_event() {
    let dir = tempfile::tempdir().unwrap();
    use cargo_trigger::sources::{CognitoEvent, TokenVersion};
    let sources = CognitoEvent::PreTokenGeneration.trigger_sources_for(TokenVersion::V3);
    assert_eq!(sources.len(), 6);
    for source in sources {
        let r = run(dir.path(), &["event", "cognito", source, "--token-version", "v3"]).success();
        let e: Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(e["version"], "3", "{source}");
        assert_eq!(e["triggerSource"], *source);
        assert_eq!(e["response"], json!({"claimsAndScopeOverrideDetails": null}));
        let machine = *source == "TokenGeneration_ClientCredentials";
        // A machine has no user: no attributes, no groups.
        assert_eq!(e["request"].get("userAttributes").is_none(), machine, "{source}");
        assert_eq!(e["request"].get("groupConfiguration").is_none(), machine, "{source}");
        assert!(!e["request"]["scopes"].as_array().unwrap().is_empty());
    }
    // V1 and V2 have no machine-to-machine tokens.
    for v in [TokenVersion::V1, TokenVersion::V2] {
        let list = CognitoEvent::PreTokenGeneration.trigger_sources_for(v);
        assert!(!list.contains(&"TokenGeneration_ClientCredentials"), "{v:?}");
    }
}

#[test]
fn event_errors() {
    let dir = tempfile::tempdir().unwrap();
    for (args, needle, help) in [
        (
            &[
                "event",
                "cognito",
                "TokenGeneration_ClientCredentials",
                "--token-version",
                "v2",
            ][..],
            "`TokenGeneration_ClientCredentials` comes with event version 3, not v2",
            "help: use `--token-version v3`",
        ),
        (
            &["event", "cognito", "pre-token-generation", "--scope", "a/b"],
            "`--scope` only applies to pre-token-generation events of version 2 or 3",
            "help: add `--token-version v2` (or `v3`)",
        ),
        (
            &["event", "cognito", "pre-sign-up", "--scope", "a/b"],
            "`--scope` only applies",
            "help: ",
        ),
    ] {
        let r = run(dir.path(), args).failure();
        assert_eq!(r.code, 101, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(needle), "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(help), "{args:?}: {}", r.stderr);
    }
}

#[test]
fn event_for_a_crate_follows_its_token_version() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    for (pool, v) in [("m2m", "v3"), ("people", "v2")] {
        new(
            ws,
            &[
                "--source",
                "cognito",
                "--event",
                "pre-token-generation",
                "--token-version",
                v,
                "--user-pool",
                pool,
            ],
        );
    }
    let r = run(ws, &["event", "--for", "m2m-pre-token-generation"]).success();
    let e: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(e["version"], "3");
    let r = run(
        ws,
        &[
            "event",
            "cognito",
            "TokenGeneration_ClientCredentials",
            "--for",
            "m2m-pre-token-generation",
        ],
    )
    .success();
    let e: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(e["userName"], e["callerContext"]["clientId"]);
    let r = run(
        ws,
        &[
            "event",
            "cognito",
            "TokenGeneration_ClientCredentials",
            "--for",
            "people-pre-token-generation",
        ],
    )
    .failure();
    assert!(r.stderr.contains("comes with event version 3, not v2"), "{}", r.stderr);
    // The crate records its version, and list shows it.
    let manifest = read(ws, "triggers/m2m-pre-token-generation/Cargo.toml");
    assert!(
        manifest.contains("event = \"pre-token-generation\"\ntoken-version = \"v3\"\n"),
        "{manifest}"
    );
    let list = run(ws, &["list"]).success();
    assert!(list.stdout.contains("pre-token-generation (v3)"), "{}", list.stdout);
    // Asking again with another version would change its event type.
    let r = run(
        ws,
        &[
            "new",
            "--source",
            "cognito",
            "--event",
            "pre-token-generation",
            "--token-version",
            "v2",
            "--module",
            "override-token-claims",
            "--user-pool",
            "m2m",
        ],
    )
    .failure();
    assert!(
        r.stderr
            .contains("handles pre-token-generation v3; `--token-version v2` would change its event type"),
        "{}",
        r.stderr
    );
}

#[test]
fn export_sets_v3_and_the_feature_plan() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    // Undeclared plan: Essentials. Declared: as declared.
    new(
        ws,
        &[
            "--source",
            "cognito",
            "--event",
            "pre-token-generation",
            "--token-version",
            "v3",
            "--module",
            "override-token-claims",
            "--set",
            "SCOPES_TO_ADD=reports/read",
            "--user-pool",
            "machines",
        ],
    );
    new(
        ws,
        &[
            "--source",
            "cognito",
            "--event",
            "pre-token-generation",
            "--token-version",
            "v3",
            "--user-pool",
            "premium",
            "--tier",
            "plus",
        ],
    );
    new(
        ws,
        &[
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--user-pool",
            "basic",
            "--tier",
            "lite",
        ],
    );
    new(
        ws,
        &[
            "--source",
            "cognito",
            "--event",
            "pre-token-generation",
            "--arn",
            "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbC123",
            "--token-version",
            "v3",
        ],
    );
    let root = read(ws, "Cargo.toml");
    assert!(
        root.contains(
            "[workspace.metadata.trigger.resources.premium]\ntype = \"cognito-user-pool\"\ntier = \"plus\"\n"
        ),
        "{root}"
    );
    let r = run(ws, &["export", "-o", "template.yaml"]).success();
    assert!(
        r.stderr.contains(
            "its `PreTokenGenerationConfig` trigger with `LambdaVersion` `V3_0` must be set on the pool itself"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("; the pool must be on the Essentials or Plus feature plan"),
        "{}",
        r.stderr
    );
    support::validate_template(&ws.join("template.yaml"));
    run(ws, &["export", "--format", "cloudformation", "-o", "cfn.json"]).success();
    support::validate_template(&ws.join("cfn.json"));
    let t: Value = serde_json::from_str(&read(ws, "cfn.json")).unwrap();
    let res = &t["Resources"];
    let machines = &res["MachinesUserPool"]["Properties"];
    assert_eq!(machines["UserPoolTier"], "ESSENTIALS");
    assert_eq!(
        machines["LambdaConfig"]["PreTokenGenerationConfig"]["LambdaVersion"],
        "V3_0"
    );
    assert_eq!(res["PremiumUserPool"]["Properties"]["UserPoolTier"], "PLUS");
    // A declared plan is exported even where no trigger needs one.
    assert_eq!(res["BasicUserPool"]["Properties"]["UserPoolTier"], "LITE");
    // The module's settings reach the function.
    let env = &res["MachinesPreTokenGenerationFunction"]["Properties"]["Environment"]["Variables"];
    assert_eq!(env["SCOPES_TO_ADD"], "reports/read");
}

#[test]
fn list_shows_a_pools_tier() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    new(
        ws,
        &[
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--user-pool",
            "basic",
            "--tier",
            "LITE",
        ],
    );
    let r = run(ws, &["list"]).success();
    assert!(r.stdout.contains("tier=lite"), "{}", r.stdout);
    let r = run(ws, &["list", "--format", "json"]).success();
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["resources"]["basic"]["tier"], "lite");
    let r = run(
        ws,
        &[
            "new",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--user-pool",
            "x",
            "--tier",
            "gold",
        ],
    )
    .failure();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("[possible values: lite, essentials, plus]"),
        "{}",
        r.stderr
    );
}
