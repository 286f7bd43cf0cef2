//! The SNS questions: the filter policy is checked against the scope
//! answered before it, with the engine's error shown in the prompt, and the
//! printed command makes the same files.

use crate::support;

use super::{DOWN, ENTER, answer, finish, replay, send, spawn};

#[test]
fn sns_flow_checks_the_policy_against_its_scope() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = spawn(dir.path(), &["new"], None);
    answer(&mut p, "Which event source?", &format!("sns{ENTER}"));
    answer(&mut p, "Which topic?", ENTER); // Declare a new sns-topic
    answer(&mut p, "Name of the new sns-topic", &format!("orders{ENTER}"));
    answer(&mut p, "Filter policy scope", &format!("{DOWN}{ENTER}")); // MessageBody
    // SNS has no `wildcard`: the question says so and waits for a fix.
    let bad = r#"{"order": {"kind": [{"wildcard": "*ed"}]}}"#;
    answer(&mut p, "Filter policy (JSON)?", &format!("{bad}{ENTER}"));
    p.exp_string("invalid filter policy at `order.kind[0].wildcard`")
        .expect("the engine's error in the prompt");
    send(&mut p, &"\x7f".repeat(bad.len()));
    send(&mut p, &format!(r#"{{"order": {{"kind": ["created"]}}}}{ENTER}"#));
    answer(&mut p, "dead-letter queue?", &format!("n{ENTER}"));
    answer(&mut p, "Do you want to edit the handler", &format!("n{ENTER}"));
    let (out, code) = finish(p);
    assert_eq!(code, 0, "{out}");
    let manifest = support::read(dir.path(), "triggers/orders-sns-trigger/Cargo.toml");
    assert!(
        manifest.contains(
            "topic = \"orders\"\nfilter-policy-scope = \"MessageBody\"\nfilter-policy = '{\"order\": {\"kind\": [\"created\"]}}'\ndead-letter-queue = false\n"
        ),
        "{manifest}"
    );

    let again = tempfile::tempdir().unwrap();
    replay(&out, again.path());
    assert_eq!(support::snapshot(again.path()), support::snapshot(dir.path()));
}
