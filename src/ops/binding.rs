//! Turning binding flags (`--bucket photos --prefix uploads/`, `--arn …`)
//! into a checked [`Binding`] and, where asked, a new resource declaration.
//! Shared by `new` and `wire`.

use crate::arn;
use crate::errors::{CargoResult, user_error};
use crate::schema::{
    self, BATCH_SIZE_MAX, BATCHING_WINDOW_MAX, Binding, BindingSpec, KEY_TYPES, Resource, ResourceKind, S3_EVENTS,
    STARTING_POSITIONS, STREAM_VIEWS, Source, StreamSettings, Target, WorkspaceMeta,
};

/// What the user asked for, flag by flag; `None` is "not given".
#[derive(Clone, Debug, Default)]
pub struct BindingRequest {
    pub user_pool: Option<String>,
    pub bucket: Option<String>,
    pub table: Option<String>,
    pub stream: Option<String>,
    pub arn: Option<String>,
    pub events: Option<Vec<String>>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub starting_position: Option<String>,
    pub batch_size: Option<u32>,
    pub batching_window_seconds: Option<u32>,
    pub report_batch_item_failures: Option<bool>,
    /// For a resource declared by this command.
    pub declare: ResourceRequest,
}

/// Details of a resource declared on the fly.
#[derive(Clone, Debug, Default)]
pub struct ResourceRequest {
    /// Physical name (bucket name, table name, …).
    pub name: Option<String>,
    pub stream_view: Option<String>,
    pub partition_key: Option<String>,
    pub partition_key_type: Option<String>,
    pub kms_key_arn: Option<String>,
    pub shard_count: Option<u32>,
}

/// A binding ready to record, and the resource to declare with it.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub binding: Binding,
    pub new_resource: Option<Resource>,
}

impl BindingRequest {
    /// The resource name or ARN given, under whichever flag.
    pub fn given_target(&self) -> Option<(&'static str, &str)> {
        [
            ("--user-pool", &self.user_pool),
            ("--bucket", &self.bucket),
            ("--table", &self.table),
            ("--stream", &self.stream),
            ("--arn", &self.arn),
        ]
        .into_iter()
        .find_map(|(flag, v)| v.as_deref().map(|v| (flag, v)))
    }

    pub fn has_target(&self) -> bool {
        self.given_target().is_some()
    }
}

fn flag_for(source: Source) -> &'static str {
    match source {
        Source::Cognito => "--user-pool",
        Source::S3 => "--bucket",
        Source::Dynamodb => "--table",
        Source::Kinesis => "--stream",
    }
}

/// Refuse flags that do not apply to `source`.
fn check_flags(req: &BindingRequest, source: Source) -> CargoResult<()> {
    let own = flag_for(source);
    for (flag, given) in [
        ("--user-pool", req.user_pool.is_some()),
        ("--bucket", req.bucket.is_some()),
        ("--table", req.table.is_some()),
        ("--stream", req.stream.is_some()),
    ] {
        if given && flag != own {
            return Err(user_error(
                format!("`{flag}` does not apply to a `{source}` trigger"),
                format!("a `{source}` trigger is bound with `{own} NAME` or `--arn ARN`"),
            ));
        }
    }
    let s3_only = [
        ("--events", req.events.is_some()),
        ("--prefix", req.prefix.is_some()),
        ("--suffix", req.suffix.is_some()),
    ];
    let stream_only = [
        ("--starting-position", req.starting_position.is_some()),
        ("--batch-size", req.batch_size.is_some()),
        ("--batching-window-seconds", req.batching_window_seconds.is_some()),
        ("--report-batch-item-failures", req.report_batch_item_failures.is_some()),
    ];
    let misplaced = match source {
        Source::S3 => stream_only.iter().find(|(_, g)| *g),
        Source::Dynamodb | Source::Kinesis => s3_only.iter().find(|(_, g)| *g),
        Source::Cognito => s3_only.iter().chain(stream_only.iter()).find(|(_, g)| *g),
    };
    if let Some((flag, _)) = misplaced {
        return Err(user_error(
            format!("`{flag}` does not apply to a `{source}` trigger"),
            "remove it",
        ));
    }
    let d = &req.declare;
    if source != Source::Dynamodb && (d.stream_view.is_some() || d.partition_key.is_some()) {
        return Err(user_error(
            format!("`--stream-view` and `--partition-key` do not apply to a `{source}` trigger"),
            "they describe a new DynamoDB table",
        ));
    }
    if d.kms_key_arn.is_some() && source != Source::Cognito {
        return Err(user_error(
            format!("`--kms-key-arn` does not apply to a `{source}` trigger"),
            "it names the key of a user pool's custom sender triggers",
        ));
    }
    if d.shard_count.is_some() && source != Source::Kinesis {
        return Err(user_error(
            format!("`--shard-count` does not apply to a `{source}` trigger"),
            "it sizes a new Kinesis stream",
        ));
    }
    Ok(())
}

