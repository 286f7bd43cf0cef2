//! `cargo trigger event`: a sample event, filled from flags or from a
//! trigger crate's metadata (`--for`).

use serde_json::{Map, Value, json};

use crate::errors::{CargoResult, user_error};
use crate::events::{self, CognitoUser, DynamoChange, DynamoKind, Origin, S3Kind, S3Object};
use crate::schema::{CognitoEvent, ResourceKind, Source, Target, TokenVersion};
use crate::workspace::Workspace;

#[derive(Clone, Debug, Default)]
pub struct EventOptions {
    pub source: Option<Source>,
    pub kind: Option<String>,
    pub for_crate: Option<String>,
    pub region: Option<String>,
    pub email: Option<String>,
    pub username: Option<String>,
    pub user_pool_id: Option<String>,
    pub client_id: Option<String>,
    pub attributes: Vec<(String, String)>,
    pub token_version: Option<TokenVersion>,
    pub bucket: Option<String>,
    pub key: Option<String>,
    pub size: Option<u64>,
    pub table: Option<String>,
    pub stream_view: Option<String>,
    pub keys: Option<String>,
    pub new_image: Option<String>,
    pub old_image: Option<String>,
    pub stream: Option<String>,
    pub data: Vec<String>,
    pub records: Option<usize>,
}

/// What `--for CRATE` contributes.
#[derive(Debug, Default)]
struct FromCrate {
    source: Option<Source>,
    event: Option<CognitoEvent>,
    token_version: Option<TokenVersion>,
    /// Physical name (bucket/table/stream) or pool id.
    name: Option<String>,
    arn: Option<String>,
    partition_key: Option<String>,
    stream_view: Option<String>,
    /// S3: the binding's key filter, so the sample key matches it.
    prefix: Option<String>,
    suffix: Option<String>,
}

fn from_crate(ws: &Workspace, name: &str) -> CargoResult<FromCrate> {
    let (_, t) = ws.require_trigger(name, "pass `--source` and the event's fields instead of `--for`")?;
    let mut out = FromCrate {
        source: Some(t.source),
        event: t.event,
        token_version: t.token_version,
        ..Default::default()
    };
    if let Some(b) = t.bindings.first() {
        if let crate::schema::BindingSpec::Bucket { prefix, suffix, .. } = &b.spec {
            out.prefix = prefix.clone();
            out.suffix = suffix.clone();
        }
        match &b.target {
            Target::Arn(a) => out.arn = Some(a.clone()),
            Target::Resource(n) => {
                if let Some(r) = ws.resource(n) {
                    out.arn = r.arn.clone();
                    out.name = Some(r.physical_name.clone().unwrap_or_else(|| match r.kind {
                        ResourceKind::S3Bucket => crate::ops::new::slug(n),
                        _ => n.clone(),
                    }));
                    out.partition_key = r.partition_key.clone();
                    out.stream_view = r.stream_view.clone();
                } else {
                    out.name = Some(n.clone());
                }
            }
        }
    }
    Ok(out)
}

fn json_flag(flag: &str, text: &Option<String>) -> CargoResult<Option<Map<String, Value>>> {
    text.as_deref().map(|t| events::json_object(flag, t)).transpose()
}

