//! What DynamoDB and Kinesis stream bindings share: the event source
//! mapping's keys, how it is described, listed and exported.

use serde_json::{Map, Value, json};

use super::export::{ExportCx, FunctionCx};
use crate::model::cfn::{self, Expr, ref_};
use crate::model::{Binding, KeyDefault, KeyKind, KeySpec};

pub const STARTING_POSITIONS: &[&str] = &["LATEST", "TRIM_HORIZON"];
pub const BATCH_SIZE_MAX: i64 = 10_000;
pub const BATCHING_WINDOW_MAX: i64 = 300;

/// The mapping keys of a stream binding.
pub const KEYS: &[KeySpec] = &[
    KeySpec::new("starting-position", KeyKind::Choice(STARTING_POSITIONS))
        .flag("Streams: where a new mapping starts reading [default: LATEST]")
        .default(KeyDefault::Str("LATEST"))
        .ask("Start reading from?"),
    KeySpec::new(
        "batch-size",
        KeyKind::Int {
            min: 1,
            max: BATCH_SIZE_MAX,
        },
    )
    .flag("Streams and queues: records per batch, 1 to 10000 (FIFO queues 1 to 10) [default: 100, queues 10]")
    .default(KeyDefault::Int(100))
    .ask("Records per batch?")
    .fix("AWS accepts 1 to 10000 records per batch for {source} streams"),
    KeySpec::new(
        "batching-window-seconds",
        KeyKind::Int {
            min: 0,
            max: BATCHING_WINDOW_MAX,
        },
    )
    .flag("Streams and queues: seconds to gather a batch, 0 to 300 [default: 0]")
    .default(KeyDefault::Int(0))
    .fix("AWS accepts 0 to 300 seconds"),
    KeySpec::new("report-batch-item-failures", KeyKind::Bool)
        .flag("Streams and queues: report failed records to Lambda [default: true]")
        .default(KeyDefault::Bool(true)),
];

fn position(b: &Binding) -> &str {
    b.settings.str("starting-position").unwrap_or("LATEST")
}

fn batch_size(b: &Binding) -> i64 {
    b.settings.int("batch-size").unwrap_or(100)
}

/// "`todos` from LATEST, batches of up to 100"
pub fn describe(b: &Binding) -> String {
    format!(
        "`{}` from {}, batches of up to {}",
        b.target.label(),
        position(b),
        batch_size(b)
    )
}

/// `todos[LATEST x100]`
pub fn list_label(b: &Binding) -> String {
    format!("{}[{} x{}]", b.target.label(), position(b), batch_size(b))
}

/// How one source's stream is read.
pub struct StreamAccess {
    /// The stream's ARN (policies and the mapping).
    pub arn: Expr,
    /// What reading it takes, on that ARN.
    pub actions: &'static [&'static str],
    /// Listing streams has no resource-level permission: on `*`.
    pub list_action: &'static str,
    /// The SAM event type (`DynamoDB`, `Kinesis`).
    pub sam_type: &'static str,
}

/// The mapping's properties, as SAM events and `AWS::Lambda::EventSourceMapping` share them.
fn mapping_properties(b: &Binding) -> Map<String, Value> {
    let mut props = Map::new();
    props.insert("StartingPosition".into(), json!(position(b)));
    props.insert("BatchSize".into(), json!(batch_size(b)));
    props.insert(
        "MaximumBatchingWindowInSeconds".into(),
        json!(b.settings.int("batching-window-seconds").unwrap_or(0)),
    );
    if b.settings.bool("report-batch-item-failures").unwrap_or(true) {
        props.insert("FunctionResponseTypes".into(), json!(["ReportBatchItemFailures"]));
    }
    props
}

/// The event source mapping of one stream binding, and the statements it needs.
pub fn export(cx: &mut ExportCx<'_>, f: &mut FunctionCx<'_>, b: &Binding, index: usize, s: StreamAccess) {
    f.allow(s.actions, vec![s.arn.clone()]);
    f.allow(&[s.list_action], vec![Expr::lit("*")]);
    let event_name = f.event_name(b, index);
    // Records that exhaust their retries go to the function's failure
    // queue rather than vanishing (or blocking the shard until they expire).
    let on_failure = json!({"OnFailure": {"Destination": f.failure_queue(cx)}});
    let mut props = Map::new();
    props.insert("DestinationConfig".into(), on_failure);
    if cx.sam() {
        props.insert("Stream".into(), s.arn.into());
        props.extend(mapping_properties(b));
        f.events
            .insert(event_name, json!({"Type": s.sam_type, "Properties": props}));
    } else {
        props.insert("EventSourceArn".into(), s.arn.into());
        props.insert("FunctionName".into(), ref_(&f.id).into());
        props.extend(mapping_properties(b));
        cx.add(
            format!("{}{}Mapping", f.logical(), event_name),
            cfn::Resource::with_properties("AWS::Lambda::EventSourceMapping", Value::Object(props)),
        );
    }
}
