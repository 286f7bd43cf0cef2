//! What every event source mapping (SQS queues, DynamoDB and Kinesis
//! streams) takes whatever its source: metrics, and filter criteria — the
//! `filters` binding key (`--filter JSON`, repeated), its check, its export,
//! and its local evaluation: the records a mapping would drop are dropped
//! before `invoke` hands the event to the function, each with the reason.
//! The matcher is [`crate::pattern::FilterCriteria`].

use serde_json::{Map, Value, json};

use super::{BindingProblem, Delivery};
use crate::model::{Binding, FieldValue, KeyKind, KeySpec, Settings};
use crate::pattern::{DEFAULT_MAX_FILTERS, FilterCriteria, PatternError, RecordSource, Verdict};

/// The key: a list of patterns, as JSON text; a record passes if any matches.
pub const KEY: &str = "filters";

/// `filters = ['{"body": {"type": ["create"]}}']`
pub const FILTERS: KeySpec = KeySpec::new(
    KEY,
    KeyKind::List {
        choices: &[],
        noun: "a filter pattern",
        example: r#"e.g. `filters = ['{"body": {"type": ["create"]}}']`"#,
    },
)
.long("filter")
.flag(
    "Streams and queues: pass only the records this filter pattern (JSON, AWS's syntax) matches; repeat for up to 5 (a record passes if any matches)",
)
.elsewhere("filter criteria belong to an SQS, DynamoDB or Kinesis binding (SNS has `--filter-policy`, EventBridge `--pattern`)");

/// `metrics = true`: the mapping's `MetricsConfig` (event counts).
pub const METRICS: KeySpec = KeySpec::new("metrics", KeyKind::Bool)
    .flag("Streams and queues: publish the mapping's event-count metrics to CloudWatch [default: false]");

/// The binding's filter patterns, as written (none when it has none).
fn patterns(settings: &Settings) -> &[String] {
    match settings.get(KEY) {
        Some(FieldValue::List(patterns)) => patterns,
        _ => &[],
    }
}

fn criteria(settings: &Settings, source: RecordSource) -> Option<Result<FilterCriteria, PatternError>> {
    let patterns = patterns(settings);
    (!patterns.is_empty()).then(|| FilterCriteria::parse(source, patterns, DEFAULT_MAX_FILTERS))
}

/// The patterns validated as Lambda does when it creates the mapping.
pub fn check(settings: &Settings, source: RecordSource) -> Result<(), BindingProblem> {
    match criteria(settings, source) {
        Some(Err(e)) => Err(BindingProblem {
            key: KEY,
            help: e.help.clone(),
            message: e.to_string(),
        }),
        _ => Ok(()),
    }
}

/// "2 filters", for `describe` and `list`; `None` without filters.
pub fn counted(b: &Binding) -> Option<String> {
    match patterns(&b.settings).len() {
        0 => None,
        1 => Some("1 filter".into()),
        n => Some(format!("{n} filters")),
    }
}

/// ", 2 filters" (nothing without filters), to end a description.
pub fn described(b: &Binding) -> String {
    counted(b).map(|c| format!(", {c}")).unwrap_or_default()
}

/// " 2 filters" (nothing without filters), inside a `list` label.
pub fn labelled(b: &Binding) -> String {
    counted(b).map(|c| format!(" {c}")).unwrap_or_default()
}

/// What every mapping's properties take from these keys (SAM's events and
/// `AWS::Lambda::EventSourceMapping` spell them alike): `MetricsConfig`
/// where `metrics = true`, and `FilterCriteria`, each pattern as written.
pub fn export(b: &Binding, props: &mut Map<String, Value>) {
    if b.settings.bool(METRICS.key) == Some(true) {
        props.insert("MetricsConfig".into(), json!({"Metrics": ["EventCount"]}));
    }
    let patterns = patterns(&b.settings);
    if patterns.is_empty() {
        return;
    }
    let filters: Vec<Value> = patterns.iter().map(|p| json!({"Pattern": p.trim()})).collect();
    props.insert("FilterCriteria".into(), json!({ "Filters": filters }));
}

