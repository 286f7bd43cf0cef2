//! What the tool knows about each event source, one file (or folder) per
//! source behind one trait, [`SourceSpec`]. The generic code — reading the
//! metadata, the flags of `new`/`wire`, the questions, `list`, `check`,
//! `export`, `event` — asks the spec and never matches on the source: the
//! only `match` over [`Source`] is [`Source::spec`].
//!
//! Adding a source is a file here, a variant of [`Source`] and a folder in
//! `scaffolds/` (see `docs/architecture.md`).

pub mod asynchronous;
pub mod binding;
pub mod cognito;
pub mod destination;
pub mod draft;
pub mod dynamodb;
pub mod eventbridge;
pub mod export;
pub mod kinesis;
pub mod mapping;
pub mod rules;
pub mod s3;
pub mod sample;
pub mod sns;
pub mod sqs;
pub mod stream;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde_json::{Map, Value};

use self::draft::Planned;
use crate::diagnostics::Diagnostic;
use crate::errors::CargoResult;
use crate::model::arn::ArnKind;
use crate::model::{Binding, KeySpec, Resource, ResourceKind, Source};
use crate::scaffold::{CrateScaffold, SampleSpec};
use crate::workspace::Workspace;

pub use self::binding::{BindingRequest, Resolved};
pub use self::cognito::{CognitoEvent, TokenVersion};
use self::export::{ExportCx, FunctionCx, Place};
use self::sample::EventRequest;

impl Source {
    /// What the tool knows about this source.
    pub fn spec(self) -> &'static dyn SourceSpec {
        match self {
            Source::Cognito => &cognito::Cognito,
            Source::S3 => &s3::S3,
            Source::Dynamodb => &dynamodb::Dynamodb,
            Source::Kinesis => &kinesis::Kinesis,
            Source::Sqs => &sqs::Sqs,
            Source::Sns => &sns::Sns,
            Source::Eventbridge => &eventbridge::Eventbridge,
        }
    }

    /// The kind of resource this source's bindings name.
    pub fn resource_kind(self) -> ResourceKind {
        ResourceKind(self)
    }

    /// What an `arn = …` binding of this source must name.
    pub fn arn_kind(self) -> ArnKind {
        self.spec().resource().arn
    }

    /// The binding key that names a declared resource (`bucket`).
    pub fn binding_key(self) -> &'static str {
        self.spec().target().key
    }
}

impl ResourceKind {
    pub fn all() -> impl Iterator<Item = ResourceKind> {
        Source::ALL.iter().map(|s| ResourceKind(*s))
    }

    pub fn spec(self) -> &'static ResourceInfo {
        self.0.spec().resource()
    }

    /// `s3-bucket`
    pub fn as_str(self) -> &'static str {
        self.spec().kind
    }

    pub fn parse(s: &str) -> Option<ResourceKind> {
        ResourceKind::all().find(|k| k.as_str() == s)
    }

    pub fn arn_kind(self) -> ArnKind {
        self.spec().arn
    }

    /// `` `cognito-user-pool`, `s3-bucket`, … ``
    pub fn names() -> Vec<&'static str> {
        ResourceKind::all().map(|k| k.as_str()).collect()
    }
}

impl fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for ResourceKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// How a binding of the source names its target.
#[derive(Debug)]
pub struct TargetSpec {
    /// The binding key and flag (`bucket`, `--bucket`).
    pub key: &'static str,
    /// The flag's help.
    pub help: &'static str,
    /// The interactive question (`Which bucket?`).
    pub question: &'static str,
    /// The resource `new --yes` declares when nothing is given.
    pub default_name: &'static str,
    /// A source whose target is optional says what a binding without one
    /// means ("the default event bus"): `Target::Default`.
    pub default_label: Option<&'static str>,
}

/// One kind of binding of a source whose bindings come in kinds (an
/// EventBridge binding is a schedule, or a rule on a bus): a binding is
/// exactly one of its source's forms. The questions ask which, and only
/// for its keys and (if it has one) its target.
#[derive(Debug)]
pub struct BindingForm {
    /// How the form is offered in the interactive question.
    pub label: &'static str,
    /// The key that makes a binding this kind (`schedule`): required.
    pub key: &'static str,
    /// The form's other binding keys (`timezone`, …); keys of other forms
    /// do not apply.
    pub keys: &'static [&'static str],
    /// Whether a binding of this form may name a target; one that does not
    /// has `Target::Default`.
    pub target: bool,
}

