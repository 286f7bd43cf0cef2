//! SNS topics: a Lambda subscription with an optional filter policy
//! (validated and applied as SNS does, by `crate::pattern::FilterPolicy`),
//! a dead-letter queue for the messages SNS can't deliver, and the invoke
//! permission scoped to the topic. Managed topics are encrypted at rest
//! with the AWS managed key `alias/aws/sns` unless the resource names its
//! own (`kms-key-arn`). Lambda can't subscribe to FIFO topics.

use base64::Engine as _;
use serde_json::{Map, Value, json};

use super::export::{ExportCx, FunctionCx, GrantExport, Place, resource_id, terminal_queue_metadata};
use super::sample::{EventFlag, EventRequest};
use super::{BindingProblem, Delivery, NameRule, ResourceInfo, Site, SourceSpec, TargetSpec};
use crate::diagnostics::Diagnostic;
use crate::errors::{CargoResult, user_error};
use crate::events::{DEFAULT_REGION, EPOCH, Origin, hex_id, uuid};
use crate::model::arn::{Arn, ArnKind, KMS_KEY};
use crate::model::cfn::{self, Expr, Statement, get_att, ref_};
use crate::model::{Binding, KeyDefault, KeyKind, KeySpec, Resource, Settings, Source, Target, quoted_or};
use crate::pattern::{FilterPolicy, FilterPolicyScope};
use crate::scaffold::{CrateScaffold, SampleSpec};

pub struct Sns;

/// A standard topic's name: 1-256 letters, digits, `-` and `_`.
pub fn is_topic_name(s: &str) -> bool {
    (1..=256).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A FIFO topic's name: a standard name of at most 251 characters, then `.fifo`.
pub fn is_fifo_topic_name(s: &str) -> bool {
    s.strip_suffix(".fifo")
        .is_some_and(|n| n.len() <= 251 && is_topic_name(n))
}

pub const TOPIC_ARN: ArnKind = ArnKind {
    service: Some("sns"),
    describe: "an SNS topic ARN (`arn:aws:sns:REGION:ACCOUNT:TOPIC`)",
    check: |arn| {
        arn.regional()?;
        let name = arn.resource();
        if is_topic_name(name) || is_fifo_topic_name(name) {
            Ok(())
        } else if let Some((topic, _)) = name.split_once(':') {
            Err(format!(
                "it names a subscription of topic `{topic}`; pass the topic's ARN (without `:{}`)",
                &name[topic.len() + 1..]
            ))
        } else {
            Err(format!("`{name}` is not a valid topic name"))
        }
    },
};

/// The scopes of a filter policy, as SNS spells them.
pub const SCOPES: &[&str] = &["MessageAttributes", "MessageBody"];

const KEYS: &[KeySpec] = &[
    KeySpec::new("filter-policy-scope", KeyKind::Choice(SCOPES))
        .flag("SNS: what the filter policy matches [default: MessageAttributes]")
        .default(KeyDefault::Str("MessageAttributes"))
        .ask("Filter policy scope (what a filter policy would match)?")
        .elsewhere("it configures an SNS subscription"),
    KeySpec::new(
        "filter-policy",
        KeyKind::Str {
            check: None,
            what: "an SNS filter policy",
        },
    )
    .flag("SNS: deliver only the messages this filter policy (JSON) matches")
    .ask("Filter policy (JSON)?")
    .elsewhere("it configures an SNS subscription"),
    KeySpec::new("dead-letter-queue", KeyKind::Bool)
        .flag("SNS: keep the messages SNS can't deliver in a queue the template creates [default: true]")
        .default(KeyDefault::Bool(true))
        .ask("Keep the messages SNS can't deliver in a dead-letter queue?")
        .elsewhere("it configures an SNS subscription"),
    super::asynchronous::RETRY,
    super::asynchronous::EVENT_AGE,
    super::asynchronous::ON_FAILURE,
    super::asynchronous::ON_SUCCESS,
];

const RESOURCE_KEYS: &[KeySpec] = &[KeySpec::new("kms-key-arn", KeyKind::Arn(KMS_KEY))
    .flag("New SNS topic: the KMS key that encrypts it at rest [default: the AWS managed key `alias/aws/sns`]")
    .elsewhere("it names the KMS key of a user pool or an SNS topic")
    .list_label("kms")];

/// The key of a managed topic without `kms-key-arn`.
pub const AWS_MANAGED_KEY: &str = "alias/aws/sns";

static TARGET: TargetSpec = TargetSpec {
    key: "topic",
    help: "SNS: the topic (a declared resource name)",
    question: "Which topic?",
    default_name: "notifications",
    default_label: None,
};

static RESOURCE: ResourceInfo = ResourceInfo {
    kind: "sns-topic",
    arn: TOPIC_ARN,
    name: NameRule {
        check: is_topic_name,
        what: "a standard topic name (1-256 letters, digits, `-`, `_`)",
        help: "topic names have 1-256 letters, digits, `-` and `_` (Lambda can't subscribe to FIFO topics)",
    },
    keys: RESOURCE_KEYS,
    logical_suffix: "Topic",
    env_suffix: "TOPIC_ARN",
    access: &[("publish", &["sns:Publish"])],
};

fn scope_of(s: &Settings) -> FilterPolicyScope {
    s.parse("filter-policy-scope").unwrap_or_default()
}

fn dead_letter_queue(b: &Binding) -> bool {
    b.settings.bool("dead-letter-queue").unwrap_or(true)
}

/// The binding's filter policy, parsed (an invalid one is a metadata error,
/// reported where the binding is read).
fn policy_of(b: &Binding) -> Option<Result<FilterPolicy, crate::pattern::PatternError>> {
    b.settings
        .str("filter-policy")
        .map(|text| FilterPolicy::parse(text, scope_of(&b.settings)))
}

// ---- message attributes ------------------------------------------------------

/// The attribute types SNS publishes with.
pub const ATTRIBUTE_TYPES: &[&str] = &["String", "String.Array", "Number", "Binary"];

/// A message attribute as a Lambda SNS record carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    pub name: String,
    pub ty: &'static str,
    pub value: String,
}

