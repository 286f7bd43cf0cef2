//! The metadata schema: `[workspace.metadata.trigger]` and each member's
//! `[package.metadata.trigger]`, as typed values, read from `cargo metadata`'s
//! JSON with a finding for every key that is malformed or unknown.

use std::fmt;
use std::path::Path;

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::arn::{self, ArnKind};
use crate::diagnostics::{Diagnostic, Diagnostics};

pub const DEFAULT_TRIGGER_DIR: &str = "triggers";

/// The event family a trigger crate handles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Cognito,
    S3,
    Dynamodb,
    Kinesis,
}

impl Source {
    pub const ALL: [Source; 4] = [Source::Cognito, Source::S3, Source::Dynamodb, Source::Kinesis];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Cognito => "cognito",
            Source::S3 => "s3",
            Source::Dynamodb => "dynamodb",
            Source::Kinesis => "kinesis",
        }
    }

    pub fn parse(s: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The binding key that names a declared resource for this source.
    pub fn binding_key(self) -> &'static str {
        match self {
            Source::Cognito => "user-pool",
            Source::S3 => "bucket",
            Source::Dynamodb => "table",
            Source::Kinesis => "stream",
        }
    }

    pub fn resource_kind(self) -> ResourceKind {
        match self {
            Source::Cognito => ResourceKind::CognitoUserPool,
            Source::S3 => ResourceKind::S3Bucket,
            Source::Dynamodb => ResourceKind::DynamodbTable,
            Source::Kinesis => ResourceKind::KinesisStream,
        }
    }

    /// What an `arn = …` binding of this source must name.
    pub fn arn_kind(self) -> ArnKind {
        match self {
            Source::Cognito => ArnKind::UserPool,
            Source::S3 => ArnKind::Bucket,
            Source::Dynamodb => ArnKind::TableStream,
            Source::Kinesis => ArnKind::KinesisStream,
        }
    }

    pub fn names() -> String {
        Source::ALL
            .iter()
            .map(|s| format!("`{}`", s.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A Cognito user-pool trigger, with what AWS calls it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CognitoEvent {
    PreSignUp,
    PreAuthentication,
    PostAuthentication,
    PostConfirmation,
    DefineAuthChallenge,
    CreateAuthChallenge,
    VerifyAuthChallengeResponse,
    CustomMessage,
    PreTokenGeneration,
    UserMigration,
    CustomEmailSender,
    CustomSmsSender,
}

impl CognitoEvent {
    pub const ALL: [CognitoEvent; 12] = [
        CognitoEvent::PreSignUp,
        CognitoEvent::PreAuthentication,
        CognitoEvent::PostAuthentication,
        CognitoEvent::PostConfirmation,
        CognitoEvent::DefineAuthChallenge,
        CognitoEvent::CreateAuthChallenge,
        CognitoEvent::VerifyAuthChallengeResponse,
        CognitoEvent::CustomMessage,
        CognitoEvent::PreTokenGeneration,
        CognitoEvent::UserMigration,
        CognitoEvent::CustomEmailSender,
        CognitoEvent::CustomSmsSender,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CognitoEvent::PreSignUp => "pre-sign-up",
            CognitoEvent::PreAuthentication => "pre-authentication",
            CognitoEvent::PostAuthentication => "post-authentication",
            CognitoEvent::PostConfirmation => "post-confirmation",
            CognitoEvent::DefineAuthChallenge => "define-auth-challenge",
            CognitoEvent::CreateAuthChallenge => "create-auth-challenge",
            CognitoEvent::VerifyAuthChallengeResponse => "verify-auth-challenge-response",
            CognitoEvent::CustomMessage => "custom-message",
            CognitoEvent::PreTokenGeneration => "pre-token-generation",
            CognitoEvent::UserMigration => "user-migration",
            CognitoEvent::CustomEmailSender => "custom-email-sender",
            CognitoEvent::CustomSmsSender => "custom-sms-sender",
        }
    }

    pub fn parse(s: &str) -> Option<CognitoEvent> {
        CognitoEvent::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn names() -> String {
        CognitoEvent::ALL
            .iter()
            .map(|s| format!("`{}`", s.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The user pool's `LambdaConfig` key (what AWS rejects twice per pool).
    pub fn lambda_config_key(self, version: TokenVersion) -> &'static str {
        match self {
            CognitoEvent::PreSignUp => "PreSignUp",
            CognitoEvent::PreAuthentication => "PreAuthentication",
            CognitoEvent::PostAuthentication => "PostAuthentication",
            CognitoEvent::PostConfirmation => "PostConfirmation",
            CognitoEvent::DefineAuthChallenge => "DefineAuthChallenge",
            CognitoEvent::CreateAuthChallenge => "CreateAuthChallenge",
            CognitoEvent::VerifyAuthChallengeResponse => "VerifyAuthChallengeResponse",
            CognitoEvent::CustomMessage => "CustomMessage",
            CognitoEvent::PreTokenGeneration => match version {
                TokenVersion::V1 => "PreTokenGeneration",
                TokenVersion::V2 => "PreTokenGenerationConfig",
            },
            CognitoEvent::UserMigration => "UserMigration",
            CognitoEvent::CustomEmailSender => "CustomEmailSender",
            CognitoEvent::CustomSmsSender => "CustomSMSSender",
        }
    }

    /// Both pre-token-generation versions occupy the same slot of a pool.
    pub fn slot(self) -> &'static str {
        self.lambda_config_key(TokenVersion::V1)
    }

    /// The `triggerSource` values Cognito sends for this trigger.
    pub fn trigger_sources(self) -> &'static [&'static str] {
        match self {
            CognitoEvent::PreSignUp => &[
                "PreSignUp_SignUp",
                "PreSignUp_AdminCreateUser",
                "PreSignUp_ExternalProvider",
            ],
            CognitoEvent::PreAuthentication => &["PreAuthentication_Authentication"],
            CognitoEvent::PostAuthentication => &["PostAuthentication_Authentication"],
            CognitoEvent::PostConfirmation => &[
                "PostConfirmation_ConfirmSignUp",
                "PostConfirmation_ConfirmForgotPassword",
            ],
            CognitoEvent::DefineAuthChallenge => &["DefineAuthChallenge_Authentication"],
            CognitoEvent::CreateAuthChallenge => &["CreateAuthChallenge_Authentication"],
            CognitoEvent::VerifyAuthChallengeResponse => &["VerifyAuthChallengeResponse_Authentication"],
            CognitoEvent::CustomMessage => &[
                "CustomMessage_SignUp",
                "CustomMessage_AdminCreateUser",
                "CustomMessage_ResendCode",
                "CustomMessage_ForgotPassword",
                "CustomMessage_UpdateUserAttribute",
                "CustomMessage_VerifyUserAttribute",
                "CustomMessage_Authentication",
            ],
            CognitoEvent::PreTokenGeneration => &[
                "TokenGeneration_HostedAuth",
                "TokenGeneration_Authentication",
                "TokenGeneration_NewPasswordChallenge",
                "TokenGeneration_AuthenticateDevice",
                "TokenGeneration_RefreshTokens",
            ],
            CognitoEvent::UserMigration => &["UserMigration_Authentication", "UserMigration_ForgotPassword"],
            CognitoEvent::CustomEmailSender => &[
                "CustomEmailSender_SignUp",
                "CustomEmailSender_ResendCode",
                "CustomEmailSender_ForgotPassword",
                "CustomEmailSender_UpdateUserAttribute",
                "CustomEmailSender_VerifyUserAttribute",
                "CustomEmailSender_AdminCreateUser",
                "CustomEmailSender_AccountTakeOverNotification",
            ],
            CognitoEvent::CustomSmsSender => &[
                "CustomSMSSender_SignUp",
                "CustomSMSSender_ResendCode",
                "CustomSMSSender_ForgotPassword",
                "CustomSMSSender_UpdateUserAttribute",
                "CustomSMSSender_VerifyUserAttribute",
                "CustomSMSSender_Authentication",
                "CustomSMSSender_AdminCreateUser",
            ],
        }
    }

    /// Federated sign-in does not invoke these triggers.
    pub fn skipped_by_federation(self) -> bool {
        matches!(
            self,
            CognitoEvent::DefineAuthChallenge
                | CognitoEvent::CreateAuthChallenge
                | CognitoEvent::VerifyAuthChallengeResponse
                | CognitoEvent::UserMigration
                | CognitoEvent::CustomMessage
                | CognitoEvent::CustomEmailSender
                | CognitoEvent::CustomSmsSender
        )
    }

    /// Custom senders receive a KMS-encrypted code and need the pool's key.
    pub fn is_custom_sender(self) -> bool {
        matches!(self, CognitoEvent::CustomEmailSender | CognitoEvent::CustomSmsSender)
    }
}

impl fmt::Display for CognitoEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Pre-token-generation event version (`V1_0` or `V2_0`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenVersion {
    #[default]
    V1,
    V2,
}

impl TokenVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenVersion::V1 => "v1",
            TokenVersion::V2 => "v2",
        }
    }

    pub fn parse(s: &str) -> Option<TokenVersion> {
        match s {
            "v1" => Some(TokenVersion::V1),
            "v2" => Some(TokenVersion::V2),
            _ => None,
        }
    }
}

/// `[workspace.metadata.trigger.resources.NAME] type = …`
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResourceKind {
    CognitoUserPool,
    S3Bucket,
    DynamodbTable,
    KinesisStream,
}

impl ResourceKind {
    pub const ALL: [ResourceKind; 4] = [
        ResourceKind::CognitoUserPool,
        ResourceKind::S3Bucket,
        ResourceKind::DynamodbTable,
        ResourceKind::KinesisStream,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::CognitoUserPool => "cognito-user-pool",
            ResourceKind::S3Bucket => "s3-bucket",
            ResourceKind::DynamodbTable => "dynamodb-table",
            ResourceKind::KinesisStream => "kinesis-stream",
        }
    }

    pub fn parse(s: &str) -> Option<ResourceKind> {
        ResourceKind::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn arn_kind(self) -> ArnKind {
        match self {
            ResourceKind::CognitoUserPool => ArnKind::UserPool,
            ResourceKind::S3Bucket => ArnKind::Bucket,
            ResourceKind::DynamodbTable => ArnKind::TableStream,
            ResourceKind::KinesisStream => ArnKind::KinesisStream,
        }
    }

    /// The source whose bindings name resources of this kind.
    pub fn source(self) -> Source {
        match self {
            ResourceKind::CognitoUserPool => Source::Cognito,
            ResourceKind::S3Bucket => Source::S3,
            ResourceKind::DynamodbTable => Source::Dynamodb,
            ResourceKind::KinesisStream => Source::Kinesis,
        }
    }
}

impl fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub const STREAM_VIEWS: &[&str] = &["NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"];
pub const KEY_TYPES: &[&str] = &["S", "N", "B"];

/// A named event-source instance declared once in the workspace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Resource {
    /// The key under `[workspace.metadata.trigger.resources]`.
    #[serde(skip)]
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ResourceKind,
    /// Physical name (bucket, table, stream or pool name).
    #[serde(skip_serializing_if = "Option::is_none", rename = "name")]
    pub physical_name: Option<String>,
    /// An existing resource: referenced, never created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// DynamoDB: the stream view type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream_view: Option<String>,
    /// DynamoDB (managed): the partition key and its type (`S`, `N`, `B`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partition_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partition_key_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort_key_type: Option<String>,
    /// Kinesis (managed): shards; absent means on-demand.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard_count: Option<u32>,
    /// Cognito: the KMS key the custom sender triggers decrypt codes with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kms_key_arn: Option<String>,
}

