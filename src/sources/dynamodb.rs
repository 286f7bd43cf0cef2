//! DynamoDB streams: a table's stream read by an event source mapping;
//! images into the user's struct with serde_dynamo in the scaffold.

use serde_json::{Map, Value, json};

use super::export::{ExportCx, FunctionCx, Place, arn_or_att, resource_id};
use super::sample::{EventFlag, EventRequest};
use super::stream::{self, StreamAccess};
use super::{NameRule, ResourceInfo, Site, SourceSpec, TargetSpec};
use crate::diagnostics::Diagnostic;
use crate::errors::{CargoResult, user_error};
use crate::events::{EPOCH, Origin, hex_id, json_object};
use crate::model::arn::ArnKind;
use crate::model::cfn::{self, Expr, get_att, ref_};
use crate::model::{Binding, KeyDefault, KeyKind, KeySpec, Resource, Source, Target};
use crate::pattern::RecordSource;
use crate::scaffold::{CrateScaffold, SampleSpec, catalog};

pub struct Dynamodb;

pub const STREAM_VIEWS: &[&str] = &["NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"];
pub const KEY_TYPES: &[&str] = &["S", "N", "B"];
const DEFAULT_VIEW: &str = "NEW_AND_OLD_IMAGES";

/// A key attribute's name, as a table's key schema takes it
/// (`KeySchemaElement.AttributeName`: 1 to 255 bytes).
fn check_key_attribute(s: &str) -> Result<(), String> {
    if s.is_empty() {
        Err("it is empty".into())
    } else if s.len() > 255 {
        Err(format!("it has {} bytes, and DynamoDB takes at most 255", s.len()))
    } else {
        Ok(())
    }
}

const KEY_ATTRIBUTE: KeyKind = KeyKind::Str {
    check: Some(check_key_attribute),
    what: "a key attribute name",
};

const RESOURCE_KEYS: &[KeySpec] = &[
    KeySpec::new("stream-view", KeyKind::Choice(STREAM_VIEWS))
        .flag("New DynamoDB table: stream view type [default: NEW_AND_OLD_IMAGES]")
        .default(KeyDefault::Str(DEFAULT_VIEW))
        .elsewhere("it describes a new DynamoDB table")
        .list_label("stream-view"),
    KeySpec::new("partition-key", KEY_ATTRIBUTE)
        .flag("New DynamoDB table: partition key attribute [default: id]")
        .default(KeyDefault::Str("id"))
        .fix("a key attribute's name has 1 to 255 bytes, e.g. `--partition-key id`")
        .elsewhere("it describes a new DynamoDB table"),
    KeySpec::new("partition-key-type", KeyKind::Choice(KEY_TYPES)).default(KeyDefault::Str("S")),
    KeySpec::new("sort-key", KEY_ATTRIBUTE),
    KeySpec::new("sort-key-type", KeyKind::Choice(KEY_TYPES)),
];

/// A DynamoDB table name: `[A-Za-z0-9_.-]`, 3 to 255 characters.
pub fn is_table_name(s: &str) -> bool {
    (3..=255).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
}

/// A table's stream (`table/NAME/stream/LABEL`): what a binding reads.
pub const STREAM_ARN: ArnKind = ArnKind {
    service: Some("dynamodb"),
    describe: "a DynamoDB stream ARN (`arn:aws:dynamodb:REGION:ACCOUNT:table/TABLE/stream/LABEL`)",
    check: |arn| {
        arn.regional()?;
        let rest = arn
            .resource()
            .strip_prefix("table/")
            .ok_or("the resource must start with `table/`")?;
        match rest.split_once("/stream/") {
            Some((table, label)) if is_table_name(table) && !label.is_empty() => Ok(()),
            _ => Err(
                "a stream ARN ends in `table/TABLE/stream/LABEL` (a table ARN alone does not name its stream)".into(),
            ),
        }
    },
};

static TARGET: TargetSpec = TargetSpec {
    key: "table",
    help: "DynamoDB: the table whose stream to read (a declared resource name)",
    question: "Which table's stream?",
    default_name: "items",
    default_label: None,
};

