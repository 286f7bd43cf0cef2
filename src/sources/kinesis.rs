//! Kinesis data streams read by an event source mapping; record data
//! arrives base64-encoded.

use base64::Engine as _;
use serde_json::{Value, json};

use super::export::{ExportCx, FunctionCx, Place, arn_or_att, resource_id};
use super::sample::{EventFlag, EventRequest};
use super::stream::{self, StreamAccess};
use super::{NameRule, ResourceInfo, SourceSpec, TargetSpec};
use crate::errors::{CargoResult, user_error};
use crate::events::{EPOCH, Origin};
use crate::model::arn::ArnKind;
use crate::model::cfn::{self, Expr, get_att};
use crate::model::{Binding, KeyKind, KeySpec, Resource, Source, Target};
use crate::pattern::RecordSource;
use crate::scaffold::{CrateScaffold, SampleSpec};

pub struct Kinesis;

/// A Kinesis stream name: `[A-Za-z0-9_.-]`, 1 to 128 characters.
pub fn is_stream_name(s: &str) -> bool {
    (1..=128).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
}

pub const STREAM_ARN: ArnKind = ArnKind {
    service: Some("kinesis"),
    describe: "a Kinesis stream ARN (`arn:aws:kinesis:REGION:ACCOUNT:stream/NAME`)",
    check: |arn| {
        arn.regional()?;
        let name = arn
            .resource()
            .strip_prefix("stream/")
            .ok_or("the resource must be `stream/NAME`")?;
        if !is_stream_name(name) {
            return Err(format!("`{name}` is not a valid stream name"));
        }
        Ok(())
    },
};

const RESOURCE_KEYS: &[KeySpec] = &[KeySpec::new("shard-count", KeyKind::Int { min: 1, max: 10_000 })
    .flag("New Kinesis stream: provisioned shards (on-demand when absent)")
    .fix("use 1 to 10000")
    .elsewhere("it sizes a new Kinesis stream")
    .list_label("shards")];

static TARGET: TargetSpec = TargetSpec {
    key: "stream",
    help: "Kinesis: the stream (a declared resource name)",
    question: "Which stream?",
    default_name: "events",
    default_label: None,
};

static RESOURCE: ResourceInfo = ResourceInfo {
    kind: "kinesis-stream",
    arn: STREAM_ARN,
    name: NameRule {
        check: is_stream_name,
        what: "a stream name (1-128 letters, digits, `_`, `-`, `.`)",
        help: "stream names have 1-128 letters, digits, `_`, `-` and `.`",
    },
    keys: RESOURCE_KEYS,
    logical_suffix: "Stream",
    env_suffix: "STREAM_NAME",
    access: &[
        (
            "read",
            &[
                "kinesis:DescribeStreamSummary",
                "kinesis:GetRecords",
                "kinesis:GetShardIterator",
                "kinesis:ListShards",
            ],
        ),
        ("write", &["kinesis:PutRecord", "kinesis:PutRecords"]),
    ],
};

static EVENT_FLAGS: &[EventFlag] = &[
    EventFlag::new("stream", "STREAM", "Kinesis: the stream name"),
    EventFlag::new(
        "data",
        "DATA",
        "Kinesis: a record's data (base64-encoded for you; repeat for several records)",
    )
    .repeat(),
];

pub fn stream_arn(stream: &str, origin: &Origin) -> String {
    format!("arn:aws:kinesis:{}:{}:stream/{stream}", origin.region, origin.account)
}

/// A Kinesis batch, one record per payload, `data` base64-encoded as
/// Kinesis delivers it.
pub fn batch(stream_arn: &str, payloads: &[Vec<u8>], origin: &Origin) -> Value {
    let base = "49590338271490256608559692538361571095921575989136588898";
    let records: Vec<Value> = payloads
        .iter()
        .enumerate()
        .map(|(i, data)| {
            let seq = format!("{}{:03}", &base[..base.len() - 3], i + 1);
            json!({
                "kinesis": {
                    "kinesisSchemaVersion": "1.0",
                    "partitionKey": format!("pk-{}", i + 1),
                    "sequenceNumber": seq,
                    "data": base64::engine::general_purpose::STANDARD.encode(data),
                    // Seconds with milliseconds, as Kinesis writes them.
                    "approximateArrivalTimestamp": EPOCH as f64 + i as f64 + 0.123,
                },
                "eventSource": "aws:kinesis",
                "eventVersion": "1.0",
                "eventID": format!("shardId-000000000000:{seq}"),
                "eventName": "aws:kinesis:record",
                "invokeIdentityArn": format!("arn:aws:iam::{}:role/lambda-kinesis-role", origin.account),
                "awsRegion": origin.region,
                "eventSourceARN": stream_arn,
            })
        })
        .collect();
    json!({ "Records": records })
}

impl SourceSpec for Kinesis {
    fn source(&self) -> Source {
        Source::Kinesis
    }