/// An attribute name as SNS accepts it.
fn check_attribute_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the attribute name is empty".into());
    }
    if name.len() > 256 {
        return Err(format!("the attribute name `{name}` is longer than 256 characters"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "_-.".contains(*c)))
    {
        return Err(format!(
            "the attribute name `{name}` has `{c}`; names use letters, digits, `_`, `-` and `.`"
        ));
    }
    if name.starts_with('.') || name.ends_with('.') || name.contains("..") {
        return Err(format!(
            "the attribute name `{name}` starts or ends with `.`, or has `..`"
        ));
    }
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("aws.") || lower.starts_with("amazon.") {
        return Err(format!(
            "the attribute name `{name}` starts with `AWS.` or `Amazon.`, which SNS reserves"
        ));
    }
    Ok(())
}

/// An attribute value as SNS accepts it for its type.
fn check_attribute_value(ty: &str, value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("the value is empty (SNS refuses empty attribute values)".into());
    }
    match ty {
        "Number" => match value.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(()),
            _ => Err(format!("`{value}` is not a number")),
        },
        "String.Array" => match serde_json::from_str::<Value>(value) {
            Ok(Value::Array(items)) if items.iter().all(|i| !i.is_object() && !i.is_array()) => Ok(()),
            _ => Err(format!(
                "`{value}` is not a JSON array of strings, numbers, `true`, `false` or `null`"
            )),
        },
        "Binary" => base64::engine::general_purpose::STANDARD
            .decode(value)
            .map(|_| ())
            .map_err(|_| format!("`{value}` is not base64")),
        _ => Ok(()),
    }
}

