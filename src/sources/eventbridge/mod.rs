//! EventBridge: rules and schedules. A binding is one of two kinds (its
//! [`BindingForm`]s):
//!
//! - a rule (`pattern`): an `AWS::Events::Rule` on the default event bus,
//!   a managed bus (`AWS::Events::EventBus`, resource kind `event-bus`) or
//!   an existing one by ARN, whose event pattern selects the events; the
//!   invoke permission names the rule's ARN;
//! - a schedule (`schedule`, `timezone`, `flexible-window-minutes`): an
//!   EventBridge Scheduler `AWS::Scheduler::Schedule` whose execution role
//!   may invoke this function and nothing else. A schedule has no bus.
//!
//! Patterns and schedule expressions are validated by the engines in
//! `crate::pattern` and `crate::schedule`; `invoke` applies a rule's
//! pattern as EventBridge would ([`SourceSpec::deliver`]).

mod export;
mod sample;

use serde_json::{Map, Value};

use super::export::{ExportCx, FunctionCx, GrantExport, Place};
use super::sample::{EventFlag, EventRequest};
use super::{BindingForm, Delivery, NameRule, ResourceInfo, Site, SourceSpec, TargetSpec};
use crate::diagnostics::Diagnostic;
use crate::errors::CargoResult;
use crate::model::arn::{Arn, ArnKind};
use crate::model::cfn::{self, Expr};
use crate::model::keys::Invalid;
use crate::model::names::slug;
use crate::model::{Binding, KeyKind, KeySpec, Resource, Source, Target};
use crate::pattern::{EventPattern, Verdict};
use crate::scaffold::{CrateScaffold, SampleSpec};
use crate::schedule::{self, ScheduleExpression};

pub struct Eventbridge;

/// The longest event bus name.
pub const MAX_BUS_NAME: usize = 256;

/// A custom event bus name, as `CreateEventBus` takes it: 1-256 letters,
/// digits, `.`, `-` and `_` (a `/` only in partner buses' names), and not
/// `default`, the account's own bus.
pub fn is_bus_name(s: &str) -> bool {
    (1..=MAX_BUS_NAME).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        && s != "default"
}

/// Any event bus's name, partner buses' included (`aws.partner/acme/app`).
fn is_existing_bus_name(s: &str) -> bool {
    (1..=MAX_BUS_NAME).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-/".contains(&b))
}

pub const BUS_ARN: ArnKind = ArnKind {
    service: Some("events"),
    describe: "an event bus ARN (`arn:aws:events:REGION:ACCOUNT:event-bus/NAME`)",
    check: |arn| {
        arn.regional()?;
        let name = arn
            .resource()
            .strip_prefix("event-bus/")
            .ok_or("the resource must be `event-bus/NAME`")?;
        if !is_existing_bus_name(name) {
            return Err(format!(
                "`{name}` is not an event bus name (1-256 letters, digits, `.`, `-`, `_`, `/`)"
            ));
        }
        Ok(())
    },
};

/// The bus an ARN names, whole (`aws.partner/acme/app` keeps its slashes).
pub fn bus_name(arn: &Arn) -> &str {
    arn.resource().strip_prefix("event-bus/").unwrap_or(arn.resource())
}

fn validate_schedule(s: &str) -> Result<(), Invalid> {
    schedule::parse(s).map(|_| ()).map_err(|e| Invalid {
        help: e.help.clone(),
        message: e.to_string(),
    })
}

fn validate_timezone(s: &str) -> Result<(), Invalid> {
    schedule::parse_timezone(s).map(|_| ()).map_err(|e| Invalid {
        help: e.help.clone(),
        message: e.to_string(),
    })
}

fn validate_pattern(s: &str) -> Result<(), Invalid> {
    EventPattern::parse(s).map(|_| ()).map_err(|e| Invalid {
        help: e.help.clone(),
        message: e.to_string(),
    })
}

