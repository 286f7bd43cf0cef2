//! S3 object notifications: a bucket, its event types and key filter.
//! Managed buckets are notified directly; a bucket outside the template is
//! reached through an EventBridge rule (its EventBridge notifications on).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};

use super::export::{ExportCx, FunctionCx, GrantExport, Place, resource_id};
use super::sample::{EventFlag, EventRequest};
use super::{Delivery, NameRule, ResourceInfo, Site, SourceSpec, TargetSpec};
use crate::diagnostics::Diagnostic;
use crate::errors::{CargoResult, user_error};
use crate::events::{Origin, hex_id};
use crate::model::arn::{Arn, ArnKind};
use crate::model::cfn::{self, Expr, get_att, ref_, sub};
use crate::model::names::slug;
use crate::model::{Binding, KeyDefault, KeyKind, KeySpec, Resource, Source, Target};
use crate::scaffold::{CrateScaffold, SampleSpec};

pub struct S3;

/// Every S3 notification event type a bucket accepts.
pub const EVENTS: &[&str] = &[
    "s3:ObjectCreated:*",
    "s3:ObjectCreated:Put",
    "s3:ObjectCreated:Post",
    "s3:ObjectCreated:Copy",
    "s3:ObjectCreated:CompleteMultipartUpload",
    "s3:ObjectRemoved:*",
    "s3:ObjectRemoved:Delete",
    "s3:ObjectRemoved:DeleteMarkerCreated",
    "s3:ObjectRestore:*",
    "s3:ObjectRestore:Post",
    "s3:ObjectRestore:Completed",
    "s3:ObjectRestore:Delete",
    "s3:ReducedRedundancyLostObject",
    "s3:Replication:*",
    "s3:Replication:OperationFailedReplication",
    "s3:Replication:OperationMissedThreshold",
    "s3:Replication:OperationReplicatedAfterThreshold",
    "s3:Replication:OperationNotTracked",
    "s3:LifecycleExpiration:*",
    "s3:LifecycleExpiration:Delete",
    "s3:LifecycleExpiration:DeleteMarkerCreated",
    "s3:LifecycleTransition",
    "s3:IntelligentTiering",
    "s3:ObjectTagging:*",
    "s3:ObjectTagging:Put",
    "s3:ObjectTagging:Delete",
    "s3:ObjectAcl:Put",
];

pub const DEFAULT_EVENTS: &[&str] = &["s3:ObjectCreated:*", "s3:ObjectRemoved:*"];

/// Checks on an S3 key filter value (prefix or suffix).
pub fn check_filter(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("it is empty (leave it out to match every key)".into());
    }
    if value.len() > 1024 {
        return Err("it is longer than 1024 bytes".into());
    }
    if value.chars().any(|c| c.is_control()) {
        return Err("it contains a control character".into());
    }
    Ok(())
}

const FILTER: KeyKind = KeyKind::Str {
    check: Some(check_filter),
    what: "a valid key filter",
};

const FILTER_FIX: &str = "pass a plain key prefix or suffix, e.g. `uploads/` or `.jpg`";

const KEYS: &[KeySpec] = &[
    KeySpec::new(
        "events",
        KeyKind::List {
            choices: EVENTS,
            noun: "an S3 event type",
            example: "e.g. `s3:ObjectCreated:*`, `s3:ObjectRemoved:Delete`",
        },
    )
    .flag("S3: event types, comma-separated")
    .default(KeyDefault::List(DEFAULT_EVENTS))
    .ask("Which object events?"),
    KeySpec::new("prefix", FILTER)
        .flag("S3: only keys that start with this")
        .ask("Only keys starting with (prefix)?")
        .fix(FILTER_FIX),
    KeySpec::new("suffix", FILTER)
        .flag("S3: only keys that end with this")
        .ask("Only keys ending with (suffix)?")
        .fix(FILTER_FIX),
    super::asynchronous::RETRY,
    super::asynchronous::EVENT_AGE,
    super::asynchronous::ON_FAILURE,
    super::asynchronous::ON_SUCCESS,
];