static RESOURCE: ResourceInfo = ResourceInfo {
    kind: "dynamodb-table",
    arn: STREAM_ARN,
    name: NameRule {
        check: is_table_name,
        what: "a table name (3-255 letters, digits, `_`, `-`, `.`)",
        help: "table names have 3-255 letters, digits, `_`, `-` and `.`",
    },
    keys: RESOURCE_KEYS,
    logical_suffix: "Table",
    env_suffix: "TABLE_NAME",
    access: &[
        (
            "read",
            &[
                "dynamodb:GetItem",
                "dynamodb:Query",
                "dynamodb:Scan",
                "dynamodb:BatchGetItem",
                "dynamodb:DescribeTable",
            ],
        ),
        (
            "write",
            &[
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:BatchWriteItem",
            ],
        ),
    ],
};

const KINDS: &[&str] = &["insert", "modify", "remove"];

static EVENT_FLAGS: &[EventFlag] = &[
    EventFlag::new("table", "TABLE", "DynamoDB: the table name"),
    EventFlag::new("stream-view", "VIEW", "DynamoDB: the stream view type"),
    EventFlag::new("keys", "JSON", "DynamoDB: the item's keys as plain JSON"),
    EventFlag::new("new-image", "JSON", "DynamoDB: the new image as plain JSON"),
    EventFlag::new("old-image", "JSON", "DynamoDB: the old image as plain JSON"),
];

/// Plain JSON to DynamoDB's attribute-value form (`{"S": …}`, `{"N": …}`, …).
pub fn to_attribute_value(v: &Value) -> Value {
    match v {
        Value::Null => json!({"NULL": true}),
        Value::Bool(b) => json!({"BOOL": b}),
        Value::Number(n) => json!({"N": n.to_string()}),
        Value::String(s) => json!({"S": s}),
        Value::Array(items) => json!({"L": items.iter().map(to_attribute_value).collect::<Vec<_>>()}),
        Value::Object(m) => json!({"M": to_item(m)}),
    }
}

/// A JSON object to a DynamoDB item (a map of attribute values).
pub fn to_item(m: &Map<String, Value>) -> Value {
    Value::Object(m.iter().map(|(k, v)| (k.clone(), to_attribute_value(v))).collect())
}

/// One change to a table: `kind` is `insert`, `modify` or `remove`.
#[derive(Clone, Copy)]
pub struct Change<'a> {
    pub kind: &'a str,
    pub keys: &'a Map<String, Value>,
    pub new_image: Option<&'a Map<String, Value>>,
    pub old_image: Option<&'a Map<String, Value>>,
}

pub fn stream_arn(table: &str, origin: &Origin) -> String {
    format!(
        "arn:aws:dynamodb:{}:{}:table/{table}/stream/2024-01-01T00:00:00.000",
        origin.region, origin.account
    )
}

/// A DynamoDB stream batch, one record per change, with increasing
/// sequence numbers.
pub fn batch(stream_arn: &str, view: &str, changes: &[Change<'_>], origin: &Origin) -> Value {
    let with_new = matches!(view, "NEW_IMAGE" | "NEW_AND_OLD_IMAGES");
    let with_old = matches!(view, "OLD_IMAGE" | "NEW_AND_OLD_IMAGES");
    let records: Vec<Value> = changes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut record = Map::new();
            record.insert("ApproximateCreationDateTime".into(), json!(EPOCH + i as i64));
            record.insert("Keys".into(), to_item(c.keys));
            if let (true, Some(new)) = (with_new && c.kind != "remove", c.new_image) {
                record.insert("NewImage".into(), to_item(new));
            }
            if let (true, Some(old)) = (with_old && c.kind != "insert", c.old_image) {
                record.insert("OldImage".into(), to_item(old));
            }
            record.insert(
                "SequenceNumber".into(),
                json!(format!("{}", 100_000_000_000_000_000_000u128 + i as u128 + 1)),
            );
            let size = serde_json::to_string(&record).map(|s| s.len()).unwrap_or(0);
            record.insert("SizeBytes".into(), json!(size));
            record.insert("StreamViewType".into(), json!(view));
            json!({
                "eventID": hex_id(&format!("{stream_arn}{i}"), 32),
                "eventName": c.kind.to_ascii_uppercase(),
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": origin.region,
                "dynamodb": Value::Object(record),
                "eventSourceARN": stream_arn,
            })
        })
        .collect();
    json!({ "Records": records })
}

