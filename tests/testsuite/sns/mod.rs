//! The SNS source: what a subscription delivers (its filter policy applied
//! as SNS applies it, in the library and through `invoke` on a generated
//! crate's real binary). The command cases are in [`cases`]; the scaffold
//! is built in `scaffolds::sns`, the questions in `interactive::sns`, and
//! the samples' round trip through `aws_lambda_events` in `event::sns`.

use crate::support;

use std::path::Path;

use cargo_trigger::model::{Binding, FieldValue, Settings, Source, Target};
use cargo_trigger::ops::event::{EventOptions, generate};
use cargo_trigger::sources::sample::EventFlags;
use serde_json::{Value, json};
use support::{cmd, run_with};

mod cases;

fn binding(scope: &'static str, policy: Option<&str>) -> Binding {
    let mut settings = Settings::new();
    settings.set("filter-policy-scope", FieldValue::Str(scope.into()));
    if let Some(p) = policy {
        settings.set("filter-policy", FieldValue::Str(p.into()));
    }
    settings.set("dead-letter-queue", FieldValue::Bool(true));
    Binding {
        target: Target::Resource("orders".into()),
        settings,
    }
}

/// `cargo trigger event sns` with these field flags.
fn sample(flags: &[(&str, &str)], records: Option<usize>) -> Value {
    let mut f = EventFlags::default();
    for (k, v) in flags {
        f.push(k, v.to_string());
    }
    generate(
        None,
        &EventOptions {
            source: Some(Source::parse("sns").unwrap()),
            records,
            flags: f,
            ..Default::default()
        },
    )
    .unwrap()
}

