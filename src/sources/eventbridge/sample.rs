//! EventBridge sample events: a rule's event (made to match the binding's
//! pattern where there is one) and a schedule's event (the `Input` the
//! exported template gives Scheduler's target, filled in as Scheduler fills
//! its context attributes); and the scaffold's detail struct, from the
//! sample's detail.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use super::{Kind, Schedule, bus_name, kind, pattern_json};
use crate::errors::{CargoResult, user_error};
use crate::events::{EPOCH, Origin, hex_id, json_object, uuid};
use crate::model::names::snake_words;
use crate::model::{Binding, Target, quoted};
use crate::pattern::EventPattern;
use crate::scaffold::{CrateScaffold, SampleSpec};
use crate::sources::draft::KEYWORDS;
use crate::sources::sample::{EventFlag, EventRequest};

/// `event`: what a rule delivers; `scheduled`: what a schedule delivers.
pub(super) const KINDS: &[&str] = &["event", "scheduled"];

pub(super) static EVENT_FLAGS: &[EventFlag] = &[
    EventFlag::new("detail", "JSON", "EventBridge: the event's detail (a JSON object)"),
    EventFlag::new("detail-type", "TYPE", "EventBridge: the event's detail-type"),
    EventFlag::new(
        "event-source",
        "SOURCE",
        "EventBridge: the event's source (e.g. `acme.orders`)",
    ),
    EventFlag::new(
        "bus",
        "BUS",
        "EventBridge: with `--for`, an event for the crate's rule on this bus (`default` for the default bus)",
    ),
    EventFlag::new(
        "time",
        "TIME",
        "EventBridge: the event's time, or a schedule's scheduled time (RFC 3339)",
    ),
];

const DEFAULT_SOURCE: &str = "acme.orders";
const DEFAULT_DETAIL_TYPE: &str = "Order Placed";

/// Who sends a schedule's event, and its detail-type (as EventBridge's own
/// scheduled rules call theirs).
pub(crate) const SCHEDULER_SOURCE: &str = "aws.scheduler";
pub(crate) const SCHEDULED_DETAIL_TYPE: &str = "Scheduled Event";

/// The schedule a generated crate's sample names (its real name is given
/// by CloudFormation at deploy time).
const SCAFFOLD_SCHEDULE: &str = "example-schedule";

fn default_detail() -> Map<String, Value> {
    let Value::Object(m) = json!({"order-id": "o-1001", "amount": 42.5, "currency": "EUR"}) else {
        unreachable!()
    };
    m
}

fn epoch() -> DateTime<Utc> {
    DateTime::from_timestamp(EPOCH, 0).expect("a valid time")
}

fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `--time`: an RFC 3339 time, written back in UTC to the second.
fn parse_time(t: &str) -> CargoResult<String> {
    DateTime::parse_from_rfc3339(t)
        .map(|d| time_text(d.with_timezone(&Utc)))
        .map_err(|e| {
            user_error(
                format!("`--time {t}` is not an RFC 3339 time: {e}"),
                "e.g. `--time 2024-01-01T12:00:00Z`",
            )
        })
}

/// An event as a rule delivers it (its `id` derived from the rest).
fn rule_event(source: &str, detail_type: &str, detail: Map<String, Value>, origin: &Origin) -> Map<String, Value> {
    let Value::Object(m) = json!({
        "version": "0",
        "id": "",
        "detail-type": detail_type,
        "source": source,
        "account": origin.account,
        "time": time_text(epoch()),
        "region": origin.region,
        "resources": [],
        "detail": detail,
    }) else {
        unreachable!()
    };
    m
}

fn set_id(event: &mut Map<String, Value>) {
    event.insert("id".into(), Value::String(String::new()));
    let seed = serde_json::to_string(&event).unwrap_or_default();
    event.insert("id".into(), Value::String(uuid(&seed)));
}

/// What a schedule hands the function: an EventBridge-shaped `Scheduled
/// Event`. The exported template gives the schedule's target this as its
/// `Input`, with Scheduler's context attributes (`<aws.scheduler.…>`) and
/// CloudFormation's pseudo parameters in place of the values.
pub(crate) fn scheduled(id: &str, account: &str, time: &str, region: &str, schedule_arn: &str, attempt: &str) -> Value {
    json!({
        "version": "0",
        "id": id,
        "detail-type": SCHEDULED_DETAIL_TYPE,
        "source": SCHEDULER_SOURCE,
        "account": account,
        "time": time,
        "region": region,
        "resources": [schedule_arn],
        "detail": {"attempt-number": attempt},
    })
}

