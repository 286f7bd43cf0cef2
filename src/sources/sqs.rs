//! SQS queues read by an event source mapping. A managed queue is encrypted
//! at rest and gets a dead-letter queue; FIFO queues keep their order in
//! the scaffold by reporting the first failed message and every later one.

use md5::{Digest as _, Md5};
use serde_json::{Map, Value, json};

use super::export::{ExportCx, FunctionCx, GrantExport, Place, arn_or_att, resource_id, terminal_queue_metadata};
use super::sample::{EventFlag, EventRequest};
use super::{NameRule, ResourceInfo, Site, SourceSpec, TargetSpec};
use crate::diagnostics::Diagnostic;
use crate::errors::{CargoResult, user_error};
use crate::events::{EPOCH, Origin, hex_id, uuid_v4};
use crate::model::arn::{ArnKind, KMS_KEY};
use crate::model::cfn::{self, Expr, Statement, get_att, ref_, sub};
use crate::model::{Binding, KeyDefault, KeyKind, KeySpec, Resource, Settings, Source, Target};
use crate::pattern::RecordSource;
use crate::scaffold::{CrateScaffold, SampleSpec};

pub struct Sqs;

/// What AWS allows in one batch from a standard queue, and from a FIFO one.
pub const BATCH_SIZE_MAX: i64 = 10_000;
pub const FIFO_BATCH_SIZE_MAX: i64 = 10;
/// Above this batch size a standard queue's mapping needs a batching window.
pub const UNWINDOWED_BATCH_MAX: i64 = 10;
/// SQS's own default visibility timeout, for queues that do not set one.
pub const AWS_VISIBILITY_TIMEOUT: i64 = 30;
/// AWS's guidance: a queue's visibility timeout is at least six times the
/// function's timeout, so a throttled batch can be retried.
pub const VISIBILITY_FACTOR: i64 = 6;
const DEFAULT_BATCH_SIZE: i64 = 10;
const DEFAULT_MAX_RECEIVE_COUNT: i64 = 5;
/// A dead-letter queue keeps messages for the longest SQS allows (14 days).
const DLQ_RETENTION_SECONDS: i64 = 1_209_600;
const FIFO_SUFFIX: &str = ".fifo";
const DLQ_SUFFIX: &str = "-dlq";
const QUEUE_NAME_MAX: usize = 80;

