//! What a source's export hooks work with: the template being built
//! ([`ExportCx`]), the function being exported ([`FunctionCx`]) and where a
//! bound resource is ([`Place`]). The export operation itself is
//! `ops::export`.

use std::any::{Any, TypeId};
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::model::arn::Arn;
use crate::model::cfn::{self, Expr, Statement, get_att, ref_};
use crate::model::names::pascal;
use crate::model::{Binding, Resource, Target};
use crate::workspace::{Member, TriggerMeta, Workspace};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TemplateFormat {
    /// `AWS::Serverless::Function` built by `sam build` (`rust-cargolambda`).
    #[default]
    Sam,
    /// Plain CloudFormation: `AWS::Lambda::Function` from zips in S3.
    Cloudformation,
}

/// `photos-s3` → `PhotosS3`, a CloudFormation logical id fragment.
pub fn logical(name: &str) -> String {
    pascal(name)
}

/// Logical id of a managed resource (`PhotosBucket`).
/// `PhotosS3TriggerFailureQueue`: the logical id of crate `name`'s failure
/// queue (see [`FunctionCx::failure_queue`]).
pub fn failure_queue_id(name: &str) -> String {
    format!("{}FailureQueue", logical(name))
}

pub fn resource_id(r: &Resource) -> String {
    format!("{}{}", logical(&r.name), r.kind.spec().logical_suffix)
}

/// The environment variable a grant gives the function (`TODOS_TABLE_NAME`).
pub fn grant_env_name(r: &Resource) -> String {
    format!(
        "{}_{}",
        crate::model::names::snake(&r.name).to_uppercase(),
        r.kind.spec().env_suffix
    )
}

/// Where a bound resource is, for templates.
#[derive(Clone, Copy)]
pub struct Place<'a> {
    pub resource: Option<&'a Resource>,
    pub target: &'a Target,
}

impl<'a> Place<'a> {
    pub fn of(ws: &'a Workspace, target: &'a Target) -> Place<'a> {
        Place {
            resource: target.resource_name().and_then(|n| ws.resource(n)),
            target,
        }
    }

    /// Declared and created by the template.
    pub fn managed(&self) -> Option<&'a Resource> {
        self.resource.filter(|r| r.arn.is_none())
    }

    /// An existing resource's ARN.
    pub fn arn(&self) -> Option<&'a Arn> {
        match self.target {
            Target::Arn(a) => Some(a),
            _ => self.resource.and_then(|r| r.arn.as_ref()),
        }
    }

    /// For a managed resource, `managed(id)`; for an existing one, its
    /// ARN's literal; else the target's label (a workspace with errors,
    /// which export refuses before it gets here).
    pub fn pick(&self, managed: impl FnOnce(&Resource, String) -> Expr, existing: impl FnOnce(&Arn) -> Expr) -> Expr {
        match (self.managed(), self.arn()) {
            (Some(r), _) => managed(r, resource_id(r)),
            (None, Some(a)) => existing(a),
            (None, None) => Expr::lit(self.target.label()),
        }
    }
}

/// A resource's name for a function's environment: `Ref` of a managed one
/// (its physical name), the name in an existing one's ARN.
pub fn name_expr(p: &Place<'_>) -> Expr {
    p.pick(|_, id| ref_(&id), |a| Expr::lit(a.resource_name()))
}

/// The ARN itself, or `GetAtt Arn` of a managed resource.
pub fn arn_or_att(p: &Place<'_>, attr: &str) -> Expr {
    p.pick(|_, id| get_att(&id, attr), |a| Expr::lit(a.as_str()))
}

/// How a grant on a resource is exported.
pub struct GrantExport {
    pub resources: Vec<Expr>,
    /// The value of the grant's environment variable.
    pub name: Expr,
    /// The statement goes in a separate policy, and the variable is left
    /// out, because the resource points back at the function; the warning
    /// says so.
    pub late: Option<String>,
}