pub(crate) fn schedule_arn(name: &str, origin: &Origin) -> String {
    format!(
        "arn:aws:scheduler:{}:{}:schedule/default/{name}",
        origin.region, origin.account
    )
}

/// The first time the schedule fires after the sample epoch (2024-01-01
/// 12:00 UTC), else the epoch.
fn first_fire(s: Option<&Schedule<'_>>) -> String {
    s.and_then(Schedule::parsed)
        .and_then(|(expr, tz)| expr.next_fires(tz, epoch(), 1).first().copied())
        .map_or_else(|| time_text(epoch()), time_text)
}

fn schedule_event(s: Option<&Schedule<'_>>, name: &str, time: Option<String>, origin: &Origin) -> Value {
    let time = time.unwrap_or_else(|| first_fire(s));
    let arn = schedule_arn(name, origin);
    let id = hex_id(&format!("{arn}{time}"), 16);
    scheduled(&id, &origin.account, &time, &origin.region, &arn, "1")
}

// ---- fitting an event to a pattern ------------------------------------------

/// Does the one-key pattern `{"k": matchers}` take `value` (absent: `None`)?
fn takes(matchers: &Value, value: Option<&Value>) -> bool {
    let Ok(p) = EventPattern::parse(&json!({ "k": matchers }).to_string()) else {
        return false;
    };
    let event = match value {
        Some(v) => json!({ "k": v }),
        None => json!({}),
    };
    p.matches(&event).is_match()
}

/// `in/*.csv` → `in/x.csv` (`\*` is a literal star).
fn unwildcard(w: &str) -> String {
    let mut out = String::new();
    let mut chars = w.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            '*' => out.push('x'),
            c => out.push(c),
        }
    }
    out
}

fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        json!(x as i64)
    } else {
        json!(x)
    }
}

/// Values to try for one matcher of a key (`None`: the key absent).
fn candidates(m: &Value) -> Vec<Option<Value>> {
    let Value::Object(o) = m else {
        return vec![Some(m.clone())];
    };
    let Some((op, arg)) = o.iter().next() else {
        return Vec::new();
    };
    // `prefix` and `suffix` take a string or `{"equals-ignore-case": …}`.
    let text = arg
        .as_str()
        .or_else(|| arg.get("equals-ignore-case").and_then(Value::as_str));
    let strings = |v: Vec<String>| v.into_iter().map(|s| Some(Value::String(s))).collect::<Vec<_>>();
    match op.as_str() {
        "prefix" => strings(text.map(|p| vec![format!("{p}example")]).unwrap_or_default()),
        "suffix" => strings(text.map(|s| vec![format!("example{s}")]).unwrap_or_default()),
        "equals-ignore-case" => strings(text.map(|s| vec![s.to_string()]).unwrap_or_default()),
        "wildcard" => strings(text.map(|w| vec![unwildcard(w)]).unwrap_or_default()),
        "cidr" => strings(
            text.map(|c| vec![c.split('/').next().unwrap_or(c).to_string()])
                .unwrap_or_default(),
        ),
        "exists" if arg == &Value::Bool(false) => vec![None],
        "exists" => vec![Some(json!("example"))],
        "numeric" => {
            let bounds: Vec<f64> = arg
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_f64).collect())
                .unwrap_or_default();
            // Numbers with a fraction first: the scaffold types the field
            // from the sample, and `f64` takes every number a range does.
            let mut out = Vec::new();
            if let [a, b, ..] = bounds[..] {
                let mid = (a + b) / 2.0;
                out.push(number(if mid.fract() == 0.0 { mid + 0.5 } else { mid }));
            }
            for n in &bounds {
                for x in [n + 0.5, n - 0.5, *n, n + 1.0, n - 1.0] {
                    out.push(number(x));
                }
            }
            out.push(json!(0));
            out.into_iter().map(Some).collect()
        }
        "anything-but" => ["example", "other", "something-else"]
            .iter()
            .map(|s| json!(s))
            .chain([json!(0), json!(1), json!(-1), json!(1_000_000)])
            .map(Some)
            .collect(),
        _ => Vec::new(),
    }
}