impl Resource {
    pub fn new(name: impl Into<String>, kind: ResourceKind) -> Self {
        Resource {
            name: name.into(),
            kind,
            physical_name: None,
            arn: None,
            stream_view: None,
            partition_key: None,
            partition_key_type: None,
            sort_key: None,
            sort_key_type: None,
            shard_count: None,
            kms_key_arn: None,
        }
    }

    pub fn is_existing(&self) -> bool {
        self.arn.is_some()
    }

    /// The keys and values to write, in schema order.
    pub fn fields(&self) -> Vec<(&'static str, FieldValue)> {
        let mut out = vec![("type", FieldValue::Str(self.kind.as_str().to_string()))];
        let mut push = |k: &'static str, v: &Option<String>| {
            if let Some(v) = v {
                out.push((k, FieldValue::Str(v.clone())));
            }
        };
        push("name", &self.physical_name);
        push("arn", &self.arn);
        push("stream-view", &self.stream_view);
        push("partition-key", &self.partition_key);
        push("partition-key-type", &self.partition_key_type);
        push("sort-key", &self.sort_key);
        push("sort-key-type", &self.sort_key_type);
        push("kms-key-arn", &self.kms_key_arn);
        if let Some(n) = self.shard_count {
            out.push(("shard-count", FieldValue::Int(n as i64)));
        }
        out
    }
}