/// The binding's settings, from the flags or the defaults.
fn spec_of(req: &BindingRequest, source: Source) -> CargoResult<BindingSpec> {
    match source {
        Source::Cognito => Ok(BindingSpec::UserPool),
        Source::S3 => {
            let events = match &req.events {
                Some(list) => {
                    let list: Vec<String> = list
                        .iter()
                        .map(|e| e.trim().to_string())
                        .filter(|e| !e.is_empty())
                        .collect();
                    if list.is_empty() {
                        return Err(user_error("`--events` is empty", "e.g. `--events s3:ObjectCreated:*`"));
                    }
                    for e in &list {
                        if !S3_EVENTS.contains(&e.as_str()) {
                            return Err(user_error(
                                format!("`{e}` is not an S3 event type"),
                                format!("pick from {}", schema::quoted(S3_EVENTS)),
                            ));
                        }
                    }
                    let mut out: Vec<String> = Vec::new();
                    for e in list {
                        if !out.contains(&e) {
                            out.push(e);
                        }
                    }
                    out
                }
                None => schema::S3_DEFAULT_EVENTS.iter().map(|s| s.to_string()).collect(),
            };
            for (flag, value) in [("--prefix", &req.prefix), ("--suffix", &req.suffix)] {
                if let Some(v) = value {
                    schema::check_s3_filter(v).map_err(|why| {
                        user_error(
                            format!("`{flag}` is not a valid key filter: {why}"),
                            "pass a plain key prefix or suffix, e.g. `uploads/` or `.jpg`",
                        )
                    })?;
                }
            }
            Ok(BindingSpec::Bucket {
                events,
                prefix: req.prefix.clone(),
                suffix: req.suffix.clone(),
            })
        }
        Source::Dynamodb | Source::Kinesis => {
            let mut s = StreamSettings::default();
            if let Some(p) = &req.starting_position {
                let p = p.to_ascii_uppercase();
                if !STARTING_POSITIONS.contains(&p.as_str()) {
                    return Err(user_error(
                        format!("`--starting-position {p}` is not a starting position"),
                        format!("use {}", schema::quoted(STARTING_POSITIONS)),
                    ));
                }
                s.starting_position = p;
            }
            if let Some(b) = req.batch_size {
                if !(1..=BATCH_SIZE_MAX).contains(&b) {
                    return Err(user_error(
                        format!("`--batch-size {b}` is out of range"),
                        format!("AWS accepts 1 to {BATCH_SIZE_MAX} records per batch for {source} streams"),
                    ));
                }
                s.batch_size = b;
            }
            if let Some(w) = req.batching_window_seconds {
                if w > BATCHING_WINDOW_MAX {
                    return Err(user_error(
                        format!("`--batching-window-seconds {w}` is out of range"),
                        format!("AWS accepts 0 to {BATCHING_WINDOW_MAX} seconds"),
                    ));
                }
                s.batching_window_seconds = w;
            }
            if let Some(r) = req.report_batch_item_failures {
                s.report_batch_item_failures = r;
            }
            Ok(BindingSpec::Stream(s))
        }
    }
}