/// An SQS queue name: 1 to 80 letters, digits, `-` and `_`, a FIFO
/// queue's ending in `.fifo` (which counts towards the 80).
pub fn is_queue_name(s: &str) -> bool {
    let base = s.strip_suffix(FIFO_SUFFIX).unwrap_or(s);
    !base.is_empty()
        && s.len() <= QUEUE_NAME_MAX
        && base
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub const QUEUE_ARN: ArnKind = ArnKind {
    service: Some("sqs"),
    describe: "an SQS queue ARN (`arn:aws:sqs:REGION:ACCOUNT:NAME`)",
    check: |arn| {
        arn.regional()?;
        if !is_queue_name(arn.resource()) {
            return Err(format!(
                "`{}` is not a valid queue name (1-80 letters, digits, `-`, `_`; FIFO names end in `.fifo`)",
                arn.resource()
            ));
        }
        Ok(())
    },
};

/// The mapping keys of a queue binding. `batching-window-seconds` and
/// `report-batch-item-failures` have the stream sources' flags (one flag
/// per key name); the defaults and ranges here are SQS's.
const KEYS: &[KeySpec] = &[
    KeySpec::new(
        "batch-size",
        KeyKind::Int {
            min: 1,
            max: BATCH_SIZE_MAX,
        },
    )
    .flag("Streams and queues: records per batch, 1 to 10000 (FIFO queues 1 to 10) [default: 100, queues 10]")
    .default(KeyDefault::Int(DEFAULT_BATCH_SIZE))
    .ask("Messages per batch?")
    .fix("AWS accepts 1 to 10000 messages per batch from a standard queue, 1 to 10 from a FIFO queue"),
    KeySpec::new("batching-window-seconds", KeyKind::Int { min: 0, max: 300 })
        .flag("Streams and queues: seconds to gather a batch, 0 to 300 [default: 0]")
        .fix("AWS accepts 0 to 300 seconds"),
    KeySpec::new("maximum-concurrency", KeyKind::Int { min: 2, max: 1000 })
        .flag("SQS: at most this many concurrent invocations for the queue, 2 to 1000 [default: no limit]")
        .fix("AWS accepts a maximum concurrency of 2 to 1000")
        .elsewhere("it limits the concurrency of an SQS queue's mapping"),
    KeySpec::new("report-batch-item-failures", KeyKind::Bool)
        .flag("Streams and queues: report failed records to Lambda [default: true]")
        .default(KeyDefault::Bool(true)),
    super::mapping::METRICS,
    super::mapping::FILTERS,
];

const RESOURCE_KEYS: &[KeySpec] = &[
    KeySpec::new("fifo", KeyKind::Bool)
        .flag("New SQS queue: a FIFO queue (its name gets `.fifo`)")
        .ask("A FIFO queue (ordered, exactly-once)?")
        .elsewhere("it makes a new SQS queue a FIFO queue")
        .list_label("fifo"),
    KeySpec::new("visibility-timeout-seconds", KeyKind::Int { min: 0, max: 43_200 })
        .flag("New SQS queue: its visibility timeout, 0 to 43200 [default: 180, six times a 30 s function timeout]")
        .default(KeyDefault::Int(VISIBILITY_FACTOR * 30))
        .fix("SQS accepts 0 to 43200 seconds (12 hours)")
        .elsewhere("it sets a new SQS queue's visibility timeout")
        .list_label("visibility"),
    KeySpec::new("max-receive-count", KeyKind::Int { min: 1, max: 1000 })
        .flag("New SQS queue: receives before a message moves to its dead-letter queue, 1 to 1000 [default: 5]")
        .default(KeyDefault::Int(DEFAULT_MAX_RECEIVE_COUNT))
        .fix("SQS accepts a maximum receive count of 1 to 1000")
        .elsewhere("it sets when a new SQS queue's messages move to its dead-letter queue")
        .list_label("max-receives"),
    KeySpec::new("kms-key-arn", KeyKind::Arn(KMS_KEY))
        .flag("New user pool or queue: its KMS key (custom senders decrypt with it; a queue is encrypted with it)"),
];

static TARGET: TargetSpec = TargetSpec {
    key: "queue",
    help: "SQS: the queue (a declared resource name)",
    question: "Which queue?",
    default_name: "jobs",
    default_label: None,
};

static RESOURCE: ResourceInfo = ResourceInfo {
    kind: "sqs-queue",
    arn: QUEUE_ARN,
    name: NameRule {
        check: is_queue_name,
        what: "a queue name (1-80 letters, digits, `-`, `_`; FIFO names end in `.fifo`)",
        help: "queue names have 1-80 letters, digits, `-` and `_` (a FIFO queue's name ends in `.fifo`)",
    },
    keys: RESOURCE_KEYS,
    logical_suffix: "Queue",
    env_suffix: "QUEUE_URL",
    access: &[
        (
            "read",
            &[
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:ChangeMessageVisibility",
                "sqs:GetQueueAttributes",
                "sqs:GetQueueUrl",
            ],
        ),
        (
            "write",
            &["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
        ),
        (
            "send",
            &["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
        ),
    ],
};

const KINDS: &[&str] = &["messages"];

static EVENT_FLAGS: &[EventFlag] = &[
    EventFlag::new(
        "queue",
        "QUEUE",
        "SQS: the queue name (a `.fifo` name makes a FIFO event)",
    ),
    EventFlag::new(
        "body",
        "BODY",
        "SQS: a message body, e.g. JSON (repeat for several messages)",
    )
    .repeat(),
    EventFlag::new(
        "message-attribute",
        "NAME[:TYPE]=VALUE",
        "SQS: a message attribute on every message; TYPE is String (default), Number or Binary",
    )
    .repeat(),
    EventFlag::new("group-id", "ID", "SQS FIFO: the message group id [default: group-1]"),
    EventFlag::new(
        "deduplication-id",
        "ID",
        "SQS FIFO: the first message's deduplication id (later ones get `-2`, `-3`, …) [default: from the body]",
    ),
];

/// Is the queue a binding reads a FIFO queue? Its resource says so, or its
/// name (or ARN) ends in `.fifo`.
pub fn is_fifo(target: &Target, r: Option<&Resource>) -> bool {
    if let Target::Arn(a) = target {
        return a.resource().ends_with(FIFO_SUFFIX);
    }
    r.is_some_and(resource_is_fifo)
}

fn resource_is_fifo(r: &Resource) -> bool {
    r.settings.bool("fifo") == Some(true)
        || r.physical_name.as_deref().is_some_and(|n| n.ends_with(FIFO_SUFFIX))
        || r.arn.as_ref().is_some_and(|a| a.resource().ends_with(FIFO_SUFFIX))
}

/// A name with `.fifo` where the queue is FIFO and the name lacks it.
fn with_fifo_suffix(name: &str, fifo: bool) -> String {
    if fifo && !name.ends_with(FIFO_SUFFIX) {
        format!("{name}{FIFO_SUFFIX}")
    } else {
        name.to_string()
    }
}

/// A managed queue's physical name as created (`.fifo` added for FIFO).
pub fn queue_name(r: &Resource) -> Option<String> {
    r.physical_name
        .as_deref()
        .map(|n| with_fifo_suffix(n, resource_is_fifo(r)))
}

/// The dead-letter queue's name, beside a named queue: `NAME-dlq`
/// (`NAME-dlq.fifo`), the base cut so the whole fits SQS's 80 characters.
pub fn dead_letter_name(r: &Resource) -> Option<String> {
    let fifo = resource_is_fifo(r);
    let full = queue_name(r)?;
    let base = full.strip_suffix(FIFO_SUFFIX).unwrap_or(&full);
    let room = QUEUE_NAME_MAX - DLQ_SUFFIX.len() - if fifo { FIFO_SUFFIX.len() } else { 0 };
    let cut = &base[..base.len().min(room)];
    Some(with_fifo_suffix(&format!("{cut}{DLQ_SUFFIX}"), fifo))
}

/// The queue's visibility timeout where it is known: a managed queue's (or
/// SQS's default), or the one recorded on an existing queue's resource.
pub fn visibility_timeout(r: &Resource) -> Option<i64> {
    match (r.settings.int("visibility-timeout-seconds"), r.is_existing()) {
        (Some(v), _) => Some(v),
        (None, false) => Some(AWS_VISIBILITY_TIMEOUT),
        (None, true) => None,
    }
}

/// The KMS key the queue is encrypted with, if it names one.
pub fn kms_key(r: Option<&Resource>) -> Option<&str> {
    r.and_then(|r| r.settings.str("kms-key-arn"))
}

fn batch_size(b: &Binding) -> i64 {
    b.settings.int("batch-size").unwrap_or(DEFAULT_BATCH_SIZE)
}

fn window(b: &Binding) -> i64 {
    b.settings.int("batching-window-seconds").unwrap_or(0)
}

fn reports_failures(b: &Binding) -> bool {
    b.settings.bool("report-batch-item-failures").unwrap_or(true)
}

pub fn queue_arn(queue: &str, origin: &Origin) -> String {
    format!("arn:aws:sqs:{}:{}:{queue}", origin.region, origin.account)
}

/// The queue's URL, from its ARN (for an existing queue).
fn queue_url(arn: &crate::model::arn::Arn) -> String {
    let domain = if arn.partition() == "aws-cn" {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    format!(
        "https://sqs.{}.{domain}/{}/{}",
        arn.region(),
        arn.account(),
        arn.resource()
    )
}

fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A message attribute as the Lambda event carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    pub name: String,
    /// `String`, `Number` or `Binary`, optionally with a custom suffix
    /// (`Number.int`).
    pub data_type: String,
    /// The value; a binary one's raw bytes.
    pub value: Vec<u8>,
}

impl Attribute {
    fn is_binary(&self) -> bool {
        self.data_type == "Binary" || self.data_type.starts_with("Binary.")
    }

    fn to_json(&self) -> Value {
        use base64::Engine as _;
        let mut m = Map::new();
        if self.is_binary() {
            m.insert(
                "binaryValue".into(),
                json!(base64::engine::general_purpose::STANDARD.encode(&self.value)),
            );
        } else {
            m.insert("stringValue".into(), json!(String::from_utf8_lossy(&self.value)));
        }
        m.insert("stringListValues".into(), json!([]));
        m.insert("binaryListValues".into(), json!([]));
        m.insert("dataType".into(), json!(self.data_type));
        Value::Object(m)
    }
}

/// `NAME=VALUE` or `NAME:TYPE=VALUE` (TYPE `String`, `Number` or `Binary`,
/// with an optional `.custom` suffix).
pub fn parse_attribute(text: &str) -> CargoResult<Attribute> {
    let help = "write `--message-attribute NAME=VALUE`, or `NAME:Number=42`, `NAME:Binary=TEXT`";
    let Some((head, value)) = text.split_once('=') else {
        return Err(user_error(format!("`--message-attribute {text}` has no `=`"), help));
    };
    let (name, data_type) = match head.split_once(':') {
        Some((n, t)) => (n, t),
        None => (head, "String"),
    };
    let valid_name = !name.is_empty()
        && name.len() <= 256
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b))
        && !name.starts_with('.')
        && !name.ends_with('.')
        && !name.contains("..")
        && !name.to_ascii_lowercase().starts_with("aws.")
        && !name.to_ascii_lowercase().starts_with("amazon.");
    if !valid_name {
        return Err(user_error(
            format!("`{name}` is not a valid message attribute name"),
            "attribute names have up to 256 letters, digits, `_`, `-` and `.` (no leading, trailing or double `.`, and no `AWS.` or `Amazon.` prefix)",
        ));
    }
    let base = data_type.split('.').next().unwrap_or_default();
    if !matches!(base, "String" | "Number" | "Binary") {
        return Err(user_error(
            format!("`{data_type}` is not an SQS attribute type"),
            "the types are `String`, `Number` and `Binary` (optionally with a suffix, e.g. `Number.int`)",
        ));
    }
    if base == "Number" && value.trim().parse::<f64>().is_err() {
        return Err(user_error(
            format!("attribute `{name}` is a Number but `{value}` is not a number"),
            "write e.g. `--message-attribute count:Number=42`",
        ));
    }
    Ok(Attribute {
        name: name.to_string(),
        data_type: data_type.to_string(),
        value: value.as_bytes().to_vec(),
    })
}

/// The MD5 of a message's attributes as SQS computes it: each attribute,
/// by name, as its length-prefixed name, type, transport byte and value.
pub fn attributes_md5(attributes: &[Attribute]) -> String {
    let mut sorted: Vec<&Attribute> = attributes.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let mut buf = Vec::new();
    let field = |bytes: &[u8], buf: &mut Vec<u8>| {
        buf.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        buf.extend_from_slice(bytes);
    };
    for a in sorted {
        field(a.name.as_bytes(), &mut buf);
        field(a.data_type.as_bytes(), &mut buf);
        buf.push(if a.is_binary() { 2 } else { 1 });
        field(&a.value, &mut buf);
    }
    md5_hex(&buf)
}

/// FIFO details of a sample batch.
#[derive(Clone, Debug)]
pub struct Fifo<'a> {
    pub group_id: &'a str,
    /// The first message's deduplication id; `None`: from the body's MD5.
    pub deduplication_id: Option<&'a str>,
}