/// What the mapping hands the function of `event`: its `Records` that pass
/// the filters, with a note for each one dropped; nothing when none passes
/// (Lambda then does not invoke the function).
pub fn deliver(b: &Binding, source: RecordSource, what: &str, event: Value) -> Delivery {
    let mapping = format!("the mapping of {what} `{}`", b.target.label());
    let criteria = match criteria(&b.settings, source) {
        None => return Delivery::all(event),
        Some(Ok(c)) => c,
        Some(Err(e)) => {
            return Delivery {
                event: None,
                notes: vec![format!("{mapping} has invalid filter criteria: {e}")],
            };
        }
    };
    Delivery::of_records(event, |i, total, record| match criteria.matches(record) {
        Verdict::Match => None,
        Verdict::NoMatch(why) => {
            let which = match record_id(source, record) {
                Some(id) => format!("record [{i}] of {total} (`{id}`)"),
                None => format!("record [{i}] of {total}"),
            };
            Some(format!("{mapping} filters out {which}: {why}"))
        }
    })
    .unwrap_or_else(|event| Delivery {
        event: Some(event),
        notes: vec![format!(
            "the event has no `Records`, so the filter criteria of {mapping} were not applied"
        )],
    })
}

/// `event`'s records, each changed as little as possible to pass the
/// binding's filters (one no filter can be made to pass stays as it is).
pub fn fit(b: &Binding, source: RecordSource, mut event: Value) -> Value {
    let Some(Ok(criteria)) = criteria(&b.settings, source) else {
        return event;
    };
    if let Some(records) = event.get_mut("Records").and_then(Value::as_array_mut) {
        for r in records.iter_mut() {
            if let Some(fitted) = criteria.witness(r) {
                *r = fitted;
            }
        }
    }
    event
}

/// A record's identifier as `batchItemFailures` names it.
fn record_id(source: RecordSource, record: &Value) -> Option<&str> {
    let pointer = match source {
        RecordSource::Sqs => "/messageId",
        RecordSource::Kinesis => "/kinesis/sequenceNumber",
        RecordSource::DynamoDb => "/dynamodb/SequenceNumber",
    };
    record.pointer(pointer).and_then(Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Target;

    fn binding(patterns: &[&str]) -> Binding {
        let mut settings = Settings::new();
        settings.set(KEY, FieldValue::List(patterns.iter().map(|p| p.to_string()).collect()));
        Binding {
            target: Target::Resource("jobs".into()),
            settings,
        }
    }

    #[test]
    fn records_that_no_filter_matches_are_dropped_with_the_reason() {
        let b = binding(&[r#"{"body": {"type": ["create"]}}"#]);
        let event = json!({"Records": [
            {"messageId": "m1", "body": "{\"type\": \"create\"}"},
            {"messageId": "m2", "body": "{\"type\": \"delete\"}"},
        ]});
        let d = deliver(&b, RecordSource::Sqs, "queue", event);
        let records = d.event.unwrap()["Records"].as_array().unwrap().clone();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0]["messageId"], "m1");
        assert_eq!(
            d.notes,
            [
                r#"the mapping of queue `jobs` filters out record [1] of 2 (`m2`): `body.type` is `"delete"`, the filter wants one of `"create"`"#
            ]
        );
    }

    #[test]
    fn nothing_passes_nothing_is_delivered() {
        let b = binding(&[r#"{"body": {"type": ["create"]}}"#, r#"{"body": ["ping"]}"#]);
        let d = deliver(
            &b,
            RecordSource::Sqs,
            "queue",
            json!({"Records": [{"messageId": "m1", "body": "pong"}]}),
        );
        assert!(d.event.is_none());
        assert_eq!(d.notes.len(), 1);
        assert!(
            d.notes[0].contains(": filter 1: `body` is not JSON (`pong`)"),
            "{}",
            d.notes[0]
        );
    }

    #[test]
    fn criteria_are_checked_and_exported_as_written() {
        let mut s = Settings::new();
        s.set(KEY, FieldValue::List(vec![r#"{"data": ["x"]}"#.into()]));
        let e = check(&s, RecordSource::Kinesis).unwrap_err();
        assert_eq!(e.key, "filters");
        assert!(e.message.contains("`data` must be an object of keys"), "{}", e.message);
        assert!(check(&s, RecordSource::Sqs).is_ok());
        let six: Vec<String> = (0..6).map(|i| format!(r#"{{"body": ["{i}"]}}"#)).collect();
        s.set(KEY, FieldValue::List(six));
        assert!(
            check(&s, RecordSource::Sqs)
                .unwrap_err()
                .message
                .contains("Lambda allows 5")
        );

        let mut props = Map::new();
        export(&binding(&[r#" {"eventName": ["INSERT"]} "#]), &mut props);
        assert_eq!(
            Value::Object(props),
            json!({"FilterCriteria": {"Filters": [{"Pattern": r#"{"eventName": ["INSERT"]}"#}]}})
        );
        assert_eq!(described(&binding(&["{}", "{}"])), ", 2 filters");
    }
}