/// A bucket name as S3 accepts it for new buckets.
pub fn is_bucket_name(s: &str) -> bool {
    (3..=63).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && s.as_bytes()[0].is_ascii_alphanumeric()
        && s.as_bytes()[s.len() - 1].is_ascii_alphanumeric()
        && !s.contains("..")
        && !s.starts_with("xn--")
        && s.parse::<std::net::Ipv4Addr>().is_err()
}

pub const BUCKET_ARN: ArnKind = ArnKind {
    service: Some("s3"),
    describe: "an S3 bucket ARN (`arn:aws:s3:::BUCKET`)",
    check: |arn| {
        if !arn.region().is_empty() || !arn.account().is_empty() {
            return Err("bucket ARNs have empty region and account (`arn:aws:s3:::BUCKET`)".into());
        }
        if !is_bucket_name(arn.resource()) {
            return Err(format!("`{}` is not a valid bucket name", arn.resource()));
        }
        Ok(())
    },
};

static TARGET: TargetSpec = TargetSpec {
    key: "bucket",
    help: "S3: the bucket (a declared resource name)",
    question: "Which bucket?",
    default_name: "uploads",
    default_label: None,
};

static RESOURCE: ResourceInfo = ResourceInfo {
    kind: "s3-bucket",
    arn: BUCKET_ARN,
    name: NameRule {
        check: is_bucket_name,
        what: "a bucket name (3-63 lowercase letters, digits, `-`, `.`)",
        help: "bucket names have 3-63 lowercase letters, digits, `-` and `.`",
    },
    keys: &[],
    logical_suffix: "Bucket",
    env_suffix: "BUCKET_NAME",
    access: &[
        ("read", &["s3:GetObject", "s3:ListBucket"]),
        ("write", &["s3:PutObject", "s3:DeleteObject"]),
    ],
};

/// A binding's event types and key filter.
struct Filter<'a> {
    events: &'a [String],
    prefix: Option<&'a str>,
    suffix: Option<&'a str>,
}

fn filter(b: &Binding) -> Filter<'_> {
    Filter {
        events: b.settings.list("events"),
        prefix: b.settings.str("prefix"),
        suffix: b.settings.str("suffix"),
    }
}

/// Do two S3 event types overlap (`s3:ObjectCreated:*` covers
/// `s3:ObjectCreated:Put`)?
pub fn events_overlap(a: &str, b: &str) -> bool {
    let covers = |wild: &str, other: &str| wild.strip_suffix('*').is_some_and(|p| other.starts_with(p));
    a == b || covers(a, b) || covers(b, a)
}

/// Two key filters overlap when some key matches both: each prefix is a
/// prefix of the other (or absent), and likewise each suffix.
pub fn filters_overlap(a: (Option<&str>, Option<&str>), b: (Option<&str>, Option<&str>)) -> bool {
    let prefixes = match (a.0, b.0) {
        (Some(x), Some(y)) => x.starts_with(y) || y.starts_with(x),
        _ => true,
    };
    let suffixes = match (a.1, b.1) {
        (Some(x), Some(y)) => x.ends_with(y) || y.ends_with(x),
        _ => true,
    };
    prefixes && suffixes
}

/// Encode a key as S3 does in notifications: form-style, space as `+`.
pub fn encode_key(key: &str) -> String {
    const KEEP: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~')
        .remove(b'/')
        .remove(b'*');
    utf8_percent_encode(key, KEEP).to_string().replace("%20", "+")
}