/// An SQS batch as Lambda delivers it, one message per body.
pub fn batch(
    queue_arn: &str,
    bodies: &[String],
    attributes: &[Attribute],
    fifo: Option<&Fifo<'_>>,
    origin: &Origin,
) -> Value {
    let records: Vec<Value> = bodies
        .iter()
        .enumerate()
        .map(|(i, body)| {
            let seed = format!("{queue_arn}/{i}/{body}");
            let sent = EPOCH * 1000 + i as i64 * 10;
            let mut attrs = Map::new();
            attrs.insert("ApproximateReceiveCount".into(), json!("1"));
            attrs.insert("SentTimestamp".into(), json!(sent.to_string()));
            if let Some(f) = fifo {
                // Increasing within the batch, as in a message group.
                attrs.insert(
                    "SequenceNumber".into(),
                    json!((18_849_496_460_467_696_128u128 + i as u128).to_string()),
                );
                attrs.insert("MessageGroupId".into(), json!(f.group_id));
            }
            attrs.insert("SenderId".into(), json!("AIDAIENQZJOLO23YVJ4VO"));
            if let Some(f) = fifo {
                let dedup = match f.deduplication_id {
                    Some(d) if i == 0 => d.to_string(),
                    Some(d) => format!("{d}-{}", i + 1),
                    None => md5_hex(body.as_bytes()),
                };
                attrs.insert("MessageDeduplicationId".into(), json!(dedup));
            }
            attrs.insert("ApproximateFirstReceiveTimestamp".into(), json!((sent + 5).to_string()));
            let mut m = Map::new();
            m.insert("messageId".into(), json!(uuid_v4(&format!("id{seed}"))));
            m.insert(
                "receiptHandle".into(),
                json!(format!("AQEB{}", hex_id(&format!("receipt{seed}"), 64))),
            );
            m.insert("body".into(), json!(body));
            m.insert("attributes".into(), Value::Object(attrs));
            let message_attributes: Map<String, Value> =
                attributes.iter().map(|a| (a.name.clone(), a.to_json())).collect();
            m.insert("messageAttributes".into(), Value::Object(message_attributes));
            if !attributes.is_empty() {
                m.insert("md5OfMessageAttributes".into(), json!(attributes_md5(attributes)));
            }
            m.insert("md5OfBody".into(), json!(md5_hex(body.as_bytes())));
            m.insert("eventSource".into(), json!("aws:sqs"));
            m.insert("eventSourceARN".into(), json!(queue_arn));
            m.insert("awsRegion".into(), json!(origin.region));
            Value::Object(m)
        })
        .collect();
    json!({ "Records": records })
}

