//! What DynamoDB and Kinesis stream bindings share: the event source
//! mapping's keys, how it is described, listed and exported.

use serde_json::{Map, Value, json};

use super::export::{ExportCx, FunctionCx};
use super::{BindingProblem, Site};
use super::{destination, mapping};
use crate::diagnostics::Diagnostic;
use crate::model::cfn::{self, Expr, ref_};
use crate::model::{Binding, KeyDefault, KeyKind, KeySpec, ResourceKind, Settings, Source};
use crate::pattern::RecordSource;

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
    KeySpec::new(
        "maximum-retry-attempts",
        KeyKind::Int {
            min: -1,
            max: RETRY_ATTEMPTS_MAX,
        },
    )
    .flag("Streams: retries of a failed batch, -1 (until the records expire) to 10000 [default: -1]")
    .fix("AWS accepts -1 (retry until the records expire) to 10000 retries"),
    KeySpec::new(
        "maximum-record-age-seconds",
        KeyKind::Int {
            min: -1,
            max: RECORD_AGE_MAX,
        },
    )
    .flag("Streams: skip records older than this, -1 (never) or 60 to 604800 seconds [default: -1]")
    .fix("AWS accepts -1 (no limit) or 60 to 604800 seconds"),
    KeySpec::new("bisect-batch-on-function-error", KeyKind::Bool)
        .flag("Streams: split a failed batch in two and retry each half [default: false]"),
    KeySpec::new(
        "parallelization-factor",
        KeyKind::Int {
            min: 1,
            max: PARALLELIZATION_MAX,
        },
    )
    .flag("Streams: batches processed at once per shard, 1 to 10 [default: 1]")
    .fix("AWS accepts 1 to 10 concurrent batches per shard"),
    KeySpec::new(
        "on-failure",
        KeyKind::Str {
            check: Some(destination::check_any),
            what: "an on-failure destination",
        },
    )
    .flag("Streams: where records that exhaust their retries go, a declared SQS queue, SNS topic or S3 bucket, or an ARN [default: the function's own failure queue]")
    .fix("name a declared `sqs-queue`, `sns-topic` or `s3-bucket` resource, or give its ARN (`arn:aws:sqs:REGION:ACCOUNT:NAME`, `arn:aws:sns:REGION:ACCOUNT:TOPIC`, `arn:aws:s3:::BUCKET`)")
    .refers_to(&[
        ResourceKind(Source::Sqs),
        ResourceKind(Source::Sns),
        ResourceKind(Source::S3),
    ]),
    KeySpec::new(
        "tumbling-window-seconds",
        KeyKind::Int {
            min: 0,
            max: TUMBLING_WINDOW_MAX,
        },
    )
    .flag("Streams: aggregate records over windows of this many seconds, 0 (none) to 900 [default: 0]")
    .fix("AWS accepts 0 (no window) to 900 seconds"),
    mapping::METRICS,
    mapping::FILTERS,
];

/// The longest tumbling window: 15 minutes.
pub const TUMBLING_WINDOW_MAX: i64 = 900;

/// Whether `source`'s bindings are stream mappings (take these keys).
pub fn applies(source: Source) -> bool {
    source
        .spec()
        .binding_keys()
        .iter()
        .any(|k| k.key == "maximum-record-age-seconds")
}

pub const RETRY_ATTEMPTS_MAX: i64 = 10_000;
/// A week, the longest a mapping may keep retrying a record.
pub const RECORD_AGE_MAX: i64 = 604_800;
/// The shortest record age a mapping may be given, besides -1.
pub const RECORD_AGE_MIN: i64 = 60;
pub const PARALLELIZATION_MAX: i64 = 10;

/// What the keys' kinds can't check: a record age of -1 or at least 60 s,
/// and the filter criteria, as Lambda checks them for `source`.
pub fn check_binding(settings: &Settings, source: RecordSource) -> Result<(), BindingProblem> {
    mapping::check(settings, source)?;
    match settings.int("maximum-record-age-seconds") {
        Some(age) if (0..RECORD_AGE_MIN).contains(&age) => Err(BindingProblem {
            key: "maximum-record-age-seconds",
            message: format!("is {age}, but AWS accepts -1 (no limit) or {RECORD_AGE_MIN} to {RECORD_AGE_MAX} seconds"),
            help: format!("use -1 or at least {RECORD_AGE_MIN}"),
        }),
        _ => Ok(()),
    }
}

fn position(b: &Binding) -> &str {
    b.settings.str("starting-position").unwrap_or("LATEST")
}

fn batch_size(b: &Binding) -> i64 {
    b.settings.int("batch-size").unwrap_or(100)
}

/// "`todos` from LATEST, batches of up to 100, 1 filter"
pub fn describe(b: &Binding) -> String {
    format!(
        "`{}` from {}, batches of up to {}{}",
        b.target.label(),
        position(b),
        batch_size(b),
        mapping::described(b)
    )
}