impl BindingForm {
    /// Is `key` one of this form's binding keys?
    pub fn has(&self, key: &str) -> bool {
        self.key == key || self.keys.contains(&key)
    }
}

/// A physical name's rule: the check, what it is (for metadata findings)
/// and how to write one (for flags).
#[derive(Debug)]
pub struct NameRule {
    pub check: fn(&str) -> bool,
    /// "a bucket name (3-63 lowercase letters, digits, `-`, `.`)"
    pub what: &'static str,
    /// "bucket names have 3-63 lowercase letters, digits, `-` and `.`"
    pub help: &'static str,
}

/// The kind of resource a source owns.
#[derive(Debug)]
pub struct ResourceInfo {
    /// `type = "s3-bucket"`
    pub kind: &'static str,
    pub arn: ArnKind,
    pub name: NameRule,
    /// Keys of the resource table besides `type`, `name` and `arn`.
    pub keys: &'static [KeySpec],
    /// Logical ids end in it (`PhotosBucket`).
    pub logical_suffix: &'static str,
    /// A grant names the resource in `<NAME>_<SUFFIX>` (`PHOTOS_BUCKET_NAME`).
    pub env_suffix: &'static str,
    /// What each access level of a grant allows (`read`, `write`, and any
    /// of the kind's own, e.g. `send`); `read-write` is `read` and `write`.
    pub access: &'static [(&'static str, &'static [&'static str])],
}

impl ResourceInfo {
    /// The actions of access level `name`, if the kind has it.
    pub fn grant_actions(&self, name: &str) -> Option<Vec<&'static str>> {
        let level = |n: &str| self.access.iter().find(|(l, _)| *l == n).map(|(_, a)| a.to_vec());
        match name {
            "read-write" => {
                let mut both = level("read")?;
                both.extend(
                    level("write")?
                        .into_iter()
                        .filter(|a| !both.contains(a))
                        .collect::<Vec<_>>(),
                );
                Some(both)
            }
            n => level(n),
        }
    }

    /// The access levels grants on this kind take.
    pub fn access_names(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = self.access.iter().map(|(n, _)| *n).collect();
        if self.grant_actions("read-write").is_some() {
            let at = out.iter().position(|n| *n == "write").map_or(out.len(), |i| i + 1);
            out.insert(at, "read-write");
        }
        out
    }
}

/// Every access level of any kind, in the order the kinds name them.
pub fn access_names() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for k in ResourceKind::all() {
        for n in k.spec().access_names() {
            if !out.contains(&n) {
                out.push(n);
            }
        }
    }
    out
}

/// One binding of one crate, wherever it comes from, for the rules.
#[derive(Clone, Debug)]
pub struct Site<'a> {
    pub crate_name: &'a str,
    pub source: Source,
    pub event: Option<CognitoEvent>,
    pub token_version: TokenVersion,
    pub binding: &'a Binding,
    /// The declared resource the binding names, if any.
    pub resource: Option<&'a Resource>,
    /// The function's timeout in cargo-lambda's config, if set.
    pub function_timeout: Option<u32>,
    /// The function's environment in cargo-lambda's config (none for a
    /// crate `new` is making).
    pub function_env: Option<&'a BTreeMap<String, String>>,
    pub file: PathBuf,
    pub index: usize,
    /// The binding being added (not yet in any manifest).
    pub is_new: bool,
}

impl Site<'_> {
    pub fn key(&self) -> String {
        format!("package.metadata.trigger.bindings[{}]", self.index)
    }

    /// The function's timeout as deployed: its config's, else the export's
    /// default (30 s).
    pub fn timeout(&self) -> u32 {
        self.function_timeout.unwrap_or(30)
    }
}

/// What an event source hands a function for a sample event: the event as
/// delivered (AWS filters before invoking), or `None` when it would not be
/// delivered at all; `notes` say which records were dropped and why, or
/// why nothing is delivered.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub event: Option<Value>,
    pub notes: Vec<String>,
}

impl Delivery {
    /// Everything, unchanged.
    pub fn all(event: Value) -> Delivery {
        Delivery {
            event: Some(event),
            notes: Vec::new(),
        }
    }