/// The template being built.
pub struct ExportCx<'a> {
    pub ws: &'a Workspace,
    pub format: TemplateFormat,
    /// The folder the template is written to (`CodeUri`s are relative to it).
    pub template_dir: PathBuf,
    pub template: cfn::Template,
    pub warnings: Vec<String>,
    /// Properties to merge into managed resources, by logical id.
    patches: BTreeMap<String, Map<String, Value>>,
    depends: BTreeMap<String, Vec<String>>,
    state: HashMap<TypeId, Box<dyn Any>>,
}

impl<'a> ExportCx<'a> {
    pub fn new(ws: &'a Workspace, format: TemplateFormat, template_dir: &Path) -> Self {
        ExportCx {
            ws,
            format,
            template_dir: template_dir.to_path_buf(),
            template: cfn::Template::default(),
            warnings: Vec::new(),
            patches: BTreeMap::new(),
            depends: BTreeMap::new(),
            state: HashMap::new(),
        }
    }

    pub fn sam(&self) -> bool {
        self.format == TemplateFormat::Sam
    }

    pub fn place(&self, target: &'a Target) -> Place<'a> {
        Place::of(self.ws, target)
    }

    pub fn warn(&mut self, w: impl Into<String>) {
        self.warnings.push(w.into());
    }

    pub fn add(&mut self, id: impl Into<String>, r: cfn::Resource) {
        self.template.add(id, r);
    }

    /// Merge `props` into managed resource `id`'s properties when it is
    /// exported: objects merge, arrays append.
    pub fn patch(&mut self, id: &str, props: Value) {
        let entry = self.patches.entry(id.to_string()).or_default();
        if let Value::Object(m) = props {
            merge(entry, m);
        }
    }

    /// Managed resource `id` waits for `on` (S3 checks a notification's
    /// permission when the configuration is set).
    pub fn depend(&mut self, id: &str, on: String) {
        self.depends.entry(id.to_string()).or_default().push(on);
    }

    /// Apply what bindings asked of resource `id`.
    pub fn apply_patches(&mut self, id: &str, r: &mut cfn::Resource) {
        if let Some(p) = self.patches.remove(id) {
            merge(&mut r.properties, p);
        }
        if let Some(d) = self.depends.remove(id) {
            r.depends_on.extend(d);
        }
    }

    /// A source's own state for this export (computed once).
    pub fn state<T: Default + 'static>(&mut self) -> &mut T {
        self.state
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Box::new(T::default()))
            .downcast_mut()
            .expect("keyed by type")
    }
}

fn merge(into: &mut Map<String, Value>, from: Map<String, Value>) {
    for (k, v) in from {
        match (into.get_mut(&k), v) {
            (Some(Value::Object(a)), Value::Object(b)) => merge(a, b),
            (Some(Value::Array(a)), Value::Array(b)) => a.extend(b),
            (_, v) => {
                into.insert(k, v);
            }
        }
    }
}

/// The function being exported.
pub struct FunctionCx<'a> {
    pub member: &'a Member,
    pub trigger: &'a TriggerMeta,
    /// `PhotosS3TriggerFunction`
    pub id: String,
    pub statements: Vec<Statement>,
    /// Statements naming a resource that points back at the function: they
    /// live in a separate `AWS::IAM::Policy`, so there is no cycle.
    pub late_statements: Vec<Statement>,
    pub env: Map<String, Value>,
    /// SAM events of the function.
    pub events: Map<String, Value>,
    /// A binding's service invokes the function asynchronously (S3, SNS,
    /// EventBridge): the export gives it an `EventInvokeConfig` with an
    /// on-failure destination.
    pub asynchronous: bool,
    /// SAM's `EventInvokeConfig` of the function, when it has one.
    pub invoke_config: Option<Value>,
    /// EventBridge rules whose target's dead-letter queue is the failure
    /// queue: the queue's policy lets exactly them send.
    pub dead_letter_rules: Vec<Expr>,
    failure_queue: bool,
}

/// Days a queue keeps what failed: SQS's most, 14.
pub const FAILURE_RETENTION_SECONDS: i64 = 1_209_600;

/// Metadata for a queue that is itself where failures end (a dead-letter
/// queue, a failure destination): AWS's Serverless Rule ES6000 (SQS queues
/// should have a redrive policy) is deliberately unmet, since redriving the
/// last stop would lose what it keeps.
pub fn terminal_queue_metadata() -> Value {
    json!({"cfn-lint": {"config": {"ignore_checks": ["ES6000"]}}})
}

