//! Every EventBridge sample `cargo trigger event` prints (with flags, and
//! for each kind of crate) deserialises into aws_lambda_events'
//! `EventBridgeEvent` and serialises back without losing a field; a rule's
//! sample for a crate matches the crate's pattern.

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use cargo_trigger::pattern::EventPattern;
use serde_json::Value;

use crate::event::{contained, round_trip};
use crate::support::run;

/// `event ARGS…` in `ws`: the typed event, checked to lose nothing.
#[track_caller]
fn typed_in(ws: &std::path::Path, args: &[&str]) -> (Value, EventBridgeEvent) {
    let mut full = vec!["event"];
    full.extend_from_slice(args);
    let r = run(ws, &full).success();
    let original: Value = serde_json::from_str(&r.stdout).unwrap();
    let typed: EventBridgeEvent =
        serde_json::from_value(original.clone()).unwrap_or_else(|e| panic!("{args:?}: {e}\n{}", r.stdout));
    let back = serde_json::to_value(&typed).unwrap();
    if let Err(e) = contained(&original, &back, "") {
        panic!("{args:?}: {e}\n{}", r.stdout);
    }
    (original, typed)
}

#[test]
fn rule_and_schedule_events_round_trip() {
    let e: EventBridgeEvent = round_trip(&["eventbridge"]);
    assert_eq!(e.source, "acme.orders");
    assert_eq!(e.detail_type, "Order Placed");
    assert_eq!(e.detail["amount"], 42.5);
    let e: EventBridgeEvent = round_trip(&[
        "eventbridge",
        "event",
        "--event-source",
        "acme.billing",
        "--detail-type",
        "Invoice Paid",
        "--detail",
        r#"{"invoice": "i-7", "total": 12.5, "paid": true, "lines": [{"sku": "a", "n": 2}], "note": null}"#,
        "--time",
        "2025-03-01T10:00:00+01:00",
        "--region",
        "eu-west-1",
    ]);
    assert_eq!(e.source, "acme.billing");
    assert_eq!(e.region.as_deref(), Some("eu-west-1"));
    assert_eq!(e.time.unwrap().to_rfc3339(), "2025-03-01T09:00:00+00:00");
    assert_eq!(e.detail["lines"][0]["n"], 2);
    let s: EventBridgeEvent = round_trip(&["eventbridge", "scheduled"]);
    assert_eq!(s.detail_type, "Scheduled Event");
    assert_eq!(s.source, "aws.scheduler");
    assert_eq!(s.detail["attempt-number"], "1");
    assert!(s.resources.unwrap()[0].starts_with("arn:aws:scheduler:us-east-1:123456789012:schedule/default/"));
}

#[test]
fn samples_for_crates_round_trip_and_match_their_rule() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    crate::eventbridge::everything(ws);
    // Schedules: the first run after the sample epoch, in the schedule's zone.
    let (_, nightly) = typed_in(ws, &["--for", "nightly"]);
    assert_eq!(nightly.detail_type, "Scheduled Event");
    // 02:30 in Berlin on Tuesday 2024-01-02 (winter, UTC+1).
    assert_eq!(nightly.time.unwrap().to_rfc3339(), "2024-01-02T01:30:00+00:00");
    assert_eq!(
        nightly.resources.unwrap(),
        ["arn:aws:scheduler:us-east-1:123456789012:schedule/default/nightly"]
    );
    let (_, launch) = typed_in(ws, &["--for", "launch"]);
    assert_eq!(launch.time.unwrap().to_rfc3339(), "2030-01-31T14:00:00+00:00");
    // Rules: an event their pattern matches.
    let patterns = [
        (
            "acme-orders-eventbridge-trigger",
            vec![],
            r#"{"source": ["acme.orders"], "detail-type": ["Order Placed"], "detail": {"amount": [{"numeric": [">", 100]}]}}"#,
        ),
        (
            "shipped",
            vec!["--bus", "orders"],
            r#"{"source": ["acme.orders"], "detail": {"status": ["shipped"]}}"#,
        ),
        (
            "audit",
            vec![],
            r#"{"$or": [{"source": [{"prefix": "acme."}]}, {"detail-type": [{"wildcard": "*Audit*"}]}]}"#,
        ),
        ("tickets", vec![], r#"{"detail-type": ["Ticket Created"]}"#),
        (
            "legacy-orders",
            vec!["--bus", "legacy"],
            r#"{"source": ["acme.legacy"]}"#,
        ),
    ];
    for (krate, extra, pattern) in patterns {
        let mut args = vec!["--for", krate];
        args.extend(extra);
        let (original, _) = typed_in(ws, &args);
        let verdict = EventPattern::parse(pattern).unwrap().matches(&original);
        assert!(verdict.is_match(), "{krate}: {verdict:?}\n{original}");
    }
    // An explicit detail is kept as given, even where the pattern wants
    // another (invoke then says the rule would not deliver it).
    let (original, typed) = typed_in(ws, &["--for", "shipped", "--detail", r#"{"status": "pending"}"#]);
    assert_eq!(typed.detail["status"], "pending");
    let pattern = EventPattern::parse(r#"{"source": ["acme.orders"], "detail": {"status": ["shipped"]}}"#).unwrap();
    assert!(!pattern.matches(&original).is_match());
}