    /// `event` with the `Records` that `drop` finds no reason to leave out
    /// (it is given each record's position, the number of records and the
    /// record), and a note for each it does; nothing when records there were
    /// and none is left. `Err(event)` when the event has no `Records`.
    pub fn of_records(
        mut event: Value,
        mut drop: impl FnMut(usize, usize, &Value) -> Option<String>,
    ) -> Result<Delivery, Value> {
        let Some(records) = event.get("Records").and_then(Value::as_array) else {
            return Err(event);
        };
        let total = records.len();
        let mut kept = Vec::new();
        let mut notes = Vec::new();
        for (i, record) in records.iter().enumerate() {
            match drop(i, total, record) {
                None => kept.push(record.clone()),
                Some(note) => notes.push(note),
            }
        }
        if kept.is_empty() && total > 0 {
            return Ok(Delivery { event: None, notes });
        }
        event["Records"] = Value::Array(kept);
        Ok(Delivery {
            event: Some(event),
            notes,
        })
    }
}

/// The trigger-level keys besides `source` (`event`, `token-version`,
/// `modules`), as written.
#[derive(Clone, Debug, Default)]
pub struct TriggerKeys {
    pub event: Option<String>,
    pub event_present: bool,
    pub token_version: Option<String>,
    pub modules: Vec<String>,
}

/// The trigger-level keys, checked by the source.
#[derive(Clone, Debug, Default)]
pub struct TriggerFields {
    pub event: Option<CognitoEvent>,
    pub token_version: Option<TokenVersion>,
}

/// A problem with a trigger-level key: (key, message, help).
pub type KeyProblem = (&'static str, String, Option<String>);

/// A binding whose keys are each well-formed but wrong together (an SNS
/// filter policy is read by its scope), found by
/// [`SourceSpec::check_binding`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BindingProblem {
    /// The key at fault (`filter-policy`).
    pub key: &'static str,
    /// What is wrong, to follow "`KEY`: " (the flag or the Cargo.toml key).
    pub message: String,
    pub help: String,
}

/// Samples for a new crate: the event files and the values its templates
/// assert on (`samples.<file stem>.*`).
pub struct ScaffoldSamples {
    pub files: Vec<(String, String)>,
    pub vars: Map<String, Value>,
}

/// Everything the tool knows about one event source.
pub trait SourceSpec: Sync {
    fn source(&self) -> Source;

    /// How the source is shown in the interactive list of sources.
    fn label(&self) -> &'static str;

    /// Its name in prose (`DynamoDB`).
    fn display_name(&self) -> &'static str;

    /// Does a crate of this source handle one of several events (Cognito's
    /// triggers)? Then `event` is required.
    fn has_events(&self) -> bool {
        false
    }

    /// `[package.metadata.trigger]` keys besides `source` that a crate of
    /// this source gets when `wire` adopts it.
    fn adoption_fields(
        &self,
        _event: Option<CognitoEvent>,
        _version: TokenVersion,
    ) -> Vec<(&'static str, crate::model::FieldValue)> {
        Vec::new()
    }

    // ---- bindings -----------------------------------------------------------

    fn target(&self) -> &'static TargetSpec;

