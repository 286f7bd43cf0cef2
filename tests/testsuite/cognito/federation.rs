//! The inbound federation trigger: its crate and module, its sample events
//! (every kind of identity provider), `list`'s note that only federated
//! sign-in invokes it, and its templates, which AWS's translator and linter
//! accept.

use crate::case;
use crate::support::case::{Case, Failures};
use crate::support::{self, new, read, run};

use serde_json::Value;

#[test]
fn new_inbound_federation_with_map_federated_attributes() {
    case!()
        .run(&[
            "new",
            "--source",
            "cognito",
            "--event",
            "inbound-federation",
            "--module",
            "map-federated-attributes",
            "--set",
            r#"FEDERATED_ATTRIBUTE_MAP={"email": "email", "custom:department": "samlResponse.department"}"#,
            "--set",
            "KEEP_UNMAPPED_ATTRIBUTES=false",
            "--set",
            "REQUIRE_VERIFIED_EMAIL=true",
            "--set",
            "TRUSTED_EMAIL_PROVIDERS=CorpSAML",
            "--user-pool",
            "partners",
            "--dry-run",
        ])
        .ok();
}

#[test]
fn bad_module_settings_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    for (set, needle) in [
        ("FEDERATED_ATTRIBUTE_MAP=[1]", "expected a JSON object"),
        (r#"FEDERATED_ATTRIBUTE_MAP={"email": 5}"#, "`email` must name a claim"),
        ("KEEP_UNMAPPED_ATTRIBUTES=maybe", "`true` or `false`"),
    ] {
        let r = run(
            dir.path(),
            &[
                "new",
                "--source",
                "cognito",
                "--event",
                "inbound-federation",
                "--module",
                "map-federated-attributes",
                "--set",
                set,
                "--user-pool",
                "partners",
            ],
        )
        .failure();
        assert_eq!(r.code, 101, "{}", r.stderr);
        assert!(r.stderr.contains(needle), "{set}: {}", r.stderr);
        assert!(support::snapshot(dir.path()).is_empty(), "{set}: files were written");
    }
    // The module serves no other event.
    let r = run(
        dir.path(),
        &[
            "new",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--module",
            "map-federated-attributes",
            "--user-pool",
            "partners",
        ],
    )
    .failure();
    assert!(
        r.stderr
            .contains("`map-federated-attributes` is for `inbound-federation`"),
        "{}",
        r.stderr
    );
}

/// `cognito/event_inbound_federation_<case>/stdout`: every kind of provider,
/// and the field flags.
#[test]
fn event_samples_of_every_provider_type() {
    let mut failures = Failures::default();
    for (name, args) in [
        ("oidc", &["event", "cognito", "inbound-federation"][..]),
        (
            "saml",
            &["event", "cognito", "inbound-federation", "--provider-type", "SAML"],
        ),
        (
            "google",
            &["event", "cognito", "inbound-federation", "--provider-type", "google"],
        ),
        (
            "facebook",
            &[
                "event",
                "cognito",
                "InboundFederation_ExternalProvider",
                "--provider-type",
                "Facebook",
            ],
        ),
        (
            "apple",
            &[
                "event",
                "cognito",
                "inbound-federation",
                "--provider-type",
                "SignInWithApple",
            ],
        ),
        (
            "amazon",
            &[
                "event",
                "cognito",
                "inbound-federation",
                "--provider-type",
                "LoginWithAmazon",
            ],
        ),
        (
            "fields",
            &[
                "event",
                "cognito",
                "inbound-federation",
                "--provider-type",
                "SAML",
                "--provider-name",
                "CorpSAML",
                "--email",
                "ann.lee@example.org",
                "--attribute",
                "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups=Admins",
                "--user-pool-id",
                "eu-west-1_Abc",
                "--client-id",
                "client1",
            ],
        ),
    ] {
        let case = Case::at("cognito", &format!("event_inbound_federation_{name}"));
        failures.add(case.run(args).check(0));
    }
    failures.finish();
}