/// Make `event` match `pattern` where it does not: each key the pattern
/// names that the event's value fails gets a value the pattern takes (the
/// first alternative that works; an `$or`'s first branch).
pub(crate) fn fit(pattern: &Map<String, Value>, event: &mut Map<String, Value>) {
    for (k, v) in pattern {
        match v {
            Value::Array(branches) if k == "$or" => {
                if let Some(Value::Object(first)) = branches.first() {
                    fit(first, event);
                }
            }
            Value::Object(inner) => {
                let slot = event.entry(k.clone()).or_insert_with(|| Value::Object(Map::new()));
                if !slot.is_object() {
                    *slot = Value::Object(Map::new());
                }
                if let Value::Object(m) = slot {
                    fit(inner, m);
                }
            }
            Value::Array(matchers) => {
                if takes(v, event.get(k)) {
                    continue;
                }
                let pick = matchers
                    .iter()
                    .find_map(|m| candidates(m).into_iter().find(|c| takes(&json!([m]), c.as_ref())));
                match pick {
                    Some(None) => {
                        event.remove(k);
                    }
                    Some(Some(value)) => {
                        let value = match event.get(k) {
                            Some(Value::Array(_)) => Value::Array(vec![value]),
                            _ => value,
                        };
                        event.insert(k.clone(), value);
                    }
                    None => {}
                }
            }
            _ => {}
        }
    }
}

// ---- cargo trigger event ---------------------------------------------------

/// The crate's binding the event is for: the one on `--bus`, else the first
/// of the kind asked for, else its first.
fn chosen_binding<'a>(req: &EventRequest<'a>) -> CargoResult<Option<&'a Binding>> {
    let bus = req.flags.get("bus");
    let Some(c) = req.from_crate else {
        if bus.is_some() {
            return Err(user_error(
                "`--bus` picks the rule of the `--for` crate",
                "pass `--for CRATE` with it; an EventBridge event does not say which bus it came through",
            ));
        }
        return Ok(None);
    };
    let is_schedule = |b: &&Binding| matches!(kind(b), Kind::Schedule(_));
    let bindings = &c.trigger.bindings;
    if let Some(bus) = bus {
        if req.kind == Some("scheduled") {
            return Err(user_error(
                "`--bus` does not apply to a scheduled event",
                "a schedule invokes the function directly, through no bus",
            ));
        }
        let on = |b: &&Binding| match &b.target {
            Target::Default => bus == "default",
            Target::Arn(a) => a.as_str() == bus || bus_name(a) == bus,
            Target::Resource(n) => n == bus,
        };
        return match bindings.iter().filter(|b| !is_schedule(b)).find(on) {
            Some(b) => Ok(Some(b)),
            None => {
                let buses: Vec<&str> = bindings
                    .iter()
                    .filter(|b| !is_schedule(b))
                    .map(|b| b.target.label())
                    .collect();
                Err(user_error(
                    format!("`{}` has no rule on `{bus}`", c.name),
                    if buses.is_empty() {
                        format!("`{}` has no rule; leave out `--bus`", c.name)
                    } else {
                        format!("its rules are on {}", quoted(&buses))
                    },
                ))
            }
        };
    }
    Ok(match req.kind {
        Some("scheduled") => bindings.iter().find(is_schedule),
        Some(_) => bindings.iter().find(|b| !is_schedule(b)),
        None => bindings.first(),
    })
}

pub(super) fn sample_event(req: &EventRequest<'_>) -> CargoResult<Value> {
    if let Some(k) = req.kind
        && !KINDS.contains(&k)
    {
        return Err(user_error(
            format!("unknown EventBridge event kind `{k}`"),
            "EventBridge kinds are `event` (what a rule delivers) and `scheduled` (what a schedule delivers)",
        ));
    }
    if let Some(n) = req.records
        && n != 1
    {
        return Err(user_error(
            format!("`--records {n}` does not apply to EventBridge"),
            "EventBridge invokes a function with one event at a time; leave out `--records`",
        ));
    }
    let binding = chosen_binding(req)?;
    let schedule = binding.and_then(|b| match kind(b) {
        Kind::Schedule(s) => Some(s),
        Kind::Rule { .. } => None,
    });
    let scheduled = match req.kind {
        Some(k) => k == "scheduled",
        None => schedule.is_some(),
    };
    let time = req.flags.get("time").map(parse_time).transpose()?;
    if scheduled {
        if let Some(f) = ["detail", "detail-type", "event-source"]
            .into_iter()
            .find(|f| req.flags.get(f).is_some())
        {
            return Err(user_error(
                format!("`--{f}` does not apply to a scheduled event"),
                "a schedule's event is set by its template (its detail is the attempt number); `--time` sets its scheduled time",
            ));
        }
        let name = req.from_crate.map_or("example-schedule", |c| c.name);
        return Ok(schedule_event(schedule.as_ref(), name, time, req.origin));
    }
    let mut ev = rule_event(DEFAULT_SOURCE, DEFAULT_DETAIL_TYPE, default_detail(), req.origin);
    if let Some(Kind::Rule { pattern }) = binding.map(kind)
        && let Value::Object(p) = pattern_json(pattern)
    {
        fit(&p, &mut ev);
    }
    if let Some(d) = req.flags.get("detail") {
        ev.insert("detail".into(), Value::Object(json_object("--detail", d)?));
    }
    for (flag, key) in [("detail-type", "detail-type"), ("event-source", "source")] {
        if let Some(v) = req.flags.get(flag) {
            ev.insert(key.into(), json!(v));
        }
    }
    if let Some(t) = time {
        ev.insert("time".into(), json!(t));
    }
    set_id(&mut ev);
    Ok(Value::Object(ev))
}

