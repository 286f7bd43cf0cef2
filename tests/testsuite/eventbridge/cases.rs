//! EventBridge cases (`tests/testsuite/eventbridge/<case>/`): `new` of each
//! kind of binding (the crate, its sample and its metadata), every
//! malformed expression, zone, window, pattern and form (a clear error
//! pointing at the bad part, nothing written), the metadata reader's
//! findings, `check`'s rules both ways, `list`, `wire`/`unwire`, `grant`
//! and `event`.

use crate::case;
use crate::support::case::{Case, Failures, TableCase, table};

#[test]
fn schedule_rate() {
    case!()
        .run(&["new", "--source", "eventbridge", "--schedule", "rate(5 minutes)"])
        .ok();
}

#[test]
fn schedule_cron_in_a_time_zone() {
    case!()
        .run(&[
            "new",
            "nightly",
            "--source",
            "eventbridge",
            "--schedule",
            "cron(30 2 ? * MON-FRI *)",
            "--timezone",
            "Europe/Berlin",
            "--flexible-window-minutes",
            "15",
        ])
        .ok();
}

#[test]
fn schedule_at() {
    case!()
        .run(&[
            "new",
            "launch",
            "--source",
            "eventbridge",
            "--schedule",
            "at(2030-01-31T09:00:00)",
            "--timezone",
            "America/New_York",
        ])
        .ok();
}

#[test]
fn rule_on_the_default_bus() {
    case!()
        .run(&[
            "new",
            "--source",
            "eventbridge",
            "--pattern",
            r#"{"source": ["acme.orders"], "detail-type": ["Order Placed"], "detail": {"amount": [{"numeric": [">", 100]}], "type": [{"prefix": "express-"}]}}"#,
        ])
        .ok();
}

#[test]
fn rule_on_a_new_bus() {
    case!()
        .fixture("virtual")
        .run(&[
            "new",
            "shipped",
            "--source",
            "eventbridge",
            "--bus",
            "orders",
            "--resource-name",
            "acme-orders",
            "--pattern",
            r#"{"source": ["acme.orders"], "detail": {"status": ["shipped"]}}"#,
        ])
        .ok();
}

#[test]
fn rule_on_an_existing_bus() {
    case!()
        .run(&[
            "new",
            "--source",
            "eventbridge",
            "--arn",
            "arn:aws:events:eu-west-1:123456789012:event-bus/aws.partner/acme.com/123/app",
            "--pattern",
            r#"{"detail-type": ["Ticket Created"]}"#,
        ])
        .ok();
}

#[test]
fn dry_run_of_a_rule() {
    case!()
        .run(&[
            "new",
            "--dry-run",
            "--source",
            "eventbridge",
            "--pattern",
            r#"{"source": ["acme.billing"]}"#,
        ])
        .ok();
}

