//! The rules AWS holds a user pool's triggers to, each from both sides:
//! `new` and `wire` refuse what breaks them (writing nothing), `check`
//! reports it in a workspace edited by hand, and what keeps them passes.
//!
//! - V2 and V3 token generation need the Essentials or Plus feature plan: not
//!   on a pool declared `tier = "lite"`.
//! - A pool's custom email and SMS senders decrypt with its one KMS key.
//! - Only pre-token generation has event versions; every other trigger is
//!   invoked with `V1_0` only.
//! - Inbound federation runs only for federated sign-in (the inverse of the
//!   triggers federated sign-in skips).

use crate::support::{self, new, read, run};

use serde_json::Value;

const KEY_A: &str = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const KEY_B: &str = "arn:aws:kms:eu-west-1:123456789012:key/9999abcd-12ab-34cd-56ef-1234567890ab";

fn pre_token(version: &str, pool: &str, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "new",
        "--source",
        "cognito",
        "--event",
        "pre-token-generation",
        "--token-version",
        version,
        "--user-pool",
        pool,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

fn run_owned(ws: &std::path::Path, args: &[String]) -> support::Run {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(ws, &args)
}

/// `check --format json`'s findings: (code, key, message).
fn findings(ws: &std::path::Path) -> (i32, Vec<(String, String, String)>) {
    let r = run(ws, &["check", "--format", "json"]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout));
    let list = v["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                d["key"].as_str().unwrap_or_default().to_string(),
                d["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    (r.code, list)
}

#[test]
fn v2_and_v3_token_generation_need_more_than_the_lite_plan() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    // Refused on a new lite pool, nothing written.
    for v in ["v2", "v3"] {
        let r = run_owned(ws, &pre_token(v, "basic", &["--tier", "lite"])).failure();
        assert_eq!(r.code, 101, "{}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "error: `basic-pre-token-generation` gets pre-token-generation {v} events, which need the Essentials or Plus feature plan, but user pool `basic` is declared `tier = \"lite\"`"
            )),
            "{}",
            r.stderr
        );
        assert!(
            r.stderr.contains(
                "help: set `tier = \"essentials\"` (or `\"plus\"`) on resource `basic`, or use `token-version = \"v1\"`"
            ),
            "{}",
            r.stderr
        );
        assert!(support::snapshot(ws).is_empty());
    }
    // V1 on a lite pool, and V2/V3 on the other plans, pass.
    run_owned(ws, &pre_token("v1", "basic", &["--tier", "lite", "-q"])).success();
    run_owned(ws, &pre_token("v2", "better", &["--tier", "essentials", "-q"])).success();
    run_owned(ws, &pre_token("v3", "best", &["--tier", "plus", "-q"])).success();
    let (code, list) = findings(ws);
    assert_eq!(code, 0, "{list:?}");
    assert!(list.iter().all(|(c, _, _)| c != "cognito-tier"), "{list:?}");
    // A V2 crate of a declared lite pool, written by hand: `check` reports it
    // on the binding.
    let m = ws.join("triggers/basic-pre-token-generation/Cargo.toml");
    let text = std::fs::read_to_string(&m).unwrap();
    std::fs::write(
        &m,
        text.replace(
            "event = \"pre-token-generation\"\n",
            "event = \"pre-token-generation\"\ntoken-version = \"v2\"\n",
        ),
    )
    .unwrap();
    let (code, list) = findings(ws);
    assert_eq!(code, 1, "{list:?}");
    let tier: Vec<_> = list.iter().filter(|(c, _, _)| c == "cognito-tier").collect();
    assert_eq!(tier.len(), 1, "{list:?}");
    assert_eq!(tier[0].1, "package.metadata.trigger.bindings[0]");
    // Export refuses a workspace with errors.
    let r = run(ws, &["export"]).failure();
    assert_eq!(r.stdout, "");
    // Raising the pool's plan fixes it.
    let root = read(ws, "Cargo.toml");
    std::fs::write(
        ws.join("Cargo.toml"),
        root.replace("tier = \"lite\"", "tier = \"essentials\""),
    )
    .unwrap();
    let (code, list) = findings(ws);
    assert_eq!(code, 0, "{list:?}");
    // `wire` refuses to bind a V3 crate to a lite pool.
    let root = read(ws, "Cargo.toml");
    std::fs::write(
        ws.join("Cargo.toml"),
        format!(
            "{root}\n[workspace.metadata.trigger.resources.cheap]\ntype = \"cognito-user-pool\"\ntier = \"lite\"\n"
        ),
    )
    .unwrap();
    let before = support::snapshot(ws);
    let r = run(ws, &["wire", "best-pre-token-generation", "--user-pool", "cheap"]).failure();
    assert!(
        r.stderr.contains("user pool `cheap` is declared `tier = \"lite\"`"),
        "{}",
        r.stderr
    );
    assert_eq!(support::snapshot(ws), before);
}