/// The stream ARN a binding reads, for samples.
fn sample_stream_arn(b: &Binding, r: Option<&Resource>, origin: &Origin) -> String {
    if let Target::Arn(a) = &b.target {
        return a.to_string();
    }
    match r {
        Some(r) => match &r.arn {
            Some(a) => a.to_string(),
            None => stream_arn(r.physical_name.as_deref().unwrap_or(&r.name), origin),
        },
        None => crate::sources::kinesis::stream_arn(b.target.label(), origin),
    }
}

fn view_of(r: Option<&Resource>) -> String {
    r.and_then(|r| r.settings.str("stream-view"))
        .unwrap_or(DEFAULT_VIEW)
        .to_string()
}

fn images(view: &str) -> Value {
    json!({
        "new": matches!(view, "NEW_IMAGE" | "NEW_AND_OLD_IMAGES"),
        "old": matches!(view, "OLD_IMAGE" | "NEW_AND_OLD_IMAGES"),
    })
}

/// The field of the scaffold's sample images that is the partition key.
fn key_field(scaffold: &CrateScaffold) -> &str {
    scaffold
        .options
        .get("key-field")
        .and_then(Value::as_str)
        .unwrap_or("id")
}

/// The scaffold's sample image `which` (`new-image`, `old-image`) of a
/// `kind` change, its key field renamed to the table's partition key `pk`.
fn scaffold_image(scaffold: &CrateScaffold, kind: &str, which: &str, pk: &str) -> Option<Map<String, Value>> {
    let field = key_field(scaffold);
    let image = scaffold.samples.values().find(|s| s.kind == kind)?.object(which)?;
    Some(
        image
            .iter()
            .map(|(k, v)| (if k == field { pk.to_string() } else { k.clone() }, v.clone()))
            .collect(),
    )
}

fn partition_key(r: Option<&Resource>) -> Option<String> {
    r.and_then(|r| r.settings.str("partition-key")).map(str::to_string)
}

impl SourceSpec for Dynamodb {
    fn source(&self) -> Source {
        Source::Dynamodb
    }