    /// The binding's keys besides its target, in the order they are written.
    fn binding_keys(&self) -> &'static [KeySpec] {
        &[]
    }

    /// The kinds a binding comes in, when it is exactly one of several
    /// (see [`BindingForm`]); none for most sources.
    fn forms(&self) -> &'static [BindingForm] {
        &[]
    }

    /// "`photos` on s3:ObjectCreated:*, prefix `uploads/`", for statuses.
    fn describe(&self, b: &Binding) -> String;

    /// The binding in `list`'s table: `photos[ObjectCreated:* uploads/*]`.
    fn list_label(&self, b: &Binding) -> String {
        b.target.label().to_string()
    }

    /// The trigger-level keys (`event`, …): only Cognito has them.
    fn trigger_fields(&self, keys: &TriggerKeys, table: &str) -> Result<TriggerFields, Vec<KeyProblem>> {
        let mut problems = Vec::new();
        for (k, present) in [
            ("event", keys.event.is_some()),
            ("token-version", keys.token_version.is_some()),
            ("modules", !keys.modules.is_empty()),
        ] {
            if present {
                problems.push((
                    k,
                    format!(
                        "`{table}.{k}` only applies to Cognito triggers; this crate's source is `{}`",
                        self.source()
                    ),
                    Some(format!("remove `{k}`")),
                ));
            }
        }
        if problems.is_empty() {
            Ok(TriggerFields::default())
        } else {
            Err(problems)
        }
    }

    /// Checks of one binding's values together, beyond what each key's own
    /// kind checks (an SNS filter policy is valid or not by its scope).
    /// Binding flags, the questions and the metadata reader all run it.
    fn check_binding(&self, _settings: &crate::model::Settings) -> Result<(), BindingProblem> {
        Ok(())
    }

    /// The rules AWS enforces among the bindings of one physical target
    /// (all of this source), in the order they were declared. Findings name
    /// the later binding of a conflicting pair.
    fn rules(&self, _on_one_target: &[&Site<'_>], _out: &mut Vec<Diagnostic>) {}

    /// `check`'s findings about one crate of this source beyond the generic
    /// ones (Cognito: its timeout and module files).
    fn check_crate(
        &self,
        _ws: &Workspace,
        _m: &crate::workspace::Member,
        _t: &crate::workspace::TriggerMeta,
        _d: &mut crate::diagnostics::Diagnostics,
    ) {
    }

    // ---- resources ------------------------------------------------------------

    fn resource(&self) -> &'static ResourceInfo;

    /// The resource's name for a function's environment in local runs,
    /// where it is known without deploying.
    fn local_name(&self, r: &Resource) -> Option<String> {
        r.arn
            .as_ref()
            .map(|a| a.resource_name().to_string())
            .or_else(|| r.physical_name.clone())
    }

    /// The access levels of a grant on a resource of this kind that would
    /// invoke a function it triggers again (a write to its own bucket,
    /// table or stream): `grant` and `check` warn of the loop.
    fn retriggering_access(&self) -> &'static [&'static str] {
        &[]
    }

    /// How to avoid such a loop.
    fn retrigger_help(&self) -> &'static str {
        "write elsewhere, or make the handler recognise and skip what it wrote itself"
    }

    /// A managed resource of this kind that triggers a function names the
    /// function in its own configuration (a user pool's `LambdaConfig`), so
    /// the function cannot name it back without a cycle: the note says
    /// where the function finds it instead, for `grant` to print.
    fn self_reference_note(&self, _r: &Resource, _crate_name: &str, _var: &str) -> Option<String> {
        None
    }

    // ---- samples ----------------------------------------------------------------

    /// The kinds of sample event (`put`, `delete`); the first is the default.
    fn event_kinds(&self) -> Vec<String>;

    /// The kinds a crate of this source takes (Cognito: its event and its
    /// trigger sources), for `event --for` and `invoke --event`.
    fn crate_event_kinds(&self, _t: &crate::workspace::TriggerMeta) -> Vec<String> {
        self.event_kinds()
    }

    /// The sample event a crate of this source was generated with, which
    /// `invoke` runs it on by default (relative to the crate): its
    /// scaffold's sample of the first kind (`events/put.json`).
    fn sample_file(&self, _t: &crate::workspace::TriggerMeta) -> Option<String> {
        let kind = self.event_kinds().into_iter().next()?;
        crate::scaffold::catalog()
            .for_source(self.source())
            .samples
            .iter()
            .find(|(_, s)| s.kind == kind)
            .map(|(path, _)| path.clone())
    }

    /// What an unknown kind's `help:` lists (`S3 kinds are …`).
    fn event_kinds_help(&self) -> String {
        let kinds = self.event_kinds();
        let kinds: Vec<&str> = kinds.iter().map(String::as_str).collect();
        match kinds.as_slice() {
            [one] => format!("the only {} kind is `{one}`", self.display_name()),
            _ => format!("the {} kinds are {}", self.display_name(), crate::model::quoted(&kinds)),
        }
    }

    /// The flags of `cargo trigger event` for this source.
    fn event_flags(&self) -> &'static [sample::EventFlag] {
        &[]
    }

    /// A sample event, as AWS delivers it.
    fn sample_event(&self, req: &EventRequest<'_>) -> CargoResult<Value>;

    /// One sample file of a new crate, from its scaffold's spec.
    fn scaffold_sample(
        &self,
        scaffold: &CrateScaffold,
        spec: &SampleSpec,
        path: &str,
        b: &Binding,
        r: Option<&Resource>,
    ) -> CargoResult<(Value, Value)>;

    /// Template data of a new crate beyond the common fields.
    fn scaffold_context(&self, _scaffold: &CrateScaffold, _b: &Binding, _r: Option<&Resource>) -> Map<String, Value> {
        Map::new()
    }

    /// A crate's generated sample (`event --for` without field flags) made
    /// to pass binding `b`'s filters where it can, so what `invoke` runs
    /// reaches the function: the event as it is by default.
    fn fit_sample(&self, _b: &Binding, event: Value) -> Value {
        event
    }

    /// What Lambda would do with the records of a batch the function
    /// reported as failed (`batchItemFailures`): `first` is the position of
    /// the first one (`None`: one named no record, so the whole batch), of
    /// `total`. `invoke` prints it. `None` for sources without batches.
    fn retry_report(
        &self,
        _b: &Binding,
        _r: Option<&Resource>,
        _first: Option<usize>,
        _total: usize,
    ) -> Option<String> {
        None
    }

    /// What binding `b` would hand the function for `event` (`invoke` runs
    /// the function on it): SNS filter policies, EventBridge patterns,
    /// event-source-mapping filters and S3 key filters apply here.
    fn deliver(&self, _b: &Binding, _r: Option<&Resource>, event: Value) -> Delivery {
        Delivery::all(event)
    }

    // ---- new ----------------------------------------------------------------------

    /// The name `new` gives a crate for binding `b` when none is given.
    fn default_crate_name(&self, b: &Binding) -> String {
        format!("{}-{}-trigger", draft::target_slug(&b.target), self.source())
    }

    /// The crates `new` would create (not those it extends), by name: for
    /// the interactive `new` to ask for another name when one is taken.
    fn new_crate_names(&self, ws: &Workspace, opts: &draft::NewOptions) -> Vec<String> {
        match &opts.name {
            Some(n) => vec![n.clone()],
            None => binding::resolve(&opts.binding, self.source(), &ws.meta, true)
                .map(|r| vec![self.default_crate_name(&r.binding)])
                .unwrap_or_default(),
        }
    }

    /// The source's own plan for `new`, where one crate per binding is not
    /// what it makes (Cognito: one crate per event per pool, with modules).
    fn plan_new(&self, _ws: &Workspace, _opts: &draft::NewOptions) -> Option<CargoResult<Planned>> {
        None
    }

    /// A note for `new`, `wire` and `list` about a trigger (federated
    /// sign-in does not invoke some Cognito triggers).
    fn caveat(&self, _event: Option<CognitoEvent>) -> Option<String> {
        None
    }

    // ---- export -------------------------------------------------------------------

    /// One binding of function `f`: its SAM event, or the resources that
    /// stand for one, and the statements the function needs.
    fn export_binding(&self, cx: &mut ExportCx<'_>, f: &mut FunctionCx<'_>, b: &Binding, index: usize);

    /// What a function of this source needs beyond its bindings (Cognito
    /// modules' permissions and secrets).
    fn export_function(&self, _cx: &mut ExportCx<'_>, _f: &mut FunctionCx<'_>) {}

    /// A managed resource of this kind, and its output.
    fn export_resource(&self, cx: &mut ExportCx<'_>, r: &Resource) -> (crate::model::cfn::Resource, Value);

    /// The ARN policies name for the resource.
    fn arn_expr(&self, p: &Place<'_>) -> crate::model::cfn::Expr;

    /// How a grant on the resource is exported: the policy resources, the
    /// value of its environment variable, and whether the statement must
    /// wait in a separate policy (the resource points back at `f`).
    fn export_grant(&self, p: &Place<'_>, _f: &FunctionCx<'_>) -> export::GrantExport {
        export::GrantExport {
            resources: vec![self.arn_expr(p)],
            name: export::name_expr(p),
            late: None,
        }
    }

    /// Statements a grant of `access` on resource `r` needs besides the
    /// level's actions on the resource (the KMS key a topic is encrypted
    /// with); `cx` takes warnings.
    fn grant_statements(
        &self,
        _cx: &mut ExportCx<'_>,
        _r: &Resource,
        _access: &str,
        _f: &FunctionCx<'_>,
    ) -> Vec<crate::model::cfn::Statement> {
        Vec::new()
    }
}

/// Every source's spec.
pub fn all() -> impl Iterator<Item = &'static dyn SourceSpec> {
    Source::ALL.iter().map(|s| s.spec())
}