/// A value the manifest module writes: the schema has no other kinds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldValue {
    Str(String),
    Int(i64),
    Bool(bool),
    List(Vec<String>),
}

/// What a binding points at.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// A resource declared in the workspace, by name.
    Resource(String),
    /// An existing resource, by ARN.
    Arn(String),
}

impl Target {
    pub fn label(&self) -> &str {
        match self {
            Target::Resource(n) | Target::Arn(n) => n,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

pub const STARTING_POSITIONS: &[&str] = &["LATEST", "TRIM_HORIZON"];
pub const BATCH_SIZE_MAX: u32 = 10_000;
pub const BATCHING_WINDOW_MAX: u32 = 300;

/// Event source mapping settings for DynamoDB and Kinesis bindings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct StreamSettings {
    pub starting_position: String,
    pub batch_size: u32,
    pub batching_window_seconds: u32,
    pub report_batch_item_failures: bool,
}

impl Default for StreamSettings {
    fn default() -> Self {
        StreamSettings {
            starting_position: "LATEST".into(),
            batch_size: 100,
            batching_window_seconds: 0,
            report_batch_item_failures: true,
        }
    }
}

/// Every S3 notification event type a bucket accepts.
pub const S3_EVENTS: &[&str] = &[
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

pub const S3_DEFAULT_EVENTS: &[&str] = &["s3:ObjectCreated:*", "s3:ObjectRemoved:*"];

/// What a binding configures, by source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum BindingSpec {
    UserPool,
    Bucket {
        events: Vec<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        prefix: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        suffix: Option<String>,
    },
    Stream(StreamSettings),
}

/// One association of a trigger crate with an event-source instance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Binding {
    pub target: Target,
    #[serde(flatten)]
    pub spec: BindingSpec,
}

impl Binding {
    /// The keys and values to write for this binding of a `source` crate.
    pub fn fields(&self, source: Source) -> Vec<(&'static str, FieldValue)> {
        let mut out = vec![match &self.target {
            Target::Resource(n) => (source.binding_key(), FieldValue::Str(n.clone())),
            Target::Arn(a) => ("arn", FieldValue::Str(a.clone())),
        }];
        match &self.spec {
            BindingSpec::UserPool => {}
            BindingSpec::Bucket { events, prefix, suffix } => {
                out.push(("events", FieldValue::List(events.clone())));
                if let Some(p) = prefix {
                    out.push(("prefix", FieldValue::Str(p.clone())));
                }
                if let Some(s) = suffix {
                    out.push(("suffix", FieldValue::Str(s.clone())));
                }
            }
            BindingSpec::Stream(s) => {
                out.push(("starting-position", FieldValue::Str(s.starting_position.clone())));
                out.push(("batch-size", FieldValue::Int(s.batch_size as i64)));
                out.push((
                    "batching-window-seconds",
                    FieldValue::Int(s.batching_window_seconds as i64),
                ));
                out.push((
                    "report-batch-item-failures",
                    FieldValue::Bool(s.report_batch_item_failures),
                ));
            }
        }
        out
    }