/// Build the resource that a new name declares.
pub fn new_resource(name: &str, source: Source, req: &ResourceRequest) -> CargoResult<Resource> {
    if !schema::is_resource_name(name) {
        return Err(user_error(
            format!("`{name}` is not a valid resource name"),
            "resource names start with a letter and use letters, digits, `-` and `_` (at most 64)",
        ));
    }
    let kind = source.resource_kind();
    let mut r = Resource::new(name, kind);
    if let Some(n) = &req.name {
        let ok = match kind {
            ResourceKind::S3Bucket => arn::is_bucket_name(n),
            ResourceKind::DynamodbTable => arn::is_table_name(n),
            ResourceKind::KinesisStream => arn::is_stream_name(n),
            ResourceKind::CognitoUserPool => !n.is_empty() && n.len() <= 128 && !n.chars().any(char::is_control),
        };
        if !ok {
            return Err(user_error(
                format!("`--resource-name {n}` is not a valid {kind} name"),
                match kind {
                    ResourceKind::S3Bucket => "bucket names have 3-63 lowercase letters, digits, `-` and `.`",
                    ResourceKind::DynamodbTable => "table names have 3-255 letters, digits, `_`, `-` and `.`",
                    ResourceKind::KinesisStream => "stream names have 1-128 letters, digits, `_`, `-` and `.`",
                    ResourceKind::CognitoUserPool => "pool names have 1-128 characters",
                },
            ));
        }
        r.physical_name = Some(n.clone());
    }
    if kind == ResourceKind::DynamodbTable {
        let view = req
            .stream_view
            .clone()
            .unwrap_or_else(|| "NEW_AND_OLD_IMAGES".into())
            .to_ascii_uppercase();
        if !STREAM_VIEWS.contains(&view.as_str()) {
            return Err(user_error(
                format!("`--stream-view {view}` is not a stream view type"),
                format!("use {}", schema::quoted(STREAM_VIEWS)),
            ));
        }
        r.stream_view = Some(view);
        r.partition_key = Some(req.partition_key.clone().unwrap_or_else(|| "id".into()));
        let kt = req.partition_key_type.clone().unwrap_or_else(|| "S".into());
        if !KEY_TYPES.contains(&kt.as_str()) {
            return Err(user_error(format!("`{kt}` is not a key type"), "use `S`, `N` or `B`"));
        }
        r.partition_key_type = Some(kt);
    }
    if let Some(k) = &req.kms_key_arn {
        arn::parse(k, arn::ArnKind::KmsKey)
            .map_err(|e| user_error(e.0, "pass `--kms-key-arn arn:aws:kms:REGION:ACCOUNT:key/KEY_ID`"))?;
        r.kms_key_arn = Some(k.clone());
    }
    if let Some(n) = req.shard_count {
        if !(1..=10_000).contains(&n) {
            return Err(user_error(
                format!("`--shard-count {n}` is out of range"),
                "use 1 to 10000",
            ));
        }
        r.shard_count = Some(n);
    }
    Ok(r)
}