impl<'a> FunctionCx<'a> {
    pub fn new(member: &'a Member, trigger: &'a TriggerMeta) -> Self {
        let lambda = member.lambda.clone().unwrap_or_default();
        FunctionCx {
            member,
            trigger,
            id: format!("{}Function", logical(&member.name)),
            statements: Vec::new(),
            late_statements: Vec::new(),
            env: lambda.env.iter().map(|(k, v)| (k.clone(), json!(v))).collect(),
            events: Map::new(),
            asynchronous: false,
            invoke_config: None,
            dead_letter_rules: Vec::new(),
            failure_queue: false,
        }
    }

    /// The ARN of the function's failure queue: a managed, encrypted SQS
    /// queue (`PhotosS3TriggerFailureQueue`) that keeps the stream records
    /// and asynchronous events the function failed on, once their retries
    /// are spent. Declared on first use, with `sqs:SendMessage` on exactly
    /// it for the function's role (Lambda sends with that role).
    pub fn failure_queue(&mut self, cx: &mut ExportCx<'_>) -> Expr {
        let id = self.failure_queue_id();
        if !self.failure_queue {
            self.failure_queue = true;
            let mut q = cfn::Resource::with_properties(
                "AWS::SQS::Queue",
                json!({"MessageRetentionPeriod": FAILURE_RETENTION_SECONDS, "SqsManagedSseEnabled": true}),
            );
            q.metadata = Some(terminal_queue_metadata());
            cx.add(id.clone(), q);
            cx.template.output(
                id.clone(),
                ref_(&id),
                format!("What `{}` failed on (its failure destination)", self.member.name),
            );
            self.allow(&["sqs:SendMessage"], vec![get_att(&id, "Arn")]);
        }
        get_att(&id, "Arn")
    }

    /// The `DeadLetterConfig` of rule `rule_id`'s target (the function):
    /// events EventBridge could not deliver go to the failure queue, which
    /// lets that rule send (SAM names an event's rule `<function id><event>`).
    pub fn rule_dead_letter(&mut self, cx: &mut ExportCx<'_>, rule_id: &str) -> Value {
        let queue = self.failure_queue(cx);
        self.dead_letter_rules.push(get_att(rule_id, "Arn"));
        json!({"Arn": queue})
    }

    /// The logical id of the function's failure queue.
    pub fn failure_queue_id(&self) -> String {
        failure_queue_id(&self.member.name)
    }

    /// `PhotosS3Trigger`
    pub fn logical(&self) -> String {
        logical(&self.member.name)
    }

    pub fn arn(&self) -> Expr {
        get_att(&self.id, "Arn")
    }

    /// The name of a binding's event (`Photos0`), unique in the function.
    pub fn event_name(&self, b: &Binding, index: usize) -> String {
        format!(
            "{}{index}",
            logical(b.target.label().rsplit(['/', ':']).next().unwrap_or("Target"))
        )
    }

    /// Does the function have a binding to declared resource `name`?
    pub fn is_bound_to(&self, name: &str) -> bool {
        self.trigger
            .bindings
            .iter()
            .any(|b| b.target.resource_name() == Some(name))
    }

    /// `lambda:InvokeFunction` for `principal` from `source_arn`.
    pub fn permission(&self, principal: &str, source_arn: Expr, same_account: bool) -> cfn::Resource {
        let mut p = cfn::Resource::with_properties(
            "AWS::Lambda::Permission",
            json!({
                "Action": "lambda:InvokeFunction",
                "FunctionName": self.arn(),
                "Principal": principal,
                "SourceArn": source_arn,
            }),
        );
        if same_account {
            p.prop("SourceAccount", cfn::sub("${AWS::AccountId}"));
        }
        p
    }

    /// A statement for the function's role.
    pub fn allow(&mut self, actions: &[&str], resources: Vec<Expr>) {
        self.statements.push(Statement::allow(actions, resources));
    }
}

/// Path from the template's folder to `to`, with `/`.
pub fn relative(from_dir: &Path, to: &Path) -> String {
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