/// A key as a notification carries it, decoded (`+` is a space).
pub fn decode_key(key: &str) -> String {
    percent_encoding::percent_decode_str(&key.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// An object in a sample notification.
pub struct Object<'a> {
    pub bucket: &'a str,
    pub key: &'a str,
    pub size: u64,
}

/// An S3 notification with one record per object; `kind` is `put` or
/// `delete`.
pub fn notification(kind: &str, objects: &[Object<'_>], origin: &Origin) -> Value {
    let records: Vec<Value> = objects
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let seed = format!("{}/{}/{i}", o.bucket, o.key);
            let sequencer = hex_id(&format!("seq{seed}"), 18).to_uppercase();
            let (event_name, object) = if kind == "delete" {
                (
                    "ObjectRemoved:Delete",
                    json!({"key": encode_key(o.key), "sequencer": sequencer}),
                )
            } else {
                (
                    "ObjectCreated:Put",
                    json!({
                        "key": encode_key(o.key),
                        "size": o.size,
                        "eTag": hex_id(&format!("etag{seed}"), 32),
                        "sequencer": sequencer,
                    }),
                )
            };
            json!({
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": origin.region,
                "eventTime": "2024-01-01T12:00:00.000Z",
                "eventName": event_name,
                "userIdentity": {"principalId": "AWS:AIDAEXAMPLE"},
                "requestParameters": {"sourceIPAddress": "203.0.113.10"},
                "responseElements": {
                    "x-amz-request-id": hex_id(&format!("req{seed}"), 16).to_uppercase(),
                    "x-amz-id-2": hex_id(&format!("id2{seed}"), 64),
                },
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": "cargo-trigger",
                    "bucket": {
                        "name": o.bucket,
                        "ownerIdentity": {"principalId": "A3NL1KOZZKExample"},
                        "arn": format!("arn:aws:s3:::{}", o.bucket),
                    },
                    "object": object,
                },
            })
        })
        .collect();
    json!({ "Records": records })
}

const KINDS: &[&str] = &["put", "delete"];

static EVENT_FLAGS: &[EventFlag] = &[
    EventFlag::new("bucket", "BUCKET", "S3: the bucket name"),
    EventFlag::new("key", "KEY", "S3: the object key (URL-encoded in the event as S3 does)"),
    EventFlag::new("size", "SIZE", "S3: the object size in bytes"),
];

/// A managed bucket's name: the declared one, or one derived from the
/// account and region (lowercase, unique), written out rather than `Ref`'d
/// so that policies naming it cause no circular dependency.
pub fn bucket_name(r: &Resource) -> String {
    r.physical_name
        .clone()
        .unwrap_or_else(|| format!("{}-${{AWS::AccountId}}-${{AWS::Region}}", slug(&r.name)))
}

fn bucket_name_expr(p: &Place<'_>) -> Expr {
    p.pick(|r, _| sub(&bucket_name(r)), |a| Expr::lit(a.resource_name()))
}

fn bucket_arn(p: &Place<'_>) -> Expr {
    match (p.managed(), p.arn()) {
        (Some(r), _) => sub(&format!("arn:${{AWS::Partition}}:s3:::{}", bucket_name(r))),
        (None, Some(a)) => Expr::lit(a.as_str()),
        (None, None) => Expr::lit(format!("arn:aws:s3:::{}", p.target.label())),
    }
}

/// S3 event types to EventBridge detail types.
fn eventbridge_detail_types(events: &[String]) -> Vec<&'static str> {
    let mut out = Vec::new();
    for e in events {
        let kinds: &[&str] = if e.starts_with("s3:ObjectCreated:") {
            &["Object Created"]
        } else if e.starts_with("s3:ObjectRemoved:") || e.starts_with("s3:LifecycleExpiration:") {
            &["Object Deleted"]
        } else if e.starts_with("s3:ObjectRestore:") {
            &[
                "Object Restore Initiated",
                "Object Restore Completed",
                "Object Restore Expired",
            ]
        } else if e.starts_with("s3:ObjectTagging:") {
            &["Object Tags Added", "Object Tags Deleted"]
        } else if e.starts_with("s3:ObjectAcl:") {
            &["Object ACL Updated"]
        } else if e.starts_with("s3:LifecycleTransition") {
            &["Object Storage Class Changed"]
        } else if e.starts_with("s3:IntelligentTiering") {
            &["Object Access Tier Changed"]
        } else {
            &[]
        };
        for k in kinds {
            if !out.contains(k) {
                out.push(*k);
            }
        }
    }
    out
}

/// An EventBridge pattern for a key filter.
fn eventbridge_key_filter(prefix: Option<&str>, suffix: Option<&str>) -> Option<Value> {
    let esc = |s: &str| s.replace('\\', "\\\\").replace('*', "\\*");
    match (prefix, suffix) {
        (None, None) => None,
        (Some(p), None) => Some(json!([{ "prefix": p }])),
        (None, Some(s)) => Some(json!([{ "suffix": s }])),
        (Some(p), Some(s)) => Some(json!([{ "wildcard": format!("{}*{}", esc(p), esc(s)) }])),
    }
}

