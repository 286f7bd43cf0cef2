//! Cognito trigger crates: one per event per pool, extended in place, user
//! edits kept.

use crate::support;

use support::{read, run};

fn pre_sign_up(ws: &std::path::Path, extra: &[&str]) -> support::Run {
    let mut args = vec![
        "new",
        "--source",
        "cognito",
        "--event",
        "pre-sign-up",
        "--user-pool",
        "users",
    ];
    args.extend_from_slice(extra);
    run(ws, &args)
}

#[test]
fn adding_a_module_extends_the_events_crate_and_keeps_user_edits() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    pre_sign_up(ws, &[]).success();
    let krate = "triggers/users-pre-sign-up";
    // The user writes their own logic in the custom module.
    let custom = ws.join(krate).join("src/modules/custom.rs");
    let edited = read(ws, &format!("{krate}/src/modules/custom.rs"))
        .replace("let _ = event;", "event.response.auto_confirm_user = true;");
    std::fs::write(&custom, &edited).unwrap();

    let r = pre_sign_up(
        ws,
        &[
            "--module",
            "email-deny-list",
            "--set",
            "DOMAIN_DENY_LIST=mailinator.com",
        ],
    )
    .success();
    assert!(
        r.stderr.contains("Adding email-deny-list to `users-pre-sign-up`"),
        "{}",
        r.stderr
    );
    // No second crate; the list grew in order; the user's file is intact.
    let members = read(ws, "Cargo.toml");
    assert_eq!(members.matches("pre-sign-up").count(), 1, "{members}");
    let manifest = read(ws, &format!("{krate}/Cargo.toml"));
    assert!(
        manifest.contains("modules = [\"custom\", \"email-deny-list\"]"),
        "{manifest}"
    );
    assert!(manifest.contains("DOMAIN_DENY_LIST = \"mailinator.com\""), "{manifest}");
    assert_eq!(std::fs::read_to_string(&custom).unwrap(), edited);
    let mod_rs = read(ws, &format!("{krate}/src/modules/mod.rs"));
    assert!(
        mod_rs.contains("pub mod custom;\npub mod email_deny_list;\n"),
        "{mod_rs}"
    );
    assert!(ws.join(krate).join("src/modules/email_deny_list.rs").is_file());
    // Asking again adds nothing.
    let before = support::snapshot(ws);
    let r = pre_sign_up(ws, &["--module", "email-deny-list"]).success();
    assert!(r.stderr.contains("nothing to add"), "{}", r.stderr);
    assert_eq!(support::snapshot(ws), before);
}

#[test]
fn an_edited_mod_rs_stops_the_change_and_says_which_file() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    pre_sign_up(ws, &[]).success();
    let mod_rs = ws.join("triggers/users-pre-sign-up/src/modules/mod.rs");
    let text = std::fs::read_to_string(&mod_rs).unwrap() + "\n// mine\n";
    std::fs::write(&mod_rs, &text).unwrap();
    let before = support::snapshot(ws);
    let r = pre_sign_up(ws, &["--module", "email-deny-list", "--set", "DOMAIN_DENY_LIST=x.com"]).failure();
    assert!(
        r.stderr
            .contains("`triggers/users-pre-sign-up/src/modules/mod.rs` has changes of yours"),
        "{}",
        r.stderr
    );
    assert_eq!(support::snapshot(ws), before);
}

#[test]
fn capabilities_span_events_and_federation_is_called_out() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    let r = run(
        ws,
        &[
            "new",
            "--source",
            "cognito",
            "--event",
            "custom-message",
            "--event",
            "user-migration",
            "--user-pool",
            "users",
        ],
    )
    .success();
    assert!(
        r.stderr
            .contains("warning: federated sign-in does not invoke the `custom-message` trigger"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("warning: federated sign-in does not invoke the `user-migration` trigger"),
        "{}",
        r.stderr
    );
    let list = run(ws, &["list", "--format", "json"]).success();
    let v: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    let names: Vec<&str> = v["triggers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["users-custom-message", "users-user-migration"]);
    for t in v["triggers"].as_array().unwrap() {
        assert_eq!(t["lambda"]["timeout"], 5, "Cognito waits 5 s");
        assert_eq!(t["modules"], serde_json::json!(["custom"]));
    }
    // A name applies to one event only.
    let r = run(
        ws,
        &[
            "new",
            "x",
            "--source",
            "cognito",
            "--event",
            "pre-sign-up",
            "--event",
            "post-confirmation",
            "--user-pool",
            "u2",
        ],
    )
    .failure();
    assert!(r.stderr.contains("applies to one event"), "{}", r.stderr);
}

#[test]
fn custom_senders_use_their_own_event_type() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    let r = run(
        ws,
        &[
            "new",
            "--source",
            "cognito",
            "--event",
            "custom-email-sender",
            "--user-pool",
            "users",
        ],
    )
    .success();
    assert!(r.stderr.contains("needs a KMS key"), "{}", r.stderr);
    let lib = read(ws, "triggers/users-custom-email-sender/src/lib.rs");
    assert!(
        lib.contains("pub use crate::event::CustomSenderEvent as Event;"),
        "{lib}"
    );
    assert!(ws.join("triggers/users-custom-email-sender/src/event.rs").is_file());
    let m = read(ws, "triggers/users-custom-email-sender/Cargo.toml");
    assert!(m.contains("modules = [\"custom-sender\"]"), "{m}");
    // Crates of other events get no event.rs.
    run(
        ws,
        &[
            "new",
            "--source",
            "cognito",
            "--event",
            "pre-authentication",
            "--user-pool",
            "users",
        ],
    )
    .success();
    assert!(!ws.join("triggers/users-pre-authentication/src/event.rs").exists());
}

mod federation;
mod pool_rules;
mod token_v3;