const ANY_STRING: KeyKind = KeyKind::Str { check: None, what: "" };

const KEYS: &[KeySpec] = &[
    KeySpec::new("schedule", ANY_STRING)
        .flag("EventBridge: run on a schedule (EventBridge Scheduler): `rate(…)`, `cron(…)` or `at(…)`")
        .validate(validate_schedule)
        .elsewhere("it runs an EventBridge trigger on a schedule")
        .ask("Schedule expression (`rate(5 minutes)`, `cron(0 12 * * ? *)` or `at(2030-01-31T09:00:00)`)?"),
    KeySpec::new("timezone", ANY_STRING)
        .flag("EventBridge schedules: the IANA time zone `cron` and `at` run in [default: UTC]")
        .validate(validate_timezone)
        .ask("Time zone (an IANA name, e.g. `Europe/Berlin`; empty for UTC)?")
        .elsewhere("it sets an EventBridge schedule's time zone"),
    KeySpec::new(
        "flexible-window-minutes",
        KeyKind::Int {
            min: 1,
            max: schedule::MAX_FLEXIBLE_WINDOW_MINUTES as i64,
        },
    )
    .flag("EventBridge schedules: Scheduler may invoke up to this many minutes late, 1 to 1440 [default: on time]")
    .fix("Scheduler's flexible time window is 1 to 1440 minutes (a day)")
    .elsewhere("it sets an EventBridge schedule's flexible time window"),
    KeySpec::new("pattern", ANY_STRING)
        .flag("EventBridge: run on the events that match this event pattern (JSON), through a rule")
        .validate(validate_pattern)
        .elsewhere("it is an EventBridge rule's event pattern")
        .ask("Event pattern (JSON, e.g. `{\"source\": [\"acme.orders\"]}`)?"),
    crate::sources::asynchronous::RETRY,
    crate::sources::asynchronous::EVENT_AGE,
    crate::sources::asynchronous::ON_FAILURE,
    crate::sources::asynchronous::ON_SUCCESS,
];

static FORMS: &[BindingForm] = &[
    BindingForm {
        label: "on a schedule (EventBridge Scheduler)",
        key: "schedule",
        keys: &["timezone", "flexible-window-minutes"],
        target: false,
    },
    BindingForm {
        label: "on events that match a pattern (an EventBridge rule)",
        key: "pattern",
        keys: &[],
        target: true,
    },
];

static TARGET: TargetSpec = TargetSpec {
    key: "bus",
    help: "EventBridge: the event bus of a rule (a declared resource name) [default: the default event bus]",
    question: "Which event bus does the rule listen on?",
    default_name: "events",
    default_label: Some("the default event bus"),
};

static RESOURCE: ResourceInfo = ResourceInfo {
    kind: "event-bus",
    arn: BUS_ARN,
    name: NameRule {
        check: is_bus_name,
        what: "an event bus name (1-256 letters, digits, `.`, `-`, `_`, not `default`)",
        help: "event bus names have 1-256 letters, digits, `.`, `-` and `_`, and `default` is the account's own bus",
    },
    keys: &[],
    logical_suffix: "EventBus",
    env_suffix: "EVENT_BUS_NAME",
    access: &[("put-events", &["events:PutEvents"])],
};

/// What a binding is: a schedule, or a rule with its pattern (as written).
pub(crate) enum Kind<'a> {
    Schedule(Schedule<'a>),
    Rule { pattern: &'a str },
}

/// A schedule binding's settings.
#[derive(Clone, Copy)]
pub(crate) struct Schedule<'a> {
    pub expression: &'a str,
    pub timezone: Option<&'a str>,
    pub window: Option<i64>,
}

impl Schedule<'_> {
    /// The parsed expression and zone (a binding read from the metadata is
    /// valid; a broken one, which commands refuse, gives `None`).
    pub fn parsed(&self) -> Option<(ScheduleExpression, chrono_tz::Tz)> {
        let expr = schedule::parse(self.expression).ok()?;
        let tz = match self.timezone {
            Some(t) => schedule::parse_timezone(t).ok()?,
            None => chrono_tz::UTC,
        };
        Some((expr, tz))
    }

    pub fn timezone(&self) -> &str {
        self.timezone.unwrap_or("UTC")
    }
}