/// `NAME[:TYPE]=VALUE` (the type `String` when left out), checked as SNS
/// checks a published attribute.
pub fn parse_attribute(text: &str) -> Result<Attribute, String> {
    let Some((head, value)) = text.split_once('=') else {
        return Err(format!("`{text}` is not `NAME[:TYPE]=VALUE`"));
    };
    let (name, ty) = match head.split_once(':') {
        Some((name, t)) => match ATTRIBUTE_TYPES.iter().find(|x| **x == t) {
            Some(ty) => (name, *ty),
            None => {
                return Err(format!(
                    "`{t}` is not an attribute type (SNS's are {})",
                    quoted_or(ATTRIBUTE_TYPES)
                ));
            }
        },
        None => (head, "String"),
    };
    check_attribute_name(name)?;
    check_attribute_value(ty, value)?;
    Ok(Attribute {
        name: name.to_string(),
        ty,
        value: value.to_string(),
    })
}

// ---- sample events ---------------------------------------------------------------

/// Most bytes in a published message.
pub const MESSAGE_MAX_BYTES: usize = 256 * 1024;

/// A subject as `Publish` takes it: 1-99 characters, no line breaks or
/// control characters.
fn check_subject(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("a subject can't be empty (leave `--subject` out for none)".into());
    }
    if s.chars().count() >= 100 {
        return Err("SNS takes subjects of fewer than 100 characters".into());
    }
    if s.chars().any(char::is_control) {
        return Err("a subject can't have line breaks or control characters".into());
    }
    Ok(())
}

/// One published message of a sample event.
pub struct Published<'a> {
    pub message: &'a str,
    pub subject: Option<&'a str>,
    pub attributes: &'a [Attribute],
}

pub fn topic_arn(topic: &str, origin: &Origin) -> String {
    format!("arn:aws:sns:{}:{}:{topic}", origin.region, origin.account)
}

/// A Lambda SNS event with one record per message, as SNS delivers it.
pub fn notification(topic_arn: &str, messages: &[Published<'_>]) -> Value {
    let region = topic_arn.split(':').nth(3).unwrap_or(DEFAULT_REGION);
    let subscription = format!("{topic_arn}:{}", uuid(&format!("subscription{topic_arn}")));
    let records: Vec<Value> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let seed = format!("{topic_arn}/{i}/{}", m.message);
            let signature: Vec<u8> = hex_id(&format!("signature{seed}"), 512)
                .as_bytes()
                .chunks(2)
                .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap_or("00"), 16).unwrap_or(0))
                .collect();
            let timestamp = chrono::DateTime::from_timestamp(EPOCH + i as i64, 0)
                .unwrap_or_default()
                .format("%Y-%m-%dT%H:%M:%S%.3fZ")
                .to_string();
            let attributes: Map<String, Value> = m
                .attributes
                .iter()
                .map(|a| (a.name.clone(), json!({"Type": a.ty, "Value": a.value})))
                .collect();
            json!({
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": subscription,
                "Sns": {
                    "Type": "Notification",
                    "MessageId": uuid(&format!("message{seed}")),
                    "TopicArn": topic_arn,
                    "Subject": m.subject,
                    "Message": m.message,
                    "Timestamp": timestamp,
                    "SignatureVersion": "1",
                    "Signature": base64::engine::general_purpose::STANDARD.encode(signature),
                    "SigningCertUrl": format!(
                        "https://sns.{region}.amazonaws.com/SimpleNotificationService-{}.pem",
                        hex_id(&format!("cert{region}"), 32)
                    ),
                    "UnsubscribeUrl": format!(
                        "https://sns.{region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={subscription}"
                    ),
                    "MessageAttributes": attributes,
                },
            })
        })
        .collect();
    json!({ "Records": records })
}

const KINDS: &[&str] = &["notification"];

const DEFAULT_MESSAGE: &str = r#"{"id": "msg-1", "kind": "order.created", "data": {"order": "o-1001", "total": 42.5}}"#;

static EVENT_FLAGS: &[EventFlag] = &[
    EventFlag::new("topic", "TOPIC", "SNS: the topic name"),
    EventFlag::new(
        "message",
        "MESSAGE",
        "SNS: a message, JSON or text (repeat for several records)",
    )
    .repeat(),
    EventFlag::new("subject", "SUBJECT", "SNS: the messages' subject"),
    EventFlag::new(
        "message-attribute",
        "NAME[:TYPE]=VALUE",
        "SNS: a message attribute; TYPE is `String` (the default), `String.Array`, `Number` or `Binary` (base64); repeat for several",
    )
    .repeat(),
];

