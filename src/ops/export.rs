//! `cargo trigger export`: the bindings as an AWS SAM (or plain
//! CloudFormation) template, so deployment runs on AWS's own engine.
//!
//! Every function gets its own IAM role with least-privilege statements:
//! its log group, the streams it reads, what its modules' scaffold manifests
//! declare, scoped to the resource's ARN. Statements on a resource whose
//! configuration points back at the function (a user pool's LambdaConfig)
//! live in a separate `AWS::IAM::Policy`, so there is no circular
//! dependency; buckets are named literally for the same reason.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::errors::{CargoResult, user_error};
use crate::scaffold::{self, catalog};
use crate::schema::{
    Access, Binding, BindingSpec, CognitoEvent, Resource, ResourceKind, Source, Target, TokenVersion, TriggerMeta,
};
use crate::workspace::{Member, Workspace};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TemplateFormat {
    /// `AWS::Serverless::Function` built by `sam build` (`rust-cargolambda`).
    #[default]
    Sam,
    /// Plain CloudFormation: `AWS::Lambda::Function` from zips in S3.
    Cloudformation,
}

pub struct Exported {
    pub template: Value,
    pub warnings: Vec<String>,
}

fn ref_(id: &str) -> Value {
    json!({ "Ref": id })
}

fn att(id: &str, attr: &str) -> Value {
    json!({ "Fn::GetAtt": [id, attr] })
}

fn sub(s: &str) -> Value {
    json!({ "Fn::Sub": s })
}

/// `photos-s3` → `PhotosS3`, a CloudFormation logical id fragment.
pub fn logical(name: &str) -> String {
    scaffold::pascal(name)
}

fn statement(actions: &[&str], resources: Vec<Value>) -> Value {
    json!({
        "Effect": "Allow",
        "Action": actions,
        "Resource": if resources.len() == 1 { resources.into_iter().next().expect("one") } else { Value::Array(resources) },
    })
}

/// Where a resource is, for templates.
struct Place<'a> {
    resource: Option<&'a Resource>,
    target: &'a Target,
}

impl Place<'_> {
    fn managed(&self) -> Option<&Resource> {
        self.resource.filter(|r| r.arn.is_none())
    }

    fn arn_literal(&self) -> Option<&str> {
        match self.target {
            Target::Arn(a) => Some(a),
            Target::Resource(_) => self.resource.and_then(|r| r.arn.as_deref()),
        }
    }
}

/// Logical id of a managed resource.
pub fn resource_id(r: &Resource) -> String {
    let suffix = match r.kind {
        ResourceKind::CognitoUserPool => "UserPool",
        ResourceKind::S3Bucket => "Bucket",
        ResourceKind::DynamodbTable => "Table",
        ResourceKind::KinesisStream => "Stream",
    };
    format!("{}{suffix}", logical(&r.name))
}

/// A managed bucket's name: the declared one, or one derived from the
/// account and region (lowercase, unique), written out rather than `Ref`'d
/// so that policies naming it cause no circular dependency.
pub fn bucket_name(r: &Resource) -> String {
    r.physical_name.clone().unwrap_or_else(|| {
        format!(
            "{}-${{AWS::AccountId}}-${{AWS::Region}}",
            crate::ops::new::slug(&r.name)
        )
    })
}

fn bucket_name_of(place: &Place<'_>) -> Value {
    match (place.managed(), place.arn_literal()) {
        (Some(r), _) => sub(&bucket_name(r)),
        (None, Some(a)) => json!(a.rsplit(':').next().unwrap_or_default()),
        (None, None) => json!(place.target.label()),
    }
}

fn bucket_arn(place: &Place<'_>) -> Value {
    match (place.managed(), place.arn_literal()) {
        (Some(r), _) => sub(&format!("arn:${{AWS::Partition}}:s3:::{}", bucket_name(r))),
        (None, Some(a)) => json!(a),
        (None, None) => json!(format!("arn:aws:s3:::{}", place.target.label())),
    }
}

/// The stream ARN a DynamoDB or Kinesis binding reads.
fn stream_arn(place: &Place<'_>, source: Source) -> Value {
    match (place.managed(), place.arn_literal()) {
        (Some(r), _) => {
            let id = resource_id(r);
            if source == Source::Dynamodb {
                att(&id, "StreamArn")
            } else {
                att(&id, "Arn")
            }
        }
        (None, Some(a)) => json!(a),
        (None, None) => json!(place.target.label()),
    }
}

fn pool_arn(place: &Place<'_>) -> Value {
    match (place.managed(), place.arn_literal()) {
        (Some(r), _) => att(&resource_id(r), "Arn"),
        (None, Some(a)) => json!(a),
        (None, None) => json!(place.target.label()),
    }
}