/// Resolve a request against the workspace's resources. An unknown resource
/// name is declared when `declare_missing`, and refused otherwise with the
/// list of known ones.
pub fn resolve(
    req: &BindingRequest,
    source: Source,
    meta: &WorkspaceMeta,
    declare_missing: bool,
) -> CargoResult<Resolved> {
    check_flags(req, source)?;
    let spec = spec_of(req, source)?;
    let own = flag_for(source);
    let (target, new_resource) = match (req.arn.as_deref(), req.given_target()) {
        (Some(_), Some((flag, _))) if flag != "--arn" => {
            return Err(user_error(
                format!("`{flag}` and `--arn` both name a target"),
                "a binding has one target: a declared resource or an existing one by ARN",
            ));
        }
        (Some(a), _) => {
            arn::parse(a, source.arn_kind())
                .map_err(|e| user_error(e.0, format!("pass {}", source.arn_kind().describe())))?;
            (Target::Arn(a.to_string()), None)
        }
        (None, Some((_, name))) => match meta.resources.get(name) {
            Some(r) if r.kind != source.resource_kind() => {
                return Err(user_error(
                    format!(
                        "resource `{name}` is a `{}`, not a `{}`",
                        r.kind,
                        source.resource_kind()
                    ),
                    format!("a `{source}` trigger needs a `{}` resource", source.resource_kind()),
                ));
            }
            Some(_) => {
                if req.declare.name.is_some()
                    || req.declare.stream_view.is_some()
                    || req.declare.partition_key.is_some()
                {
                    return Err(user_error(
                        format!("resource `{name}` is already declared"),
                        "`--resource-name`, `--stream-view` and `--partition-key` describe a new resource; edit `[workspace.metadata.trigger.resources]` to change an existing one",
                    ));
                }
                (Target::Resource(name.to_string()), None)
            }
            None if declare_missing => (
                Target::Resource(name.to_string()),
                Some(new_resource(name, source, &req.declare)?),
            ),
            None => {
                let known: Vec<&str> = meta
                    .resources
                    .values()
                    .filter(|r| r.kind == source.resource_kind())
                    .map(|r| r.name.as_str())
                    .collect();
                let help = if known.is_empty() {
                    format!(
                        "no `{}` is declared yet: pass `--create` to declare `{name}`",
                        source.resource_kind()
                    )
                } else {
                    format!(
                        "the declared {}s are {}; or pass `--create` to declare `{name}`",
                        source.resource_kind(),
                        schema::quoted(&known)
                    )
                };
                return Err(user_error(format!("no resource named `{name}` is declared"), help));
            }
        },
        (None, None) => {
            return Err(user_error(
                format!("a `{source}` trigger needs a target"),
                format!("pass `{own} NAME` (a declared resource, or a new one) or `--arn ARN` (an existing one)"),
            ));
        }
    };
    Ok(Resolved {
        binding: Binding { target, spec },
        new_resource,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> WorkspaceMeta {
        let mut m = WorkspaceMeta::default();
        m.resources
            .insert("users".into(), Resource::new("users", ResourceKind::CognitoUserPool));
        m.resources
            .insert("photos".into(), Resource::new("photos", ResourceKind::S3Bucket));
        m
    }

    #[test]
    fn refuses_flags_of_another_source() {
        let req = BindingRequest {
            bucket: Some("photos".into()),
            ..Default::default()
        };
        let e = resolve(&req, Source::Dynamodb, &meta(), true).unwrap_err();
        assert!(e.to_string().contains("`--bucket` does not apply"), "{e}");
    }

    #[test]
    fn refuses_a_resource_of_the_wrong_type() {
        let req = BindingRequest {
            bucket: Some("users".into()),
            ..Default::default()
        };
        assert!(
            resolve(&req, Source::S3, &meta(), true)
                .unwrap_err()
                .to_string()
                .contains("is a `cognito-user-pool`")
        );
    }

    #[test]
    fn declares_or_refuses_unknown_names() {
        let req = BindingRequest {
            table: Some("todos".into()),
            ..Default::default()
        };
        let r = resolve(&req, Source::Dynamodb, &meta(), true).unwrap();
        assert_eq!(
            r.new_resource.unwrap().stream_view.as_deref(),
            Some("NEW_AND_OLD_IMAGES")
        );
        let e = resolve(&req, Source::Dynamodb, &meta(), false).unwrap_err();
        assert!(e.to_string().contains("no resource named `todos`"));
    }

    #[test]
    fn checks_aws_ranges() {
        let req = BindingRequest {
            table: Some("todos".into()),
            batch_size: Some(10_001),
            ..Default::default()
        };
        assert!(resolve(&req, Source::Dynamodb, &meta(), true).is_err());
    }
}