    fn label(&self) -> &'static str {
        "kinesis   a Kinesis data stream"
    }

    fn display_name(&self) -> &'static str {
        "Kinesis"
    }

    fn target(&self) -> &'static TargetSpec {
        &TARGET
    }

    fn binding_keys(&self) -> &'static [KeySpec] {
        stream::KEYS
    }

    fn check_binding(&self, settings: &crate::model::Settings) -> Result<(), super::BindingProblem> {
        stream::check_binding(settings, RecordSource::Kinesis)
    }

    fn retry_report(&self, b: &Binding, _r: Option<&Resource>, first: Option<usize>, total: usize) -> Option<String> {
        Some(stream::retry_report(b, first, total))
    }

    fn fit_sample(&self, b: &Binding, event: Value) -> Value {
        super::mapping::fit(b, RecordSource::Kinesis, event)
    }

    /// The mapping's filter criteria drop the records they don't match.
    fn deliver(&self, b: &Binding, _r: Option<&Resource>, event: Value) -> super::Delivery {
        super::mapping::deliver(b, RecordSource::Kinesis, "stream", event)
    }

    fn describe(&self, b: &Binding) -> String {
        stream::describe(b)
    }

    fn list_label(&self, b: &Binding) -> String {
        stream::list_label(b)
    }

    fn rules(&self, on_one_target: &[&super::Site<'_>], out: &mut Vec<crate::diagnostics::Diagnostic>) {
        stream::window_rules(on_one_target, out);
    }

    fn resource(&self) -> &'static ResourceInfo {
        &RESOURCE
    }

    fn retriggering_access(&self) -> &'static [&'static str] {
        &["write"]
    }

    fn event_kinds(&self) -> Vec<String> {
        vec!["records".into()]
    }

    fn event_flags(&self) -> &'static [EventFlag] {
        EVENT_FLAGS
    }

    fn sample_event(&self, req: &EventRequest<'_>) -> CargoResult<Value> {
        if let Some(k) = req.kind
            && k != "records"
        {
            return Err(user_error(
                format!("unknown Kinesis event kind `{k}`"),
                "the Kinesis kind is `records`",
            ));
        }
        let arn = match (req.flags.get("stream"), req.crate_arn()) {
            (Some(s), _) => stream_arn(s, req.origin),
            (None, Some(a)) => a.to_string(),
            (None, None) => stream_arn(
                &req.crate_target_name(str::to_string)
                    .unwrap_or_else(|| "example-stream".into()),
                req.origin,
            ),
        };
        let given = req.flags.all("data");
        let data: Vec<String> = if given.is_empty() {
            vec![r#"{"id": "evt-1", "action": "test"}"#.to_string()]
        } else {
            given.to_vec()
        };
        let n = req.count(data.len());
        let payloads: Vec<Vec<u8>> = (0..n).map(|i| data[i % data.len()].as_bytes().to_vec()).collect();
        Ok(batch(&arn, &payloads, req.origin))
    }

    fn scaffold_sample(
        &self,
        _scaffold: &CrateScaffold,
        spec: &SampleSpec,
        path: &str,
        b: &Binding,
        r: Option<&Resource>,
    ) -> CargoResult<(Value, Value)> {
        if spec.kind != "records" {
            anyhow::bail!("scaffold sample `{path}`: unknown Kinesis kind `{}`", spec.kind);
        }
        let origin = Origin::default();
        let arn = match (&b.target, r) {
            (Target::Arn(a), _) => a.to_string(),
            (_, Some(r)) => match &r.arn {
                Some(a) => a.to_string(),
                None => stream_arn(r.physical_name.as_deref().unwrap_or(&r.name), &origin),
            },
            (t, None) => stream_arn(t.label(), &origin),
        };
        let payloads: Vec<Vec<u8>> = spec.strings("payloads").iter().map(|p| p.as_bytes().to_vec()).collect();
        Ok((batch(&arn, &payloads, &origin), json!({"stream_arn": arn})))
    }

    fn export_binding(&self, cx: &mut ExportCx<'_>, f: &mut FunctionCx<'_>, b: &Binding, index: usize) {
        let p = Place::of(cx.ws, &b.target);
        let access = StreamAccess {
            arn: arn_or_att(&p, "Arn"),
            actions: &[
                "kinesis:DescribeStream",
                "kinesis:DescribeStreamSummary",
                "kinesis:GetRecords",
                "kinesis:GetShardIterator",
                "kinesis:ListShards",
                "kinesis:SubscribeToShard",
            ],
            list_action: "kinesis:ListStreams",
            sam_type: "Kinesis",
        };
        stream::export(cx, f, b, index, access);
    }

    fn export_resource(&self, _cx: &mut ExportCx<'_>, r: &Resource) -> (cfn::Resource, Value) {
        let mut res = cfn::Resource::new("AWS::Kinesis::Stream");
        res.retain = true;
        if let Some(n) = &r.physical_name {
            res.prop("Name", n.as_str());
        }
        match r.settings.int("shard-count") {
            Some(n) => res.prop("ShardCount", n),
            None => res.prop("StreamModeDetails", json!({"StreamMode": "ON_DEMAND"})),
        };
        // Encrypted at rest with the AWS managed key, which producers and
        // consumers allowed to use the stream may use without a KMS grant.
        res.prop(
            "StreamEncryption",
            json!({"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"}),
        );
        let id = resource_id(r);
        let out = json!({"Value": get_att(&id, "Arn"), "Description": format!("Stream `{}`", r.name)});
        (res, out)
    }

    fn arn_expr(&self, p: &Place<'_>) -> Expr {
        arn_or_att(p, "Arn")
    }
}