/// The queue a binding reads, and whether it is FIFO, for samples.
fn sample_queue(b: &Binding, r: Option<&Resource>, origin: &Origin) -> (String, bool) {
    let fifo = is_fifo(&b.target, r);
    let arn = match (&b.target, r) {
        (Target::Arn(a), _) => a.to_string(),
        (_, Some(r)) => match &r.arn {
            Some(a) => a.to_string(),
            None => queue_arn(
                &queue_name(r).unwrap_or_else(|| with_fifo_suffix(&r.name, fifo)),
                origin,
            ),
        },
        (t, None) => queue_arn(t.label(), origin),
    };
    (arn, fifo)
}

/// The queue's name in findings: its physical name where known.
fn rule_site_name(s: &Site<'_>) -> String {
    match (&s.binding.target, s.resource) {
        (Target::Arn(a), _) => a.resource().to_string(),
        (_, Some(r)) => queue_name(r).unwrap_or_else(|| r.name.clone()),
        (t, None) => t.label().to_string(),
    }
}

/// One binding's own limits: FIFO batches, the batching window, the
/// visibility timeout against the function's timeout.
fn binding_rules(s: &Site<'_>, out: &mut Vec<Diagnostic>) {
    let b = s.binding;
    let fifo = is_fifo(&b.target, s.resource);
    let queue = rule_site_name(s);
    let size = batch_size(b);
    let key = |k: &str| format!("{}.{k}", s.key());
    if fifo && size > FIFO_BATCH_SIZE_MAX {
        out.push(
            Diagnostic::error(
                "sqs-fifo-batch",
                &s.file,
                key("batch-size"),
                format!(
                    "`{}` reads FIFO queue `{queue}` in batches of up to {size}; AWS allows at most {FIFO_BATCH_SIZE_MAX} messages per batch from a FIFO queue",
                    s.crate_name
                ),
            )
            .with_help(format!("set `batch-size` to {FIFO_BATCH_SIZE_MAX} or less")),
        );
    }
    if fifo && window(b) > 0 {
        out.push(
            Diagnostic::error(
                "sqs-fifo-window",
                &s.file,
                key("batching-window-seconds"),
                format!(
                    "`{}` gathers batches from FIFO queue `{queue}` for {} s; AWS has no batching window for FIFO queues",
                    s.crate_name,
                    window(b)
                ),
            )
            .with_help("remove `batching-window-seconds`"),
        );
    }
    if !fifo && size > UNWINDOWED_BATCH_MAX && window(b) == 0 {
        out.push(
            Diagnostic::error(
                "sqs-batch-window",
                &s.file,
                key("batch-size"),
                format!(
                    "`{}` reads queue `{queue}` in batches of up to {size} with no batching window; AWS needs a window for batches of more than {UNWINDOWED_BATCH_MAX} messages",
                    s.crate_name
                ),
            )
            .with_help("set `batching-window-seconds` to 1 to 300 (e.g. `--batching-window-seconds 1`), or `batch-size` to 10 or less"),
        );
    }
    if let Some(r) = s.resource
        && r.settings.bool("fifo") == Some(false)
        && r.physical_name.as_deref().is_some_and(|n| n.ends_with(FIFO_SUFFIX))
    {
        out.push(
            Diagnostic::error(
                "sqs-fifo-name",
                &s.file,
                key("queue"),
                format!(
                    "queue `{}` says `fifo = false` but its name ends in `.fifo`, which only FIFO queues' names do",
                    r.name
                ),
            )
            .with_help("remove `fifo = false`, or the `.fifo` from its name"),
        );
    }
    let Some(visibility) = s.resource.and_then(visibility_timeout) else {
        return;
    };
    let timeout = i64::from(s.timeout());
    if visibility < timeout {
        out.push(
            Diagnostic::error(
                "sqs-visibility",
                &s.file,
                s.key(),
                format!(
                    "queue `{queue}` has a visibility timeout of {visibility} s, shorter than `{}`'s timeout of {timeout} s; Lambda refuses such a mapping",
                    s.crate_name
                ),
            )
            .with_help(format!(
                "set the queue's `visibility-timeout-seconds` to at least {} (six times the function's timeout), or lower the function's timeout",
                VISIBILITY_FACTOR * timeout
            )),
        );
    } else if visibility < VISIBILITY_FACTOR * timeout {
        out.push(
            Diagnostic::warning(
                "sqs-visibility",
                &s.file,
                s.key(),
                format!(
                    "queue `{queue}` has a visibility timeout of {visibility} s, less than six times `{}`'s timeout of {timeout} s; AWS advises six times, so a throttled batch can be retried before its messages reappear",
                    s.crate_name
                ),
            )
            .with_help(format!(
                "set the queue's `visibility-timeout-seconds` to at least {}, or lower the function's timeout",
                VISIBILITY_FACTOR * timeout
            )),
        );
    }
}