fn ids(event: &Value) -> Vec<String> {
    event["Records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Sns"]["MessageId"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn deliver_applies_the_attribute_policy() {
    let spec = Source::parse("sns").unwrap().spec();
    let b = binding(
        "MessageAttributes",
        Some(r#"{"store": ["example_corp"], "price_usd": [{"numeric": [">", 100]}]}"#),
    );
    // A match is delivered whole.
    let ok = sample(
        &[
            ("message-attribute", "store=example_corp"),
            ("message-attribute", "price_usd:Number=210.75"),
        ],
        None,
    );
    let d = spec.deliver(&b, None, ok.clone());
    assert_eq!(d.event.as_ref(), Some(&ok));
    assert!(d.notes.is_empty(), "{:?}", d.notes);
    // The price as a string is not a number to SNS.
    let as_string = sample(
        &[
            ("message-attribute", "store=example_corp"),
            ("message-attribute", "price_usd=210.75"),
        ],
        None,
    );
    let d = spec.deliver(&b, None, as_string.clone());
    assert!(d.event.is_none());
    assert_eq!(
        d.notes,
        vec![format!(
            "the subscription to topic `orders` filters out the message (`{}`): `price_usd` is `\"210.75\"`, the filter policy wants a number > 100",
            ids(&as_string)[0]
        )]
    );
    // No attributes: the first key the policy names is missing.
    let bare = sample(&[], None);
    let d = spec.deliver(&b, None, bare);
    assert!(d.event.is_none());
    assert!(
        d.notes[0].ends_with("`store` is missing, the filter policy wants one of `\"example_corp\"`"),
        "{:?}",
        d.notes
    );
}

#[test]
fn deliver_drops_the_records_the_policy_rejects() {
    let spec = Source::parse("sns").unwrap().spec();
    let b = binding("MessageAttributes", Some(r#"{"store": [{"prefix": "example"}]}"#));
    let mut event = sample(&[("message-attribute", "store=example_corp")], Some(3));
    event["Records"][1]["Sns"]["MessageAttributes"]["store"]["Value"] = json!("other_corp");
    let all = ids(&event);
    let d = spec.deliver(&b, None, event);
    let delivered = d.event.expect("two of three are delivered");
    assert_eq!(ids(&delivered), vec![all[0].clone(), all[2].clone()]);
    assert_eq!(
        d.notes,
        vec![format!(
            "the subscription to topic `orders` filters out message 2 of 3 (`{}`): `store` is `\"other_corp\"`, the filter policy wants a string starting with `\"example\"`",
            all[1]
        )]
    );
}

#[test]
fn deliver_applies_the_body_policy() {
    let spec = Source::parse("sns").unwrap().spec();
    let b = binding(
        "MessageBody",
        Some(r#"{"order": {"kind": ["created"], "total": [{"numeric": [">=", 100]}]}}"#),
    );
    let yes = sample(&[("message", r#"{"order": {"kind": "created", "total": 120}}"#)], None);
    assert!(spec.deliver(&b, None, yes).event.is_some());
    let small = sample(&[("message", r#"{"order": {"kind": "created", "total": 20}}"#)], None);
    let d = spec.deliver(&b, None, small);
    assert!(d.event.is_none());
    assert!(
        d.notes[0].ends_with("`order.total` is `20`, the filter policy wants a number >= 100"),
        "{:?}",
        d.notes
    );
    let text = sample(&[("message", "hello")], None);
    let d = spec.deliver(&b, None, text);
    assert!(d.event.is_none());
    assert!(
        d.notes[0].ends_with(
            "the message body is not JSON (`hello`) and the filter policy matches keys inside it, so SNS does not deliver the message"
        ),
        "{:?}",
        d.notes
    );
}

#[test]
fn deliver_without_a_policy_hands_over_everything() {
    let spec = Source::parse("sns").unwrap().spec();
    let event = sample(&[("message", "anything")], Some(2));
    let d = spec.deliver(&binding("MessageAttributes", None), None, event.clone());
    assert_eq!(d.event.as_ref(), Some(&event));
    assert!(d.notes.is_empty());
    // An empty policy is SNS's way of saying the same.
    let d = spec.deliver(&binding("MessageBody", Some("{}")), None, event.clone());
    assert_eq!(d.event, Some(event));
    assert!(d.notes.is_empty());
    // An event that is not SNS's is handed over unchanged, with a warning.
    let d = spec.deliver(
        &binding("MessageAttributes", Some(r#"{"a": ["b"]}"#)),
        None,
        json!({"hello": "world"}),
    );
    assert_eq!(d.event, Some(json!({"hello": "world"})));
    assert!(d.notes[0].contains("has no SNS `Records`"), "{:?}", d.notes);
}

fn trigger(ws: &Path, args: &[&str]) -> support::Run {
    let mut c = cmd(ws, args);
    c.env("CARGO_TARGET_DIR", support::shared_target());
    run_with(c, ws)
}

/// `invoke` on a generated crate whose subscription filters on attributes:
/// an event SNS would not deliver is reported with why, and the function is
/// not built or run; one it would deliver runs the real binary; of a batch,
/// only the messages the policy accepts reach the function.
#[test]
fn invoke_applies_the_filter_policy_before_the_function_sees_the_event() {
    // Generated crates of one name share `target/debug/NAME` in the shared
    // target: one test at a time builds and runs them.
    let _turn = support::shared_target_lock();
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    trigger(
        ws,
        &[
            "new",
            "-q",
            "--source",
            "sns",
            "--topic",
            "orders",
            "--filter-policy",
            r#"{"store": ["example_corp"]}"#,
        ],
    )
    .success();
    support::use_generated_lock(ws);

    // The default sample has no attributes: not delivered, not built.
    let r = trigger(ws, &["invoke", "orders-sns-trigger"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "`orders-sns-trigger`'s bindings would not deliver this event, so it was not invoked: the subscription to topic `orders` filters out the message"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("`store` is missing, the filter policy wants one of `\"example_corp\"`"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("Building"), "{}", r.stderr);
    assert_eq!(r.stdout, "");

    // A matching message runs the function.
    let event = trigger(
        ws,
        &[
            "event",
            "--for",
            "orders-sns-trigger",
            "--message-attribute",
            "store=example_corp",
            "--records",
            "2",
        ],
    )
    .success();
    let mut batch: Value = serde_json::from_str(&event.stdout).unwrap();
    let all = ids(&batch);
    std::fs::write(ws.join("match.json"), &event.stdout).unwrap();
    let r = trigger(ws, &["invoke", "orders-sns-trigger", "--event", "match.json"]).success();
    let out: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(out, json!({"handled": all, "failed": []}), "{}", r.stderr);

    // Of a batch, the rejected message is dropped with a warning.
    batch["Records"][0]["Sns"]["MessageAttributes"]["store"]["Value"] = json!("other_corp");
    std::fs::write(ws.join("mixed.json"), batch.to_string()).unwrap();
    let r = trigger(ws, &["invoke", "orders-sns-trigger", "--event", "mixed.json"]).success();
    let out: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(out["handled"], json!([all[1]]), "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "warning: the subscription to topic `orders` filters out message 1 of 2 (`{}`): `store` is `\"other_corp\"`",
            all[0]
        )),
        "{}",
        r.stderr
    );
}