/// Each class of malformed value, and each way a binding is not exactly one
/// rule or schedule: exit 101 (2 for clap's own), a message that points at
/// the bad part, and nothing written.
const ERRORS: &[TableCase] = &[
    // Schedule expressions, one per class of Scheduler's rules.
    (
        "error_schedule_kind",
        &["new", "--source", "eventbridge", "--schedule", "every(5 minutes)"],
        101,
    ),
    (
        "error_schedule_not_an_expression",
        &["new", "--source", "eventbridge", "--schedule", "5 minutes"],
        101,
    ),
    (
        "error_schedule_unclosed",
        &["new", "--source", "eventbridge", "--schedule", "rate(5 minutes"],
        101,
    ),
    (
        "error_schedule_spaces",
        &["new", "--source", "eventbridge", "--schedule", " rate(5 minutes)"],
        101,
    ),
    (
        "error_rate_plural",
        &["new", "--source", "eventbridge", "--schedule", "rate(5 hour)"],
        101,
    ),
    (
        "error_rate_singular",
        &["new", "--source", "eventbridge", "--schedule", "rate(1 hours)"],
        101,
    ),
    (
        "error_rate_seconds",
        &["new", "--source", "eventbridge", "--schedule", "rate(30 seconds)"],
        101,
    ),
    (
        "error_rate_zero",
        &["new", "--source", "eventbridge", "--schedule", "rate(0 minutes)"],
        101,
    ),
    (
        "error_cron_fields",
        &["new", "--source", "eventbridge", "--schedule", "cron(0 12 * *)"],
        101,
    ),
    (
        "error_cron_both_days",
        &["new", "--source", "eventbridge", "--schedule", "cron(0 12 * * * *)"],
        101,
    ),
    (
        "error_cron_no_day",
        &["new", "--source", "eventbridge", "--schedule", "cron(0 12 ? * ? *)"],
        101,
    ),
    (
        "error_cron_range",
        &["new", "--source", "eventbridge", "--schedule", "cron(71 8 1 * ? *)"],
        101,
    ),
    (
        "error_cron_value",
        &["new", "--source", "eventbridge", "--schedule", "cron(0 8 ? * FUNDAY *)"],
        101,
    ),
    (
        "error_cron_nth_in_a_list",
        &[
            "new",
            "--source",
            "eventbridge",
            "--schedule",
            "cron(0 8 ? * 3#1,6#3 *)",
        ],
        101,
    ),
    (
        "error_cron_year",
        &["new", "--source", "eventbridge", "--schedule", "cron(0 8 ? * MON 2200)"],
        101,
    ),
    (
        "error_cron_step",
        &["new", "--source", "eventbridge", "--schedule", "cron(0/0 * * * ? *)"],
        101,
    ),
    (
        "error_at_zone_suffix",
        &[
            "new",
            "--source",
            "eventbridge",
            "--schedule",
            "at(2030-01-31T09:00:00Z)",
        ],
        101,
    ),
    (
        "error_at_date",
        &[
            "new",
            "--source",
            "eventbridge",
            "--schedule",
            "at(2030-02-30T09:00:00)",
        ],
        101,
    ),
    // Time zones and the flexible window.
    (
        "error_timezone_case",
        &[
            "new",
            "--source",
            "eventbridge",
            "--schedule",
            "rate(1 hour)",
            "--timezone",
            "europe/berlin",
        ],
        101,
    ),
    (
        "error_timezone_unknown",
        &[
            "new",
            "--source",
            "eventbridge",
            "--schedule",
            "rate(1 hour)",
            "--timezone",
            "Mars/Olympus",
        ],
        101,
    ),
    (
        "error_window_zero",
        &[
            "new",
            "--source",
            "eventbridge",
            "--schedule",
            "rate(1 hour)",
            "--flexible-window-minutes",
            "0",
        ],
        101,
    ),
    (
        "error_window_over_a_day",
        &[
            "new",
            "--source",
            "eventbridge",
            "--schedule",
            "rate(1 hour)",
            "--flexible-window-minutes",
            "1441",
        ],
        101,
    ),
    (
        "error_window_not_a_number",
        &[
            "new",
            "--source",
            "eventbridge",
            "--schedule",
            "rate(1 hour)",
            "--flexible-window-minutes",
            "soon",
        ],
        2,
    ),
    // Event patterns, one per class of EventBridge's rules.
    (
        "error_pattern_not_json",
        &["new", "--source", "eventbridge", "--pattern", "{source: [acme]}"],
        101,
    ),
    (
        "error_pattern_not_an_object",
        &["new", "--source", "eventbridge", "--pattern", r#"["acme.orders"]"#],
        101,
    ),
    (
        "error_pattern_not_an_array",
        &[
            "new",
            "--source",
            "eventbridge",
            "--pattern",
            r#"{"source": "acme.orders"}"#,
        ],
        101,
    ),
    (
        "error_pattern_operator",
        &[
            "new",
            "--source",
            "eventbridge",
            "--pattern",
            r#"{"detail": {"state": [{"starts-with": "run"}]}}"#,
        ],
        101,
    ),
    (
        "error_pattern_prefix_type",
        &[
            "new",
            "--source",
            "eventbridge",
            "--pattern",
            r#"{"source": [{"prefix": 1}]}"#,
        ],
        101,
    ),
    (
        "error_pattern_numeric",
        &[
            "new",
            "--source",
            "eventbridge",
            "--pattern",
            r#"{"detail": {"size": [{"numeric": [">", 10, ">", 20]}]}}"#,
        ],
        101,
    ),
    (
        "error_pattern_anything_but_empty",
        &[
            "new",
            "--source",
            "eventbridge",
            "--pattern",
            r#"{"detail": {"state": [{"anything-but": []}]}}"#,
        ],
        101,
    ),
    (
        "error_pattern_exists",
        &[
            "new",
            "--source",
            "eventbridge",
            "--pattern",
            r#"{"detail": {"id": [{"exists": "yes"}]}}"#,
        ],
        101,
    ),
    (
        "error_pattern_or",
        &[
            "new",
            "--source",
            "eventbridge",
            "--pattern",
            r#"{"$or": [{"source": ["a"]}]}"#,
        ],
        101,
    ),
    (
        "error_pattern_empty",
        &["new", "--source", "eventbridge", "--pattern", "{}"],
        101,
    ),
    // Exactly one of a schedule and a rule; the schedule's keys and a bus
    // only with their own kind.
    ("error_neither", &["new", "--source", "eventbridge"], 101),
    (
        "error_neither_with_yes",
        &["new", "--source", "eventbridge", "--yes"],
        101,
    ),
    (
        "error_both",
        &[
            "new",
            "--source",
            "eventbridge",
            "--schedule",
            "rate(1 hour)",
            "--pattern",
            r#"{"source": ["acme.orders"]}"#,
        ],
        101,
    ),
    (
        "error_timezone_on_a_rule",
        &[
            "new",
            "--source",
            "eventbridge",
            "--pattern",
            r#"{"source": ["acme.orders"]}"#,
            "--timezone",
            "UTC",
        ],
        101,
    ),
    (
        "error_timezone_alone",
        &["new", "--source", "eventbridge", "--timezone", "UTC"],
        101,
    ),
    (
        "error_bus_on_a_schedule",
        &[
            "new",
            "--source",
            "eventbridge",
            "--schedule",
            "rate(1 hour)",
            "--bus",
            "orders",
        ],
        101,
    ),
    (
        "error_arn_on_a_schedule",
        &[
            "new",
            "--source",
            "eventbridge",
            "--schedule",
            "rate(1 hour)",
            "--arn",
            "arn:aws:events:eu-west-1:123456789012:event-bus/orders",
        ],
        101,
    ),
    (
        "error_schedule_for_another_source",
        &[
            "new",
            "--source",
            "s3",
            "--bucket",
            "photos",
            "--schedule",
            "rate(1 hour)",
        ],
        101,
    ),
    // Buses.
    (
        "error_bus_arn",
        &[
            "new",
            "--source",
            "eventbridge",
            "--arn",
            "arn:aws:events:eu-west-1:123456789012:rule/orders",
            "--pattern",
            r#"{"source": ["acme.orders"]}"#,
        ],
        101,
    ),
    (
        "error_bus_named_default",
        &[
            "new",
            "--source",
            "eventbridge",
            "--bus",
            "main",
            "--resource-name",
            "default",
            "--pattern",
            r#"{"source": ["acme.orders"]}"#,
        ],
        101,
    ),
    (
        "error_bus_of_another_kind",
        &[
            "new",
            "--source",
            "eventbridge",
            "--bus",
            "photos",
            "--pattern",
            r#"{"source": ["acme.orders"]}"#,
        ],
        101,
    ),
];

#[test]
fn errors() {
    table("eventbridge", "virtual", ERRORS);
}

/// A pattern longer than EventBridge's 2048 characters.
#[test]
fn error_pattern_too_long() {
    let values: Vec<String> = (0..300).map(|i| format!("\"acme.service-{i}\"")).collect();
    let pattern = format!("{{\"source\": [{}]}}", values.join(", "));
    case!()
        .run(&["new", "--source", "eventbridge", "--pattern", &pattern])
        .code(101);
}

/// What the metadata reader says about hand-written bindings that are not
/// exactly one rule or schedule, or whose values AWS would refuse.
#[test]
fn metadata_findings() {
    let case = case!()
        .file(
            "Cargo.toml",
            r#"[workspace]
resolver = "3"
members = ["triggers/*"]

[workspace.metadata.trigger.resources.orders]
type = "event-bus"

[workspace.metadata.trigger.resources.bad-bus]
type = "event-bus"
name = "orders/eu"
"#,
        )
        .file(
            "triggers/jobs/Cargo.toml",
            r#"[package]
name = "jobs"
version = "0.1.0"
edition = "2024"

[package.metadata.trigger]
source = "eventbridge"

[[package.metadata.trigger.bindings]]
schedule = "cron(0 12 * * * *)"

[[package.metadata.trigger.bindings]]
schedule = "rate(1 hour)"
pattern = '{"source": ["acme.orders"]}'

[[package.metadata.trigger.bindings]]
timezone = "Europe/Berlin"

[[package.metadata.trigger.bindings]]
bus = "orders"
schedule = "rate(1 hour)"

[[package.metadata.trigger.bindings]]
pattern = '{"source": [{"suffix": 3}]}'
flexible-window-minutes = 10

[[package.metadata.trigger.bindings]]
arn = "arn:aws:events:eu-west-1:123456789012:event-bus/orders"
pattern = '{"detail": {"n": [{"numeric": ["<", "ten"]}]}}'

[[package.metadata.trigger.bindings]]
schedule = "rate(1 hour)"
timezone = "Berlin"
flexible-window-minutes = 2000
"#,
        )
        .file("triggers/jobs/src/main.rs", "fn main() {}\n");
    case.run(&["check"]).code(1);
}

/// `check`'s EventBridge rules, each with a binding that breaks it and one
/// that does not: a schedule that never fires again, a rule on a custom bus
/// that only matches AWS services' events, and a declared bus named
/// `default`.
#[test]
fn check_rules_both_ways() {
    let case = case!()
        .setup(&[
            "new",
            "past",
            "--source",
            "eventbridge",
            "--schedule",
            "at(2020-01-31T09:00:00)",
        ])
        .setup(&[
            "new",
            "future",
            "--source",
            "eventbridge",
            "--schedule",
            "at(2099-01-31T09:00:00)",
        ])
        .setup(&[
            "new",
            "leap",
            "--source",
            "eventbridge",
            "--schedule",
            "cron(0 0 29 2 ? *)",
        ])
        .setup(&[
            "new",
            "gone",
            "--source",
            "eventbridge",
            "--schedule",
            "cron(0 0 1 1 ? 2020-2021)",
        ])
        .setup(&[
            "new",
            "ec2-default",
            "--source",
            "eventbridge",
            "--pattern",
            r#"{"source": ["aws.ec2"]}"#,
        ])
        .setup(&[
            "new",
            "ec2-custom",
            "--source",
            "eventbridge",
            "--bus",
            "ops",
            "--pattern",
            r#"{"source": ["aws.ec2", "aws.autoscaling"]}"#,
        ])
        .setup(&[
            "new",
            "acme-custom",
            "--source",
            "eventbridge",
            "--bus",
            "ops",
            "--pattern",
            r#"{"source": ["acme.orders", "aws.ec2"]}"#,
        ])
        .setup(&[
            "new",
            "ec2-existing-default",
            "--source",
            "eventbridge",
            "--arn",
            "arn:aws:events:eu-west-1:123456789012:event-bus/default",
            "--pattern",
            r#"{"source": ["aws.ec2"]}"#,
        ])
        .setup(&[
            "new",
            "named-default",
            "--source",
            "eventbridge",
            "--bus",
            "default",
            "--pattern",
            r#"{"source": ["acme.orders"]}"#,
        ]);
    case.run(&["check"]).named("check").ok();
    case.run(&["check", "--format", "json"]).named("json").ok();
}

/// `new` and `wire` print the rule's warning and still write.
#[test]
fn a_rule_that_never_fires_is_a_warning() {
    case!()
        .run(&[
            "new",
            "--source",
            "eventbridge",
            "--bus",
            "ops",
            "--pattern",
            r#"{"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]}"#,
        ])
        .ok();
}

#[test]
fn list_table_and_json() {
    let dir = tempfile::tempdir().unwrap();
    crate::eventbridge::everything(dir.path());
    let case = Case::adopt(
        crate::support::case::root().join("eventbridge/list_table_and_json"),
        dir,
    );
    let mut failures = Failures::default();
    failures.add(case.run(&["list"]).named("table").check(0));
    failures.add(case.run(&["list", "--format", "json"]).named("json").check(0));
    failures.finish();
}

#[test]
fn wire_and_unwire() {
    let case = case!().setup(&["new", "jobs", "--source", "eventbridge", "--schedule", "rate(1 day)"]);
    case.run(&[
        "wire",
        "jobs",
        "--pattern",
        r#"{"source": ["acme.jobs"], "detail-type": ["Job Requested"]}"#,
    ])
    .named("wire")
    .ok();
    case.run(&[
        "wire",
        "jobs",
        "--schedule",
        "cron(0 6 ? * SUN *)",
        "--timezone",
        "Asia/Tokyo",
    ])
    .named("wire_schedule")
    .ok();
    case.run(&["wire", "jobs", "--schedule", "rate(1 day)"])
        .named("wire_again")
        .code(101);
    case.run(&["wire", "jobs", "--timezone", "UTC"])
        .named("wire_neither")
        .code(101);
    case.run(&["wire", "jobs", "--pattern", "{"])
        .named("wire_bad")
        .code(101);
    case.run(&["unwire", "jobs"]).named("unwire_which").code(101);
    case.run(&["unwire", "jobs", "--index", "1"]).named("unwire").ok();
}

#[test]
fn grant_put_events() {
    let case = case!()
        .setup(&[
            "new",
            "publisher",
            "--source",
            "eventbridge",
            "--schedule",
            "rate(5 minutes)",
        ])
        .setup(&[
            "new",
            "consumer",
            "--source",
            "eventbridge",
            "--bus",
            "orders",
            "--pattern",
            r#"{"source": ["acme.orders"]}"#,
        ]);
    case.run(&["grant", "publisher", "--resource", "orders", "--access", "put-events"])
        .named("grant")
        .ok();
    case.run(&["grant", "publisher", "--resource", "orders", "--access", "write"])
        .named("grant_write")
        .code(101);
    case.run(&["revoke", "publisher", "--resource", "orders"])
        .named("revoke")
        .ok();
}

const EVENTS: &[TableCase] = &[
    ("event", &["event", "eventbridge"], 0),
    ("event_kind", &["event", "eventbridge", "event"], 0),
    ("scheduled", &["event", "eventbridge", "scheduled"], 0),
    (
        "event_fields",
        &[
            "event",
            "eventbridge",
            "--event-source",
            "acme.billing",
            "--detail-type",
            "Invoice Paid",
            "--detail",
            r#"{"invoice": "i-7", "total": 12.5, "lines": [{"sku": "a"}]}"#,
            "--time",
            "2025-03-01T10:00:00+01:00",
            "--region",
            "eu-west-1",
        ],
        0,
    ),
    (
        "scheduled_time",
        &["event", "eventbridge", "scheduled", "--time", "2025-06-01T00:00:00Z"],
        0,
    ),
    ("error_event_kind", &["event", "eventbridge", "cron"], 101),
    ("error_event_records", &["event", "eventbridge", "--records", "3"], 101),
    (
        "error_event_detail_json",
        &["event", "eventbridge", "--detail", "[1, 2]"],
        101,
    ),
    (
        "error_event_time",
        &["event", "eventbridge", "--time", "yesterday"],
        101,
    ),
    (
        "error_event_bus_without_for",
        &["event", "eventbridge", "--bus", "orders"],
        101,
    ),
    (
        "error_event_scheduled_detail",
        &["event", "eventbridge", "scheduled", "--detail-type", "Tick"],
        101,
    ),
];

#[test]
fn events() {
    table("eventbridge", "", EVENTS);
}

/// `--for` a crate: its schedule's first run after the sample epoch, or an
/// event its rule's pattern matches; `--bus` picks the rule.
#[test]
fn events_for_crates() {
    let dir = tempfile::tempdir().unwrap();
    crate::eventbridge::everything(dir.path());
    let case = Case::adopt(crate::support::case::root().join("eventbridge/events_for_crates"), dir);
    let mut failures = Failures::default();
    for (stem, args, code) in [
        ("nightly", &["event", "--for", "nightly"][..], 0),
        ("launch", &["event", "--for", "launch"], 0),
        (
            "every_five_rule_kind",
            &["event", "eventbridge", "event", "--for", "every-five"],
            0,
        ),
        ("orders", &["event", "--for", "acme-orders-eventbridge-trigger"], 0),
        ("shipped", &["event", "--for", "shipped", "--bus", "orders"], 0),
        ("audit", &["event", "--for", "audit"], 0),
        (
            "shipped_detail",
            &["event", "--for", "shipped", "--detail", r#"{"status": "pending"}"#],
            0,
        ),
        (
            "error_shipped_bus",
            &["event", "--for", "shipped", "--bus", "default"],
            101,
        ),
        (
            "error_schedule_bus",
            &["event", "--for", "nightly", "--bus", "default"],
            101,
        ),
    ] {
        failures.add(case.run(args).named(stem).check(code));
    }
    failures.finish();
}
