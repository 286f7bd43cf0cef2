//! The inbound federation and V3 token generation crates, generated with
//! their modules and non-default settings: their own tests pass, a user's
//! module after them sees what they answered, and the real binaries answer
//! Cognito's events through `cargo trigger invoke`.

use crate::support;

use std::path::Path;

use support::{cmd, new, run_with};

use super::{cargo_test, tests_run};

/// `cargo trigger ARGS` building in the shared target.
fn trigger(ws: &Path, args: &[&str]) -> support::Run {
    let mut c = cmd(ws, args);
    c.env("CARGO_TARGET_DIR", support::shared_target());
    run_with(c, ws)
}

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    new(
        ws,
        &[
            "--source",
            "cognito",
            "--event",
            "inbound-federation",
            "--module",
            "map-federated-attributes",
            "--module",
            "custom",
            "--set",
            r#"FEDERATED_ATTRIBUTE_MAP={"email": ["email", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"], "given_name": "userInfo.given_name", "custom:department": "samlResponse.department"}"#,
            "--set",
            "KEEP_UNMAPPED_ATTRIBUTES=false",
            "--set",
            "REQUIRE_VERIFIED_EMAIL=true",
            "--set",
            "TRUSTED_EMAIL_PROVIDERS=ExampleSAML",
            "--user-pool",
            "partners",
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
            "--module",
            "override-token-claims",
            "--module",
            "custom",
            "--set",
            r#"CLAIMS_TO_ADD_OR_OVERRIDE={"plan": "pro"}"#,
            "--set",
            r#"ACCESS_TOKEN_CLAIMS_TO_ADD_OR_OVERRIDE={"tenant": "acme"}"#,
            "--set",
            "SCOPES_TO_SUPPRESS=orders/write",
            "--user-pool",
            "machines",
        ],
    );
    dir
}

/// The user's module 2 of the federation crate: tags every federated user
/// with the provider, after module 1 chose the attributes.
const FEDERATION_CUSTOM: &str = r#"use lambda_runtime::Error;

use crate::Event;

pub struct Module;

impl Module {
    pub async fn from_env() -> Result<Self, Error> {
        Ok(Module)
    }

    pub async fn run(&self, event: &mut Event) -> Result<(), Error> {
        let answer = &mut event.response.user_attributes_to_map;
        if answer.is_empty() {
            return Err("module 1 gave no attributes".into());
        }
        answer.insert("custom:idp".to_string(), event.request.provider_name.clone());
        Ok(())
    }
}
"#;

const FEDERATION_PIPELINE: &str = r##"use partners_inbound_federation::Event;
use partners_inbound_federation::modules::{Pipeline, custom, map_federated_attributes as map};

fn pipeline() -> Pipeline {
    let settings = map::Settings {
        attribute_map: r#"{"email": ["email", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"], "custom:department": "samlResponse.department"}"#.to_string(),
        keep_unmapped_attributes: "false".to_string(),
        require_verified_email: "true".to_string(),
        trusted_email_providers: "ExampleSAML".to_string(),
    };
    Pipeline { map_federated_attributes: map::Module::new(&settings).unwrap(), custom: custom::Module }
}

