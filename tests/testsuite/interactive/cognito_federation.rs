//! Interactive `new` and `wire` for the triggers of issue 17: the event
//! question offers `inbound-federation` (and its module's settings are
//! asked), the event-version question offers `v3`, and the printed
//! equivalent command reproduces the same files.

use crate::support;

use std::path::Path;

use super::{DOWN, ENTER, SPACE, answer, finish, replay, spawn};

#[test]
fn new_asks_for_inbound_federation_and_its_modules_settings() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    let mut p = spawn(ws, &["new", "--source", "cognito"], None);
    answer(&mut p, "enable any of these capabilities?", ENTER); // none
    answer(
        &mut p,
        "Which triggers do you want to enable?",
        &format!("inbound{SPACE}{ENTER}"),
    );
    // The ready module is offered first, then `custom`.
    answer(
        &mut p,
        "What functionality do you want for inbound-federation?",
        &format!("{SPACE}{ENTER}"),
    );
    answer(
        &mut p,
        "Which attributes should a federated user get",
        &format!("{{\"email\": \"email\", \"custom:department\": \"samlResponse.department\"}}{ENTER}"),
    );
    answer(&mut p, "Keep the provider's other attributes", &format!("false{ENTER}"));
    answer(
        &mut p,
        "Refuse the sign-in when the provider has not verified",
        &format!("true{ENTER}"),
    );
    answer(
        &mut p,
        "Which providers' email addresses count as verified",
        &format!("CorpSAML{ENTER}"),
    );
    answer(&mut p, "Which user pool?", ENTER); // Declare a new one
    answer(&mut p, "Name of the new cognito-user-pool", &format!("partners{ENTER}"));
    answer(&mut p, "Do you want to edit", &format!("n{ENTER}"));
    let (out, code) = finish(p);
    assert_eq!(code, 0, "{out}");
    let manifest = support::read(ws, "triggers/partners-inbound-federation/Cargo.toml");
    assert!(manifest.contains("event = \"inbound-federation\""), "{manifest}");
    assert!(
        manifest.contains("modules = [\"map-federated-attributes\"]"),
        "{manifest}"
    );
    for line in [
        "KEEP_UNMAPPED_ATTRIBUTES = \"false\"",
        "REQUIRE_VERIFIED_EMAIL = \"true\"",
        "TRUSTED_EMAIL_PROVIDERS = \"CorpSAML\"",
        "custom:department",
    ] {
        assert!(manifest.contains(line), "{line}: {manifest}");
    }
    assert!(
        ws.join("triggers/partners-inbound-federation/src/modules/map_federated_attributes.rs")
            .is_file()
    );
    assert!(out.contains("only federated sign-in"), "{out}");

    let again = tempfile::tempdir().unwrap();
    replay(&out, again.path());
    assert_eq!(support::snapshot(again.path()), support::snapshot(ws));
}

#[test]
fn wire_offers_event_version_3_when_adopting_a_crate() {
    let plain = |dir: &Path| {
        std::fs::create_dir_all(dir.join("crates/tokens/src")).unwrap();
        std::fs::write(
            dir.join("crates/tokens/Cargo.toml"),
            "[package]\nname = \"tokens\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
        )
        .unwrap();
        std::fs::write(dir.join("crates/tokens/src/main.rs"), "fn main() {}\n").unwrap();
    };
    let ws = support::workspace("virtual");
    plain(ws.path());
    let mut p = spawn(ws.path(), &["wire", "tokens"], None);
    answer(
        &mut p,
        "`tokens` is not a trigger crate yet",
        &format!("cognito{ENTER}"),
    );
    answer(&mut p, "Which trigger does it handle?", &format!("pre-token{ENTER}"));
    answer(&mut p, "event version?", &format!("{DOWN}{DOWN}{ENTER}")); // v3
    answer(&mut p, "Which user pool?", ENTER); // users, the declared pool
    let (out, code) = finish(p);
    assert_eq!(code, 0, "{out}");
    let manifest = support::read(ws.path(), "crates/tokens/Cargo.toml");
    assert!(
        manifest.contains("source = \"cognito\"\nevent = \"pre-token-generation\"\ntoken-version = \"v3\""),
        "{manifest}"
    );
    assert!(
        out.contains(
            "cargo trigger wire tokens --source cognito --event pre-token-generation --token-version v3 --user-pool users"
        ),
        "{out}"
    );

    let again = support::workspace("virtual");
    plain(again.path());
    replay(&out, again.path());
    assert_eq!(support::snapshot(again.path()), support::snapshot(ws.path()));
}