/// Path from the template's folder to `to`, with `/`.
fn relative(from_dir: &Path, to: &Path) -> String {
    let from: Vec<Component<'_>> = from_dir.components().collect();
    let to_c: Vec<Component<'_>> = to.components().collect();
    let common = from.iter().zip(&to_c).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".into(); from.len() - common];
    parts.extend(
        to_c[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().to_string()),
    );
    if parts.is_empty() { ".".into() } else { parts.join("/") }
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
fn eventbridge_key_filter(prefix: &Option<String>, suffix: &Option<String>) -> Option<Value> {
    let esc = |s: &str| s.replace('\\', "\\\\").replace('*', "\\*");
    match (prefix, suffix) {
        (None, None) => None,
        (Some(p), None) => Some(json!([{ "prefix": p }])),
        (None, Some(s)) => Some(json!([{ "suffix": s }])),
        (Some(p), Some(s)) => Some(json!([{ "wildcard": format!("{}*{}", esc(p), esc(s)) }])),
    }
}

/// Actions that a grant's access level means, by resource kind (documented
/// in docs/metadata.md).
pub fn grant_actions(kind: ResourceKind, access: Access) -> Vec<&'static str> {
    let (read, write): (&[&str], &[&str]) = match kind {
        ResourceKind::S3Bucket => (&["s3:GetObject", "s3:ListBucket"], &["s3:PutObject", "s3:DeleteObject"]),
        ResourceKind::DynamodbTable => (
            &[
                "dynamodb:GetItem",
                "dynamodb:Query",
                "dynamodb:Scan",
                "dynamodb:BatchGetItem",
                "dynamodb:DescribeTable",
            ],
            &[
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:BatchWriteItem",
            ],
        ),
        ResourceKind::KinesisStream => (
            &[
                "kinesis:DescribeStreamSummary",
                "kinesis:GetRecords",
                "kinesis:GetShardIterator",
                "kinesis:ListShards",
            ],
            &["kinesis:PutRecord", "kinesis:PutRecords"],
        ),
        ResourceKind::CognitoUserPool => (
            &[
                "cognito-idp:AdminGetUser",
                "cognito-idp:ListUsers",
                "cognito-idp:ListUsersInGroup",
                "cognito-idp:GetGroup",
            ],
            &[
                "cognito-idp:AdminUpdateUserAttributes",
                "cognito-idp:AdminAddUserToGroup",
                "cognito-idp:AdminRemoveUserFromGroup",
                "cognito-idp:CreateGroup",
            ],
        ),
    };
    match access {
        Access::Read => read.to_vec(),
        Access::Write => write.to_vec(),
        Access::ReadWrite => read.iter().chain(write).copied().collect(),
    }
}

/// The environment variable a grant gives the function (`TODOS_TABLE_NAME`).
pub fn grant_env_name(r: &Resource) -> String {
    let what = match r.kind {
        ResourceKind::S3Bucket => "BUCKET_NAME",
        ResourceKind::DynamodbTable => "TABLE_NAME",
        ResourceKind::KinesisStream => "STREAM_NAME",
        ResourceKind::CognitoUserPool => "USER_POOL_ID",
    };
    format!("{}_{what}", scaffold::snake(&r.name).to_uppercase())
}

struct Ctx<'a> {
    ws: &'a Workspace,
    format: TemplateFormat,
    template_dir: PathBuf,
    resources: Map<String, Value>,
    parameters: Map<String, Value>,
    outputs: Map<String, Value>,
    warnings: Vec<String>,
    /// Pool id → LambdaConfig entries set directly.
    pool_config: BTreeMap<String, Map<String, Value>>,
    /// Managed pools whose triggers must be configured directly (V2 token,
    /// custom senders), so all of that pool's triggers are.
    direct_pools: Vec<String>,
    /// Managed pools that need a KMS key declared for custom senders.
    pool_keys: BTreeMap<String, Value>,
    /// Plain CloudFormation: each managed bucket's notification configs and
    /// the permissions they wait for.
    s3_configs: BTreeMap<String, (Vec<Value>, Vec<String>)>,
}

fn place<'b>(ws: &'b Workspace, target: &'b Target) -> Place<'b> {
    Place {
        resource: match target {
            Target::Resource(n) => ws.resource(n),
            Target::Arn(_) => None,
        },
        target,
    }
}