fn sample(kind: &str) -> Event {
    let text = std::fs::read_to_string(format!("events/InboundFederation_ExternalProvider-{kind}.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn the_second_module_sees_the_mapped_attributes() {
    let mut saml = sample("SAML");
    pipeline().run(&mut saml).await.unwrap();
    let answer = &saml.response.user_attributes_to_map;
    assert_eq!(answer["email"], "jane.doe@example.com");
    assert_eq!(answer["email_verified"], "true");
    assert_eq!(answer["custom:department"], "Engineering");
    assert_eq!(answer["custom:idp"], "ExampleSAML");
    assert_eq!(answer.len(), 4, "{answer:?}");
}

#[tokio::test]
async fn an_untrusted_unverified_email_stops_the_pipeline() {
    let mut saml = sample("SAML");
    saml.request.provider_name = "OtherSAML".to_string();
    let err = pipeline().run(&mut saml).await.unwrap_err();
    assert_eq!(err.to_string(), "The email address jane.doe@example.com is not verified by OtherSAML");
    assert!(saml.response.user_attributes_to_map.is_empty(), "module 2 ran after module 1 failed");
}
"##;

/// The user's module 2 of the token crate: machine tokens get their client
/// as a claim, on top of module 1's changes.
const TOKEN_CUSTOM: &str = r#"use lambda_runtime::Error;

use crate::Event;

pub struct Module;

impl Module {
    pub async fn from_env() -> Result<Self, Error> {
        Ok(Module)
    }

    pub async fn run(&self, event: &mut Event) -> Result<(), Error> {
        if !event.is_client_credentials() {
            return Ok(());
        }
        let client = event.caller_context.client_id.clone();
        let details = event.response.claims_and_scope_override_details.as_mut().ok_or("module 1 did not run first")?;
        if details.id_token_generation.is_some() {
            return Err("a machine token has no ID token".into());
        }
        let access = details.access_token_generation.as_mut().ok_or("no access token changes")?;
        access.claims_to_add_or_override.insert("client".to_string(), client.into());
        Ok(())
    }
}
"#;

const TOKEN_PIPELINE: &str = r##"use machines_pre_token_generation::Event;
use machines_pre_token_generation::modules::{Pipeline, custom, override_token_claims as claims};

fn pipeline() -> Pipeline {
    let settings = claims::Settings {
        claims_to_add_or_override: r#"{"plan": "pro"}"#.to_string(),
        access_token_claims_to_add_or_override: r#"{"tenant": "acme"}"#.to_string(),
        scopes_to_suppress: "orders/write".to_string(),
        ..Default::default()
    };
    Pipeline { override_token_claims: claims::Module::new(&settings).unwrap(), custom: custom::Module }
}

fn sample(source: &str) -> Event {
    serde_json::from_str(&std::fs::read_to_string(format!("events/{source}.json")).unwrap()).unwrap()
}

#[tokio::test]
async fn machine_tokens_get_access_token_claims_only() {
    let mut event = sample("TokenGeneration_ClientCredentials");
    pipeline().run(&mut event).await.unwrap();
    let details = event.response.claims_and_scope_override_details.unwrap();
    assert!(details.id_token_generation.is_none());
    assert!(details.group_override_details.is_none());
    let access = details.access_token_generation.unwrap();
    assert_eq!(access.claims_to_add_or_override["tenant"], "acme");
    assert_eq!(access.claims_to_add_or_override["client"], "1example23456789example");
    assert_eq!(access.scopes_to_suppress, ["orders/write"]);
}

#[tokio::test]
async fn user_tokens_get_both() {
    let mut event = sample("TokenGeneration_Authentication");
    pipeline().run(&mut event).await.unwrap();
    let details = event.response.claims_and_scope_override_details.unwrap();
    assert_eq!(details.id_token_generation.unwrap().claims_to_add_or_override["plan"], "pro");
    assert_eq!(details.access_token_generation.unwrap().claims_to_add_or_override["tenant"], "acme");
    assert!(details.group_override_details.is_some());
}
"##;

#[test]
fn federation_and_v3_crates_build_pass_their_tests_and_answer_cognito() {
    let dir = workspace();
    let ws = dir.path();
    let federation = ws.join("triggers/partners-inbound-federation");
    std::fs::write(federation.join("src/modules/custom.rs"), FEDERATION_CUSTOM).unwrap();
    std::fs::create_dir_all(federation.join("tests")).unwrap();
    std::fs::write(federation.join("tests/pipeline.rs"), FEDERATION_PIPELINE).unwrap();
    let tokens = ws.join("triggers/machines-pre-token-generation");
    std::fs::write(tokens.join("src/modules/custom.rs"), TOKEN_CUSTOM).unwrap();
    std::fs::create_dir_all(tokens.join("tests")).unwrap();
    std::fs::write(tokens.join("tests/pipeline.rs"), TOKEN_PIPELINE).unwrap();

    let output = cargo_test(ws);
    // Their unit tests (module and crate tests; the pipeline tests are checked below).
    assert!(tests_run(&output, "partners_inbound_federation") >= 15, "{output}");
    assert!(tests_run(&output, "machines_pre_token_generation") >= 11, "{output}");
    for name in [
        "the_second_module_sees_the_mapped_attributes",
        "an_untrusted_unverified_email_stops_the_pipeline",
        "machine_tokens_get_access_token_claims_only",
        "user_tokens_get_both",
    ] {
        assert!(
            output.contains(&format!("test {name} ... ok")),
            "{name} did not pass:\n{output}"
        );
    }

    // The real binaries, with the settings in their Cargo.toml.
    let r = trigger(ws, &["invoke", "partners-inbound-federation"]).success();
    let answer: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        answer["response"]["userAttributesToMap"],
        serde_json::json!({"email": "jane.doe@example.com", "email_verified": "true", "given_name": "Jane", "custom:idp": "ExampleOIDC"})
    );
    let unverified = trigger(
        ws,
        &[
            "event",
            "cognito",
            "inbound-federation",
            "--provider-type",
            "SAML",
            "--provider-name",
            "OtherSAML",
        ],
    )
    .success();
    std::fs::write(ws.join("other.json"), &unverified.stdout).unwrap();
    let r = trigger(ws, &["invoke", "partners-inbound-federation", "--event", "other.json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("The email address jane.doe@example.com is not verified by OtherSAML"),
        "{}",
        r.stderr
    );
    let r = trigger(
        ws,
        &[
            "invoke",
            "machines-pre-token-generation",
            "--event",
            "TokenGeneration_ClientCredentials",
        ],
    )
    .success();
    let answer: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        answer["response"],
        serde_json::json!({"claimsAndScopeOverrideDetails": {"accessTokenGeneration": {
            "claimsToAddOrOverride": {"tenant": "acme", "client": "1example23456789example"},
            "claimsToSuppress": [],
            "scopesToAdd": [],
            "scopesToSuppress": ["orders/write"]
        }}})
    );
}