/// The topic ARN a binding subscribes to, for samples.
fn sample_topic_arn(b: &Binding, r: Option<&Resource>, origin: &Origin) -> String {
    match (&b.target, r) {
        (Target::Arn(a), _) => a.to_string(),
        (_, Some(r)) => match &r.arn {
            Some(a) => a.to_string(),
            None => topic_arn(r.physical_name.as_deref().unwrap_or(&r.name), origin),
        },
        (t, None) => topic_arn(t.label(), origin),
    }
}

// ---- export ------------------------------------------------------------------------

/// The topic's ARN: a managed topic's `Ref` is its ARN.
fn topic_arn_expr(p: &Place<'_>) -> Expr {
    p.pick(|_, id| ref_(&id), |a| Expr::lit(a.as_str()))
}

/// A subscription's dead-letter queue, and the policy that lets the topic
/// send to it.
fn dead_letter_resources(queue_id: &str, topic: &Expr) -> (cfn::Resource, cfn::Resource) {
    let mut queue = cfn::Resource::with_properties(
        "AWS::SQS::Queue",
        // Fourteen days, SQS's longest: time to look at what failed.
        json!({"MessageRetentionPeriod": 1_209_600, "SqsManagedSseEnabled": true}),
    );
    queue.metadata = Some(terminal_queue_metadata());
    let policy = cfn::Resource::with_properties(
        "AWS::SQS::QueuePolicy",
        json!({
            "Queues": [ref_(queue_id)],
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Resource": get_att(queue_id, "Arn"),
                    "Condition": {"ArnEquals": {"aws:SourceArn": topic}},
                }],
            },
        }),
    );
    (queue, policy)
}