    /// The default spec of a new binding of `source`.
    pub fn default_spec(source: Source) -> BindingSpec {
        match source {
            Source::Cognito => BindingSpec::UserPool,
            Source::S3 => BindingSpec::Bucket {
                events: S3_DEFAULT_EVENTS.iter().map(|s| s.to_string()).collect(),
                prefix: None,
                suffix: None,
            },
            Source::Dynamodb | Source::Kinesis => BindingSpec::Stream(StreamSettings::default()),
        }
    }
}

/// `[[package.metadata.trigger.permissions]]`: extra access for a function.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Grant {
    /// A declared resource, with `access`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access: Option<Access>,
    /// Or explicit actions on an ARN.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
}

impl Grant {
    pub fn fields(&self) -> Vec<(&'static str, FieldValue)> {
        let mut out = Vec::new();
        if let Some(r) = &self.resource {
            out.push(("resource", FieldValue::Str(r.clone())));
        }
        if let Some(a) = self.access {
            out.push(("access", FieldValue::Str(a.as_str().to_string())));
        }
        if !self.actions.is_empty() {
            out.push(("actions", FieldValue::List(self.actions.clone())));
        }
        if let Some(a) = &self.arn {
            out.push(("arn", FieldValue::Str(a.clone())));
        }
        out
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    Read,
    Write,
    ReadWrite,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
            Access::ReadWrite => "read-write",
        }
    }

    pub fn parse(s: &str) -> Option<Access> {
        match s {
            "read" => Some(Access::Read),
            "write" => Some(Access::Write),
            "read-write" => Some(Access::ReadWrite),
            _ => None,
        }
    }
}

/// `[package.metadata.trigger]` of one crate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct TriggerMeta {
    pub source: Source,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<CognitoEvent>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_version: Option<TokenVersion>,
    pub modules: Vec<String>,
    pub bindings: Vec<Binding>,
    pub permissions: Vec<Grant>,
}

impl TriggerMeta {
    pub fn token_version(&self) -> TokenVersion {
        self.token_version.unwrap_or_default()
    }
}

/// `[workspace.metadata.trigger]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WorkspaceMeta {
    pub dir: String,
    pub resources: IndexMap<String, Resource>,
}

impl Default for WorkspaceMeta {
    fn default() -> Self {
        WorkspaceMeta {
            dir: DEFAULT_TRIGGER_DIR.to_string(),
            resources: IndexMap::new(),
        }
    }
}

/// A name for a resource: kebab/snake case identifier.
pub fn is_resource_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.as_bytes()[0].is_ascii_alphabetic()
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "a table",
    }
}

/// Reads one metadata table, records a finding for each malformed value, and
/// at the end one for each key nobody asked for.
struct Reader<'a, 'd> {
    obj: &'a Map<String, Value>,
    key: String,
    file: &'a Path,
    diags: &'d mut Diagnostics,
    known: Vec<&'static str>,
}

impl<'a, 'd> Reader<'a, 'd> {
    fn new(obj: &'a Map<String, Value>, key: impl Into<String>, file: &'a Path, diags: &'d mut Diagnostics) -> Self {
        Reader {
            obj,
            key: key.into(),
            file,
            diags,
            known: Vec::new(),
        }
    }

    fn path(&self, key: &str) -> String {
        format!("{}.{key}", self.key)
    }

    fn error(&mut self, key: &str, message: String, help: Option<String>) {
        let mut d = Diagnostic::error("invalid-value", self.file, self.path(key), message);
        d.help = help;
        self.diags.push(d);
    }

    fn get(&mut self, key: &'static str) -> Option<&'a Value> {
        self.known.push(key);
        self.obj.get(key)
    }

    fn str(&mut self, key: &'static str) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s.clone()),
            other => {
                let msg = format!("`{}` must be a string, found {}", self.path(key), type_name(other));
                self.error(key, msg, None);
                None
            }
        }
    }

    fn required_str(&mut self, key: &'static str, help: &str) -> Option<String> {
        if !self.obj.contains_key(key) {
            self.known.push(key);
            let msg = format!("`{}` is missing", self.path(key));
            self.error(key, msg, Some(help.to_string()));
            return None;
        }
        self.str(key)
    }