#[test]
fn samples_carry_what_each_provider_sends() {
    let dir = tempfile::tempdir().unwrap();
    let sample = |kind: &str| -> Value {
        let r = run(
            dir.path(),
            &["event", "cognito", "inbound-federation", "--provider-type", kind],
        )
        .success();
        serde_json::from_str(&r.stdout).unwrap()
    };
    for (kind, parts, name) in [
        ("OIDC", &["tokenResponse", "idToken", "userInfo"][..], "ExampleOIDC"),
        ("SAML", &["samlResponse"], "ExampleSAML"),
        ("Google", &["tokenResponse", "idToken", "userInfo"], "Google"),
        ("Facebook", &["tokenResponse", "userInfo"], "Facebook"),
        ("SignInWithApple", &["tokenResponse", "idToken"], "SignInWithApple"),
        ("LoginWithAmazon", &["tokenResponse", "userInfo"], "LoginWithAmazon"),
    ] {
        let e = sample(kind);
        assert_eq!(e["triggerSource"], "InboundFederation_ExternalProvider");
        assert_eq!(e["version"], "1");
        assert_eq!(e["request"]["providerType"], kind);
        assert_eq!(e["request"]["providerName"], name);
        let attributes = e["request"]["attributes"].as_object().unwrap();
        let got: Vec<&str> = attributes.keys().map(String::as_str).collect();
        assert_eq!(got, parts, "{kind}");
        // Cognito documents every attribute value as a string.
        for part in attributes.values() {
            assert!(
                part.as_object().unwrap().values().all(Value::is_string),
                "{kind}: {part}"
            );
        }
        assert!(e["userName"].as_str().unwrap().starts_with(&format!("{name}_")), "{e}");
        assert_eq!(e["response"], serde_json::json!({"userAttributesToMap": {}}));
    }
}

#[test]
fn event_flag_errors() {
    let dir = tempfile::tempdir().unwrap();
    for (args, needle) in [
        (
            &["event", "cognito", "inbound-federation", "--provider-type", "ldap"][..],
            "unknown identity provider type `ldap`",
        ),
        (
            &["event", "cognito", "pre-sign-up", "--provider-type", "SAML"],
            "`--provider-type` only applies to `inbound-federation` events",
        ),
        (
            &["event", "cognito", "post-confirmation", "--provider-name", "Corp"],
            "`--provider-name` only applies to `inbound-federation` events",
        ),
    ] {
        let r = run(dir.path(), args).failure();
        assert_eq!(r.code, 101, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(needle), "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("help: "), "{args:?}: {}", r.stderr);
        assert_eq!(r.stdout, "");
    }
}

#[test]
fn list_notes_that_only_federated_sign_in_invokes_it() {
    let case = case!()
        .setup(&[
            "new",
            "--source",
            "cognito",
            "--event",
            "inbound-federation",
            "--user-pool",
            "users",
        ])
        .setup(&[
            "new",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--user-pool",
            "users",
        ]);
    case.run(&["list"]).named("table").ok();
    case.run(&["list", "--format", "json"]).named("json").ok();
}

/// A managed pool with inbound federation, one that also has custom
/// senders and V3 token generation, and an existing pool.
fn federated_workspace() -> tempfile::TempDir {
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
"#,
    )
    .unwrap();
    new(
        ws,
        &[
            "--source",
            "cognito",
            "--event",
            "inbound-federation",
            "--module",
            "map-federated-attributes",
            "--set",
            r#"FEDERATED_ATTRIBUTE_MAP={"email": "email"}"#,
            "--user-pool",
            "partners",
            "--resource-name",
            "Partner pool",
        ],
    );
    // Pre sign-up on the same pool: configured directly too (SAM's Cognito
    // event cannot set InboundFederation).
    new(
        ws,
        &[
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--user-pool",
            "partners",
        ],
    );
    for e in ["inbound-federation", "custom-email-sender", "pre-token-generation"] {
        let mut args = vec!["--source", "cognito", "--event", e, "--user-pool", "all"];
        if e == "pre-token-generation" {
            args.extend(["--token-version", "v3"]);
        }
        new(ws, &args);
    }
    new(
        ws,
        &[
            "--source",
            "cognito",
            "--event",
            "inbound-federation",
            "--user-pool",
            "legacy-pool",
        ],
    );
    dir
}