fn sender(ws: &std::path::Path, event: &str, pool: &str, key: Option<&str>) -> support::Run {
    let mut args = vec![
        "new",
        "-q",
        "--source",
        "cognito",
        "--event",
        event,
        "--user-pool",
        pool,
    ];
    let set;
    if let Some(k) = key {
        set = format!("KEY_ARN={k}");
        args.extend(["--set", set.as_str()]);
    }
    run(ws, &args)
}

#[test]
fn a_pools_custom_senders_share_its_one_kms_key() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    sender(ws, "custom-email-sender", "users", Some(KEY_A)).success();
    // Another key for the SMS sender of the same pool: refused.
    let before = support::snapshot(ws);
    let r = sender(ws, "custom-sms-sender", "users", Some(KEY_B)).failure();
    assert_eq!(r.code, 101, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "error: `KEY_ARN={KEY_B}` is not the KMS key of user pool `users`: `users-custom-email-sender` names `{KEY_A}`, and a pool's custom email and SMS senders share its one key"
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!("help: pass `--set KEY_ARN={KEY_A}`")),
        "{}",
        r.stderr
    );
    assert_eq!(support::snapshot(ws), before);
    // The same key, or none (export sets it from the pool): accepted.
    sender(ws, "custom-sms-sender", "users", Some(KEY_A)).success();
    sender(ws, "custom-sms-sender", "others", None).success();
    let (code, list) = findings(ws);
    assert_eq!(code, 0, "{list:?}");
    // Both senders decrypt with the crates' key in the template (no key of
    // its own is declared for the pool).
    run(ws, &["export", "--format", "cloudformation", "-o", "cfn.json"]).success();
    support::validate_template(&ws.join("cfn.json"));
    let t: Value = serde_json::from_str(&read(ws, "cfn.json")).unwrap();
    assert_eq!(
        t["Resources"]["UsersUserPool"]["Properties"]["LambdaConfig"]["KMSKeyID"],
        KEY_A
    );
    assert!(t["Resources"].get("UsersSenderKey").is_none());
    assert!(t["Resources"].get("OthersSenderKey").is_some());
    // Edited by hand to another key: `check` names the later sender.
    let m = ws.join("triggers/users-custom-sms-sender/Cargo.toml");
    std::fs::write(&m, std::fs::read_to_string(&m).unwrap().replace(KEY_A, KEY_B)).unwrap();
    let (code, list) = findings(ws);
    assert_eq!(code, 1, "{list:?}");
    let keys: Vec<_> = list.iter().filter(|(c, _, _)| c == "cognito-sender-key").collect();
    assert_eq!(keys.len(), 1, "{list:?}");
    assert!(keys[0].2.starts_with(&format!(
        "`users-custom-sms-sender` decrypts with KMS key `{KEY_B}` (`KEY_ARN`), but `users-custom-email-sender` names `{KEY_A}`"
    )), "{list:?}");
    std::fs::write(&m, std::fs::read_to_string(&m).unwrap().replace(KEY_B, KEY_A)).unwrap();
    assert_eq!(findings(ws).0, 0);
    // `wire` refuses to put a sender on a pool whose other sender names
    // another key.
    sender(ws, "custom-sms-sender", "fresh", Some(KEY_B)).success();
    let before = support::snapshot(ws);
    let r = run(ws, &["wire", "users-custom-email-sender", "--user-pool", "fresh"]).failure();
    assert!(
        r.stderr.contains(&format!(
            "error: `users-custom-email-sender` decrypts with KMS key `{KEY_A}` (`KEY_ARN`), but `fresh-custom-sms-sender` names `{KEY_B}`: the custom email and SMS senders of user pool `fresh` share its one KMS key"
        )),
        "{}",
        r.stderr
    );
    assert_eq!(support::snapshot(ws), before);
    // A sender that names no key may join it.
    sender(ws, "custom-email-sender", "others", None).success();
    run(
        ws,
        &["wire", "-q", "others-custom-email-sender", "--user-pool", "fresh"],
    )
    .success();
    assert_eq!(findings(ws).0, 0);
}

#[test]
fn the_pools_declared_key_is_the_one_its_senders_use() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    run(
        ws,
        &[
            "new",
            "-q",
            "--source",
            "cognito",
            "--event",
            "custom-email-sender",
            "--user-pool",
            "vault",
            "--kms-key-arn",
            KEY_A,
        ],
    )
    .success();
    let r = sender(ws, "custom-sms-sender", "vault", Some(KEY_B)).failure();
    assert!(
        r.stderr
            .contains(&format!("user pool `vault` (`kms-key-arn`) names `{KEY_A}`")),
        "{}",
        r.stderr
    );
    sender(ws, "custom-sms-sender", "vault", Some(KEY_A)).success();
    assert_eq!(findings(ws).0, 0);
    // The pool's key changed by hand: both senders now disagree with it.
    let root = read(ws, "Cargo.toml");
    std::fs::write(ws.join("Cargo.toml"), root.replace(KEY_A, KEY_B)).unwrap();
    let (code, list) = findings(ws);
    assert_eq!(code, 1);
    let keys: Vec<_> = list.iter().filter(|(c, _, _)| c == "cognito-sender-key").collect();
    assert_eq!(keys.len(), 1, "only the sender that sets KEY_ARN disagrees: {list:?}");
    assert!(
        keys[0].2.contains("but user pool `vault` (`kms-key-arn`) names"),
        "{list:?}"
    );
}