impl SourceSpec for Sns {
    fn retriggering_access(&self) -> &'static [&'static str] {
        &["publish"]
    }

    fn retrigger_help(&self) -> &'static str {
        "publish to another topic, or give the subscription a filter policy that leaves out what the function publishes"
    }

    fn source(&self) -> Source {
        Source::Sns
    }

    fn label(&self) -> &'static str {
        "sns       SNS topic subscriptions"
    }

    fn display_name(&self) -> &'static str {
        "SNS"
    }

    fn target(&self) -> &'static TargetSpec {
        &TARGET
    }

    fn binding_keys(&self) -> &'static [KeySpec] {
        KEYS
    }

    fn check_binding(&self, settings: &Settings) -> Result<(), BindingProblem> {
        let Some(text) = settings.str("filter-policy") else {
            return Ok(());
        };
        FilterPolicy::parse(text, scope_of(settings))
            .map(|_| ())
            .map_err(|e| BindingProblem {
                key: "filter-policy",
                help: e.help.clone(),
                message: e.to_string(),
            })
    }

    /// "`orders`, messages whose attributes match the filter policy, with a dead-letter queue"
    fn describe(&self, b: &Binding) -> String {
        let which = match (b.settings.str("filter-policy"), scope_of(&b.settings)) {
            (None, _) => "every message",
            (Some(_), FilterPolicyScope::MessageAttributes) => "messages whose attributes match the filter policy",
            (Some(_), FilterPolicyScope::MessageBody) => "messages whose body matches the filter policy",
        };
        let dlq = if dead_letter_queue(b) {
            "with a dead-letter queue"
        } else {
            "no dead-letter queue"
        };
        format!("`{}`, {which}, {dlq}", b.target.label())
    }

    /// `orders[all messages, DLQ]`, `orders[policy on MessageBody]`
    fn list_label(&self, b: &Binding) -> String {
        let mut parts = vec![match b.settings.str("filter-policy") {
            None => "all messages".to_string(),
            Some(_) => format!("policy on {}", scope_of(&b.settings)),
        }];
        if dead_letter_queue(b) {
            parts.push("DLQ".into());
        }
        format!("{}[{}]", b.target.label(), parts.join(", "))
    }

    fn rules(&self, on_one_target: &[&Site<'_>], out: &mut Vec<Diagnostic>) {
        for (j, s) in on_one_target.iter().enumerate() {
            let arn = match &s.binding.target {
                Target::Arn(a) => Some(a),
                _ => s.resource.and_then(|r| r.arn.as_ref()),
            };
            if let Some(a) = arn.filter(|a| a.resource().ends_with(".fifo")) {
                out.push(
                    Diagnostic::error(
                        "sns-fifo-topic",
                        &s.file,
                        s.key(),
                        format!(
                            "`{}` is bound to `{}`, a FIFO topic; SNS delivers FIFO topics to SQS queues only, not to Lambda",
                            s.crate_name,
                            a.resource()
                        ),
                    )
                    .with_help("subscribe an SQS queue to the topic and trigger the function from the queue"),
                );
            }
            if let Some(first) = on_one_target[..j].iter().find(|a| a.crate_name == s.crate_name) {
                out.push(
                    Diagnostic::error(
                        "sns-duplicate-subscription",
                        &s.file,
                        s.key(),
                        format!(
                            "`{}` binding [{}] subscribes it to topic `{}` again (binding [{}] does already); SNS keeps one subscription per function and topic",
                            s.crate_name,
                            s.index,
                            s.binding.target.label(),
                            first.index
                        ),
                    )
                    .with_help("merge them into one binding (an `$or` in the filter policy matches either)"),
                );
            }
        }
    }

    fn resource(&self) -> &'static ResourceInfo {
        &RESOURCE
    }

    /// An existing topic's ARN (what a grant's variable holds); a managed
    /// topic's ARN is known once it is deployed.
    fn local_name(&self, r: &Resource) -> Option<String> {
        r.arn.as_ref().map(|a| a.to_string())
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
                format!("unknown SNS event kind `{k}`"),
                "the SNS kind is `notification`",
            ));
        }
        let arn = match (req.flags.get("topic"), req.crate_arn()) {
            (Some(t), _) => {
                if !(is_topic_name(t) || is_fifo_topic_name(t)) {
                    return Err(user_error(
                        format!("`--topic {t}` is not a topic name"),
                        "topic names have 1-256 letters, digits, `-` and `_` (pass the name, not the ARN)",
                    ));
                }
                topic_arn(t, req.origin)
            }
            (None, Some(a)) => a.to_string(),
            (None, None) => topic_arn(
                &req.crate_target_name(str::to_string)
                    .unwrap_or_else(|| "example-topic".into()),
                req.origin,
            ),
        };
        let attributes: Vec<Attribute> = req
            .flags
            .all("message-attribute")
            .iter()
            .map(|a| {
                parse_attribute(a).map_err(|why| {
                    user_error(
                        format!("`--message-attribute {a}`: {why}"),
                        "e.g. `--message-attribute store=example_corp` or `--message-attribute price:Number=9.5`",
                    )
                })
            })
            .collect::<CargoResult<_>>()?;
        for (i, a) in attributes.iter().enumerate() {
            if attributes[..i].iter().any(|b| b.name == a.name) {
                return Err(user_error(
                    format!("`--message-attribute` names `{}` twice", a.name),
                    "a message has one value per attribute: give each name once",
                ));
            }
        }
        let given = req.flags.all("message");
        let messages: Vec<&str> = if given.is_empty() {
            vec![DEFAULT_MESSAGE]
        } else {
            given.iter().map(String::as_str).collect()
        };
        if let Some(m) = messages.iter().find(|m| m.len() > MESSAGE_MAX_BYTES) {
            return Err(user_error(
                format!("a `--message` is {} bytes; SNS takes at most 262144 (256 KB)", m.len()),
                "shorten it, or publish a pointer to the data (an S3 key) instead",
            ));
        }
        let subject = req.flags.get("subject");
        if let Some(s) = subject {
            check_subject(s)
                .map_err(|why| user_error(format!("`--subject {s}`: {why}"), "e.g. `--subject 'Order update'`"))?;
        }
        let n = req.count(messages.len());
        let published: Vec<Published<'_>> = (0..n)
            .map(|i| Published {
                message: messages[i % messages.len()],
                subject,
                attributes: &attributes,
            })
            .collect();
        Ok(notification(&arn, &published))
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
            anyhow::bail!("scaffold sample `{path}`: unknown SNS kind `{}`", spec.kind);
        }
        let arn = sample_topic_arn(b, r, &Origin::default());
        let attributes: Vec<Attribute> = spec
            .strings("attributes")
            .iter()
            .map(|a| parse_attribute(a).map_err(|why| anyhow::anyhow!("scaffold sample `{path}`: {why}")))
            .collect::<CargoResult<_>>()?;
        let message = spec.str("message").unwrap_or(DEFAULT_MESSAGE);
        let ev = notification(
            &arn,
            &[Published {
                message,
                subject: spec.str("subject"),
                attributes: &attributes,
            }],
        );
        let id = ev["Records"][0]["Sns"]["MessageId"].clone();
        Ok((ev, json!({"topic_arn": arn, "message_id": id})))
    }

    fn scaffold_context(&self, _scaffold: &CrateScaffold, b: &Binding, _r: Option<&Resource>) -> Map<String, Value> {
        let mut ctx = Map::new();
        // As written when it fits on a line, else laid out.
        let policy = b.settings.str("filter-policy").and_then(|text| {
            if text.len() <= 72 && !text.contains(['\n', '\r']) {
                Some(text.to_string())
            } else {
                serde_json::from_str::<Value>(text)
                    .ok()
                    .and_then(|v| serde_json::to_string_pretty(&v).ok())
            }
        });
        // A Markdown fence longer than any run of backticks in the policy.
        let longest = policy
            .as_deref()
            .map_or(0, |p| p.split(|c| c != '`').map(str::len).max().unwrap_or(0));
        ctx.insert("fence".into(), json!("`".repeat(longest.max(2) + 1)));
        ctx.insert(
            "filter_policy".into(),
            match &policy {
                Some(p) => json!(p.lines().collect::<Vec<_>>()),
                None => Value::Null,
            },
        );
        ctx.insert("filter_policy_scope".into(), json!(scope_of(&b.settings).as_str()));
        ctx.insert("dead_letter_queue".into(), json!(dead_letter_queue(b)));
        ctx
    }

    /// SNS applies the subscription's filter policy to each message before
    /// it invokes the function: the messages it rejects are not delivered.
    fn deliver(&self, b: &Binding, _r: Option<&Resource>, event: Value) -> Delivery {
        let subscription = format!("the subscription to topic `{}`", b.target.label());
        let policy = match policy_of(b) {
            None => return Delivery::all(event),
            Some(Ok(p)) if p.accepts_everything() => return Delivery::all(event),
            Some(Ok(p)) => p,
            Some(Err(e)) => {
                return Delivery {
                    event: None,
                    notes: vec![format!("{subscription} has an invalid filter policy: {e}")],
                };
            }
        };
        Delivery::of_records(event, |i, total, record| {
            let sns = record.get("Sns").unwrap_or(&Value::Null);
            let attributes = sns.get("MessageAttributes").unwrap_or(&Value::Null);
            let body = sns.get("Message").and_then(Value::as_str).unwrap_or_default();
            let why = policy.matches(attributes, body).mismatch()?.to_string();
            let id = sns.get("MessageId").and_then(Value::as_str).unwrap_or("?");
            let which = if total == 1 {
                format!("the message (`{id}`)")
            } else {
                format!("message {} of {total} (`{id}`)", i + 1)
            };
            Some(format!("{subscription} filters out {which}: {why}"))
        })
        .unwrap_or_else(|event| Delivery {
            event: Some(event),
            notes: vec![format!(
                "the event has no SNS `Records`, so the filter policy of {subscription} was not applied"
            )],
        })
    }

    fn export_binding(&self, cx: &mut ExportCx<'_>, f: &mut FunctionCx<'_>, b: &Binding, index: usize) {
        // SNS invokes the function asynchronously.
        f.asynchronous = true;
        let p = Place::of(cx.ws, &b.target);
        let topic = topic_arn_expr(&p);
        let event_name = f.event_name(b, index);
        let mut props = Map::new();
        if let Some(Ok(_)) = policy_of(b)
            && let Some(policy) = b
                .settings
                .str("filter-policy")
                .and_then(|t| serde_json::from_str::<Value>(t).ok())
        {
            props.insert("FilterPolicy".into(), policy);
            props.insert("FilterPolicyScope".into(), json!(scope_of(&b.settings).as_str()));
        }
        let mut queue_policy = None;
        if dead_letter_queue(b) {
            let queue_id = format!("{}{event_name}DeadLetterQueue", f.logical());
            let (queue, policy) = dead_letter_resources(&queue_id, &topic);
            cx.add(queue_id.clone(), queue);
            cx.add(format!("{queue_id}Policy"), policy);
            cx.template.output(
                queue_id.clone(),
                ref_(&queue_id),
                format!(
                    "Messages from topic `{}` that SNS could not deliver to `{}`",
                    b.target.label(),
                    f.member.name
                ),
            );
            props.insert(
                "RedrivePolicy".into(),
                json!({"deadLetterTargetArn": get_att(&queue_id, "Arn")}),
            );
            queue_policy = Some(format!("{queue_id}Policy"));
        }
        if cx.sam() {
            let mut sam = Map::new();
            sam.insert("Topic".into(), topic.into());
            sam.extend(props);
            f.events.insert(event_name, json!({"Type": "SNS", "Properties": sam}));
            return;
        }
        let mut sub = Map::new();
        sub.insert("Protocol".into(), json!("lambda"));
        sub.insert("Endpoint".into(), f.arn().into());
        sub.insert("TopicArn".into(), topic.clone().into());
        sub.extend(props);
        let mut subscription = cfn::Resource::with_properties("AWS::SNS::Subscription", Value::Object(sub));
        // Failed deliveries can be kept as soon as the subscription exists.
        subscription.depends_on.extend(queue_policy);
        cx.add(format!("{}{event_name}Subscription", f.logical()), subscription);
        cx.add(
            format!("{}{event_name}Permission", f.logical()),
            f.permission("sns.amazonaws.com", topic, false),
        );
    }

    fn export_resource(&self, _cx: &mut ExportCx<'_>, r: &Resource) -> (cfn::Resource, Value) {
        let mut res = cfn::Resource::new("AWS::SNS::Topic");
        if let Some(n) = &r.physical_name {
            res.prop("TopicName", n.as_str());
        }
        res.prop(
            "KmsMasterKeyId",
            r.settings.str("kms-key-arn").unwrap_or(AWS_MANAGED_KEY),
        );
        let out = json!({"Value": ref_(&resource_id(r)), "Description": format!("Topic `{}`", r.name)});
        (res, out)
    }

    fn arn_expr(&self, p: &Place<'_>) -> Expr {
        topic_arn_expr(p)
    }

    /// Publishers need the topic's ARN, not its name.
    fn export_grant(&self, p: &Place<'_>, _f: &FunctionCx<'_>) -> GrantExport {
        GrantExport {
            resources: vec![topic_arn_expr(p)],
            name: topic_arn_expr(p),
            late: None,
        }
    }

    /// Publishing to a topic encrypted with a customer managed key takes
    /// that key (the AWS managed key's policy allows it through SNS).
    fn grant_statements(
        &self,
        cx: &mut ExportCx<'_>,
        r: &Resource,
        access: &str,
        f: &FunctionCx<'_>,
    ) -> Vec<Statement> {
        let key = match (access, r.settings.str("kms-key-arn")) {
            ("publish", Some(k)) => k,
            _ => return Vec::new(),
        };
        match Arn::parse(key, KMS_KEY) {
            Ok(a) if a.resource().starts_with("key/") => {
                vec![Statement::allow(
                    &["kms:GenerateDataKey*", "kms:Decrypt"],
                    vec![Expr::lit(key)],
                )]
            }
            _ => {
                cx.warn(format!(
                    "`{}` publishes to topic `{}`, whose `kms-key-arn` names a key by its alias (`{key}`); IAM policies can't, so the function gets no KMS permission: set `kms-key-arn` to the key's own ARN (`…:key/KEY_ID`), or allow the function in the key's policy",
                    f.member.name, r.name
                ));
                Vec::new()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_names_and_arns() {
        assert!(is_topic_name("orders_v2-eu"));
        assert!(!is_topic_name(""));
        assert!(!is_topic_name(&"a".repeat(257)));
        assert!(!is_topic_name("orders.fifo"));
        assert!(is_fifo_topic_name("orders.fifo"));
        Arn::parse("arn:aws:sns:eu-west-1:123456789012:orders", TOPIC_ARN).unwrap();
        Arn::parse("arn:aws:sns:eu-west-1:123456789012:orders.fifo", TOPIC_ARN).unwrap();
        let e = Arn::parse(
            "arn:aws:sns:eu-west-1:123456789012:orders:5f3e0c6a-1d2b-4c3d-9e8f-0a1b2c3d4e5f",
            TOPIC_ARN,
        )
        .unwrap_err();
        assert!(e.0.contains("names a subscription of topic `orders`"), "{e}");
        for bad in [
            "arn:aws:sns:eu-west-1:123:orders",
            "arn:aws:sqs:eu-west-1:123456789012:orders",
            "arn:aws:sns:eu-west-1:123456789012:or ders",
        ] {
            assert!(Arn::parse(bad, TOPIC_ARN).is_err(), "{bad}");
        }
    }

    #[test]
    fn message_attributes_are_checked_as_sns_does() {
        assert_eq!(
            parse_attribute("price:Number=9.5").unwrap(),
            Attribute {
                name: "price".into(),
                ty: "Number",
                value: "9.5".into()
            }
        );
        assert_eq!(parse_attribute("store=a=b").unwrap().value, "a=b");
        parse_attribute(r#"tags:String.Array=["a", 1, true, null]"#).unwrap();
        parse_attribute("blob:Binary=AAEC").unwrap();
        for (bad, why) in [
            ("store", "is not `NAME[:TYPE]=VALUE`"),
            ("price:Float=1", "`Float` is not an attribute type"),
            ("price:Number=ten", "`ten` is not a number"),
            ("tags:String.Array=[{}]", "is not a JSON array"),
            ("blob:Binary=***", "is not base64"),
            ("=x", "the attribute name is empty"),
            ("AWS.trace=x", "which SNS reserves"),
            ("a..b=x", "has `..`"),
            ("a b=x", "has ` `"),
            ("store=", "the value is empty"),
        ] {
            let e = parse_attribute(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn samples_have_one_record_per_message() {
        let attrs = [parse_attribute("store=example_corp").unwrap()];
        let ev = notification(
            "arn:aws:sns:eu-west-1:123456789012:orders",
            &[
                Published {
                    message: "a",
                    subject: Some("hi"),
                    attributes: &attrs,
                },
                Published {
                    message: "b",
                    subject: None,
                    attributes: &[],
                },
            ],
        );
        let r = ev["Records"].as_array().unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[0]["Sns"]["MessageAttributes"]["store"]["Value"], "example_corp");
        assert_eq!(r[1]["Sns"]["Subject"], Value::Null);
        assert_ne!(r[0]["Sns"]["MessageId"], r[1]["Sns"]["MessageId"]);
        assert_eq!(r[0]["EventSubscriptionArn"], r[1]["EventSubscriptionArn"]);
        assert!(
            r[0]["Sns"]["SigningCertUrl"]
                .as_str()
                .unwrap()
                .starts_with("https://sns.eu-west-1.amazonaws.com/")
        );
        assert_eq!(r[1]["Sns"]["Timestamp"], "2024-01-01T12:00:01.000Z");
    }
}