// ---- scaffolds -------------------------------------------------------------

/// A rule's sample for a new crate: the scaffold's source, detail-type and
/// detail, fitted to the binding's pattern.
fn scaffold_rule_event(spec: &SampleSpec, b: &Binding) -> Map<String, Value> {
    let origin = Origin::default();
    let mut ev = rule_event(
        spec.str("source").unwrap_or(DEFAULT_SOURCE),
        spec.str("detail-type").unwrap_or(DEFAULT_DETAIL_TYPE),
        spec.object("detail").cloned().unwrap_or_else(default_detail),
        &origin,
    );
    if let Kind::Rule { pattern } = kind(b)
        && let Value::Object(p) = pattern_json(pattern)
    {
        fit(&p, &mut ev);
    }
    set_id(&mut ev);
    ev
}

/// The scaffold's sample of a rule's event (`kind = "event"`); a schedule
/// binding's crate gets its schedule's event in that file instead, since
/// that is all a schedule delivers.
pub(super) fn scaffold_sample(
    _scaffold: &CrateScaffold,
    spec: &SampleSpec,
    path: &str,
    b: &Binding,
) -> CargoResult<(Value, Value)> {
    if !KINDS.contains(&spec.kind.as_str()) {
        anyhow::bail!("scaffold sample `{path}`: unknown EventBridge kind `{}`", spec.kind);
    }
    let origin = Origin::default();
    if let Kind::Schedule(s) = kind(b) {
        let ev = schedule_event(Some(&s), SCAFFOLD_SCHEDULE, None, &origin);
        let vars = json!({"time": ev["time"], "schedule_arn": ev["resources"][0]});
        return Ok((ev, vars));
    }
    if spec.kind == "scheduled" {
        let ev = schedule_event(None, SCAFFOLD_SCHEDULE, None, &origin);
        let vars = json!({"time": ev["time"], "schedule_arn": ev["resources"][0]});
        return Ok((ev, vars));
    }
    let ev = scaffold_rule_event(spec, b);
    let vars = json!({"source": ev["source"], "detail_type": ev["detail-type"], "time": ev["time"]});
    Ok((Value::Object(ev), vars))
}

/// A Rust field for each key of a detail object: `{ident, key, rename, ty}`.
pub(crate) fn detail_fields(detail: &Map<String, Value>) -> Vec<Value> {
    let mut seen: Vec<String> = Vec::new();
    detail
        .iter()
        .map(|(key, v)| {
            let mut ident = snake_words(key);
            if ident.is_empty() || ident.starts_with(|c: char| c.is_ascii_digit()) {
                ident = format!("field_{ident}").trim_end_matches('_').to_string();
            }
            if KEYWORDS.contains(&ident.as_str()) {
                ident.push('_');
            }
            while seen.contains(&ident) {
                ident.push('_');
            }
            seen.push(ident.clone());
            let ty = match v {
                Value::String(_) => "String",
                Value::Bool(_) => "bool",
                Value::Number(n) if n.is_i64() => "i64",
                Value::Number(n) if n.is_u64() => "u64",
                Value::Number(_) => "f64",
                _ => "serde_json::Value",
            };
            let rename = if ident == *key { Value::Null } else { json!(key) };
            json!({"ident": ident, "key": key, "rename": rename, "ty": ty})
        })
        .collect()
}