/// `todos[LATEST x100]`, `todos[LATEST x100 2 filters]`
pub fn list_label(b: &Binding) -> String {
    format!(
        "{}[{} x{}{}]",
        b.target.label(),
        position(b),
        batch_size(b),
        mapping::labelled(b)
    )
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
    for (key, prop) in [
        ("maximum-retry-attempts", "MaximumRetryAttempts"),
        ("maximum-record-age-seconds", "MaximumRecordAgeInSeconds"),
        ("parallelization-factor", "ParallelizationFactor"),
        ("tumbling-window-seconds", "TumblingWindowInSeconds"),
    ] {
        if let Some(v) = b.settings.int(key) {
            props.insert(prop.into(), json!(v));
        }
    }
    if let Some(v) = b.settings.bool("bisect-batch-on-function-error") {
        props.insert("BisectBatchOnFunctionError".into(), json!(v));
    }
    mapping::export(b, &mut props);
    props
}

/// Where a binding's exhausted records go: its `on-failure` (a declared
/// queue, topic or bucket, or an ARN, with what writing to it takes), else
/// the function's own failure queue.
fn on_failure(cx: &mut ExportCx<'_>, f: &mut FunctionCx<'_>, b: &Binding) -> Expr {
    match b.settings.str("on-failure") {
        Some(v) => destination::resolve(cx, f, v).arn,
        None => f.failure_queue(cx),
    }
}

/// A tumbling window changes what the function must answer: Lambda counts
/// a response without `state` as a failed invocation, and the generated
/// handler answers a plain batch response. A warning per such binding (the
/// handler may have been changed to answer `state`).
pub fn window_rules(sites: &[&Site<'_>], out: &mut Vec<Diagnostic>) {
    for s in sites {
        if let Some(w) = s.binding.settings.int("tumbling-window-seconds").filter(|w| *w > 0) {
            out.push(
                Diagnostic::warning("tumbling-window", &s.file, s.key(), format!(
                    "`{}` reads `{}` in {w} s tumbling windows: Lambda counts every response without a `state` as failed, and the generated handler answers none",
                    s.crate_name,
                    s.binding.target.label()
                ))
                .with_help("answer a time-window response (aws_lambda_events' `KinesisTimeWindowEventResponse` / `TimeWindowEventResponse`, with `state`) from the handler, or remove `tumbling-window-seconds`"),
            );
        }
    }
}

/// What a stream mapping does with a batch whose records from `first` on
/// failed: without failure reports, the response counts as success; with
/// them, Lambda checkpoints before the first failed record and retries from
/// it (bisecting, if set) as often as `maximum-retry-attempts` and
/// `maximum-record-age-seconds` allow, then describes the batch at the
/// on-failure destination.
pub fn retry_report(b: &Binding, first: Option<usize>, total: usize) -> String {
    if !b.settings.bool("report-batch-item-failures").unwrap_or(true) {
        return "the binding does not report batch item failures (`report-batch-item-failures = false`), so Lambda ignores `batchItemFailures`: the response counts as success and the records are not retried".into();
    }
    let which = match first {
        Some(0) | None => format!("the whole batch ({total} record{})", if total == 1 { "" } else { "s" }),
        Some(i) => format!(
            "records [{i}] to [{}] (it checkpoints before the first failed record)",
            total - 1
        ),
    };
    let retries = match b.settings.int("maximum-retry-attempts") {
        None | Some(-1) => "until the records expire from the stream".to_string(),
        Some(0) => "not at all".to_string(),
        Some(n) => format!("up to {n} time{}", if n == 1 { "" } else { "s" }),
    };
    let age = match b.settings.int("maximum-record-age-seconds") {
        None | Some(-1) => String::new(),
        Some(a) => format!(" or until they are {a} s old"),
    };
    let bisect = if b.settings.bool("bisect-batch-on-function-error") == Some(true) {
        ", splitting the batch in two on each retry"
    } else {
        ""
    };
    let to = match b.settings.str("on-failure") {
        Some(d) => format!("`{d}`"),
        None => "the function's failure queue (`<Function>FailureQueue` in the exported template)".into(),
    };
    format!(
        "Lambda would retry {which} {retries}{age}{bisect}, then send a description of the records that still fail to {to}, and read on"
    )
}

/// The event source mapping of one stream binding, and the statements it needs.
pub fn export(cx: &mut ExportCx<'_>, f: &mut FunctionCx<'_>, b: &Binding, index: usize, s: StreamAccess) {
    f.allow(s.actions, vec![s.arn.clone()]);
    f.allow(&[s.list_action], vec![Expr::lit("*")]);
    let event_name = f.event_name(b, index);
    // Records that exhaust their retries go to the function's failure
    // queue rather than vanishing (or blocking the shard until they expire).
    let on_failure = json!({"OnFailure": {"Destination": on_failure(cx, f, b)}});
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