impl SourceSpec for Sqs {
    fn retriggering_access(&self) -> &'static [&'static str] {
        &["write", "send"]
    }

    fn retrigger_help(&self) -> &'static str {
        "send to another queue, or make the handler recognise and skip the messages it sent itself"
    }

    fn source(&self) -> Source {
        Source::Sqs
    }

    fn label(&self) -> &'static str {
        "sqs       an SQS queue (standard or FIFO)"
    }

    fn display_name(&self) -> &'static str {
        "SQS"
    }

    fn target(&self) -> &'static TargetSpec {
        &TARGET
    }

    fn binding_keys(&self) -> &'static [KeySpec] {
        KEYS
    }

    fn check_binding(&self, settings: &Settings) -> Result<(), super::BindingProblem> {
        super::mapping::check(settings, RecordSource::Sqs)
    }

    /// "`jobs`, batches of up to 10, a 5 s window, at most 50 at once, 1 filter"
    fn describe(&self, b: &Binding) -> String {
        let mut s = format!("`{}`, batches of up to {}", b.target.label(), batch_size(b));
        if window(b) > 0 {
            s.push_str(&format!(", a {} s window", window(b)));
        }
        if let Some(c) = b.settings.int("maximum-concurrency") {
            s.push_str(&format!(", at most {c} at once"));
        }
        s.push_str(&super::mapping::described(b));
        s
    }

    /// `jobs[x10]`, `jobs[x100 5s max50]`, `jobs[x10 1 filter]`
    fn list_label(&self, b: &Binding) -> String {
        let mut s = format!("{}[x{}", b.target.label(), batch_size(b));
        if window(b) > 0 {
            s.push_str(&format!(" {}s", window(b)));
        }
        if let Some(c) = b.settings.int("maximum-concurrency") {
            s.push_str(&format!(" max{c}"));
        }
        s.push_str(&super::mapping::labelled(b));
        s.push(']');
        s
    }

    /// Failed messages stay in the queue: they come back after its
    /// visibility timeout, and after its maximum receive count its redrive
    /// policy moves them to the dead-letter queue; the rest are deleted.
    fn retry_report(&self, b: &Binding, r: Option<&Resource>, first: Option<usize>, _total: usize) -> Option<String> {
        if !reports_failures(b) {
            return Some("the binding does not report batch item failures (`report-batch-item-failures = false`), so Lambda ignores `batchItemFailures`: the response counts as success and the whole batch is deleted from the queue".into());
        }
        let which = match first {
            None => "every message of the batch",
            Some(_) => "only the messages reported",
        };
        let when = match r.and_then(visibility_timeout) {
            Some(v) => format!("after the queue's visibility timeout ({v} s)"),
            None => "after the queue's visibility timeout".into(),
        };
        let then = match r.filter(|r| !r.is_existing()) {
            Some(r) => format!(
                "after {} receives SQS moves a message to the queue's dead-letter queue",
                r.settings.int("max-receive-count").unwrap_or(DEFAULT_MAX_RECEIVE_COUNT)
            ),
            None => "the queue's own redrive policy decides when a message moves to a dead-letter queue".into(),
        };
        Some(format!(
            "Lambda would delete the rest and leave {which} in `{}`: they come back {when}, and {then}",
            b.target.label()
        ))
    }

    fn fit_sample(&self, b: &Binding, event: Value) -> Value {
        super::mapping::fit(b, RecordSource::Sqs, event)
    }

    /// The mapping's filter criteria drop the messages they don't match.
    fn deliver(&self, b: &Binding, _r: Option<&Resource>, event: Value) -> super::Delivery {
        super::mapping::deliver(b, RecordSource::Sqs, "queue", event)
    }

    fn rules(&self, on_one_target: &[&Site<'_>], out: &mut Vec<Diagnostic>) {
        for s in on_one_target {
            binding_rules(s, out);
        }
        // Functions on one queue compete: each message goes to one of them.
        let mut crates: Vec<&str> = Vec::new();
        for s in on_one_target {
            if !crates.contains(&s.crate_name) {
                crates.push(s.crate_name);
            }
        }
        if crates.len() < 2 {
            return;
        }
        let mut seen: Vec<&str> = Vec::new();
        for s in on_one_target {
            let first_of_crate = !seen.contains(&s.crate_name);
            seen.push(s.crate_name);
            if seen.len() == 1 || !first_of_crate {
                continue;
            }
            out.push(
                Diagnostic::warning(
                    "sqs-consumers",
                    &s.file,
                    s.key(),
                    format!(
                        "queue `{}` is read by {} functions ({}); they compete for its messages, each message going to one of them",
                        rule_site_name(s),
                        crates.len(),
                        crates.join(", ")
                    ),
                )
                .with_help("to give every function each message, fan out through an SNS topic or EventBridge with a queue per function"),
            );
        }
    }

    fn resource(&self) -> &'static ResourceInfo {
        &RESOURCE
    }

    /// An existing queue's URL; a managed queue's is known once deployed.
    fn local_name(&self, r: &Resource) -> Option<String> {
        r.arn.as_ref().map(queue_url)
    }

    fn event_kinds(&self) -> Vec<String> {
        KINDS.iter().map(|k| k.to_string()).collect()
    }

    fn event_flags(&self) -> &'static [EventFlag] {
        EVENT_FLAGS
    }

    fn sample_event(&self, req: &EventRequest<'_>) -> CargoResult<Value> {
        if let Some(k) = req.kind
            && !KINDS.contains(&k)
        {
            return Err(user_error(
                format!("unknown SQS event kind `{k}`"),
                "the SQS kind is `messages`",
            ));
        }
        let fifo_flags = req.flags.get("group-id").is_some() || req.flags.get("deduplication-id").is_some();
        let (arn, fifo) = match (req.flags.get("queue"), req.from_crate.and_then(|c| c.binding)) {
            (Some(q), _) => {
                if !is_queue_name(q) {
                    return Err(user_error(
                        format!("`--queue {q}` is not a valid queue name"),
                        RESOURCE.name.help,
                    ));
                }
                (queue_arn(q, req.origin), q.ends_with(FIFO_SUFFIX))
            }
            (None, Some(b)) => sample_queue(b, req.from_crate.and_then(|c| c.resource), req.origin),
            (None, None) => {
                let name = if fifo_flags {
                    "example-queue.fifo"
                } else {
                    "example-queue"
                };
                (queue_arn(name, req.origin), fifo_flags)
            }
        };
        if fifo_flags && !fifo {
            return Err(user_error(
                "`--group-id` and `--deduplication-id` are for FIFO queues",
                "name a FIFO queue (`--queue NAME.fifo`), or leave them out",
            ));
        }
        let attributes = req
            .flags
            .all("message-attribute")
            .iter()
            .map(|a| parse_attribute(a))
            .collect::<CargoResult<Vec<_>>>()?;
        let given = req.flags.all("body");
        let bodies: Vec<String> = if given.is_empty() {
            vec![r#"{"id": "msg-1", "action": "test"}"#.to_string()]
        } else {
            given.to_vec()
        };
        let n = req.count(bodies.len());
        let bodies: Vec<String> = (0..n).map(|i| bodies[i % bodies.len()].clone()).collect();
        let f = Fifo {
            group_id: req.flags.get("group-id").unwrap_or("group-1"),
            deduplication_id: req.flags.get("deduplication-id"),
        };
        Ok(batch(&arn, &bodies, &attributes, fifo.then_some(&f), req.origin))
    }

    fn scaffold_sample(
        &self,
        _scaffold: &CrateScaffold,
        spec: &SampleSpec,
        path: &str,
        b: &Binding,
        r: Option<&Resource>,
    ) -> CargoResult<(Value, Value)> {
        if !KINDS.contains(&spec.kind.as_str()) {
            anyhow::bail!("scaffold sample `{path}`: unknown SQS kind `{}`", spec.kind);
        }
        let origin = Origin::default();
        let (arn, fifo) = sample_queue(b, r, &origin);
        let attributes = spec
            .strings("message-attributes")
            .iter()
            .map(|a| parse_attribute(a))
            .collect::<CargoResult<Vec<_>>>()?;
        let group = spec.str("group-id").unwrap_or("group-1").to_string();
        let f = Fifo {
            group_id: &group,
            deduplication_id: None,
        };
        let ev = batch(&arn, &spec.strings("bodies"), &attributes, fifo.then_some(&f), &origin);
        Ok((ev, json!({"queue_arn": arn, "group_id": group})))
    }

    fn scaffold_context(&self, _scaffold: &CrateScaffold, b: &Binding, r: Option<&Resource>) -> Map<String, Value> {
        let mut ctx = Map::new();
        ctx.insert("fifo".into(), json!(is_fifo(&b.target, r)));
        ctx.insert("report_failures".into(), json!(reports_failures(b)));
        ctx
    }

    fn export_binding(&self, cx: &mut ExportCx<'_>, f: &mut FunctionCx<'_>, b: &Binding, index: usize) {
        let p = Place::of(cx.ws, &b.target);
        let arn = arn_or_att(&p, "Arn");
        // What the event source mapping polls with: the function's role.
        f.allow(
            &["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
            vec![arn.clone()],
        );
        if let Some(key) = kms_key(p.resource) {
            f.allow(&["kms:Decrypt"], vec![Expr::lit(key)]);
            warn_alias(cx, key, &f.member.name);
        }
        let mut props = Map::new();
        props.insert("BatchSize".into(), json!(batch_size(b)));
        if window(b) > 0 {
            props.insert("MaximumBatchingWindowInSeconds".into(), json!(window(b)));
        }
        if reports_failures(b) {
            props.insert("FunctionResponseTypes".into(), json!(["ReportBatchItemFailures"]));
        }
        if let Some(c) = b.settings.int("maximum-concurrency") {
            props.insert("ScalingConfig".into(), json!({"MaximumConcurrency": c}));
        }
        super::mapping::export(b, &mut props);
        let event_name = f.event_name(b, index);
        if cx.sam() {
            let mut sam = Map::new();
            sam.insert("Queue".into(), arn.into());
            sam.extend(props);
            f.events.insert(event_name, json!({"Type": "SQS", "Properties": sam}));
        } else {
            let mut esm = Map::new();
            esm.insert("EventSourceArn".into(), arn.into());
            esm.insert("FunctionName".into(), ref_(&f.id).into());
            esm.extend(props);
            let mut mapping = cfn::Resource::with_properties("AWS::Lambda::EventSourceMapping", Value::Object(esm));
            // Serverless Rule ES1001 (a mapping's on-failure destination)
            // does not apply: an SQS mapping takes none, the queue's redrive
            // policy is where its failures go (SAM's SQS event is exempt).
            mapping.metadata = Some(json!({"cfn-lint": {"config": {"ignore_checks": ["ES1001"]}}}));
            cx.add(format!("{}{}Mapping", f.logical(), event_name), mapping);
        }
    }

    /// The queue, encrypted at rest (SQS-managed keys, or its KMS key), and
    /// its dead-letter queue with the redrive policy.
    fn export_resource(&self, cx: &mut ExportCx<'_>, r: &Resource) -> (cfn::Resource, Value) {
        let id = resource_id(r);
        let dlq_id = format!("{id}DeadLetter");
        let fifo = resource_is_fifo(r);
        let encrypt = |q: &mut cfn::Resource| {
            match kms_key(Some(r)) {
                Some(key) => q.prop("KmsMasterKeyId", key),
                None => q.prop("SqsManagedSseEnabled", true),
            };
        };
        let mut dlq = cfn::Resource::new("AWS::SQS::Queue");
        dlq.retain = true;
        if let Some(n) = dead_letter_name(r) {
            dlq.prop("QueueName", n);
        }
        if fifo {
            dlq.prop("FifoQueue", true);
        }
        dlq.prop("MessageRetentionPeriod", DLQ_RETENTION_SECONDS);
        encrypt(&mut dlq);
        dlq.metadata = Some(terminal_queue_metadata());
        cx.add(dlq_id.clone(), dlq);
        cx.template.output(
            dlq_id.clone(),
            ref_(&dlq_id),
            format!("Dead-letter queue of `{}` (its URL)", r.name),
        );

        let mut q = cfn::Resource::new("AWS::SQS::Queue");
        q.retain = true;
        if let Some(n) = queue_name(r) {
            q.prop("QueueName", n);
        }
        if fifo {
            q.prop("FifoQueue", true);
        }
        if let Some(v) = r.settings.int("visibility-timeout-seconds") {
            q.prop("VisibilityTimeout", v);
        }
        encrypt(&mut q);
        q.prop(
            "RedrivePolicy",
            json!({
                "deadLetterTargetArn": get_att(&dlq_id, "Arn"),
                "maxReceiveCount": r.settings.int("max-receive-count").unwrap_or(DEFAULT_MAX_RECEIVE_COUNT),
            }),
        );
        let out = json!({"Value": ref_(&id), "Description": format!("Queue `{}` (its URL)", r.name)});
        (q, out)
    }

    fn arn_expr(&self, p: &Place<'_>) -> Expr {
        arn_or_att(p, "Arn")
    }

    /// A grant names the queue by its URL, which is what SQS's API takes.
    fn export_grant(&self, p: &Place<'_>, _f: &FunctionCx<'_>) -> GrantExport {
        let url = p.pick(
            |_, id| ref_(&id),
            |a| {
                sub(&format!(
                    "https://sqs.{}.${{AWS::URLSuffix}}/{}/{}",
                    a.region(),
                    a.account(),
                    a.resource()
                ))
            },
        );
        GrantExport {
            resources: vec![self.arn_expr(p)],
            name: url,
            late: None,
        }
    }

    /// Reading an encrypted queue decrypts with its key; sending to it
    /// makes data keys with it too.
    fn grant_statements(
        &self,
        _cx: &mut ExportCx<'_>,
        r: &Resource,
        access: &str,
        _f: &FunctionCx<'_>,
    ) -> Vec<Statement> {
        let Some(key) = kms_key(Some(r)) else {
            return Vec::new();
        };
        let actions: &[&str] = match access {
            "read" => &["kms:Decrypt"],
            _ => &["kms:GenerateDataKey", "kms:Decrypt"],
        };
        vec![Statement::allow(actions, vec![Expr::lit(key)])]
    }
}

/// IAM matches keys, not aliases: a statement on an alias ARN allows nothing.
fn warn_alias(cx: &mut ExportCx<'_>, key: &str, crate_name: &str) {
    if key.contains(":alias/") {
        cx.warn(format!(
            "`{crate_name}`: the queue's `kms-key-arn` is an alias; IAM policies match key ARNs, so name the key (`arn:aws:kms:REGION:ACCOUNT:key/KEY_ID`) for `kms:Decrypt` to be allowed"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::arn::Arn;

    #[test]
    fn queue_names() {
        assert!(is_queue_name("jobs"));
        assert!(is_queue_name("Jobs_2-x"));
        assert!(is_queue_name("jobs.fifo"));
        assert!(is_queue_name(&"a".repeat(80)));
        assert!(!is_queue_name(&"a".repeat(81)));
        assert!(is_queue_name(&format!("{}.fifo", "a".repeat(75))));
        assert!(!is_queue_name(&format!("{}.fifo", "a".repeat(76))));
        for bad in ["", ".fifo", "a.b", "a b", "jobs.FIFO", "é"] {
            assert!(!is_queue_name(bad), "{bad}");
        }
    }

    #[test]
    fn queue_arns() {
        Arn::parse("arn:aws:sqs:eu-west-1:123456789012:jobs.fifo", QUEUE_ARN).unwrap();
        for bad in [
            "arn:aws:sqs:::jobs",
            "arn:aws:sqs:eu-west-1:123456789012:a/b",
            "arn:aws:sns:eu-west-1:123456789012:jobs",
        ] {
            assert!(Arn::parse(bad, QUEUE_ARN).is_err(), "{bad}");
        }
    }

    #[test]
    fn fifo_names_and_dead_letter_queues() {
        let mut r = Resource::new("jobs", Source::Sqs.resource_kind());
        assert_eq!(queue_name(&r), None);
        assert_eq!(dead_letter_name(&r), None);
        r.physical_name = Some("acme-jobs".into());
        assert_eq!(dead_letter_name(&r).as_deref(), Some("acme-jobs-dlq"));
        r.settings.set("fifo", crate::model::FieldValue::Bool(true));
        assert_eq!(queue_name(&r).as_deref(), Some("acme-jobs.fifo"));
        assert_eq!(dead_letter_name(&r).as_deref(), Some("acme-jobs-dlq.fifo"));
        r.physical_name = Some(format!("{}.fifo", "q".repeat(75)));
        let dlq = dead_letter_name(&r).unwrap();
        assert_eq!(dlq.len(), 80);
        assert!(is_queue_name(&dlq) && dlq.ends_with("-dlq.fifo"), "{dlq}");
        // A `.fifo` name alone makes a FIFO queue.
        let mut named = Resource::new("orders", Source::Sqs.resource_kind());
        named.physical_name = Some("orders.fifo".into());
        assert!(resource_is_fifo(&named));
    }

    /// SQS's documented algorithm: attributes by name, each encoded as
    /// length-prefixed name and type, a transport byte, length-prefixed value.
    #[test]
    fn attribute_digests_follow_sqs() {
        let a = |name: &str, ty: &str, v: &str| Attribute {
            name: name.into(),
            data_type: ty.into(),
            value: v.as_bytes().to_vec(),
        };
        // Order does not matter: SQS sorts by name.
        let one = attributes_md5(&[a("b", "String", "2"), a("a", "Number", "1")]);
        let two = attributes_md5(&[a("a", "Number", "1"), a("b", "String", "2")]);
        assert_eq!(one, two);
        // The encoding by hand: length-prefixed name, type, transport 1, value.
        let mut buf = Vec::new();
        for (n, t, v) in [("a", "Number", "1"), ("b", "String", "2")] {
            for part in [n, t] {
                buf.extend_from_slice(&(part.len() as u32).to_be_bytes());
                buf.extend_from_slice(part.as_bytes());
            }
            buf.push(1);
            buf.extend_from_slice(&(v.len() as u32).to_be_bytes());
            buf.extend_from_slice(v.as_bytes());
        }
        assert_eq!(one, md5_hex(&buf));
        assert_ne!(
            attributes_md5(&[a("a", "Binary", "1")]),
            attributes_md5(&[a("a", "String", "1")])
        );
    }

    #[test]
    fn body_digest_is_md5() {
        // RFC 1321's test suite.
        assert_eq!(md5_hex(b"abc"), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
    }

    #[test]
    fn attributes_parse_with_types() {
        assert_eq!(parse_attribute("tenant=acme").unwrap().data_type, "String");
        assert_eq!(parse_attribute("n:Number=4.5").unwrap().data_type, "Number");
        assert_eq!(parse_attribute("n:Number.int=4").unwrap().data_type, "Number.int");
        assert_eq!(parse_attribute("k=a=b").unwrap().value, b"a=b");
        for bad in [
            "novalue",
            "=x",
            "n:Number=abc",
            "n:Text=1",
            "AWS.x=1",
            "a..b=1",
            "a b=1",
        ] {
            assert!(parse_attribute(bad).is_err(), "{bad}");
        }
    }
}
