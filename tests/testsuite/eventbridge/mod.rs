//! EventBridge rules and schedules through every command: `new` (flags and
//! questions), `wire`/`unwire`, `list`, `check`, `export`, `grant`,
//! `event` and `invoke` (which applies a rule's pattern first), and the
//! generated crates built and tested.
//!
//! Cargo-style cases live in `tests/testsuite/eventbridge/<case>/`.

mod cases;
mod event;
mod export;
#[cfg(unix)]
mod interactive;
mod invoke;
mod scaffolds;

use std::path::Path;

use crate::support;

/// A workspace with every kind of EventBridge binding: schedules of each
/// expression kind (one in a time zone with a flexible window, one crate
/// with two), rules on the default bus, a managed bus (named and unnamed)
/// and an existing bus by ARN (a partner bus's, and a declared one), and a
/// `put-events` grant.
pub(crate) fn everything(ws: &Path) {
    std::fs::write(
        ws.join("Cargo.toml"),
        r#"[workspace]
resolver = "3"
members = []

[workspace.metadata.trigger.resources.legacy]
type = "event-bus"
arn = "arn:aws:events:eu-west-1:123456789012:event-bus/legacy-orders"
"#,
    )
    .unwrap();
    let new = |args: &[&str]| support::new(ws, args);
    new(&["every-five", "--source", "eventbridge", "--schedule", "rate(5 minutes)"]);
    new(&[
        "nightly",
        "--source",
        "eventbridge",
        "--schedule",
        "cron(30 2 ? * MON-FRI *)",
        "--timezone",
        "Europe/Berlin",
        "--flexible-window-minutes",
        "15",
    ]);
    new(&[
        "launch",
        "--source",
        "eventbridge",
        "--schedule",
        "at(2030-01-31T09:00:00)",
        "--timezone",
        "America/New_York",
    ]);
    new(&[
        "--source",
        "eventbridge",
        "--pattern",
        r#"{"source": ["acme.orders"], "detail-type": ["Order Placed"], "detail": {"amount": [{"numeric": [">", 100]}]}}"#,
    ]);
    new(&[
        "shipped",
        "--source",
        "eventbridge",
        "--bus",
        "orders",
        "--resource-name",
        "acme-orders",
        "--pattern",
        r#"{"source": ["acme.orders"], "detail": {"status": ["shipped"]}}"#,
    ]);
    new(&[
        "audit",
        "--source",
        "eventbridge",
        "--bus",
        "audit",
        "--pattern",
        r#"{"$or": [{"source": [{"prefix": "acme."}]}, {"detail-type": [{"wildcard": "*Audit*"}]}]}"#,
    ]);
    new(&[
        "tickets",
        "--source",
        "eventbridge",
        "--arn",
        "arn:aws:events:eu-west-1:123456789012:event-bus/aws.partner/acme.com/123/app",
        "--pattern",
        r#"{"detail-type": ["Ticket Created"]}"#,
    ]);
    new(&[
        "legacy-orders",
        "--source",
        "eventbridge",
        "--bus",
        "legacy",
        "--pattern",
        r#"{"source": ["acme.legacy"]}"#,
    ]);
    support::run(ws, &["wire", "every-five", "--schedule", "rate(1 hour)"]).success();
    support::run(
        ws,
        &["grant", "every-five", "--resource", "orders", "--access", "put-events"],
    )
    .success();
}