pub fn export(ws: &Workspace, format: TemplateFormat, template_dir: &Path) -> CargoResult<Exported> {
    ws.ensure_valid()?;
    let report = crate::ops::check::check(ws);
    if report.errors > 0 {
        let first: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.severity == crate::diagnostics::Severity::Error)
            .map(|f| format!("{}: {}", f.location(), f.message))
            .collect();
        return Err(user_error(
            format!(
                "the workspace has {} error(s) that a template would carry:\n  {}",
                report.errors,
                first.join("\n  ")
            ),
            "fix them first (`cargo trigger check` explains each)",
        ));
    }
    let mut cx = Ctx {
        ws,
        format,
        template_dir: template_dir.to_path_buf(),
        resources: Map::new(),
        parameters: Map::new(),
        outputs: Map::new(),
        warnings: Vec::new(),
        pool_config: BTreeMap::new(),
        direct_pools: Vec::new(),
        pool_keys: BTreeMap::new(),
        s3_configs: BTreeMap::new(),
    };

    // Which managed pools need direct LambdaConfig, and which need a key.
    for (_, t) in ws.trigger_crates() {
        let Some(event) = t.event else { continue };
        for b in &t.bindings {
            let place = place(cx.ws, &b.target);
            if let Some(r) = place.managed() {
                let id = resource_id(r);
                let direct = event.is_custom_sender()
                    || (event == CognitoEvent::PreTokenGeneration && t.token_version() == TokenVersion::V2);
                if direct && !cx.direct_pools.contains(&id) {
                    cx.direct_pools.push(id.clone());
                }
                if event.is_custom_sender() {
                    let key = match &r.kms_key_arn {
                        Some(a) => json!(a),
                        None => att(&format!("{}SenderKey", logical(&r.name)), "Arn"),
                    };
                    cx.pool_keys.insert(id, key);
                }
            }
        }
    }

    for (m, t) in ws.trigger_crates() {
        function(&mut cx, m, t)?;
    }
    managed_resources(&mut cx);

    let mut template = Map::new();
    template.insert("AWSTemplateFormatVersion".into(), json!("2010-09-09"));
    if format == TemplateFormat::Sam {
        template.insert("Transform".into(), json!("AWS::Serverless-2016-10-31"));
    }
    template.insert(
        "Description".into(),
        json!("Generated by `cargo trigger export` from the workspace's trigger metadata; regenerate it rather than editing it."),
    );
    if format == TemplateFormat::Cloudformation {
        cx.parameters.insert(
            "ArtifactsBucket".into(),
            json!({"Type": "String", "Description": "The S3 bucket holding each function's zip (`cargo lambda build --output-format zip`), at <crate>/bootstrap.zip"}),
        );
    }
    if !cx.parameters.is_empty() {
        sort(&mut cx.parameters);
        template.insert("Parameters".into(), Value::Object(cx.parameters));
    }
    sort(&mut cx.resources);
    template.insert("Resources".into(), Value::Object(cx.resources));
    if !cx.outputs.is_empty() {
        sort(&mut cx.outputs);
        template.insert("Outputs".into(), Value::Object(cx.outputs));
    }
    Ok(Exported {
        template: Value::Object(template),
        warnings: cx.warnings,
    })
}

fn sort(m: &mut Map<String, Value>) {
    let mut entries: Vec<(String, Value)> = std::mem::take(m).into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    m.extend(entries);
}

