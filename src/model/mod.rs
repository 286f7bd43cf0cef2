//! The typed model: sources, bindings, resources and grants as the metadata
//! schema describes them. No I/O, no clap, no toml_edit: values are checked
//! where they enter (the metadata reader, the flags, the prompts) and carried
//! typed from there.

pub mod arn;
pub mod cfn;
pub mod cognito;
pub mod keys;
pub mod names;
pub mod suggest;
pub mod version;

use std::fmt;

use serde::Serialize;

use self::arn::Arn;
pub use self::cognito::{CognitoEvent, TokenVersion};
pub use self::keys::{FieldValue, KeyDefault, KeyKind, KeySpec, Settings, quoted, quoted_or};

pub const DEFAULT_TRIGGER_DIR: &str = "triggers";

/// The event family a trigger crate handles: the one enum that names the
/// sources. What the tool knows about each is in `crate::sources`.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Source {
    Cognito,
    S3,
    Dynamodb,
    Kinesis,
    Sqs,
    Sns,
    Eventbridge,
}

impl Source {
    pub const ALL: &'static [Source] = <Source as strum::VariantArray>::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Source> {
        s.parse().ok()
    }

    /// `` `cognito`, `s3`, … ``
    pub fn names() -> String {
        let names: Vec<&str> = Source::ALL.iter().map(|s| s.as_str()).collect();
        quoted(&names)
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `[workspace.metadata.trigger.resources.NAME] type = …`: each source owns
/// one kind of resource (a bucket, a table, …), named by its spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceKind(pub Source);

impl ResourceKind {
    /// The source whose bindings name resources of this kind.
    pub fn source(self) -> Source {
        self.0
    }
}

/// What a binding points at.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// A resource declared in the workspace, by name.
    Resource(String),
    /// An existing resource, by ARN.
    Arn(Arn),
    /// The source's own default, where its target is optional (a rule on
    /// the account's default event bus): no resource is named.
    Default,
}

impl Target {
    pub fn label(&self) -> &str {
        match self {
            Target::Resource(n) => n,
            Target::Arn(a) => a.as_str(),
            Target::Default => "default",
        }
    }

    pub fn resource_name(&self) -> Option<&str> {
        match self {
            Target::Resource(n) => Some(n),
            Target::Arn(_) | Target::Default => None,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One association of a trigger crate with an event-source instance: its
/// target and the values of its source's binding keys.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Binding {
    pub target: Target,
    pub settings: Settings,
}

impl Binding {
    /// The keys and values to write: the target (under `target_key`, or
    /// `arn`), then the settings in their specs' order.
    pub fn fields(&self, target_key: &'static str) -> Vec<(&'static str, FieldValue)> {
        let mut out = match &self.target {
            Target::Resource(n) => vec![(target_key, FieldValue::Str(n.clone()))],
            Target::Arn(a) => vec![("arn", FieldValue::Str(a.to_string()))],
            Target::Default => Vec::new(),
        };
        out.extend(self.settings.iter().map(|(k, v)| (k, v.clone())));
        out
    }
}

/// A named event-source instance declared once in the workspace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    /// The key under `[workspace.metadata.trigger.resources]`.
    pub name: String,
    pub kind: ResourceKind,
    /// Physical name (bucket, table, stream or pool name).
    pub physical_name: Option<String>,
    /// An existing resource: referenced, never created.
    pub arn: Option<Arn>,
    /// The values of the kind's own keys (`stream-view`, `shard-count`, …).
    pub settings: Settings,
}

impl Resource {
    pub fn new(name: impl Into<String>, kind: ResourceKind) -> Self {
        Resource {
            name: name.into(),
            kind,
            physical_name: None,
            arn: None,
            settings: Settings::new(),
        }
    }

    pub fn is_existing(&self) -> bool {
        self.arn.is_some()
    }

    /// The keys and values to write, in schema order (`type` first).
    pub fn fields(&self, kind_name: &str) -> Vec<(&'static str, FieldValue)> {
        let mut out = vec![("type", FieldValue::Str(kind_name.to_string()))];
        if let Some(n) = &self.physical_name {
            out.push(("name", FieldValue::Str(n.clone())));
        }
        if let Some(a) = &self.arn {
            out.push(("arn", FieldValue::Str(a.to_string())));
        }
        out.extend(self.settings.iter().map(|(k, v)| (k, v.clone())));
        out
    }
}

/// `[[package.metadata.trigger.permissions]]`: extra access for a function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// A declared resource, with `access`: one of its kind's access levels
    /// (`read`, `write`, `read-write`, `send`, …).
    pub resource: Option<String>,
    pub access: Option<String>,
    /// Or explicit actions on an ARN.
    pub actions: Vec<String>,
    pub arn: Option<Arn>,
}

impl Grant {
    pub fn fields(&self) -> Vec<(&'static str, FieldValue)> {
        let mut out = Vec::new();
        if let Some(r) = &self.resource {
            out.push(("resource", FieldValue::Str(r.clone())));
        }
        if let Some(a) = &self.access {
            out.push(("access", FieldValue::Str(a.clone())));
        }
        if !self.actions.is_empty() {
            out.push(("actions", FieldValue::List(self.actions.clone())));
        }
        if let Some(a) = &self.arn {
            out.push(("arn", FieldValue::Str(a.to_string())));
        }
        out
    }
}

/// `service:Action`, with `*` allowed in the action name.
pub fn check_action(a: &str) -> Result<(), String> {
    let Some((service, action)) = a.split_once(':') else {
        return Err(format!("`{a}` is not `service:Action`"));
    };
    let service_ok = !service.is_empty()
        && service
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let action_ok = !action.is_empty() && action.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'*');
    if service_ok && action_ok {
        Ok(())
    } else {
        Err(format!("`{a}` is not `service:Action`"))
    }
}