pub(crate) fn kind(b: &Binding) -> Kind<'_> {
    match (b.settings.str("schedule"), b.settings.str("pattern")) {
        (Some(expression), _) => Kind::Schedule(Schedule {
            expression,
            timezone: b.settings.str("timezone"),
            window: b.settings.int("flexible-window-minutes"),
        }),
        (None, pattern) => Kind::Rule {
            pattern: pattern.unwrap_or("{}"),
        },
    }
}

/// The pattern as JSON (compact, for messages and the template).
pub(crate) fn pattern_json(pattern: &str) -> Value {
    serde_json::from_str(pattern).unwrap_or(Value::Object(Map::new()))
}

/// Is the binding's bus the account's default one (no target, or an ARN or
/// resource that names `event-bus/default`)?
fn on_default_bus(b: &Binding, r: Option<&Resource>) -> bool {
    let arn = match &b.target {
        Target::Default => return true,
        Target::Arn(a) => Some(a),
        Target::Resource(_) => r.and_then(|r| r.arn.as_ref()),
    };
    arn.is_some_and(|a| bus_name(a) == "default")
}

/// "the default event bus", "event bus `orders`"
fn bus_phrase(b: &Binding) -> String {
    match &b.target {
        Target::Default => "the default event bus".into(),
        t => format!("event bus `{}`", t.label()),
    }
}

/// The exact strings a pattern wants at a top-level key (`source`), if it
/// names only plain values there.
fn exact_values(pattern: &Value, key: &str) -> Option<Vec<String>> {
    let values = pattern.get(key)?.as_array()?;
    values.iter().map(|v| v.as_str().map(str::to_string)).collect()
}

/// A declared bus named `default` is one the template creates, not the
/// account's default bus, which is easy to mistake.
fn bus_named_default(s: &Site<'_>, out: &mut Vec<Diagnostic>) {
    if s.binding.target.resource_name() == Some("default") && s.resource.is_some_and(|r| r.arn.is_none()) {
        out.push(
            Diagnostic::warning(
                "eventbridge-bus-named-default",
                &s.file,
                format!("{}.bus", s.key()),
                format!(
                    "`{}`'s rule is on the declared bus `default`, a new bus the template creates, not the account's default event bus",
                    s.crate_name
                ),
            )
            .with_help("to listen on the default event bus, remove `bus` from the binding"),
        );
    }
}

/// A rule site whose pattern only takes events from AWS services (their
/// `source` is `aws.…`), on a custom bus: AWS services send their events to
/// the default bus, so the rule never fires.
fn aws_events_on_custom_bus(s: &Site<'_>, pattern: &str, out: &mut Vec<Diagnostic>) {
    if on_default_bus(s.binding, s.resource) {
        return;
    }
    let Some(sources) = exact_values(&pattern_json(pattern), "source") else {
        return;
    };
    let from_aws = |x: &String| x.starts_with("aws.") && !x.starts_with("aws.partner/");
    if sources.is_empty() || !sources.iter().all(from_aws) {
        return;
    }
    let bus = s.binding.target.label();
    out.push(
        Diagnostic::warning(
            "eventbridge-aws-source",
            &s.file,
            format!("{}.pattern", s.key()),
            format!(
                "`{}`'s rule on event bus `{bus}` only matches events from AWS services ({}), which AWS sends to the default event bus: it never fires",
                s.crate_name,
                crate::model::quoted(&sources.iter().map(String::as_str).collect::<Vec<_>>())
            ),
        )
        .with_help(format!(
            "bind it to the default event bus (remove `bus`), or forward those events to `{bus}` with a rule on the default bus"
        )),
    );
}