    fn list(&mut self, key: &'static str) -> Option<Vec<String>> {
        let value = self.get(key)?;
        let err = |me: &mut Self, found: &str| {
            let msg = format!("`{}` must be an array of strings, found {found}", me.path(key));
            me.error(key, msg, None);
        };
        match value {
            Value::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    match item {
                        Value::String(s) => out.push(s.clone()),
                        other => {
                            err(self, &format!("an array holding {}", type_name(other)));
                            return None;
                        }
                    }
                }
                Some(out)
            }
            other => {
                err(self, type_name(other));
                None
            }
        }
    }

    fn uint(&mut self, key: &'static str, range: std::ops::RangeInclusive<u32>) -> Option<u32> {
        let value = self.get(key)?;
        let parsed = value.as_u64().and_then(|n| u32::try_from(n).ok());
        match parsed {
            Some(n) if range.contains(&n) => Some(n),
            _ => {
                let msg = format!(
                    "`{}` must be a whole number from {} to {}, found {}",
                    self.path(key),
                    range.start(),
                    range.end(),
                    value
                );
                self.error(key, msg, None);
                None
            }
        }
    }

    fn bool(&mut self, key: &'static str) -> Option<bool> {
        match self.get(key)? {
            Value::Bool(b) => Some(*b),
            other => {
                let msg = format!(
                    "`{}` must be `true` or `false`, found {}",
                    self.path(key),
                    type_name(other)
                );
                self.error(key, msg, None);
                None
            }
        }
    }

    /// One of `allowed`, else a finding that lists them.
    fn choice(&mut self, key: &'static str, allowed: &[&str]) -> Option<String> {
        let s = self.str(key)?;
        if allowed.contains(&s.as_str()) {
            Some(s)
        } else {
            let msg = format!("`{}` is `{s}`, expected one of {}", self.path(key), quoted(allowed));
            self.error(key, msg, None);
            None
        }
    }

    fn arn(&mut self, key: &'static str, kind: ArnKind) -> Option<String> {
        let s = self.str(key)?;
        match arn::parse(&s, kind) {
            Ok(_) => Some(s),
            Err(e) => {
                let mut d = Diagnostic::error("invalid-arn", self.file, self.path(key), e.0);
                d.help = Some(format!("write {}", kind.describe()));
                self.diags.push(d);
                None
            }
        }
    }

    fn finish(self) {
        let mut unknown: Vec<&String> = self.obj.keys().filter(|k| !self.known.contains(&k.as_str())).collect();
        unknown.sort();
        for k in unknown {
            let mut known = self.known.clone();
            known.sort();
            known.dedup();
            let d = Diagnostic::error(
                "unknown-key",
                self.file,
                format!("{}.{k}", self.key),
                format!("unknown key `{k}` in `{}`", self.key),
            )
            .with_help(format!("the keys here are {}", quoted(&known)));
            self.diags.push(d);
        }
    }
}

pub fn quoted(items: &[&str]) -> String {
    items.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
}

fn expect_table<'a>(
    value: &'a Value,
    key: &str,
    file: &Path,
    diags: &mut Diagnostics,
) -> Option<&'a Map<String, Value>> {
    match value {
        Value::Object(m) => Some(m),
        other => {
            diags.push(Diagnostic::error(
                "invalid-value",
                file,
                key,
                format!("`{key}` must be a table, found {}", type_name(other)),
            ));
            None
        }
    }
}

/// `[workspace.metadata.trigger]` from the workspace metadata JSON (the whole
/// `workspace.metadata` value; absent keys give the defaults).
pub fn parse_workspace(metadata: &Value, file: &Path, diags: &mut Diagnostics) -> WorkspaceMeta {
    let mut out = WorkspaceMeta::default();
    let Some(trigger) = metadata.get("trigger") else {
        return out;
    };
    let Some(obj) = expect_table(trigger, "workspace.metadata.trigger", file, diags) else {
        return out;
    };
    let mut r = Reader::new(obj, "workspace.metadata.trigger", file, diags);
    if let Some(dir) = r.str("dir") {
        if dir.is_empty() || Path::new(&dir).is_absolute() || dir.split(['/', '\\']).any(|c| c == "..") {
            r.error(
                "dir",
                format!("`workspace.metadata.trigger.dir` is `{dir}`: it must be a relative path inside the workspace"),
                Some("write e.g. `dir = \"triggers\"`".into()),
            );
        } else {
            out.dir = dir;
        }
    }
    let resources = r.get("resources");
    r.finish();
    if let Some(resources) = resources
        && let Some(map) = expect_table(resources, "workspace.metadata.trigger.resources", file, diags)
    {
        for (name, value) in map {
            let key = format!("workspace.metadata.trigger.resources.{name}");
            if !is_resource_name(name) {
                diags.push(
                    Diagnostic::error(
                        "invalid-name",
                        file,
                        &key,
                        format!("`{name}` is not a valid resource name"),
                    )
                    .with_help("resource names start with a letter and use letters, digits, `-` and `_`"),
                );
                continue;
            }
            let Some(obj) = expect_table(value, &key, file, diags) else {
                continue;
            };
            if let Some(res) = parse_resource(name, obj, &key, file, diags) {
                out.resources.insert(name.clone(), res);
            }
        }
    }
    out
}