/// S3 key filter rules (`prefix`, `suffix`) of a notification.
fn key_rules(f: &Filter<'_>) -> Vec<Value> {
    let mut rules = Vec::new();
    if let Some(p) = f.prefix {
        rules.push(json!({"Name": "prefix", "Value": p}));
    }
    if let Some(s) = f.suffix {
        rules.push(json!({"Name": "suffix", "Value": s}));
    }
    rules
}

/// A managed bucket notifies the function: a SAM `S3` event, or (plain
/// CloudFormation) the bucket's notification configuration and the
/// permission it waits for.
fn export_managed(
    cx: &mut ExportCx<'_>,
    f: &mut FunctionCx<'_>,
    r: &Resource,
    p: &Place<'_>,
    b: &Binding,
    index: usize,
) {
    let bucket_id = resource_id(r);
    let fl = filter(b);
    let rules = key_rules(&fl);
    let event_name = f.event_name(b, index);
    if cx.sam() {
        let mut props = json!({"Bucket": ref_(&bucket_id), "Events": fl.events});
        if !rules.is_empty() {
            props["Filter"] = json!({"S3Key": {"Rules": rules}});
        }
        f.events.insert(event_name, json!({"Type": "S3", "Properties": props}));
        return;
    }
    let perm_id = format!("{}{}Permission", f.logical(), event_name);
    cx.add(perm_id.clone(), f.permission("s3.amazonaws.com", bucket_arn(p), true));
    let configs: Vec<Value> = fl
        .events
        .iter()
        .map(|e| {
            let mut c = json!({"Event": e, "Function": f.arn()});
            if !rules.is_empty() {
                c["Filter"] = json!({"S3Key": {"Rules": rules}});
            }
            c
        })
        .collect();
    cx.patch(
        &bucket_id,
        json!({"NotificationConfiguration": {"LambdaConfigurations": configs}}),
    );
    cx.depend(&bucket_id, perm_id);
}

/// A bucket outside the template reaches the function through an
/// EventBridge rule on its object events.
fn export_existing(cx: &mut ExportCx<'_>, f: &mut FunctionCx<'_>, p: &Place<'_>, b: &Binding, index: usize) {
    let bucket = bucket_name_expr(p);
    let name = f.member.name.clone();
    cx.warn(format!(
        "bucket {} exists outside the template: `{name}` gets its object events through an EventBridge rule, so turn on EventBridge notifications on that bucket (`aws s3api put-bucket-notification-configuration --bucket {} --notification-configuration '{{\"EventBridgeConfiguration\": {{}}}}'`)",
        b.target.label(),
        bucket.as_str().unwrap_or_default()
    ));
    let fl = filter(b);
    let encoded =
        |x: Option<&str>| x.is_some_and(|x| !x.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c)));
    if encoded(fl.prefix) || encoded(fl.suffix) {
        cx.warn(format!(
            "`{name}`: EventBridge matches the URL-encoded object key, and the filter of its binding to {} has characters that S3 encodes; write them encoded in the binding (e.g. `%20` for a space) or check the rule matches",
            b.target.label()
        ));
    }
    let mut detail = json!({"bucket": {"name": [bucket]}});
    if let Some(k) = eventbridge_key_filter(fl.prefix, fl.suffix) {
        detail["object"] = json!({"key": k});
    }
    let pattern = json!({
        "source": ["aws.s3"],
        "detail-type": eventbridge_detail_types(fl.events),
        "detail": detail,
    });
    let event_name = f.event_name(b, index);
    if cx.sam() {
        let dead_letter = f.rule_dead_letter(cx, &format!("{}{event_name}", f.id));
        f.events.insert(
            event_name,
            json!({"Type": "EventBridgeRule", "Properties": {"Pattern": pattern, "DeadLetterConfig": dead_letter}}),
        );
        return;
    }
    let rule_id = format!("{}{}Rule", f.logical(), event_name);
    let dead_letter = f.rule_dead_letter(cx, &rule_id);
    cx.add(
        rule_id.clone(),
        cfn::Resource::with_properties(
            "AWS::Events::Rule",
            json!({"EventPattern": pattern, "Targets": [{"Arn": f.arn(), "Id": "function", "DeadLetterConfig": dead_letter}]}),
        ),
    );
    cx.add(
        format!("{rule_id}Permission"),
        f.permission("events.amazonaws.com", get_att(&rule_id, "Arn"), false),
    );
}