/// Template data: which variant, and for a rule its pattern, bus and detail
/// struct (from the sample the crate gets).
pub(super) fn scaffold_context(scaffold: &CrateScaffold, b: &Binding) -> Map<String, Value> {
    let mut ctx = Map::new();
    match kind(b) {
        Kind::Schedule(s) => {
            ctx.insert("scheduled".into(), json!(true));
            ctx.insert("expression".into(), json!(s.expression));
            ctx.insert("timezone".into(), json!(s.timezone()));
        }
        Kind::Rule { pattern } => {
            ctx.insert("scheduled".into(), json!(false));
            ctx.insert("pattern".into(), json!(pattern_json(pattern).to_string()));
            ctx.insert("bus".into(), json!(super::bus_phrase(b)));
            let detail = scaffold
                .samples
                .values()
                .find(|s| s.kind == "event")
                .map(|spec| scaffold_rule_event(spec, b))
                .and_then(|ev| ev.get("detail").and_then(Value::as_object).cloned())
                .unwrap_or_default();
            ctx.insert("detail_fields".into(), Value::Array(detail_fields(&detail)));
        }
    }
    ctx
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fitted(pattern: Value, event: Value) -> Value {
        let (Value::Object(p), Value::Object(mut e)) = (pattern.clone(), event) else {
            panic!()
        };
        fit(&p, &mut e);
        let v = Value::Object(e);
        let matched = EventPattern::parse(&pattern.to_string()).unwrap().matches(&v);
        assert!(matched.is_match(), "{pattern} does not match {v}: {matched:?}");
        v
    }

    #[test]
    fn events_are_fitted_to_every_operator() {
        let base = json!({"source": "x", "resources": [], "detail": {"keep": 1, "drop": true}});
        let e = fitted(
            json!({
                "source": ["acme.orders"],
                "resources": [{"prefix": "arn:aws:s3:::"}],
                "detail": {
                    "keep": [{"numeric": [">", 0]}],
                    "drop": [{"exists": false}],
                    "name": [{"suffix": ".png"}],
                    "path": [{"wildcard": "in/*/\\*.csv"}],
                    "size": [{"numeric": [">", 10, "<=", 11]}],
                    "state": [{"anything-but": ["example", "other"]}],
                    "ip": [{"cidr": "10.0.0.0/24"}],
                    "kind": [{"equals-ignore-case": "Created"}],
                    "tag": [{"exists": true}],
                    "$or": [{"a": [{"prefix": {"equals-ignore-case": "AB"}}]}, {"b": ["c"]}]
                }
            }),
            base,
        );
        assert_eq!(e["source"], "acme.orders");
        assert_eq!(e["resources"], json!(["arn:aws:s3:::example"]));
        assert_eq!(e["detail"]["keep"], 1);
        assert!(e["detail"].get("drop").is_none());
        assert_eq!(e["detail"]["path"], "in/x/*.csv");
        assert_eq!(e["detail"]["size"], 10.5);
        assert_eq!(e["detail"]["state"], "something-else");
        assert_eq!(e["detail"]["ip"], "10.0.0.0");
    }

    #[test]
    fn detail_fields_are_rust_identifiers() {
        let Value::Object(d) = json!({"order-id": "o", "type": 1, "1st": 1.5, "ok": true, "tags": [], "orderId": "x"})
        else {
            panic!()
        };
        let f = detail_fields(&d);
        let idents: Vec<&str> = f.iter().map(|x| x["ident"].as_str().unwrap()).collect();
        assert_eq!(idents, ["order_id", "type_", "field_1st", "ok", "tags", "order_id_"]);
        assert_eq!(f[1]["rename"], "type");
        assert_eq!(f[3]["rename"], Value::Null);
        let types: Vec<&str> = f.iter().map(|x| x["ty"].as_str().unwrap()).collect();
        assert_eq!(types, ["String", "i64", "f64", "bool", "serde_json::Value", "String"]);
    }

    #[test]
    fn schedules_fire_at_their_first_time_after_the_epoch() {
        let s = Schedule {
            expression: "cron(0 9 ? * MON *)",
            timezone: Some("Europe/Berlin"),
            window: None,
        };
        assert_eq!(first_fire(Some(&s)), "2024-01-08T08:00:00Z");
        let rate = Schedule {
            expression: "rate(5 minutes)",
            timezone: None,
            window: None,
        };
        assert_eq!(first_fire(Some(&rate)), "2024-01-01T12:05:00Z");
        assert_eq!(first_fire(None), "2024-01-01T12:00:00Z");
    }
}