fn parse_resource(
    name: &str,
    obj: &Map<String, Value>,
    key: &str,
    file: &Path,
    diags: &mut Diagnostics,
) -> Option<Resource> {
    let mut r = Reader::new(obj, key, file, diags);
    let kinds: Vec<&str> = ResourceKind::ALL.iter().map(|k| k.as_str()).collect();
    let kind = r
        .required_str("type", &format!("write `type = ` one of {}", quoted(&kinds)))
        .and_then(|t| match ResourceKind::parse(&t) {
            Some(k) => Some(k),
            None => {
                let msg = format!("`{key}.type` is `{t}`, expected one of {}", quoted(&kinds));
                r.error("type", msg, None);
                None
            }
        });
    let Some(kind) = kind else {
        r.finish();
        return None;
    };
    let mut res = Resource::new(name, kind);
    res.physical_name = r.str("name");
    if let Some(n) = &res.physical_name {
        let (ok, what) = match kind {
            ResourceKind::S3Bucket => (
                arn::is_bucket_name(n),
                "a bucket name (3-63 lowercase letters, digits, `-`, `.`)",
            ),
            ResourceKind::DynamodbTable => (
                arn::is_table_name(n),
                "a table name (3-255 letters, digits, `_`, `-`, `.`)",
            ),
            ResourceKind::KinesisStream => (
                arn::is_stream_name(n),
                "a stream name (1-128 letters, digits, `_`, `-`, `.`)",
            ),
            ResourceKind::CognitoUserPool => (
                !n.is_empty() && n.len() <= 128 && !n.chars().any(char::is_control),
                "a pool name (1-128 characters)",
            ),
        };
        if !ok {
            let msg = format!("`{key}.name` is `{n}`, which is not {what}");
            r.error("name", msg, None);
        }
    }
    res.arn = r.arn("arn", kind.arn_kind());
    if res.arn.is_some() && res.physical_name.is_some() {
        let msg = format!("`{key}` has both `name` and `arn`");
        r.error(
            "arn",
            msg,
            Some("an existing resource is named by its ARN alone; remove `name`".into()),
        );
    }
    match kind {
        ResourceKind::DynamodbTable => {
            res.stream_view = r.choice("stream-view", STREAM_VIEWS);
            res.partition_key = r.str("partition-key");
            res.partition_key_type = r.choice("partition-key-type", KEY_TYPES);
            res.sort_key = r.str("sort-key");
            res.sort_key_type = r.choice("sort-key-type", KEY_TYPES);
        }
        ResourceKind::KinesisStream => {
            res.shard_count = r.uint("shard-count", 1..=10_000);
        }
        ResourceKind::CognitoUserPool => {
            res.kms_key_arn = r.arn("kms-key-arn", ArnKind::KmsKey);
        }
        ResourceKind::S3Bucket => {}
    }
    r.finish();
    Some(res)
}