/// A schedule that will not fire again: an `at` in the past, or a cron
/// whose dates have all gone (or never exist, like 30 February).
fn schedule_never_fires(s: &Site<'_>, sch: &Schedule<'_>, out: &mut Vec<Diagnostic>) {
    let Some((expr, tz)) = sch.parsed() else {
        return;
    };
    if !expr
        .next_fires(
            tz,
            chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()),
            1,
        )
        .is_empty()
    {
        return;
    }
    let why = match expr {
        ScheduleExpression::At(_) => format!("is in the past ({})", sch.timezone()),
        _ => "has no date to fire on from now".to_string(),
    };
    out.push(
        Diagnostic::warning(
            "eventbridge-schedule-never-fires",
            &s.file,
            format!("{}.schedule", s.key()),
            format!(
                "`{}`'s schedule `{}` {why}: it never fires",
                s.crate_name, sch.expression
            ),
        )
        .with_help("give it a time or dates to come, or unwire the binding"),
    );
}

impl SourceSpec for Eventbridge {
    fn retriggering_access(&self) -> &'static [&'static str] {
        &["put-events"]
    }

    fn retrigger_help(&self) -> &'static str {
        "put the events on another bus, or give them a `source` or `detail-type` the rule's pattern does not match"
    }

    fn source(&self) -> Source {
        Source::Eventbridge
    }

    fn label(&self) -> &'static str {
        "eventbridge EventBridge rules (event patterns) and schedules (EventBridge Scheduler)"
    }

    fn display_name(&self) -> &'static str {
        "EventBridge"
    }

    fn target(&self) -> &'static TargetSpec {
        &TARGET
    }

    fn binding_keys(&self) -> &'static [KeySpec] {
        KEYS
    }

    fn forms(&self) -> &'static [BindingForm] {
        FORMS
    }

    fn describe(&self, b: &Binding) -> String {
        match kind(b) {
            Kind::Schedule(s) => {
                let mut d = format!("the schedule `{}` ({}", s.expression, s.timezone());
                if let Some(w) = s.window {
                    d.push_str(&format!(", up to {w} minutes late"));
                }
                d.push(')');
                d
            }
            Kind::Rule { pattern } => format!("a rule on {}, pattern `{}`", bus_phrase(b), pattern_json(pattern)),
        }
    }

    fn list_label(&self, b: &Binding) -> String {
        match kind(b) {
            Kind::Schedule(s) => {
                let mut d = format!("schedule[{}", s.expression);
                if let Some(tz) = s.timezone {
                    d.push_str(&format!(" {tz}"));
                }
                if let Some(w) = s.window {
                    d.push_str(&format!(" ~{w}m"));
                }
                d.push(']');
                d
            }
            Kind::Rule { pattern } => {
                let p = pattern_json(pattern);
                let sources = exact_values(&p, "source").map(|v| v.join("|"));
                let types = exact_values(&p, "detail-type").map(|v| v.join("|"));
                let what = match (sources, types) {
                    (Some(s), Some(t)) => format!("{s}:{t}"),
                    (Some(s), None) => s,
                    (None, Some(t)) => t,
                    (None, None) => "pattern".into(),
                };
                format!("{}[{what}]", b.target.label())
            }
        }
    }

    fn rules(&self, on_one_target: &[&Site<'_>], out: &mut Vec<Diagnostic>) {
        for s in on_one_target {
            match kind(s.binding) {
                Kind::Schedule(sch) => schedule_never_fires(s, &sch, out),
                Kind::Rule { pattern } => {
                    bus_named_default(s, out);
                    aws_events_on_custom_bus(s, pattern, out);
                }
            }
        }
    }

    fn resource(&self) -> &'static ResourceInfo {
        &RESOURCE
    }

    fn local_name(&self, r: &Resource) -> Option<String> {
        r.arn
            .as_ref()
            .map(|a| bus_name(a).to_string())
            .or_else(|| r.physical_name.clone())
    }

    fn event_kinds(&self) -> Vec<String> {
        sample::KINDS.iter().map(|k| k.to_string()).collect()
    }

    fn event_flags(&self) -> &'static [EventFlag] {
        sample::EVENT_FLAGS
    }

    fn sample_event(&self, req: &EventRequest<'_>) -> CargoResult<Value> {
        sample::sample_event(req)
    }

    fn scaffold_sample(
        &self,
        scaffold: &CrateScaffold,
        spec: &SampleSpec,
        path: &str,
        b: &Binding,
        _r: Option<&Resource>,
    ) -> CargoResult<(Value, Value)> {
        sample::scaffold_sample(scaffold, spec, path, b)
    }

    fn scaffold_context(&self, scaffold: &CrateScaffold, b: &Binding, _r: Option<&Resource>) -> Map<String, Value> {
        sample::scaffold_context(scaffold, b)
    }

    /// A rule hands the function only the events its pattern matches; a
    /// schedule always delivers (it sends its own event).
    fn deliver(&self, b: &Binding, _r: Option<&Resource>, event: Value) -> Delivery {
        let Kind::Rule { pattern } = kind(b) else {
            return Delivery::all(event);
        };
        let Ok(p) = EventPattern::parse(pattern) else {
            return Delivery::all(event);
        };
        match p.matches(&event) {
            Verdict::Match => Delivery::all(event),
            Verdict::NoMatch(m) => Delivery {
                event: None,
                notes: vec![format!("the rule on {} does not match it: {m}", bus_phrase(b))],
            },
        }
    }

    fn default_crate_name(&self, b: &Binding) -> String {
        let stem = match kind(b) {
            Kind::Schedule(_) => "schedule".to_string(),
            Kind::Rule { pattern } => exact_values(&pattern_json(pattern), "source")
                .and_then(|s| s.first().map(|s| slug(s)))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| match &b.target {
                    // A partner bus's name is a path: `aws.partner/acme.com/123/app`.
                    Target::Arn(a) => slug(a.last_segment()),
                    t => super::draft::target_slug(t),
                }),
        };
        format!("{stem}-{}-trigger", self.source())
    }

    fn export_binding(&self, cx: &mut ExportCx<'_>, f: &mut FunctionCx<'_>, b: &Binding, index: usize) {
        export::binding(cx, f, b, index);
    }

    fn export_resource(&self, cx: &mut ExportCx<'_>, r: &Resource) -> (cfn::Resource, Value) {
        export::bus(cx, r)
    }

    fn arn_expr(&self, p: &Place<'_>) -> Expr {
        export::bus_arn(p)
    }

    fn export_grant(&self, p: &Place<'_>, _f: &FunctionCx<'_>) -> GrantExport {
        GrantExport {
            resources: vec![export::bus_arn(p)],
            name: export::bus_name_expr(p),
            late: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bus_names_and_arns() {
        assert!(is_bus_name("orders"));
        assert!(is_bus_name("acme.orders_v2-eu"));
        assert!(!is_bus_name("default"));
        assert!(!is_bus_name("aws.partner/acme"));
        assert!(!is_bus_name(""));
        assert!(!is_bus_name(&"a".repeat(257)));
        let a = Arn::parse(
            "arn:aws:events:eu-west-1:123456789012:event-bus/aws.partner/acme.com/app",
            BUS_ARN,
        )
        .unwrap();
        assert_eq!(bus_name(&a), "aws.partner/acme.com/app");
        for bad in [
            "arn:aws:events:eu-west-1:123456789012:rule/orders",
            "arn:aws:events:eu-west-1::event-bus/orders",
            "arn:aws:sqs:eu-west-1:123456789012:event-bus/orders",
            "arn:aws:events:eu-west-1:123456789012:event-bus/a b",
        ] {
            assert!(Arn::parse(bad, BUS_ARN).is_err(), "{bad}");
        }
    }
}