    fn label(&self) -> &'static str {
        "dynamodb  a DynamoDB table's stream"
    }

    fn display_name(&self) -> &'static str {
        "DynamoDB"
    }

    fn target(&self) -> &'static TargetSpec {
        &TARGET
    }

    fn binding_keys(&self) -> &'static [KeySpec] {
        stream::KEYS
    }

    fn check_binding(&self, settings: &crate::model::Settings) -> Result<(), super::BindingProblem> {
        stream::check_binding(settings, RecordSource::DynamoDb)
    }

    fn retry_report(&self, b: &Binding, _r: Option<&Resource>, first: Option<usize>, total: usize) -> Option<String> {
        Some(stream::retry_report(b, first, total))
    }

    fn fit_sample(&self, b: &Binding, event: Value) -> Value {
        super::mapping::fit(b, RecordSource::DynamoDb, event)
    }

    /// The mapping's filter criteria drop the records they don't match.
    fn deliver(&self, b: &Binding, _r: Option<&Resource>, event: Value) -> super::Delivery {
        super::mapping::deliver(b, RecordSource::DynamoDb, "table", event)
    }

    fn describe(&self, b: &Binding) -> String {
        stream::describe(b)
    }

    fn list_label(&self, b: &Binding) -> String {
        stream::list_label(b)
    }

    fn rules(&self, on_one_target: &[&Site<'_>], out: &mut Vec<Diagnostic>) {
        stream::window_rules(on_one_target, out);
        // More than two readers of one DynamoDB stream get throttled.
        if on_one_target.len() <= 2 {
            return;
        }
        let names: Vec<&str> = on_one_target.iter().map(|x| x.crate_name).collect();
        for s in &on_one_target[2..] {
            out.push(
                Diagnostic::warning(
                    "dynamodb-readers",
                    &s.file,
                    s.key(),
                    format!(
                        "DynamoDB stream `{}` has {} readers ({}); more than two get throttled",
                        s.binding.target.label(),
                        on_one_target.len(),
                        names.join(", ")
                    ),
                )
                .with_help("fan out from one reader (e.g. to SNS/EventBridge), or read through Kinesis Data Streams"),
            );
        }
    }

    fn resource(&self) -> &'static ResourceInfo {
        &RESOURCE
    }

    fn retriggering_access(&self) -> &'static [&'static str] {
        &["write"]
    }

    fn event_kinds(&self) -> Vec<String> {
        KINDS.iter().map(|k| k.to_string()).collect()
    }

    fn event_flags(&self) -> &'static [EventFlag] {
        EVENT_FLAGS
    }

    fn sample_event(&self, req: &EventRequest<'_>) -> CargoResult<Value> {
        let kind = req.kind.unwrap_or("insert");
        if !KINDS.contains(&kind) {
            return Err(user_error(
                format!("unknown DynamoDB event kind `{kind}`"),
                "DynamoDB kinds are `insert`, `modify` and `remove`",
            ));
        }
        let resource = req.from_crate.and_then(|c| c.resource);
        let pk = partition_key(resource).unwrap_or_else(|| "id".into());
        // The scaffold's own sample images (its `Item`), keyed by the
        // table's partition key, so a generated crate reads them.
        let scaffold = catalog().for_source(Source::Dynamodb);
        let sample_image = |which: &str| scaffold_image(scaffold, kind, which, &pk);
        let object = |flag: &str| {
            req.flags
                .get(flag)
                .map(|t| json_object(&format!("--{flag}"), t))
                .transpose()
        };
        let new = object("new-image")?;
        let old = object("old-image")?;
        let keys = object("keys")?;
        // A default image holds the given keys.
        let sample_image = |which: &str| {
            let mut image = sample_image(which)?;
            for (k, v) in keys.iter().flatten() {
                image.insert(k.clone(), v.clone());
            }
            Some(image)
        };
        let new = new.or_else(|| (kind != "remove").then(|| sample_image("new-image")).flatten());
        let old = old.or_else(|| (kind != "insert").then(|| sample_image("old-image")).flatten());
        let keys = match keys {
            Some(k) => k,
            None => {
                let from = new.as_ref().or(old.as_ref());
                let mut k = Map::new();
                k.insert(pk.clone(), from.and_then(|m| m.get(&pk)).cloned().unwrap_or(json!("1")));
                k
            }
        };
        let view = req
            .flags
            .get("stream-view")
            .map(str::to_string)
            .or_else(|| resource.and_then(|r| r.settings.str("stream-view")).map(str::to_string))
            .unwrap_or_else(|| DEFAULT_VIEW.into());
        let arn = match (req.flags.get("table"), req.crate_arn()) {
            (Some(t), _) => stream_arn(t, req.origin),
            (None, Some(a)) => a.to_string(),
            (None, None) => stream_arn(
                &req.crate_target_name(str::to_string)
                    .unwrap_or_else(|| "example-table".into()),
                req.origin,
            ),
        };
        let change = Change {
            kind,
            keys: &keys,
            new_image: new.as_ref(),
            old_image: old.as_ref(),
        };
        Ok(batch(&arn, &view, &vec![change; req.count(1)], req.origin))
    }

    fn scaffold_sample(
        &self,
        scaffold: &CrateScaffold,
        spec: &SampleSpec,
        path: &str,
        b: &Binding,
        r: Option<&Resource>,
    ) -> CargoResult<(Value, Value)> {
        if !KINDS.contains(&spec.kind.as_str()) {
            anyhow::bail!("scaffold sample `{path}`: unknown DynamoDB kind `{}`", spec.kind);
        }
        let field = key_field(scaffold);
        let pk = partition_key(r).unwrap_or_else(|| field.to_string());
        let rename = |m: Option<&Map<String, Value>>| {
            m.map(|m| {
                m.iter()
                    .map(|(k, v)| (if k == field { pk.clone() } else { k.clone() }, v.clone()))
                    .collect::<Map<String, Value>>()
            })
        };
        let new = rename(spec.object("new-image"));
        let old = rename(spec.object("old-image"));
        let key_value = new
            .as_ref()
            .or(old.as_ref())
            .and_then(|m| m.get(&pk))
            .cloned()
            .unwrap_or(Value::String("1".into()));
        let mut keys = Map::new();
        keys.insert(pk.clone(), key_value);
        let origin = Origin::default();
        let arn = sample_stream_arn(b, r, &origin);
        let change = Change {
            kind: &spec.kind,
            keys: &keys,
            new_image: new.as_ref(),
            old_image: old.as_ref(),
        };
        let ev = batch(&arn, &view_of(r), &[change], &origin);
        Ok((ev, json!({"stream_arn": arn})))
    }

    fn scaffold_context(&self, scaffold: &CrateScaffold, _b: &Binding, r: Option<&Resource>) -> Map<String, Value> {
        let pk = partition_key(r).unwrap_or_else(|| "id".into());
        let field = key_field(scaffold);
        let mut ctx = Map::new();
        ctx.insert("key_rename".into(), if pk != field { json!(pk) } else { Value::Null });
        ctx.insert("partition_key".into(), json!(pk));
        ctx.insert("images".into(), images(&view_of(r)));
        ctx
    }

    fn export_binding(&self, cx: &mut ExportCx<'_>, f: &mut FunctionCx<'_>, b: &Binding, index: usize) {
        let p = Place::of(cx.ws, &b.target);
        let access = StreamAccess {
            arn: arn_or_att(&p, "StreamArn"),
            actions: &[
                "dynamodb:DescribeStream",
                "dynamodb:GetRecords",
                "dynamodb:GetShardIterator",
            ],
            list_action: "dynamodb:ListStreams",
            sam_type: "DynamoDB",
        };
        stream::export(cx, f, b, index, access);
    }

    fn export_resource(&self, _cx: &mut ExportCx<'_>, r: &Resource) -> (cfn::Resource, Value) {
        let s = &r.settings;
        let pk = s.str("partition-key").unwrap_or("id");
        let mut attrs = vec![json!({"AttributeName": pk, "AttributeType": s.str("partition-key-type").unwrap_or("S")})];
        let mut keys = vec![json!({"AttributeName": pk, "KeyType": "HASH"})];
        if let Some(sk) = s.str("sort-key") {
            attrs.push(json!({"AttributeName": sk, "AttributeType": s.str("sort-key-type").unwrap_or("S")}));
            keys.push(json!({"AttributeName": sk, "KeyType": "RANGE"}));
        }
        let mut res = cfn::Resource::new("AWS::DynamoDB::Table");
        res.retain = true;
        if let Some(n) = &r.physical_name {
            res.prop("TableName", n.as_str());
        }
        res.prop("BillingMode", "PAY_PER_REQUEST")
            .prop("AttributeDefinitions", attrs)
            .prop("KeySchema", keys)
            .prop("StreamSpecification", json!({"StreamViewType": view_of(Some(r))}))
            // Restorable to any second of the last 35 days. (DynamoDB
            // encrypts every table at rest; no setting needed.)
            .prop(
                "PointInTimeRecoverySpecification",
                json!({"PointInTimeRecoveryEnabled": true}),
            );
        let out = json!({"Value": ref_(&resource_id(r)), "Description": format!("Table `{}`", r.name)});
        (res, out)
    }

    /// The table (grants act on it, not on its stream).
    fn arn_expr(&self, p: &Place<'_>) -> Expr {
        p.pick(
            |_, id| get_att(&id, "Arn"),
            |a| Expr::lit(a.as_str().split("/stream/").next().unwrap_or(a.as_str())),
        )
    }
}