/// `[package.metadata.trigger]` of a package, from its metadata JSON (the
/// whole `package.metadata` value). `None` when the table is absent or too
/// broken to say what the crate is.
pub fn parse_trigger(metadata: &Value, file: &Path, diags: &mut Diagnostics) -> Option<TriggerMeta> {
    let trigger = metadata.get("trigger")?;
    let obj = expect_table(trigger, "package.metadata.trigger", file, diags)?;
    let key = "package.metadata.trigger";
    let mut r = Reader::new(obj, key, file, diags);
    let source = r
        .required_str("source", &format!("write `source = ` one of {}", Source::names()))
        .and_then(|s| match Source::parse(&s) {
            Some(src) => Some(src),
            None => {
                let msg = format!("`{key}.source` is `{s}`, expected one of {}", Source::names());
                r.error("source", msg, None);
                None
            }
        });
    let event_text = r.str("event");
    let token_text = r.str("token-version");
    let modules = r.list("modules").unwrap_or_default();
    let bindings_value = r.get("bindings");
    let permissions_value = r.get("permissions");
    let Some(source) = source else {
        r.finish();
        return None;
    };
    let mut event = None;
    let mut token_version = None;
    if source == Source::Cognito {
        match event_text.as_deref() {
            None => {
                if !obj.contains_key("event") {
                    let msg = format!("`{key}.event` is missing: a Cognito trigger crate handles one event");
                    r.error(
                        "event",
                        msg,
                        Some(format!("write `event = ` one of {}", CognitoEvent::names())),
                    );
                }
            }
            Some(e) => match CognitoEvent::parse(e) {
                Some(ev) => event = Some(ev),
                None => {
                    let msg = format!("`{key}.event` is `{e}`, expected one of {}", CognitoEvent::names());
                    r.error("event", msg, None);
                }
            },
        }
        if let Some(t) = token_text {
            match TokenVersion::parse(&t) {
                Some(v) if event == Some(CognitoEvent::PreTokenGeneration) => token_version = Some(v),
                Some(_) => {
                    let msg = format!("`{key}.token-version` only applies to `pre-token-generation`");
                    r.error("token-version", msg, Some("remove `token-version`".into()));
                }
                None => {
                    let msg = format!("`{key}.token-version` is `{t}`, expected `v1` or `v2`");
                    r.error("token-version", msg, None);
                }
            }
        }
    } else {
        for (k, present) in [
            ("event", event_text.is_some()),
            ("token-version", token_text.is_some()),
            ("modules", !modules.is_empty()),
        ] {
            if present {
                let msg = format!("`{key}.{k}` only applies to Cognito triggers; this crate's source is `{source}`");
                r.error(k, msg, Some(format!("remove `{k}`")));
            }
        }
    }
    for (i, m) in modules.iter().enumerate() {
        if !is_module_name(m) {
            let msg = format!("`{key}.modules[{i}]` is `{m}`, which is not a module name");
            r.error(
                "modules",
                msg,
                Some("module names are lowercase words joined by `-`".into()),
            );
        }
    }
    r.finish();

    let mut bindings = Vec::new();
    if let Some(value) = bindings_value {
        let bkey = format!("{key}.bindings");
        match value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let ikey = format!("{bkey}[{i}]");
                    if let Some(obj) = expect_table(item, &ikey, file, diags)
                        && let Some(b) = parse_binding(source, obj, &ikey, file, diags)
                    {
                        bindings.push(b);
                    }
                }
            }
            other => diags.push(
                Diagnostic::error(
                    "invalid-value",
                    file,
                    &bkey,
                    format!("`{bkey}` must be an array of tables, found {}", type_name(other)),
                )
                .with_help("write each binding as `[[package.metadata.trigger.bindings]]`"),
            ),
        }
    }
    let mut permissions = Vec::new();
    if let Some(value) = permissions_value {
        let pkey = format!("{key}.permissions");
        match value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let ikey = format!("{pkey}[{i}]");
                    if let Some(obj) = expect_table(item, &ikey, file, diags)
                        && let Some(g) = parse_grant(obj, &ikey, file, diags)
                    {
                        permissions.push(g);
                    }
                }
            }
            other => diags.push(
                Diagnostic::error(
                    "invalid-value",
                    file,
                    &pkey,
                    format!("`{pkey}` must be an array of tables, found {}", type_name(other)),
                )
                .with_help("write each grant as `[[package.metadata.trigger.permissions]]`"),
            ),
        }
    }
    Some(TriggerMeta {
        source,
        event,
        token_version,
        modules,
        bindings,
        permissions,
    })
}

pub fn is_module_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.as_bytes()[0].is_ascii_lowercase()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// Checks on an S3 key filter value (prefix or suffix).
pub fn check_s3_filter(value: &str) -> Result<(), String> {
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

fn parse_binding(
    source: Source,
    obj: &Map<String, Value>,
    key: &str,
    file: &Path,
    diags: &mut Diagnostics,
) -> Option<Binding> {
    let mut r = Reader::new(obj, key, file, diags);
    // Which target key does it use?
    let target_keys = ["user-pool", "bucket", "table", "stream", "arn"];
    let present: Vec<&str> = target_keys.iter().copied().filter(|k| obj.contains_key(*k)).collect();
    let expected = source.binding_key();
    let mut target = None;
    match present.as_slice() {
        [] => {
            let msg = format!("`{key}` names no target");
            r.error(
                expected,
                msg,
                Some(format!("write `{expected} = \"RESOURCE\"` or `arn = \"…\"`")),
            );
        }
        [one] if *one == "arn" => {
            target = r.arn("arn", source.arn_kind()).map(Target::Arn);
        }
        [one] if *one == expected => {
            if let Some(name) = r.str(expected) {
                target = Some(Target::Resource(name));
            }
        }
        [one] => {
            r.known.push(one);
            let d = Diagnostic::error(
                "binding-source-mismatch",
                file,
                format!("{key}.{one}"),
                format!("a `{one}` binding in a crate whose source is `{source}`"),
            )
            .with_help(format!("a `{source}` crate binds with `{expected} = …` or `arn = …`"));
            r.diags.push(d);
        }
        many => {
            for k in many {
                r.known.push(k);
            }
            let msg = format!("`{key}` names more than one target ({})", quoted(many));
            r.error(many[0], msg, Some("write one binding per target".into()));
        }
    }
    let spec = match source {
        Source::Cognito => BindingSpec::UserPool,
        Source::S3 => {
            let events = r.list("events");
            let events = match events {
                Some(list) if list.is_empty() => {
                    let msg = format!("`{key}.events` is empty");
                    r.error("events", msg, Some(format!("e.g. `events = {:?}`", S3_DEFAULT_EVENTS)));
                    list
                }
                Some(list) => {
                    for e in &list {
                        if !S3_EVENTS.contains(&e.as_str()) {
                            let msg = format!("`{key}.events` has `{e}`, which is not an S3 event type");
                            r.error(
                                "events",
                                msg,
                                Some("e.g. `s3:ObjectCreated:*`, `s3:ObjectRemoved:Delete`".into()),
                            );
                        }
                    }
                    list
                }
                None => S3_DEFAULT_EVENTS.iter().map(|s| s.to_string()).collect(),
            };
            let filter = |r: &mut Reader<'_, '_>, k: &'static str| {
                let v = r.str(k)?;
                match check_s3_filter(&v) {
                    Ok(()) => Some(v),
                    Err(why) => {
                        let msg = format!("`{key}.{k}` is not a valid key filter: {why}");
                        r.error(k, msg, None);
                        None
                    }
                }
            };
            let prefix = filter(&mut r, "prefix");
            let suffix = filter(&mut r, "suffix");
            BindingSpec::Bucket { events, prefix, suffix }
        }
        Source::Dynamodb | Source::Kinesis => {
            let d = StreamSettings::default();
            BindingSpec::Stream(StreamSettings {
                starting_position: r
                    .choice("starting-position", STARTING_POSITIONS)
                    .unwrap_or(d.starting_position),
                batch_size: r.uint("batch-size", 1..=BATCH_SIZE_MAX).unwrap_or(d.batch_size),
                batching_window_seconds: r
                    .uint("batching-window-seconds", 0..=BATCHING_WINDOW_MAX)
                    .unwrap_or(d.batching_window_seconds),
                report_batch_item_failures: r
                    .bool("report-batch-item-failures")
                    .unwrap_or(d.report_batch_item_failures),
            })
        }
    };
    r.finish();
    Some(Binding { target: target?, spec })
}