#[test]
fn export_sets_inbound_federation_in_the_pool_and_aws_tools_accept_it() {
    let dir = federated_workspace();
    let ws = dir.path();
    let r = run(ws, &["export", "-o", "template.yaml"]).success();
    assert!(
        r.stderr
            .contains("its `InboundFederation` trigger with `LambdaVersion` `V1_0` must be set on the pool itself"),
        "{}",
        r.stderr
    );
    support::validate_template(&ws.join("template.yaml"));
    run(ws, &["export", "--format", "cloudformation", "-o", "cfn.json"]).success();
    support::validate_template(&ws.join("cfn.json"));

    run(ws, &["export", "-o", "template.json"]).success();
    let t: Value = serde_json::from_str(&read(ws, "template.json")).unwrap();
    let res = &t["Resources"];
    let partners = &res["PartnersUserPool"]["Properties"];
    assert_eq!(partners["UserPoolName"], "Partner pool");
    let config = &partners["LambdaConfig"];
    assert_eq!(config["InboundFederation"]["LambdaVersion"], "V1_0");
    assert_eq!(
        config["InboundFederation"]["LambdaArn"]["Fn::GetAtt"][0],
        "PartnersInboundFederationFunction"
    );
    // The pool's other trigger is set beside it, not through SAM's event.
    assert_eq!(config["PreSignUp"]["Fn::GetAtt"][0], "PartnersPreSignUpFunction");
    assert!(res["PartnersPreSignUpFunction"]["Properties"].get("Events").is_none());
    // Inbound federation needs no feature plan of its own.
    assert!(partners.get("UserPoolTier").is_none(), "{partners}");
    // Cognito may invoke the function, and only this pool.
    let permission = &res["PartnersInboundFederationCognitoPermission"]["Properties"];
    assert_eq!(permission["Principal"], "cognito-idp.amazonaws.com");
    assert_eq!(permission["SourceArn"]["Fn::GetAtt"][0], "PartnersUserPool");
    // The module's settings reach the function.
    let env = &res["PartnersInboundFederationFunction"]["Properties"]["Environment"]["Variables"];
    assert_eq!(env["FEDERATED_ATTRIBUTE_MAP"], r#"{"email": "email"}"#);
    // Every versioned trigger of one pool in its LambdaConfig, and the plan
    // V3 token generation needs.
    let all = &res["AllUserPool"]["Properties"];
    assert_eq!(all["LambdaConfig"]["InboundFederation"]["LambdaVersion"], "V1_0");
    assert_eq!(all["LambdaConfig"]["CustomEmailSender"]["LambdaVersion"], "V1_0");
    assert_eq!(all["LambdaConfig"]["PreTokenGenerationConfig"]["LambdaVersion"], "V3_0");
    assert_eq!(all["UserPoolTier"], "ESSENTIALS");
    // The existing pool: the permission only.
    assert!(res.get("LegacyPoolUserPool").is_none());
    assert_eq!(
        res["LegacyPoolInboundFederationCognitoPermission"]["Properties"]["SourceArn"],
        "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbC123"
    );
}

/// The installed cfn-lint (1.58) has `InboundFederation` in its
/// `AWS::Cognito::UserPool` schema: it refuses a version other than `V1_0`
/// there, and an unknown feature plan. So the clean lint above is a real
/// check of these properties, not a schema that ignores them.
#[test]
fn cfn_lint_knows_inbound_federation_and_the_feature_plans() {
    let dir = federated_workspace();
    let ws = dir.path();
    run(ws, &["export", "--format", "cloudformation", "-o", "cfn.json"]).success();
    let mut t: Value = serde_json::from_str(&read(ws, "cfn.json")).unwrap();
    let pool = &mut t["Resources"]["AllUserPool"]["Properties"];
    pool["LambdaConfig"]["InboundFederation"]["LambdaVersion"] = "V2_0".into();
    pool["UserPoolTier"] = "GOLD".into();
    std::fs::write(ws.join("bad.json"), serde_json::to_string_pretty(&t).unwrap()).unwrap();
    let out = std::process::Command::new(support::python())
        .arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/validate_template.py"))
        .arg(ws.join("bad.json"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "{text}");
    assert!(text.contains("E3030: 'V2_0' is not one of ['V1_0']"), "{text}");
    assert!(
        text.contains("'GOLD' is not one of ['LITE', 'ESSENTIALS', 'PLUS']"),
        "{text}"
    );
}