/// Build the event.
pub fn generate(ws: Option<&Workspace>, opts: &EventOptions) -> CargoResult<Value> {
    let fc = match (&opts.for_crate, ws) {
        (Some(name), Some(ws)) => from_crate(ws, name)?,
        (Some(_), None) => {
            return Err(user_error(
                "`--for` needs a workspace",
                "run inside the workspace, or pass `--manifest-path`",
            ));
        }
        (None, _) => FromCrate::default(),
    };
    let source = match (opts.source, fc.source) {
        (Some(a), Some(b)) if a != b => {
            return Err(user_error(
                format!(
                    "`{}` is a `{b}` trigger, not `{a}`",
                    opts.for_crate.as_deref().unwrap_or_default()
                ),
                "leave SOURCE out with `--for`",
            ));
        }
        (Some(a), _) => a,
        (None, Some(b)) => b,
        (None, None) => {
            return Err(user_error(
                "which event? pass a SOURCE or `--for CRATE`",
                format!("SOURCE is one of {}", Source::names()),
            ));
        }
    };
    let origin = Origin {
        region: opts.region.clone().unwrap_or_else(|| events::DEFAULT_REGION.into()),
        ..Origin::default()
    };
    let kind = opts.kind.as_deref();
    match source {
        Source::S3 => {
            let k = match kind.unwrap_or("put") {
                "put" => S3Kind::Put,
                "delete" => S3Kind::Delete,
                other => {
                    return Err(user_error(
                        format!("unknown S3 event kind `{other}`"),
                        "S3 kinds are `put` and `delete`",
                    ));
                }
            };
            let bucket = opts
                .bucket
                .clone()
                .or_else(|| fc.arn.as_ref().and_then(|a| a.rsplit(':').next()).map(str::to_string))
                .or(fc.name)
                .unwrap_or_else(|| "example-bucket".into());
            let key = opts.key.clone().unwrap_or_else(|| match (&fc.prefix, &fc.suffix) {
                (None, None) if opts.for_crate.is_none() => "uploads/my photo (1).jpg".into(),
                (p, s) => format!(
                    "{}my photo (1){}",
                    p.as_deref().unwrap_or_default(),
                    s.as_deref().unwrap_or(".jpg")
                ),
            });
            let n = opts.records.unwrap_or(1).max(1);
            let keys: Vec<String> = (0..n)
                .map(|i| if n == 1 { key.clone() } else { format!("{key}.{i}") })
                .collect();
            let objects: Vec<S3Object<'_>> = keys
                .iter()
                .map(|k| S3Object {
                    bucket: &bucket,
                    key: k,
                    size: opts.size.unwrap_or(1024),
                })
                .collect();
            Ok(events::s3(k, &objects, &origin))
        }
        Source::Dynamodb => {
            let k = match kind.unwrap_or("insert") {
                "insert" => DynamoKind::Insert,
                "modify" => DynamoKind::Modify,
                "remove" => DynamoKind::Remove,
                other => {
                    return Err(user_error(
                        format!("unknown DynamoDB event kind `{other}`"),
                        "DynamoDB kinds are `insert`, `modify` and `remove`",
                    ));
                }
            };
            let pk = fc.partition_key.clone().unwrap_or_else(|| "id".into());
            let default_item = || {
                let mut m = Map::new();
                m.insert(pk.clone(), json!("1"));
                m
            };
            let new = json_flag("--new-image", &opts.new_image)?;
            let old = json_flag("--old-image", &opts.old_image)?;
            let keys = match json_flag("--keys", &opts.keys)? {
                Some(k) => k,
                None => {
                    let from = new.as_ref().or(old.as_ref());
                    let mut k = Map::new();
                    k.insert(pk.clone(), from.and_then(|m| m.get(&pk)).cloned().unwrap_or(json!("1")));
                    k
                }
            };
            let new = new.or_else(|| (k != DynamoKind::Remove).then(default_item));
            let old = old.or_else(|| (k != DynamoKind::Insert).then(default_item));
            let view = opts
                .stream_view
                .clone()
                .or(fc.stream_view)
                .unwrap_or_else(|| "NEW_AND_OLD_IMAGES".into());
            let arn = match (&opts.table, &fc.arn, &fc.name) {
                (Some(t), _, _) => events::dynamodb_stream_arn(t, &origin),
                (None, Some(a), _) => a.clone(),
                (None, None, Some(n)) => events::dynamodb_stream_arn(n, &origin),
                _ => events::dynamodb_stream_arn("example-table", &origin),
            };
            let n = opts.records.unwrap_or(1).max(1);
            let change = DynamoChange {
                kind: k,
                keys: &keys,
                new_image: new.as_ref(),
                old_image: old.as_ref(),
            };
            Ok(events::dynamodb(&arn, &view, &vec![change; n], &origin))
        }
        Source::Kinesis => {
            if let Some(k) = kind
                && k != "records"
            {
                return Err(user_error(
                    format!("unknown Kinesis event kind `{k}`"),
                    "the Kinesis kind is `records`",
                ));
            }
            let arn = match (&opts.stream, &fc.arn, &fc.name) {
                (Some(s), _, _) => events::kinesis_stream_arn(s, &origin),
                (None, Some(a), _) => a.clone(),
                (None, None, Some(n)) => events::kinesis_stream_arn(n, &origin),
                _ => events::kinesis_stream_arn("example-stream", &origin),
            };
            let data: Vec<String> = if opts.data.is_empty() {
                vec![r#"{"id": "evt-1", "action": "test"}"#.to_string()]
            } else {
                opts.data.clone()
            };
            let n = opts.records.unwrap_or(data.len()).max(1);
            let payloads: Vec<Vec<u8>> = (0..n).map(|i| data[i % data.len()].as_bytes().to_vec()).collect();
            Ok(events::kinesis(&arn, &payloads, &origin))
        }
        Source::Cognito => {
            let (event, trigger_source) = match kind {
                Some(k) => {
                    if let Some(e) = CognitoEvent::parse(k) {
                        (e, e.trigger_sources()[0].to_string())
                    } else if let Some(e) = CognitoEvent::ALL.into_iter().find(|e| e.trigger_sources().contains(&k)) {
                        (e, k.to_string())
                    } else {
                        let all: Vec<&str> = CognitoEvent::ALL
                            .iter()
                            .flat_map(|e| e.trigger_sources().iter().copied())
                            .collect();
                        return Err(user_error(
                            format!("unknown Cognito trigger source `{k}`"),
                            format!(
                                "use an event ({}) or a trigger source ({})",
                                CognitoEvent::names(),
                                all.join(", ")
                            ),
                        ));
                    }
                }
                None => match fc.event {
                    Some(e) => (e, e.trigger_sources()[0].to_string()),
                    None => {
                        return Err(user_error(
                            "which Cognito event?",
                            "pass KIND: an event such as `pre-sign-up` or a trigger source such as `PreSignUp_SignUp`",
                        ));
                    }
                },
            };
            if let Some(e) = fc.event
                && e != event
            {
                return Err(user_error(
                    format!(
                        "`{}` handles `{e}`, not `{event}`",
                        opts.for_crate.as_deref().unwrap_or_default()
                    ),
                    format!("use one of {}", crate::schema::quoted(e.trigger_sources())),
                ));
            }
            let pool_id = opts
                .user_pool_id
                .clone()
                .or_else(|| fc.arn.as_ref().and_then(|a| a.rsplit('/').next()).map(str::to_string));
            let d = CognitoUser::default();
            let user = CognitoUser {
                username: opts.username.clone().unwrap_or(d.username),
                email: opts.email.clone().unwrap_or(d.email),
                user_pool_id: pool_id.unwrap_or_else(|| format!("{}_EXAMPLE1", origin.region)),
                client_id: opts.client_id.clone().unwrap_or(d.client_id),
                attributes: opts.attributes.clone(),
            };
            let version = opts.token_version.or(fc.token_version).unwrap_or_default();
            events::cognito(event, &trigger_source, version, &user, &origin)
        }
    }
}