/// `key` made distinct for record `i` of a sample: `-i` before the file
/// name's extension (`a/b.jpg` → `a/b-1.jpg`), else at the end.
fn numbered(key: &str, i: usize) -> String {
    let name_start = key.rfind('/').map_or(0, |p| p + 1);
    match key[name_start..].rfind('.').filter(|&d| d > 0) {
        Some(d) => format!("{}-{i}{}", &key[..name_start + d], &key[name_start + d..]),
        None => format!("{key}-{i}"),
    }
}

impl SourceSpec for S3 {
    fn source(&self) -> Source {
        Source::S3
    }

    fn label(&self) -> &'static str {
        "s3        S3 object notifications"
    }

    fn display_name(&self) -> &'static str {
        "S3"
    }

    fn target(&self) -> &'static TargetSpec {
        &TARGET
    }

    fn binding_keys(&self) -> &'static [KeySpec] {
        KEYS
    }

    fn describe(&self, b: &Binding) -> String {
        let f = filter(b);
        let mut s = format!("`{}` on {}", b.target.label(), f.events.join(", "));
        if let Some(p) = f.prefix {
            s.push_str(&format!(", prefix `{p}`"));
        }
        if let Some(x) = f.suffix {
            s.push_str(&format!(", suffix `{x}`"));
        }
        s
    }

    fn list_label(&self, b: &Binding) -> String {
        let f = filter(b);
        let events: Vec<&str> = f.events.iter().map(|e| e.trim_start_matches("s3:")).collect();
        format!(
            "{}[{} {}*{}]",
            b.target.label(),
            events.join("|"),
            f.prefix.unwrap_or_default(),
            f.suffix.unwrap_or_default()
        )
    }

    fn rules(&self, on_one_target: &[&Site<'_>], out: &mut Vec<Diagnostic>) {
        for (j, b) in on_one_target.iter().enumerate() {
            for a in &on_one_target[..j] {
                let (fa, fb) = (filter(a.binding), filter(b.binding));
                let shared: Vec<String> = fb
                    .events
                    .iter()
                    .filter(|x| fa.events.iter().any(|y| events_overlap(x, y)))
                    .cloned()
                    .collect();
                if shared.is_empty() || !filters_overlap((fa.prefix, fa.suffix), (fb.prefix, fb.suffix)) {
                    continue;
                }
                out.push(
                    Diagnostic::error(
                        "s3-overlap",
                        &b.file,
                        b.key(),
                        format!(
                            "bucket `{}`: `{}` binding [{}] overlaps `{}` binding [{}] ({} with overlapping prefix and suffix); S3 rejects overlapping notification configurations",
                            b.binding.target.label(),
                            b.crate_name,
                            b.index,
                            a.crate_name,
                            a.index,
                            shared.join(", ")
                        ),
                    )
                    .with_help("give them disjoint `prefix`es or `suffix`es, or different event types"),
                );
            }
        }
    }

    fn resource(&self) -> &'static ResourceInfo {
        &RESOURCE
    }

    fn retriggering_access(&self) -> &'static [&'static str] {
        &["write"]
    }

    fn retrigger_help(&self) -> &'static str {
        "write under keys its binding does not match (another prefix or suffix) or to another bucket, or make the handler skip the objects it wrote"
    }

    fn event_kinds(&self) -> Vec<String> {
        KINDS.iter().map(|k| k.to_string()).collect()
    }

    fn event_flags(&self) -> &'static [EventFlag] {
        EVENT_FLAGS
    }

    fn sample_event(&self, req: &EventRequest<'_>) -> CargoResult<Value> {
        let kind = req.kind.unwrap_or("put");
        if !KINDS.contains(&kind) {
            return Err(user_error(
                format!("unknown S3 event kind `{kind}`"),
                "S3 kinds are `put` and `delete`",
            ));
        }
        let bucket = req
            .flags
            .get("bucket")
            .map(str::to_string)
            .or_else(|| req.crate_target_name(slug))
            .unwrap_or_else(|| "example-bucket".into());
        // Record `i`'s key: the one given (records after the first numbered
        // before its extension), else a photo inside the binding's filter.
        let given = req.flags.get("key");
        let filter = match req.from_crate.and_then(|c| c.binding) {
            None if req.from_crate.is_none() => None,
            b => Some(b.map(filter)),
        };
        let key_of = |i: usize| -> String {
            match (given, &filter) {
                (Some(k), _) if i == 0 => k.to_string(),
                (Some(k), _) => numbered(k, i),
                (None, None) => format!("uploads/my photo ({}).jpg", i + 1),
                (None, Some(f)) => format!(
                    "{}my photo ({}){}",
                    f.as_ref().and_then(|f| f.prefix).unwrap_or_default(),
                    i + 1,
                    f.as_ref().and_then(|f| f.suffix).unwrap_or(".jpg")
                ),
            }
        };
        let size = match req.flags.get("size") {
            Some(s) => s.parse::<u64>().map_err(|_| {
                user_error(
                    format!("`--size {s}` is not a number of bytes"),
                    "pass a whole number, e.g. `--size 1024`",
                )
            })?,
            None => 1024,
        };
        let n = req.count(1);
        let keys: Vec<String> = (0..n).map(key_of).collect();
        let objects: Vec<Object<'_>> = keys
            .iter()
            .map(|k| Object {
                bucket: &bucket,
                key: k,
                size,
            })
            .collect();
        Ok(notification(kind, &objects, req.origin))
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
            anyhow::bail!("scaffold sample `{path}`: unknown S3 kind `{}`", spec.kind);
        }
        let f = filter(b);
        let key = format!(
            "{}{}{}",
            f.prefix.unwrap_or_default(),
            spec.str("key").unwrap_or("example"),
            f.suffix.or(spec.str("extension")).unwrap_or_default()
        );
        let bucket = match (&b.target, r) {
            (Target::Arn(a), _) => a.resource_name().to_string(),
            (_, Some(r)) => r
                .arn
                .as_ref()
                .map(|a| a.resource_name().to_string())
                .or_else(|| r.physical_name.clone())
                .unwrap_or_else(|| slug(&r.name)),
            (t, None) => slug(t.label()),
        };
        let size = spec.int("size").unwrap_or(0) as u64;
        let ev = notification(
            &spec.kind,
            &[Object {
                bucket: &bucket,
                key: &key,
                size,
            }],
            &Origin::default(),
        );
        Ok((ev, json!({"key": key, "bucket": bucket})))
    }

    /// S3 notifies a binding only of its event types, for keys under its
    /// prefix and suffix (matched on the decoded key): other records are
    /// left out, with a note each; an event with none left is not
    /// delivered. Events of another shape (EventBridge's) pass unchanged.
    fn deliver(&self, b: &Binding, _r: Option<&Resource>, event: Value) -> Delivery {
        let f = filter(b);
        Delivery::of_records(event, |i, _, record| {
            let (Some(name), Some(key)) = (record["eventName"].as_str(), record["s3"]["object"]["key"].as_str()) else {
                return None;
            };
            let event_type = format!("s3:{name}");
            let key = decode_key(key);
            let why = if !f.events.iter().any(|e| events_overlap(e, &event_type)) {
                Some(format!(
                    "it is `{event_type}`, and the binding is for {}",
                    f.events.join(", ")
                ))
            } else if let Some(p) = f.prefix.filter(|p| !key.starts_with(p)) {
                Some(format!("its key `{key}` does not start with `{p}`"))
            } else {
                f.suffix
                    .filter(|x| !key.ends_with(x))
                    .map(|x| format!("its key `{key}` does not end with `{x}`"))
            };
            why.map(|why| {
                format!(
                    "S3 would never deliver record [{i}] to the binding {}: {why}",
                    self.describe(b)
                )
            })
        })
        .unwrap_or_else(Delivery::all)
    }

    fn export_binding(&self, cx: &mut ExportCx<'_>, f: &mut FunctionCx<'_>, b: &Binding, index: usize) {
        // S3 notifications and EventBridge rules invoke asynchronously.
        f.asynchronous = true;
        let p = Place::of(cx.ws, &b.target);
        match p.managed() {
            Some(r) => export_managed(cx, f, r, &p, b, index),
            None => export_existing(cx, f, &p, b, index),
        }
    }

    fn export_resource(&self, cx: &mut ExportCx<'_>, r: &Resource) -> (cfn::Resource, Value) {
        let mut res = cfn::Resource::new("AWS::S3::Bucket");
        res.retain = true;
        res.prop("BucketName", sub(&bucket_name(r)));
        res.prop(
            "PublicAccessBlockConfiguration",
            json!({"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true}),
        );
        res.prop(
            "BucketEncryption",
            json!({"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}),
        );
        // Requests without TLS are denied, on the bucket and its objects.
        let id = resource_id(r);
        let arn = sub(&format!("arn:${{AWS::Partition}}:s3:::{}", bucket_name(r)));
        let objects = sub(&format!("arn:${{AWS::Partition}}:s3:::{}/*", bucket_name(r)));
        cx.add(
            format!("{id}Policy"),
            cfn::Resource::with_properties(
                "AWS::S3::BucketPolicy",
                json!({
                    "Bucket": ref_(&id),
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{
                            "Sid": "DenyInsecureTransport",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": [arn, objects],
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        }],
                    },
                }),
            ),
        );
        let out = json!({"Value": ref_(&id), "Description": format!("Bucket `{}`", r.name)});
        (res, out)
    }

    fn arn_expr(&self, p: &Place<'_>) -> Expr {
        bucket_arn(p)
    }

    fn export_grant(&self, p: &Place<'_>, _f: &FunctionCx<'_>) -> GrantExport {
        let arn = bucket_arn(p);
        let objects = arn.with_suffix("/*").unwrap_or_else(|| arn.clone());
        GrantExport {
            resources: vec![arn, objects],
            name: bucket_name_expr(p),
            late: None,
        }
    }
}

/// The bucket name of an ARN (`arn:aws:s3:::acme` → `acme`).
pub fn bucket_of(arn: &Arn) -> &str {
    arn.resource_name()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_types() {
        assert!(events_overlap("s3:ObjectCreated:*", "s3:ObjectCreated:Put"));
        assert!(events_overlap("s3:ObjectCreated:Put", "s3:ObjectCreated:*"));
        assert!(!events_overlap("s3:ObjectCreated:Put", "s3:ObjectCreated:Post"));
        assert!(!events_overlap("s3:ObjectCreated:*", "s3:ObjectRemoved:*"));
    }

    #[test]
    fn filters() {
        // disjoint prefixes pass
        assert!(!filters_overlap((Some("images/"), None), (Some("videos/"), None)));
        // nested prefixes with the same suffix conflict
        assert!(filters_overlap(
            (Some("images/"), Some(".jpg")),
            (Some("images/thumbs/"), Some(".jpg"))
        ));
        // same prefix, different suffixes pass
        assert!(!filters_overlap(
            (Some("images/"), Some(".jpg")),
            (Some("images/"), Some(".png"))
        ));
        // no filter overlaps everything
        assert!(filters_overlap((None, None), (Some("a/"), Some(".x"))));
    }

    #[test]
    fn keys_are_encoded_like_s3() {
        assert_eq!(encode_key("uploads/my photo (1).jpg"), "uploads/my+photo+%281%29.jpg");
        assert_eq!(encode_key("é+"), "%C3%A9%2B");
        assert_eq!(encode_key("a%20b*~"), "a%2520b*~");
    }

    #[test]
    fn keys_decode_back() {
        for key in ["uploads/my photo (1).jpg", "é+%/x", "a%20b"] {
            assert_eq!(decode_key(&encode_key(key)), key);
        }
    }

    #[test]
    fn bucket_names() {
        assert!(is_bucket_name("acme-photos.eu"));
        assert!(!is_bucket_name("ab"));
        assert!(!is_bucket_name("192.168.1.1"));
        assert!(!is_bucket_name("a..b"));
        assert!(!is_bucket_name("-ab"));
    }

    #[test]
    fn bucket_arns() {
        Arn::parse("arn:aws:s3:::acme-photos", BUCKET_ARN).unwrap();
        for bad in [
            "arn:aws:s3:eu-west-1::acme",
            "arn:aws:s3:::Acme_Bucket",
            "arn:aws:kinesis:::acme",
        ] {
            assert!(Arn::parse(bad, BUCKET_ARN).is_err(), "{bad}");
        }
    }
}