fn managed_resources(cx: &mut Ctx<'_>) {
    for r in cx.ws.meta.resources.values().filter(|r| r.arn.is_none()) {
        let id = resource_id(r);
        let (ty, props, output) = match r.kind {
            ResourceKind::CognitoUserPool => {
                let mut p = Map::new();
                if let Some(n) = &r.physical_name {
                    p.insert("UserPoolName".into(), json!(n));
                }
                let mut config = cx.pool_config.remove(&id).unwrap_or_default();
                if let Some(key) = cx.pool_keys.get(&id) {
                    config.insert("KMSKeyID".into(), key.clone());
                    if r.kms_key_arn.is_none() {
                        let key_id = format!("{}SenderKey", logical(&r.name));
                        cx.resources.insert(
                            key_id,
                            json!({
                                "Type": "AWS::KMS::Key",
                                "Properties": {
                                    "Description": format!("Encrypts the codes user pool `{}` hands its custom sender triggers", r.name),
                                    "EnableKeyRotation": true,
                                    "KeyPolicy": {
                                        "Version": "2012-10-17",
                                        "Statement": [
                                            {
                                                "Sid": "AccountAdministers",
                                                "Effect": "Allow",
                                                "Principal": {"AWS": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
                                                "Action": "kms:*",
                                                "Resource": "*",
                                            },
                                            {
                                                "Sid": "CognitoEncryptsCodes",
                                                "Effect": "Allow",
                                                "Principal": {"Service": "cognito-idp.amazonaws.com"},
                                                "Action": ["kms:Encrypt", "kms:GenerateDataKey"],
                                                "Resource": "*",
                                                "Condition": {"StringEquals": {"aws:SourceAccount": sub("${AWS::AccountId}")}},
                                            },
                                        ],
                                    },
                                },
                            }),
                        );
                    }
                }
                if !config.is_empty() {
                    p.insert("LambdaConfig".into(), Value::Object(config));
                }
                (
                    "AWS::Cognito::UserPool",
                    p,
                    json!({"Value": ref_(&id), "Description": format!("User pool `{}`", r.name)}),
                )
            }
            ResourceKind::S3Bucket => (
                "AWS::S3::Bucket",
                {
                    let mut p = Map::new();
                    p.insert("BucketName".into(), sub(&bucket_name(r)));
                    p.insert(
                        "PublicAccessBlockConfiguration".into(),
                        json!({"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true}),
                    );
                    p
                },
                json!({"Value": ref_(&id), "Description": format!("Bucket `{}`", r.name)}),
            ),
            ResourceKind::DynamodbTable => {
                let pk = r.partition_key.clone().unwrap_or_else(|| "id".into());
                let mut attrs = vec![
                    json!({"AttributeName": pk, "AttributeType": r.partition_key_type.clone().unwrap_or_else(|| "S".into())}),
                ];
                let mut keys = vec![json!({"AttributeName": pk, "KeyType": "HASH"})];
                if let Some(sk) = &r.sort_key {
                    attrs.push(json!({"AttributeName": sk, "AttributeType": r.sort_key_type.clone().unwrap_or_else(|| "S".into())}));
                    keys.push(json!({"AttributeName": sk, "KeyType": "RANGE"}));
                }
                let mut p = Map::new();
                if let Some(n) = &r.physical_name {
                    p.insert("TableName".into(), json!(n));
                }
                p.insert("BillingMode".into(), json!("PAY_PER_REQUEST"));
                p.insert("AttributeDefinitions".into(), Value::Array(attrs));
                p.insert("KeySchema".into(), Value::Array(keys));
                p.insert(
                    "StreamSpecification".into(),
                    json!({"StreamViewType": r.stream_view.clone().unwrap_or_else(|| "NEW_AND_OLD_IMAGES".into())}),
                );
                (
                    "AWS::DynamoDB::Table",
                    p,
                    json!({"Value": ref_(&id), "Description": format!("Table `{}`", r.name)}),
                )
            }
            ResourceKind::KinesisStream => {
                let mut p = Map::new();
                if let Some(n) = &r.physical_name {
                    p.insert("Name".into(), json!(n));
                }
                match r.shard_count {
                    Some(n) => {
                        p.insert("ShardCount".into(), json!(n));
                    }
                    None => {
                        p.insert("StreamModeDetails".into(), json!({"StreamMode": "ON_DEMAND"}));
                    }
                }
                (
                    "AWS::Kinesis::Stream",
                    p,
                    json!({"Value": att(&id, "Arn"), "Description": format!("Stream `{}`", r.name)}),
                )
            }
        };
        let mut res = Map::new();
        res.insert("Type".into(), json!(ty));
        if matches!(
            r.kind,
            ResourceKind::DynamodbTable
                | ResourceKind::S3Bucket
                | ResourceKind::KinesisStream
                | ResourceKind::CognitoUserPool
        ) {
            res.insert("DeletionPolicy".into(), json!("Retain"));
            res.insert("UpdateReplacePolicy".into(), json!("Retain"));
        }
        if !props.is_empty() {
            res.insert("Properties".into(), Value::Object(props));
        }
        if let Some((configs, depends)) = cx.s3_configs.remove(&id) {
            // S3 checks the permission when the configuration is set.
            res.insert("DependsOn".into(), json!(depends));
            if let Some(Value::Object(p)) = res.get_mut("Properties") {
                p.insert(
                    "NotificationConfiguration".into(),
                    json!({"LambdaConfigurations": configs}),
                );
            }
        }
        cx.resources.insert(id.clone(), Value::Object(res));
        cx.outputs.insert(id, output);
    }
}

fn function(cx: &mut Ctx<'_>, m: &Member, t: &TriggerMeta) -> CargoResult<()> {
    let id = format!("{}Function", logical(&m.name));
    let role_id = format!("{}Role", logical(&m.name));
    let log_id = format!("{}LogGroup", logical(&m.name));
    let lambda = m.lambda.clone().unwrap_or_default();
    let fn_arn = att(&id, "Arn");

    let mut statements: Vec<Value> = vec![statement(
        &["logs:CreateLogStream", "logs:PutLogEvents"],
        vec![att(&log_id, "Arn")],
    )];
    // Statements that name a resource which points back at the function.
    let mut late_statements: Vec<Value> = Vec::new();
    let mut env: Map<String, Value> = lambda.env.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    let mut events = Map::new();

    if lambda.tracing.as_deref() == Some("Active") {
        // X-Ray has no resource-level permissions.
        statements.push(statement(
            &["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
            vec![json!("*")],
        ));
    }

    for (i, b) in t.bindings.iter().enumerate() {
        binding(cx, m, t, b, i, &id, &mut statements, &mut events);
    }

    // What the modules declare.
    let cat = catalog();
    for name in &t.modules {
        let Some(module) = cat.module(name) else { continue };
        for p in &module.permissions {
            let actions: Vec<&str> = p.actions.iter().map(String::as_str).collect();
            for b in &t.bindings {
                let place = place(cx.ws, &b.target);
                match p.resource.as_str() {
                    "user-pool" => {
                        let arn = pool_arn(&place);
                        if place.managed().is_some() {
                            late_statements.push(statement(&actions, vec![arn]));
                        } else {
                            statements.push(statement(&actions, vec![arn]));
                        }
                    }
                    "kms-key" => {
                        let key = place
                            .managed()
                            .map(|r| cx.pool_keys.get(&resource_id(r)).cloned())
                            .unwrap_or_else(|| place.resource.and_then(|r| r.kms_key_arn.clone()).map(Value::from));
                        match key {
                            Some(k) => {
                                env.insert("KEY_ARN".into(), k.clone());
                                statements.push(statement(&actions, vec![k]));
                            }
                            None => cx.warnings.push(format!(
                                "`{}` needs the KMS key of user pool `{}`: set `kms-key-arn` on the resource",
                                m.name,
                                b.target.label()
                            )),
                        }
                    }
                    other => cx
                        .warnings
                        .push(format!("module `{name}` asks for unknown resource `{other}`")),
                }
            }
        }
        for s in module.settings.iter().filter(|s| s.secret) {
            let param = scaffold::pascal(&s.env.to_lowercase());
            cx.parameters.insert(
                param.clone(),
                json!({"Type": "String", "NoEcho": true, "Description": format!("{} ({}): {}", s.env, name, s.prompt)}),
            );
            env.insert(s.env.clone(), ref_(&param));
        }
    }

    // Grants (`cargo trigger grant`).
    for g in &t.permissions {
        match (&g.resource, g.access, &g.arn) {
            (Some(rname), Some(access), _) => {
                let Some(res) = cx.ws.resource(rname) else { continue };
                let target = Target::Resource(rname.clone());
                let place = place(cx.ws, &target);
                let actions = grant_actions(res.kind, access);
                let (arns, name_value, late) = match res.kind {
                    ResourceKind::S3Bucket => {
                        let arn = bucket_arn(&place);
                        let objects = match &arn {
                            Value::String(s) => json!(format!("{s}/*")),
                            other => {
                                let inner = other["Fn::Sub"].as_str().unwrap_or_default();
                                sub(&format!("{inner}/*"))
                            }
                        };
                        (vec![arn, objects], bucket_name_of(&place), false)
                    }
                    ResourceKind::DynamodbTable => {
                        let arn = match (place.managed(), place.arn_literal()) {
                            (Some(r), _) => att(&resource_id(r), "Arn"),
                            (None, Some(a)) => json!(a.split("/stream/").next().unwrap_or(a)),
                            (None, None) => json!(rname),
                        };
                        let name = match place.managed() {
                            Some(r) => ref_(&resource_id(r)),
                            None => json!(
                                place
                                    .arn_literal()
                                    .and_then(|a| a.split(":table/").nth(1))
                                    .and_then(|t| t.split('/').next())
                                    .unwrap_or(rname)
                            ),
                        };
                        (vec![arn], name, false)
                    }
                    ResourceKind::KinesisStream => {
                        let arn = stream_arn(&place, Source::Kinesis);
                        let name = match place.managed() {
                            Some(r) => ref_(&resource_id(r)),
                            None => json!(place.arn_literal().and_then(|a| a.rsplit('/').next()).unwrap_or(rname)),
                        };
                        (vec![arn], name, false)
                    }
                    ResourceKind::CognitoUserPool => {
                        let arn = pool_arn(&place);
                        let id_value = match place.managed() {
                            Some(r) => ref_(&resource_id(r)),
                            None => json!(place.arn_literal().and_then(|a| a.rsplit('/').next()).unwrap_or(rname)),
                        };
                        // A managed pool that triggers this function points
                        // back at it: naming it in the role would be a cycle.
                        (vec![arn], id_value, place.managed().is_some() && is_bound_to(t, rname))
                    }
                };
                let st = statement(&actions, arns);
                if late {
                    late_statements.push(st);
                } else {
                    statements.push(st);
                }
                if !late {
                    env.insert(grant_env_name(res), name_value);
                } else {
                    env.remove(&grant_env_name(res));
                    // The pool's id would make the function depend on the
                    // pool that depends on it: read it from the event.
                    cx.warnings.push(format!(
                        "`{}`: the id of user pool `{rname}` is in each event (`userPoolId`), so no `{}` variable is set",
                        m.name,
                        grant_env_name(res)
                    ));
                }
            }
            (None, _, Some(arn)) => {
                let actions: Vec<&str> = g.actions.iter().map(String::as_str).collect();
                statements.push(statement(&actions, vec![json!(arn)]));
            }
            _ => {}
        }
    }

    // Role and log group.
    let mut role_props = json!({
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
        },
        "Policies": [{"PolicyName": "function", "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}],
    });
    if let Some(role) = &lambda.role {
        cx.warnings.push(format!(
            "`{}` uses the role `{role}` from its cargo-lambda config: the template grants it nothing; give that role the access it needs",
            m.name
        ));
        role_props = Value::Null;
    }
    if !role_props.is_null() {
        cx.resources.insert(
            role_id.clone(),
            json!({"Type": "AWS::IAM::Role", "Properties": role_props}),
        );
        if !late_statements.is_empty() {
            cx.resources.insert(
                format!("{}PoolPolicy", logical(&m.name)),
                json!({
                    "Type": "AWS::IAM::Policy",
                    "Properties": {
                        "PolicyName": "user-pool",
                        "Roles": [ref_(&role_id)],
                        "PolicyDocument": {"Version": "2012-10-17", "Statement": late_statements},
                    },
                }),
            );
        }
    }
    let mut log = json!({"Type": "AWS::Logs::LogGroup"});
    if let Some(days) = lambda.log_retention {
        log["Properties"] = json!({"RetentionInDays": days});
    }
    cx.resources.insert(log_id.clone(), log);

    // The function.
    let mut props = Map::new();
    let dir = relative(&cx.template_dir, &m.dir);
    match cx.format {
        TemplateFormat::Sam => {
            props.insert("CodeUri".into(), json!(dir));
            props.insert("Handler".into(), json!("bootstrap"));
        }
        TemplateFormat::Cloudformation => {
            props.insert(
                "Code".into(),
                json!({"S3Bucket": ref_("ArtifactsBucket"), "S3Key": format!("{}/bootstrap.zip", m.name)}),
            );
            props.insert("Handler".into(), json!("bootstrap"));
        }
    }
    props.insert(
        "Runtime".into(),
        json!(lambda.runtime.clone().unwrap_or_else(|| "provided.al2023".into())),
    );
    props.insert(
        "Architectures".into(),
        json!([if lambda.arm64 { "arm64" } else { "x86_64" }]),
    );
    props.insert("MemorySize".into(), json!(lambda.memory.unwrap_or(128)));
    props.insert("Timeout".into(), json!(lambda.timeout.unwrap_or(30)));
    if let Some(d) = &lambda.description {
        props.insert("Description".into(), json!(d));
    }
    if let Some(tr) = &lambda.tracing {
        let key = if cx.format == TemplateFormat::Sam {
            "Tracing"
        } else {
            "TracingConfig"
        };
        let value = if cx.format == TemplateFormat::Sam {
            json!(tr)
        } else {
            json!({"Mode": tr})
        };
        props.insert(key.into(), value);
    }
    if !lambda.layers.is_empty() {
        props.insert("Layers".into(), json!(lambda.layers));
    }
    props.insert(
        "Role".into(),
        match &lambda.role {
            Some(role) => json!(role),
            None => att(&role_id, "Arn"),
        },
    );
    props.insert("LoggingConfig".into(), json!({"LogGroup": ref_(&log_id)}));
    if !env.is_empty() {
        props.insert("Environment".into(), json!({"Variables": env}));
    }
    let mut function = Map::new();
    match cx.format {
        TemplateFormat::Sam => {
            function.insert("Type".into(), json!("AWS::Serverless::Function"));
            let mut build = json!({"BuildMethod": "rust-cargolambda"});
            if m.bins.len() > 1 {
                let bin = m.bins.iter().find(|b| **b == m.name).unwrap_or(&m.bins[0]);
                build["BuildProperties"] = json!({"Binary": bin});
            }
            function.insert("Metadata".into(), build);
            if !events.is_empty() {
                props.insert("Events".into(), Value::Object(events));
            }
        }
        TemplateFormat::Cloudformation => {
            function.insert("Type".into(), json!("AWS::Lambda::Function"));
        }
    }
    function.insert("Properties".into(), Value::Object(props));
    cx.resources.insert(id.clone(), Value::Object(function));
    cx.outputs.insert(
        id,
        json!({"Value": fn_arn, "Description": format!("Function `{}`", m.name)}),
    );
    Ok(())
}

fn is_bound_to(t: &TriggerMeta, resource: &str) -> bool {
    t.bindings
        .iter()
        .any(|b| matches!(&b.target, Target::Resource(n) if n == resource))
}

/// One binding: an event of the function (SAM), or the resources that
/// stand for one (CloudFormation, and Cognito where SAM cannot).
#[allow(clippy::too_many_arguments)]
fn binding(
    cx: &mut Ctx<'_>,
    m: &Member,
    t: &TriggerMeta,
    b: &Binding,
    index: usize,
    fn_id: &str,
    statements: &mut Vec<Value>,
    events: &mut Map<String, Value>,
) {
    let sam = cx.format == TemplateFormat::Sam;
    let event_name = format!(
        "{}{index}",
        logical(b.target.label().rsplit(['/', ':']).next().unwrap_or("Target"))
    );
    let place = place(cx.ws, &b.target);
    let fn_arn = att(fn_id, "Arn");
    let permission = |principal: &str, source_arn: Value, account: bool| {
        let mut p = json!({
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "Action": "lambda:InvokeFunction",
                "FunctionName": fn_arn.clone(),
                "Principal": principal,
                "SourceArn": source_arn,
            },
        });
        if account {
            p["Properties"]["SourceAccount"] = sub("${AWS::AccountId}");
        }
        p
    };
    match &b.spec {
        BindingSpec::Bucket {
            events: types,
            prefix,
            suffix,
        } => {
            if let Some(r) = place.managed() {
                let bucket_id = resource_id(r);
                let mut rules = Vec::new();
                if let Some(p) = prefix {
                    rules.push(json!({"Name": "prefix", "Value": p}));
                }
                if let Some(s) = suffix {
                    rules.push(json!({"Name": "suffix", "Value": s}));
                }
                if sam {
                    let mut props = json!({"Bucket": ref_(&bucket_id), "Events": types});
                    if !rules.is_empty() {
                        props["Filter"] = json!({"S3Key": {"Rules": rules}});
                    }
                    events.insert(event_name, json!({"Type": "S3", "Properties": props}));
                } else {
                    let perm_id = format!("{}{}Permission", logical(&m.name), event_name);
                    cx.resources.insert(
                        perm_id.clone(),
                        permission("s3.amazonaws.com", bucket_arn(&place), true),
                    );
                    let (configs, depends) = cx.s3_configs.entry(bucket_id).or_default();
                    for e in types {
                        let mut c = json!({"Event": e, "Function": fn_arn});
                        if !rules.is_empty() {
                            c["Filter"] = json!({"S3Key": {"Rules": rules}});
                        }
                        configs.push(c);
                    }
                    depends.push(perm_id);
                }
            } else {
                let bucket = bucket_name_of(&place);
                cx.warnings.push(format!(
                    "bucket {} exists outside the template: `{}` gets its object events through an EventBridge rule, so turn on EventBridge notifications on that bucket (`aws s3api put-bucket-notification-configuration --bucket {} --notification-configuration '{{\"EventBridgeConfiguration\": {{}}}}'`)",
                    b.target.label(),
                    m.name,
                    bucket.as_str().unwrap_or_default()
                ));
                let encoded = |f: &Option<String>| {
                    f.as_deref()
                        .is_some_and(|f| !f.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c)))
                };
                if encoded(prefix) || encoded(suffix) {
                    cx.warnings.push(format!(
                        "`{}`: EventBridge matches the URL-encoded object key, and the filter of its binding to {} has characters that S3 encodes; write them encoded in the binding (e.g. `%20` for a space) or check the rule matches",
                        m.name,
                        b.target.label()
                    ));
                }
                let mut detail = json!({"bucket": {"name": [bucket]}});
                if let Some(f) = eventbridge_key_filter(prefix, suffix) {
                    detail["object"] = json!({"key": f});
                }
                let pattern = json!({
                    "source": ["aws.s3"],
                    "detail-type": eventbridge_detail_types(types),
                    "detail": detail,
                });
                if sam {
                    events.insert(
                        event_name,
                        json!({"Type": "EventBridgeRule", "Properties": {"Pattern": pattern}}),
                    );
                } else {
                    let rule_id = format!("{}{}Rule", logical(&m.name), event_name);
                    cx.resources.insert(
                        rule_id.clone(),
                        json!({"Type": "AWS::Events::Rule", "Properties": {"EventPattern": pattern, "Targets": [{"Arn": fn_arn, "Id": "function"}]}}),
                    );
                    cx.resources.insert(
                        format!("{rule_id}Permission"),
                        permission("events.amazonaws.com", att(&rule_id, "Arn"), false),
                    );
                }
            }
        }
        BindingSpec::Stream(s) => {
            let arn = stream_arn(&place, t.source);
            let (actions, list_action): (&[&str], &str) = if t.source == Source::Dynamodb {
                (
                    &[
                        "dynamodb:DescribeStream",
                        "dynamodb:GetRecords",
                        "dynamodb:GetShardIterator",
                    ],
                    "dynamodb:ListStreams",
                )
            } else {
                (
                    &[
                        "kinesis:DescribeStream",
                        "kinesis:DescribeStreamSummary",
                        "kinesis:GetRecords",
                        "kinesis:GetShardIterator",
                        "kinesis:ListShards",
                        "kinesis:SubscribeToShard",
                    ],
                    "kinesis:ListStreams",
                )
            };
            statements.push(statement(actions, vec![arn.clone()]));
            // Listing streams has no resource-level permission.
            statements.push(statement(&[list_action], vec![json!("*")]));
            let mut props = Map::new();
            if sam {
                props.insert("Stream".into(), arn);
            } else {
                props.insert("EventSourceArn".into(), arn);
                props.insert("FunctionName".into(), ref_(fn_id));
            }
            props.insert("StartingPosition".into(), json!(s.starting_position));
            props.insert("BatchSize".into(), json!(s.batch_size));
            props.insert(
                "MaximumBatchingWindowInSeconds".into(),
                json!(s.batching_window_seconds),
            );
            if s.report_batch_item_failures {
                props.insert("FunctionResponseTypes".into(), json!(["ReportBatchItemFailures"]));
            }
            if sam {
                let ty = if t.source == Source::Dynamodb {
                    "DynamoDB"
                } else {
                    "Kinesis"
                };
                events.insert(event_name, json!({"Type": ty, "Properties": props}));
            } else {
                cx.resources.insert(
                    format!("{}{}Mapping", logical(&m.name), event_name),
                    json!({"Type": "AWS::Lambda::EventSourceMapping", "Properties": props}),
                );
            }
        }
        BindingSpec::UserPool => {
            let Some(event) = t.event else { return };
            let version = t.token_version();
            let key = event.lambda_config_key(version);
            match place.managed() {
                Some(r) => {
                    let pool_id = resource_id(r);
                    let direct = !sam || cx.direct_pools.contains(&pool_id);
                    if direct {
                        let entry = match (event, version) {
                            (CognitoEvent::PreTokenGeneration, TokenVersion::V2) => {
                                json!({"LambdaArn": fn_arn, "LambdaVersion": "V2_0"})
                            }
                            (e, _) if e.is_custom_sender() => json!({"LambdaArn": fn_arn, "LambdaVersion": "V1_0"}),
                            _ => fn_arn.clone(),
                        };
                        cx.pool_config
                            .entry(pool_id.clone())
                            .or_default()
                            .insert(key.into(), entry);
                        cx.resources.insert(
                            format!("{}CognitoPermission", logical(&m.name)),
                            permission("cognito-idp.amazonaws.com", att(&pool_id, "Arn"), false),
                        );
                    } else {
                        events.insert(
                            event_name,
                            json!({"Type": "Cognito", "Properties": {"UserPool": ref_(&pool_id), "Trigger": key}}),
                        );
                    }
                }
                None => {
                    let arn = place.arn_literal().unwrap_or_default().to_string();
                    cx.resources.insert(
                        format!("{}CognitoPermission", logical(&m.name)),
                        permission("cognito-idp.amazonaws.com", json!(arn), false),
                    );
                    cx.warnings.push(format!(
                        "user pool `{arn}` exists outside the template: the template lets it invoke `{}`, but its `{key}` trigger must be set on the pool itself (`aws cognito-idp update-user-pool` replaces the whole LambdaConfig: include the pool's other triggers)",
                        m.name
                    ));
                }
            }
        }
    }
}