#[test]
fn only_pre_token_generation_has_event_versions() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    // `new` refuses a version for another event.
    let r = run(
        ws,
        &[
            "new",
            "--source",
            "cognito",
            "--event",
            "inbound-federation",
            "--token-version",
            "v1",
            "--user-pool",
            "users",
        ],
    )
    .failure();
    assert!(
        r.stderr
            .contains("`--token-version` only applies to `pre-token-generation`"),
        "{}",
        r.stderr
    );
    new(
        ws,
        &[
            "--source",
            "cognito",
            "--event",
            "inbound-federation",
            "--user-pool",
            "users",
        ],
    );
    new(
        ws,
        &[
            "--source",
            "cognito",
            "--event",
            "custom-sms-sender",
            "--user-pool",
            "users",
        ],
    );
    new(
        ws,
        &["--source", "cognito", "--event", "pre-sign-up", "--user-pool", "users"],
    );
    assert_eq!(findings(ws).0, 0);
    // Written by hand: the V1_0-only events say so.
    for (krate, what) in [
        (
            "users-inbound-federation",
            "Cognito invokes `inbound-federation` with event version `V1_0` only",
        ),
        (
            "users-custom-sms-sender",
            "Cognito invokes `custom-sms-sender` with event version `V1_0` only",
        ),
        (
            "users-pre-sign-up",
            "`package.metadata.trigger.token-version` only applies to `pre-token-generation`",
        ),
    ] {
        let m = ws.join(format!("triggers/{krate}/Cargo.toml"));
        let text = std::fs::read_to_string(&m).unwrap();
        std::fs::write(
            &m,
            text.replace(
                "source = \"cognito\"\n",
                "source = \"cognito\"\ntoken-version = \"v1\"\n",
            ),
        )
        .unwrap();
        let (code, list) = findings(ws);
        assert_eq!(code, 1, "{list:?}");
        assert!(
            list.iter()
                .any(|(_, k, msg)| k.ends_with("token-version") && msg.contains(what)),
            "{krate}: {list:?}"
        );
        std::fs::write(&m, text).unwrap();
        assert_eq!(findings(ws).0, 0);
    }
}

#[test]
fn inbound_federation_runs_only_for_federated_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    let only = "warning: only federated sign-in (SAML, OIDC and social identity providers) invokes the `inbound-federation` trigger: users who sign in with the pool's own credentials never reach it";
    let r = run(
        ws,
        &[
            "new",
            "--source",
            "cognito",
            "--event",
            "inbound-federation",
            "--user-pool",
            "users",
        ],
    )
    .success();
    assert!(r.stderr.contains(only), "{}", r.stderr);
    assert!(!r.stderr.contains("does not invoke"), "{}", r.stderr);
    // The inverse: triggers federated sign-in skips say so; the others say nothing.
    let r = run(
        ws,
        &[
            "new",
            "--source",
            "cognito",
            "--event",
            "user-migration",
            "--user-pool",
            "users",
        ],
    )
    .success();
    assert!(
        r.stderr
            .contains("warning: federated sign-in does not invoke the `user-migration` trigger"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("only federated sign-in"), "{}", r.stderr);
    let r = run(
        ws,
        &[
            "new",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--user-pool",
            "users",
        ],
    )
    .success();
    assert!(!r.stderr.contains("federated sign-in"), "{}", r.stderr);
    // The generated crate says it too.
    let lib = read(ws, "triggers/users-inbound-federation/src/lib.rs");
    assert!(
        lib.contains("//! Only federated sign-in (through a SAML, OIDC or social identity provider)"),
        "{lib}"
    );
    assert!(!lib.contains("Federated sign-in does not invoke"), "{lib}");
    // `wire` adopting a crate as one warns the same way.
    std::fs::create_dir_all(ws.join("crates/plain/src")).unwrap();
    std::fs::write(
        ws.join("crates/plain/Cargo.toml"),
        "[package]\nname = \"plain\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
    )
    .unwrap();
    std::fs::write(ws.join("crates/plain/src/main.rs"), "fn main() {}\n").unwrap();
    let root = read(ws, "Cargo.toml");
    std::fs::write(
        ws.join("Cargo.toml"),
        root.replace("members = [", "members = [\"crates/plain\", "),
    )
    .unwrap();
    let r = run(
        ws,
        &[
            "wire",
            "plain",
            "--source",
            "cognito",
            "--event",
            "inbound-federation",
            "--user-pool",
            "partners",
            "--create",
        ],
    )
    .success();
    assert!(r.stderr.contains(only), "{}", r.stderr);
    // Two inbound federation functions on one pool: one slot.
    let r = run(ws, &["wire", "users-inbound-federation", "--user-pool", "partners"]).failure();
    assert!(
        r.stderr
            .contains("user pool `partners` already runs `plain` for `InboundFederation`"),
        "{}",
        r.stderr
    );
}