fn parse_grant(obj: &Map<String, Value>, key: &str, file: &Path, diags: &mut Diagnostics) -> Option<Grant> {
    let mut r = Reader::new(obj, key, file, diags);
    let resource = r.str("resource");
    let access = r.str("access").and_then(|a| match Access::parse(&a) {
        Some(x) => Some(x),
        None => {
            let msg = format!("`{key}.access` is `{a}`, expected `read`, `write` or `read-write`");
            r.error("access", msg, None);
            None
        }
    });
    let actions = r.list("actions").unwrap_or_default();
    let arn = r.arn("arn", ArnKind::Any);
    match (&resource, &arn) {
        (Some(_), None) if access.is_none() && !obj.contains_key("access") => {
            let msg = format!("`{key}` grants access to a resource without saying which");
            r.error(
                "access",
                msg,
                Some("write `access = \"read\"`, `\"write\"` or `\"read-write\"`".into()),
            );
        }
        (None, Some(_)) if actions.is_empty() && !obj.contains_key("actions") => {
            let msg = format!("`{key}` names an ARN but no actions");
            r.error("actions", msg, Some("write `actions = [\"service:Action\"]`".into()));
        }
        (None, None) if !obj.contains_key("arn") => {
            let msg = format!("`{key}` names neither a resource nor an ARN");
            r.error(
                "resource",
                msg,
                Some("write `resource = \"NAME\"` with `access`, or `arn` with `actions`".into()),
            );
        }
        (Some(_), Some(_)) => {
            let msg = format!("`{key}` names both a resource and an ARN");
            r.error("arn", msg, Some("write one grant for each".into()));
        }
        _ => {}
    }
    r.finish();
    Some(Grant {
        resource,
        access,
        actions,
        arn,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: Value) -> (Option<TriggerMeta>, Vec<Diagnostic>) {
        let mut d = Diagnostics::default();
        let t = parse_trigger(&v, Path::new("Cargo.toml"), &mut d);
        (t, d.into_items())
    }

    #[test]
    fn reads_the_spec_example() {
        let (t, d) = parse(json!({"trigger": {
            "source": "cognito", "event": "pre-sign-up", "modules": ["email-deny-list", "custom"],
            "bindings": [{"user-pool": "users"}]
        }}));
        assert!(d.is_empty(), "{d:?}");
        let t = t.unwrap();
        assert_eq!(t.event, Some(CognitoEvent::PreSignUp));
        assert_eq!(t.modules, ["email-deny-list", "custom"]);
        assert_eq!(t.bindings[0].target, Target::Resource("users".into()));
    }

    #[test]
    fn reports_every_problem_with_its_key() {
        let (_, d) = parse(json!({"trigger": {
            "source": "dynamodb", "colour": "red",
            "bindings": [{"table": "todos", "batch-size": 0, "starting-position": "EARLY"}, {"bucket": "x"}]
        }}));
        let keys: Vec<&str> = d.iter().map(|d| d.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "package.metadata.trigger.colour",
                "package.metadata.trigger.bindings[0].starting-position",
                "package.metadata.trigger.bindings[0].batch-size",
                "package.metadata.trigger.bindings[1].bucket",
            ]
        );
    }

    #[test]
    fn unknown_source_is_an_error() {
        let (t, d) = parse(json!({"trigger": {"source": "ftp"}}));
        assert!(t.is_none());
        assert!(d[0].message.contains("`ftp`"));
    }
}
